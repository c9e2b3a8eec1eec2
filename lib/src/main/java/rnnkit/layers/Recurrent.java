package rnnkit.layers;

import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Trainable;
import rnnkit.core.Sequence;

/**
 * A recurrent layer over whole sequences: the vanilla {@link Rnn}, the {@link Lstm}, the {@link Gru}, and the
 * wrappers built from them ({@link Stacked}, {@link Bidirectional}).
 *
 * <p>{@code forward} keeps a cache that the next {@code backward} uses (backpropagation through time over the
 * whole sequence); {@code step} advances one step without any cache, for decoding and sampling.
 */
public interface Recurrent extends Trainable {

    int inputSize();

    int hiddenSize();

    /** Whether the state has a cell c besides h (an LSTM). */
    boolean hasCell();

    /** The zero state for a batch. */
    default State zeroState(int batch) {
        return State.zeros(batch, hiddenSize(), hasCell());
    }

    /** Runs over the sequence from {@code initial} (null: zeros), caching for backward; returns h_1 ... h_T. */
    Sequence forward(Sequence x, State initial);

    /**
     * For padded batches: where {@code mask} (T&times;B, null: no padding) is 0 the state is carried over
     * unchanged, so that the final state of each sequence is its state after its own last token.
     */
    Sequence forward(Sequence x, State initial, DMatrixRMaj mask);

    /**
     * Backpropagation through time. {@code dh.at(t)} is dL/dh_t from the layers above (a null step counts as
     * zero), {@code dFinal} the gradient on the final state (null, or a null {@code c}: zero, as when the final
     * state or its cell is not used). Accumulates the parameters' gradients and returns dL/dx_t for every step.
     */
    Sequence backward(Sequence dh, State dFinal);

    /** The state after the last step of the last forward pass. */
    State finalState();

    /** The state after step t of the last forward pass ({@code t = -1}: the initial state). */
    State stateAt(int t);

    /** dL/d(initial state), from the last backward pass. */
    State initialGradient();

    /**
     * ||dL/dh_t|| (Frobenius norm over the batch) for t = 0 ... T-1, from the last backward pass: the whole
     * gradient reaching h_t, from its own output and from the future. Vanishing gradients show here.
     */
    double[] hiddenGradNorms();

    /** One step from {@code state} with input {@code x} (B&times;D), without cache; returns the new state. */
    State step(DMatrixRMaj x, State state);
}
