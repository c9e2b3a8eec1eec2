package rnnkit.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import rnnkit.core.Rng;
import rnnkit.models.Cell;
import rnnkit.models.LanguageModel;

class DecodingTest {

    private static final int EOS = 0;
    private static final int A = 1;
    private static final int B = 2;

    /**
     * A hand-built model over {eos, A, B}: the state is the history. First token: A 0.6, B 0.4. After A: eos, A, B
     * 0.4, 0.3, 0.3. After B: eos 0.9. So greedy takes A then eos (0.24), but B eos has 0.36.
     */
    static final class TinyModel implements StepModel<List<int[]>> {
        int calls;

        @Override
        public Step<List<int[]>> next(List<int[]> state, int[] tokens) {
            calls++;
            DMatrixRMaj lp = new DMatrixRMaj(tokens.length, 3);
            List<int[]> after = new ArrayList<>();
            for (int r = 0; r < tokens.length; r++) {
                int[] history = Arrays.copyOf(state.get(r), state.get(r).length + 1);
                history[history.length - 1] = tokens[r];
                after.add(history);
                double[] p = history.length == 1 ? new double[]{0.0, 0.6, 0.4}
                        : history[1] == A ? new double[]{0.4, 0.3, 0.3} : new double[]{0.9, 0.05, 0.05};
                for (int j = 0; j < 3; j++) {
                    lp.set(r, j, Math.log(p[j]));
                }
            }
            return new Step<>(lp, after);
        }

        @Override
        public List<int[]> select(List<int[]> state, int[] rows) {
            List<int[]> out = new ArrayList<>();
            for (int r : rows) {
                out.add(state.get(r));
            }
            return out;
        }
    }

    private static List<int[]> start() {
        return List.of(new int[0]);
    }

    @Test
    void greedyTakesTheLocallyBestToken() {
        assertArrayEquals(new int[]{A}, Decoding.greedy(new TinyModel(), start(), new int[]{9}, EOS, 10)[0]);
    }

    @Test
    void aBeamOfTwoFindsTheBetterSequenceAndOneIsGreedy() {
        BeamSearch.Result two = BeamSearch.search(new TinyModel(), start(), 9, EOS, 2, 10, 0);
        assertArrayEquals(new int[]{B}, two.best().tokens());
        assertEquals(Math.log(0.4 * 0.9), two.best().logProb(), 1e-12);
        assertTrue(two.best().finished());
        assertEquals(2, two.nBest().size());
        assertArrayEquals(new int[]{A}, two.nBest().get(1).tokens(), "the n-best list holds greedy's answer second");
        BeamSearch.Result one = BeamSearch.search(new TinyModel(), start(), 9, EOS, 1, 10, 0);
        assertArrayEquals(Decoding.greedy(new TinyModel(), start(), new int[]{9}, EOS, 10)[0], one.best().tokens());
        assertEquals(2, two.beams().get(0).size(), "step 1 kept A and B");
    }

    @Test
    void beamWidthOneEqualsGreedyOnARealModel() {
        LanguageModel lm = LanguageModel.of(Cell.LSTM, 12, 6, 8, 2, new Rng(3));
        for (int start = 0; start < 12; start++) {
            int[] greedy = Decoding.greedy(lm.stepper(), lm.zeroStates(1), new int[]{start}, 11, 15)[0];
            BeamSearch.Result beam = BeamSearch.search(lm.stepper(), lm.zeroStates(1), start, 11, 1, 15, 0);
            assertArrayEquals(greedy, beam.best().tokens(), "from token " + start);
        }
    }

    @Test
    void lengthNormalizationFavoursLongerOutputs() {
        BeamSearch.Result raw = BeamSearch.search(new TinyModel(), start(), 9, EOS, 3, 10, 0);
        for (BeamSearch.Hypothesis h : raw.nBest()) {
            assertEquals(h.logProb(), h.score(), 0, "alpha 0: the raw sum");
        }
        BeamSearch.Result norm = BeamSearch.search(new TinyModel(), start(), 9, EOS, 3, 10, 1);
        for (BeamSearch.Hypothesis h : norm.nBest()) {
            assertEquals(h.logProb() / (h.tokens().length + (h.finished() ? 1 : 0)), h.score(), 1e-15, "alpha 1: per token");
        }
    }

