package rnnkit.decode;

import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Rng;

/**
 * Scheduled sampling (Bengio et al., 2015). During training the decoder is fed the true previous token with
 * probability ε_i and its own sampled prediction otherwise, with ε_i decaying over training steps i, so that the
 * model learns to recover from its own mistakes (exposure bias) instead of only ever seeing perfect histories.
 */
public final class ScheduledSampling {

    private ScheduledSampling() {
    }

    /** ε_i, the probability of feeding the ground truth at training step i. */
    @FunctionalInterface
    public interface Schedule {
        double epsilon(int i);
    }

    /** Linear decay: ε_i = max(ε_min, k - c i). */
    public static Schedule linear(double k, double c, double epsMin) {
        return i -> Math.max(epsMin, k - c * i);
    }

    /** Exponential decay: ε_i = k^i, k &lt; 1. */
    public static Schedule exponential(double k) {
        if (k <= 0 || k >= 1) {
            throw new IllegalArgumentException("exponential decay needs 0 < k < 1, got " + k);
        }
        return i -> Math.pow(k, i);
    }

    /** Inverse sigmoid decay: ε_i = k / (k + exp(i / k)), k ≥ 1. */
    public static Schedule inverseSigmoid(double k) {
        if (k < 1) {
            throw new IllegalArgumentException("inverse sigmoid decay needs k >= 1, got " + k);
        }
        return i -> k / (k + Math.exp(i / k));
    }

    /**
     * The decoder inputs for one batch: {@code teacher[0]} (the start tokens), then for each step t ≥ 1 and row b
     * the true token {@code teacher[t][b]} with probability {@code epsilon}, else a token sampled from the model's
     * prediction at step t-1, which the model made from the inputs chosen so far. The model runs free (no cache);
     * a teacher-forced forward and backward pass with these inputs is then the training step. Gradients do not
     * flow through the sampling, as in the paper.
     */
    public static <S> int[][] mixInputs(StepModel<S> model, S state, int[][] teacher, double epsilon, Rng rng) {
        int T = teacher.length;
        int B = teacher[0].length;
        int[][] inputs = new int[T][B];
        inputs[0] = teacher[0].clone();
        for (int t = 1; t < T; t++) {
            StepModel.Step<S> s = model.next(state, inputs[t - 1]);
            state = s.state();
            DMatrixRMaj logProbs = s.logProbs();
            for (int b = 0; b < B; b++) {
                inputs[t][b] = rng.uniform() < epsilon
                        ? teacher[t][b]
                        : rng.categorical(Decoding.weights(logProbs, b, 1.0, 0));
            }
        }
        return inputs;
    }
}
