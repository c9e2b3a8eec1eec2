package rnnkit.models;

import static rnnkit.core.Trainable.part;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.core.Trainable;
import rnnkit.layers.Affine;
import rnnkit.layers.Embedding;
import rnnkit.layers.Recurrent;
import rnnkit.layers.SoftmaxCrossEntropy;
import rnnkit.metrics.Metrics;
import rnnkit.text.PaddedBatch;

/**
 * Dense prediction (the lecture's Algorithm 2): one output per token, {@code o_t = h_t W_hy + b_y}, as for
 * part-of-speech tagging. The loss is the mean cross-entropy over the real tokens of a padded batch.
 */
public final class Tagger implements Trainable {

    private final Embedding embedding;
    private final Recurrent rnn;
    private final Affine output;
    private final List<Parameter> params;
    private Sequence dscores;

    public Tagger(Embedding embedding, Recurrent rnn, Affine output) {
        this.embedding = embedding;
        this.rnn = rnn;
        this.output = output;
        params = Trainable.prefixed(part("embedding", embedding), part("rnn", rnn), part("output", output));
    }

    /** V words, embeddings of size E, one {@code cell} layer of H units, K tags. */
    public static Tagger of(Cell cell, int vocabularySize, int embeddingSize, int hiddenSize, int tags, Rng rng) {
        return new Tagger(new Embedding(vocabularySize, embeddingSize, rng), cell.layer(embeddingSize, hiddenSize, rng),
                new Affine(hiddenSize, tags, "Why", "by", rng));
    }


    @Override
    public List<Parameter> parameters() {
        return params;
    }

    @Override
    public void train(boolean training) {
        rnn.train(training);
    }

    /** Tag scores for every token (T steps of B&times;K). */
    public Sequence scores(PaddedBatch words) {
        return output.forward(rnn.forward(embedding.forward(words.ids()), null, words.mask()));
    }

    /** The mean cross-entropy of {@code tags[t][b]} over the real tokens; keeps a cache for {@link #backward}. */
    public double loss(PaddedBatch words, int[][] tags) {
        Sequence s = scores(words);
        dscores = new Sequence(s.length(), s.batch(), s.dim());
        return SoftmaxCrossEntropy.sequenceLoss(s, tags, words.mask(), dscores);
    }

    /** Back through every step. */
    public void backward() {
        embedding.backward(rnn.backward(output.backward(dscores), null));
    }

    /** The most probable tag of every token, {@code [t][b]}. */
    public int[][] predict(PaddedBatch words) {
        Sequence s = scores(words);
        int[][] out = new int[s.length()][];
        for (int t = 0; t < s.length(); t++) {
            out[t] = Metrics.argmax(s.at(t));
        }
        return out;
    }
}