    @Test
    void lowTemperatureSamplingIsGreedyAndTopKRestricts() {
        LanguageModel lm = LanguageModel.of(Cell.GRU, 10, 5, 7, 1, new Rng(4));
        int[] greedy = Decoding.greedy(lm.stepper(), lm.zeroStates(1), new int[]{3}, -1, 20)[0];
        int[] cold = Decoding.sample(lm.stepper(), lm.zeroStates(1), new int[]{3}, -1, 20, 1e-3, 0, new Rng(1))[0];
        assertArrayEquals(greedy, cold);
        DMatrixRMaj lp = new DMatrixRMaj(new double[][]{{Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)}});
        double[] w = Decoding.weights(lp, 0, 1, 2);
        assertEquals(0, w[2], 0);
        assertEquals(0, w[3], 0);
        assertEquals(0.3 / 0.5, w[1] / w[0], 1e-12);
        double[] hot = Decoding.weights(lp, 0, 2, 0);
        assertEquals(Math.sqrt(0.3 / 0.5), hot[1] / hot[0], 1e-12, "temperature 2 takes the square root of the ratios");
        int[][] s1 = Decoding.sample(lm.stepper(), lm.zeroStates(2), new int[]{1, 2}, -1, 30, 1.0, 3, new Rng(5));
        int[][] s2 = Decoding.sample(lm.stepper(), lm.zeroStates(2), new int[]{1, 2}, -1, 30, 1.0, 3, new Rng(5));
        assertArrayEquals(s1[1], s2[1], "same seed, same sample");
        assertThrows(IllegalArgumentException.class, () -> Decoding.sample(lm.stepper(), lm.zeroStates(1), new int[]{1}, -1, 3, 0, 0, new Rng(1)));
    }

    @Test
    void scheduleValuesAtGivenSteps() {
        assertEquals(1.0, ScheduledSampling.linear(1.0, 0.001, 0.1).epsilon(0), 0);
        assertEquals(0.5, ScheduledSampling.linear(1.0, 0.001, 0.1).epsilon(500), 1e-12);
        assertEquals(0.1, ScheduledSampling.linear(1.0, 0.001, 0.1).epsilon(5000), 0, "floored at eps_min");
        assertEquals(Math.pow(0.99, 100), ScheduledSampling.exponential(0.99).epsilon(100), 1e-15);
        assertEquals(500 / (500 + Math.exp(2.0)), ScheduledSampling.inverseSigmoid(500).epsilon(1000), 1e-15);
        assertEquals(0.5, ScheduledSampling.inverseSigmoid(1).epsilon(0), 0, "k/(k+1) at i = 0");
        assertThrows(IllegalArgumentException.class, () -> ScheduledSampling.exponential(1.2));
    }

    @Test
    void mixingFeedsTruthWithProbabilityEpsilon() {
        LanguageModel lm = LanguageModel.of(Cell.LSTM, 8, 4, 6, 1, new Rng(6));
        int T = 40;
        int Bt = 5;
        int[][] teacher = new int[T][Bt];
        for (int t = 0; t < T; t++) {
            Arrays.fill(teacher[t], 7);
        }
        int[][] all = ScheduledSampling.mixInputs(lm.stepper(), lm.zeroStates(Bt), teacher, 1.0, new Rng(1));
        assertArrayEquals(teacher[20], all[20], "epsilon 1: teacher forcing");
        int[][] free = ScheduledSampling.mixInputs(lm.stepper(), lm.zeroStates(Bt), teacher, 0.0, new Rng(1));
        int truth = 0;
        for (int t = 1; t < T; t++) {
            for (int b = 0; b < Bt; b++) {
                truth += free[t][b] == 7 ? 1 : 0;
            }
        }
        assertTrue(truth < 0.5 * (T - 1) * Bt, "epsilon 0: the model's own samples (" + truth + " happen to be 7)");
        assertArrayEquals(teacher[0], free[0], "the start tokens are always given");
        assertArrayEquals(free[30], ScheduledSampling.mixInputs(lm.stepper(), lm.zeroStates(Bt), teacher, 0.0, new Rng(1))[30]);
    }

}
