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
import rnnkit.layers.State;
import rnnkit.text.PaddedBatch;

/**
 * Sequence classification from the last state (the lecture's Algorithm 1): embed the tokens, run a recurrent
 * layer over them, and score the classes from its state after each sentence's last real token:
 * {@code o = h_T W_hy + b_y}.
 */
public final class RnnClassifier implements Trainable {

    private final Embedding embedding;
    private final Recurrent rnn;
    private final Affine output;
    private final List<Parameter> params;
    private int steps;

    public RnnClassifier(Embedding embedding, Recurrent rnn, Affine output) {
        this.embedding = embedding;
        this.rnn = rnn;
        this.output = output;
        params = Trainable.prefixed(part("embedding", embedding), part("rnn", rnn), part("output", output));
    }

    /** V tokens, embeddings of size E, one {@code cell} layer of H units, C classes. */
    public static RnnClassifier of(Cell cell, int vocabularySize, int embeddingSize, int hiddenSize, int classes, Rng rng) {
        return new RnnClassifier(new Embedding(vocabularySize, embeddingSize, rng), cell.layer(embeddingSize, hiddenSize, rng),
                new Affine(hiddenSize, classes, "Why", "by", rng));
    }

    @Override
    public List<Parameter> parameters() {
        return params;
    }

    @Override
    public void train(boolean training) {
        rnn.train(training);
    }

    /** Class scores (B&times;C) from each sentence's last state; keeps a cache for {@link #backward}. */
    public DMatrixRMaj scores(PaddedBatch batch) {
        steps = batch.steps();
        rnn.forward(embedding.forward(batch.ids()), null, batch.mask());
        return output.forward(rnn.finalState().h);
    }

    /** Back from dL/dscores: into the last state, through time, into the embeddings. */
    public void backward(DMatrixRMaj dscores) {
        DMatrixRMaj dh = output.backward(dscores);
        State dFinal = new State(dh);                                   // no gradient on the final c: zero
        Sequence noOutputGradient = new Sequence(steps, dh.numRows, rnn.hiddenSize());
        embedding.backward(rnn.backward(noOutputGradient, dFinal));
    }
}
