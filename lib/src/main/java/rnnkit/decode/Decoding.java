package rnnkit.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Rng;

/** Greedy decoding and sampling with temperature and top-k. */
public final class Decoding {

    private Decoding() {
    }

    /**
     * Greedy decoding of a batch: feed {@code start[b]}, then always the most probable token, until every row
     * has produced {@code eos} or {@code maxLength} tokens. Returns each row's tokens, without {@code eos}.
     */
    public static <S> int[][] greedy(StepModel<S> model, S state, int[] start, int eos, int maxLength) {
        return run(model, state, start, eos, maxLength, Decoding::argmax);
    }

    /**
     * Sampling from the model: each next token drawn from softmax(log p / temperature), restricted to the
     * {@code topK} most probable tokens (0: all). Temperature below 1 sharpens the distribution (towards greedy),
     * above 1 flattens it (towards uniform). Stops at {@code eos} (if not negative) or after {@code length} tokens.
     */
    public static <S> int[][] sample(StepModel<S> model, S state, int[] start, int eos, int length, double temperature,
                                     int topK, Rng rng) {
        if (temperature <= 0) {
            throw new IllegalArgumentException("temperature must be positive (use greedy for temperature 0), got " + temperature);
        }
        return run(model, state, start, eos, length, (logProbs, b) -> rng.categorical(weights(logProbs, b, temperature, topK)));
    }

    /** Picks row b's next token from the log-probabilities. */
    private interface Chooser {
        int choose(DMatrixRMaj logProbs, int row);
    }

    /** Feeds each row its chosen token until every row has produced eos, or for at most {@code length} steps. */
    private static <S> int[][] run(StepModel<S> model, S state, int[] start, int eos, int length, Chooser chooser) {
        int B = start.length;
        List<List<Integer>> out = new ArrayList<>();
        for (int b = 0; b < B; b++) {
            out.add(new ArrayList<>());
        }
        boolean[] done = new boolean[B];
        int[] tokens = start.clone();
        for (int step = 0; step < length; step++) {
            StepModel.Step<S> s = model.next(state, tokens);
            state = s.state();
            boolean all = true;
            for (int b = 0; b < B; b++) {
                tokens[b] = chooser.choose(s.logProbs(), b);
                if (!done[b]) {
                    if (tokens[b] == eos) {
                        done[b] = true;
                    } else {
                        out.get(b).add(tokens[b]);
                    }
                }
                all &= done[b];
            }
            if (all) {
                break;
            }
        }
        int[][] result = new int[B][];
        for (int b = 0; b < B; b++) {
            result[b] = out.get(b).stream().mapToInt(Integer::intValue).toArray();
        }
        return result;
    }

    /** exp(log p / T) for the top k entries of a row (others 0), unnormalized; what {@link #sample} draws from. */
    public static double[] weights(DMatrixRMaj logProbs, int row, double temperature, int topK) {
        int V = logProbs.numCols;
        double[] w = new double[V];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < V; j++) {
            max = Math.max(max, logProbs.get(row, j));
        }
        double threshold = Double.NEGATIVE_INFINITY;
        if (topK > 0 && topK < V) {
            double[] sorted = new double[V];
            for (int j = 0; j < V; j++) {
                sorted[j] = logProbs.get(row, j);
            }
            Arrays.sort(sorted);
            threshold = sorted[V - topK];
        }
        int kept = 0;
        for (int j = 0; j < V; j++) {
            double lp = logProbs.get(row, j);
            if (lp >= threshold && (topK <= 0 || kept < topK)) {
                w[j] = Math.exp((lp - max) / temperature);
                kept++;
            }
        }
        return w;
    }

    static int argmax(DMatrixRMaj m, int row) {
        int best = 0;
        for (int j = 1; j < m.numCols; j++) {
            if (m.get(row, j) > m.get(row, best)) {
                best = j;
            }
        }
        return best;
    }

}
