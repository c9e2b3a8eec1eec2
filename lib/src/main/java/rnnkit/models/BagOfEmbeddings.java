package rnnkit.models;

import static rnnkit.core.Trainable.part;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.core.Trainable;
import rnnkit.layers.Affine;
import rnnkit.layers.Embedding;
import rnnkit.layers.Pooling;
import rnnkit.text.PaddedBatch;

/**
 * The bag-of-embeddings classifier of notebook 01: embeddings, their mean over a sentence's real tokens, and an
 * affine layer to class scores. Strong for its size, and blind to word order.
 */
public final class BagOfEmbeddings implements Trainable {

    private final Embedding embedding;
    private final Affine output;
    private final List<Parameter> params;
    private DMatrixRMaj weights;

    public BagOfEmbeddings(int vocabularySize, int dim, int classes, Rng rng) {
        embedding = new Embedding(vocabularySize, dim, rng);
        output = new Affine(dim, classes, rng);
        params = Trainable.prefixed(part("embedding", embedding), part("output", output));
    }

    @Override
    public List<Parameter> parameters() {
        return params;
    }

    /** Class scores (B&times;C) for a padded batch of sentences; keeps a cache for {@link #backward}. */
    public DMatrixRMaj scores(PaddedBatch batch) {
        weights = Pooling.meanWeights(batch.mask(), batch.steps(), batch.batch());
        return output.forward(Pooling.forward(embedding.forward(batch.ids()), weights));
    }

    /** Back from dL/dscores to every parameter. */
    public void backward(DMatrixRMaj dscores) {
        embedding.backward(Pooling.backward(output.backward(dscores), weights));
    }
}
