package exercises;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import rnnkit.core.Rng;
import rnnkit.decode.BeamSearch;
import rnnkit.decode.Decoding;
import rnnkit.decode.StepModel;
import rnnkit.grader.testkit.Graded;
import rnnkit.grader.testkit.GradedNotebook;
import rnnkit.metrics.Metrics;
import rnnkit.models.Cell;
import rnnkit.models.LanguageModel;
import rnnkit.ui.Check;

/** Hidden tests of notebook 09: greedy decoding, length normalization, beam search and BLEU against the library. */
@GradedNotebook("09-beam-search")
class Nb09BeamSearchTest {

    /** Hypotheses as comparable text: tokens, log-probability to 1e-9, finished, score to 1e-9. */
    private static List<String> described(List<BeamSearch.Hypothesis> hs) {
        List<String> out = new ArrayList<>();
        for (BeamSearch.Hypothesis h : hs) {
            out.add(Arrays.toString(h.tokens()) + String.format(java.util.Locale.ROOT, " logP %.9f score %.9f ", h.logProb(), h.score())
                    + (h.finished() ? "finished" : "live"));
        }
        return out;
    }

    // ---- nb09_greedy (2 points) ----

    @Test
    @Graded(id = "nb09_greedy", weight = 3)
    @DisplayName("greedy decodes as the library's greedy decoding")
    void greedyMatchesTheLibrary() {
        for (Cell cell : Cell.values()) {
            LanguageModel lm = LanguageModel.of(cell, 6, 4, 6, 2, new Rng(cell.ordinal() + 1));
            for (int start = 0; start < 6; start++) {
                for (int eos : new int[]{2, 5}) {
                    int[] want = Decoding.greedy(lm.stepper(), lm.zeroStates(1), new int[]{start}, eos, 15)[0];
                    int[] got = Ex_nb09_greedy.greedy(lm.stepper(), lm.zeroStates(1), start, eos, 15);
                    Check.that(cell + ": greedy from " + start + " with eos " + eos, Arrays.equals(want, got),
                            "feed start, then the argmax (lowest index on ties) each step; stop at eos (not returned) or after maxLength tokens; expected "
                                    + Arrays.toString(want) + ", got " + Arrays.toString(got));
                }
            }
        }
    }

    @Test
    @Graded(id = "nb09_greedy", weight = 1)
    @DisplayName("greedy stops after maxLength tokens")
    void greedyStopsAtMaxLength() {
        LanguageModel lm = LanguageModel.of(Cell.GRU, 5, 3, 4, 1, new Rng(9));
        for (int max : new int[]{0, 1, 7}) {
            int[] want = Decoding.greedy(lm.stepper(), lm.zeroStates(1), new int[]{0}, -1, max)[0];
            int[] got = Ex_nb09_greedy.greedy(lm.stepper(), lm.zeroStates(1), 0, -1, max);
            Check.that("maxLength " + max + " with no eos", Arrays.equals(want, got), "exactly maxLength tokens when eos never comes");
        }
    }

    /** A model whose tokens 1 and 3 tie for the most probable at every step, until it says eos (4) at step 4. */
    private static final StepModel<Integer> TIES = new StepModel<>() {
        @Override
        public Step<Integer> next(Integer step, int[] tokens) {
            DMatrixRMaj logProbs = new DMatrixRMaj(tokens.length, 5);
            for (int r = 0; r < tokens.length; r++) {
                double[] p = step < 3 ? new double[]{0.1, 0.3, 0.1, 0.3, 0.2} : new double[]{0.1, 0.1, 0.1, 0.1, 0.6};
                for (int v = 0; v < 5; v++) {
                    logProbs.set(r, v, Math.log(p[v]));
                }
            }
            return new Step<>(logProbs, step + 1);
        }

        @Override
        public Integer select(Integer step, int[] rows) {
            return step;
        }
    };

    @Test
    @Graded(id = "nb09_greedy", weight = 1)
    @DisplayName("greedy breaks ties toward the lower token")
    void greedyBreaksTiesTowardTheLowerToken() {
        int[] got = Ex_nb09_greedy.greedy(TIES, 0, 0, 4, 10);
        Check.that("tokens 1 and 3 tie at each of 3 steps, then eos", Arrays.equals(new int[]{1, 1, 1}, got),
                "take the first maximum (lowest index); expected [1, 1, 1], got " + Arrays.toString(got));
    }

    // ---- nb09_score (1 point) ----

    @Test
    @Graded(id = "nb09_score", weight = 1)
    @DisplayName("normalizedScore is logProb / max(1, length)^alpha")
    void scoreIsLengthNormalized() {
        for (double alpha : new double[]{0, 0.6, 1, 2}) {
            for (int length : new int[]{0, 1, 5, 12}) {
                Check.close("α = " + alpha + ", length " + length, -7.25 / Math.pow(Math.max(1, length), alpha),
                        Ex_nb09_score.normalizedScore(-7.25, length, alpha), 1e-14, "divide by max(1, length) to the power α");
            }
        }
    }

    // ---- nb09_beam (4 points) ----

