package rnnkit.decode;

import org.ejml.data.DMatrixRMaj;

/**
 * What decoding needs from a model: from a state and the last token of each row, the log-probabilities of the
 * next token and the new state. Batched: row b of the state goes with {@code tokens[b]}; beam search runs its K
 * beams as K rows. S is the model's state type.
 */
public interface StepModel<S> {

    /** log P(next token | history) for each row (B&times;V), and the state after reading {@code tokens}. */
    Step<S> next(S state, int[] tokens);

    /** The given rows of a batched state, in that order (to reorder beams, or to copy one row K times). */
    S select(S state, int[] rows);

    /** The result of one step. */
    record Step<S>(DMatrixRMaj logProbs, S state) {
    }
}
