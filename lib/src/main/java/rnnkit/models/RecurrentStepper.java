package rnnkit.models;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import rnnkit.decode.StepModel;
import rnnkit.layers.Affine;
import rnnkit.layers.Embedding;
import rnnkit.layers.SoftmaxCrossEntropy;
import rnnkit.layers.Stacked;
import rnnkit.layers.State;

/** Embedding, recurrent stack and output layer, one token at a time: the step model of both kinds of model. */
final class RecurrentStepper implements StepModel<List<State>> {

    private final Embedding embedding;
    private final Stacked rnn;
    private final Affine output;

    RecurrentStepper(Embedding embedding, Stacked rnn, Affine output) {
        this.embedding = embedding;
        this.rnn = rnn;
        this.output = output;
    }

    @Override
    public Step<List<State>> next(List<State> state, int[] tokens) {
        List<State> after = rnn.step(embedding.lookup(tokens, null), state);
        DMatrixRMaj scores = output.forward(after.get(after.size() - 1).h);
        return new Step<>(SoftmaxCrossEntropy.logSoftmax(scores), after);
    }

    @Override
    public List<State> select(List<State> state, int[] rows) {
        List<State> out = new ArrayList<>();
        state.forEach(s -> out.add(s.select(rows)));
        return out;
    }
}