    @Test
    @Graded(id = "nb09_beam", weight = 4)
    @DisplayName("beamSearch finds the library's n-best list and keeps the same beam at every step")
    void beamMatchesTheLibrary() {
        for (Cell cell : new Cell[]{Cell.LSTM, Cell.GRU}) {
            LanguageModel lm = LanguageModel.of(cell, 7, 4, 8, 1, new Rng(10 + cell.ordinal()));
            for (int K : new int[]{1, 2, 3, 5}) {
                for (double alpha : new double[]{0, 0.7, 1}) {
                    for (int start : new int[]{0, 4}) {
                        String at = cell + ", K = " + K + ", α = " + alpha + ", start " + start;
                        BeamSearch.Result want = BeamSearch.search(lm.stepper(), lm.zeroStates(1), start, 3, K, 8, alpha);
                        BeamSearch.Result got = Ex_nb09_beam.beamSearch(lm.stepper(), lm.zeroStates(1), start, 3, K, 8, alpha);
                        Check.that(at + ": the n-best list", got != null && described(want.nBest()).equals(described(got.nBest())),
                                "expected " + described(want.nBest()) + ", got " + (got == null ? null : described(got.nBest())));
                        Check.that(at + ": the number of steps", want.beams().size() == got.beams().size(),
                                "stop when no live hypothesis is left, when K have finished, or after maxLength steps; expected "
                                        + want.beams().size() + " steps, got " + got.beams().size());
                        for (int s = 0; s < want.beams().size(); s++) {
                            Check.that(at + ": the beam kept at step " + (s + 1), described(want.beams().get(s)).equals(described(got.beams().get(s))),
                                    "candidates by total log P (ties: lower beam, then lower token); keep K per step, finished and live together; expected "
                                            + described(want.beams().get(s)));
                        }
                    }
                }
            }
        }
    }

    @Test
    @Graded(id = "nb09_beam", weight = 1)
    @DisplayName("beamSearch with K = 1 is greedy decoding")
    void widthOneIsGreedy() {
        LanguageModel lm = LanguageModel.of(Cell.LSTM, 6, 4, 6, 1, new Rng(20));
        for (int start = 0; start < 6; start++) {
            int[] greedy = Decoding.greedy(lm.stepper(), lm.zeroStates(1), new int[]{start}, 2, 10)[0];
            BeamSearch.Result r = Ex_nb09_beam.beamSearch(lm.stepper(), lm.zeroStates(1), start, 2, 1, 10, 1.0);
            Check.that("K = 1 from " + start, Arrays.equals(greedy, r.nBest().get(0).tokens()), "K = 1 keeps the argmax at every step");
        }
    }

    // ---- nb09_bleu (3 points) ----

    private static List<List<String>> sentences(int n, int vocabulary, long seed) {
        Rng rng = new Rng(seed);
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> s = new ArrayList<>();
            int length = 3 + rng.nextInt(8);
            for (int t = 0; t < length; t++) {
                s.add("w" + rng.nextInt(vocabulary));
            }
            out.add(s);
        }
        return out;
    }

    /** A noisy copy of each reference: some words changed, some dropped, some repeated. */
    private static List<List<String>> noisy(List<List<String>> refs, long seed) {
        Rng rng = new Rng(seed);
        List<List<String>> out = new ArrayList<>();
        for (List<String> r : refs) {
            List<String> h = new ArrayList<>();
            for (String w : r) {
                double u = rng.uniform();
                if (u < 0.1) {
                    continue;
                }
                h.add(u < 0.25 ? "w" + rng.nextInt(5) : w);
                if (u > 0.9) {
                    h.add(w);
                }
            }
            out.add(h);
        }
        return out;
    }

    @Test
    @Graded(id = "nb09_bleu", weight = 3)
    @DisplayName("bleu equals the library's corpus BLEU-4")
    void bleuMatchesTheLibrary() {
        for (long seed : new long[]{1, 2, 3}) {
            List<List<String>> refs = sentences(40, 6, seed);
            List<List<String>> hyps = noisy(refs, seed + 10);
            Check.close("corpus BLEU, seed " + seed, Metrics.bleu(hyps, refs), Ex_nb09_bleu.bleu(hyps, refs), 1e-12,
                    "n-gram matches and totals summed over the corpus before dividing; clip each n-gram's count by the reference's; BP = min(1, exp(1 - r/c))");
        }
    }

    @Test
    @Graded(id = "nb09_bleu", weight = 1)
    @DisplayName("bleu clips repeated words, penalizes short outputs and is 0 without a 4-gram match")
    void bleuEdgeCases() {
        List<List<String>> ref = List.of(List.of("a", "b", "c", "d", "e", "f", "g", "h"));
        List<List<String>> shortHyp = List.of(List.of("a", "b", "c", "d", "e"));
        Check.close("a short but exact prefix", Metrics.bleu(shortHyp, ref), Ex_nb09_bleu.bleu(shortHyp, ref), 1e-12, "BP = exp(1 - r/c) when c < r");
        List<List<String>> repeated = List.of(List.of("a", "a", "a", "a", "b", "c", "d", "e"));
        Check.close("repeated words", Metrics.bleu(repeated, ref), Ex_nb09_bleu.bleu(repeated, ref), 1e-12, "a hypothesis n-gram counts at most as often as in the reference");
        List<List<String>> noFourGram = List.of(List.of("a", "b", "c", "x", "e", "f", "g", "y"));
        Check.close("no 4-gram in common", 0.0, Ex_nb09_bleu.bleu(noFourGram, ref), 0, "0 when some precision is 0");
    }
}
