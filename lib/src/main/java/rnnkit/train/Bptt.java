package rnnkit.train;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import rnnkit.layers.State;
import rnnkit.models.LanguageModel;

/**
 * Truncated backpropagation through time, TBPTT(k1, k2) (Williams &amp; Peng, 1990; Sutskever, 2013): the model
 * reads a long stream; every k1 tokens, the loss of those k1 predictions is backpropagated through the last k2
 * steps only (k2 ≥ k1), and the parameters are updated. The hidden state is carried forward across the whole
 * stream, but gradients stop k2 steps back. k1 = k2 = T is char-rnn's chunked training; k1 = k2 = the whole
 * stream is full BPTT.
 */
public final class Bptt {

    private Bptt() {
    }

    /** Called after each backward pass, to clip and take an optimizer step; gets the window's mean loss. */
    @FunctionalInterface
    public interface Update {
        void apply(double loss);
    }

    /**
     * Runs TBPTT(k1, k2) over {@code inputs} / {@code targets} ({@code [N][B]}: B parallel streams of N tokens)
     * from {@code initial} (null: zeros). Returns the final states, to carry into the next call.
     */
    public static List<State> truncated(LanguageModel model, int[][] inputs, int[][] targets, int k1, int k2,
                                        List<State> initial, Update update) {
        if (k1 < 1 || k2 < k1) {
            throw new IllegalArgumentException("TBPTT needs 1 <= k1 <= k2, got k1=" + k1 + " k2=" + k2);
        }
        int N = inputs.length;
        int B = inputs[0].length;
        List<State> windowState = initial; // the state at position `from` of the next window
        List<State> last = initial;
        for (int done = 0; done < N; ) {
            int end = Math.min(done + k1, N);   // this update learns from predictions done .. end-1
            int from = Math.max(0, end - k2);   // and backpropagates from end-1 back to from
            int T = end - from;
            int[][] x = new int[T][];
            int[][] y = new int[T][];
            DMatrixRMaj mask = new DMatrixRMaj(T, B);
            for (int t = 0; t < T; t++) {
                x[t] = inputs[from + t];
                y[t] = targets[from + t];
                for (int b = 0; b < B; b++) {
                    mask.set(t, b, from + t >= done ? 1 : 0); // earlier predictions were learnt from already
                }
            }
            model.zeroGrad();
            double loss = model.forward(x, y, windowState, mask);
            model.backward();
            update.apply(loss);
            last = model.finalStates();
            int nextFrom = Math.max(0, Math.min(end + k1, N) - k2);
            if (nextFrom > from) {              // this forward pass computed the state there
                windowState = model.statesAt(nextFrom - from - 1);
            }
            done = end;
        }
        return last;
    }
}
