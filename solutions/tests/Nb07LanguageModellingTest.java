package exercises;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import rnnkit.core.Init;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.decode.Decoding;
import rnnkit.grader.testkit.Fixtures;
import rnnkit.grader.testkit.Graded;
import rnnkit.grader.testkit.GradedNotebook;
import rnnkit.layers.SoftmaxCrossEntropy;
import rnnkit.metrics.Metrics;
import rnnkit.models.Cell;
import rnnkit.models.LanguageModel;
import rnnkit.models.NGram;
import rnnkit.text.LmStream;
import rnnkit.train.Bptt;
import rnnkit.train.Clip;
import rnnkit.train.Optimizer;
import rnnkit.ui.Check;

/** Hidden tests of notebook 07: perplexity, the bigram baseline, truncated BPTT and sampling, against the library. */
@GradedNotebook("07-language-modelling")
class Nb07LanguageModellingTest {

    /** Row-wise log-softmax of seeded random scores. */
    private static DMatrixRMaj logProbs(int rows, int V, long seed) {
        return SoftmaxCrossEntropy.logSoftmax(Init.uniform(rows, V, 4, seed));
    }

    /** Seeded tokens from a skewed distribution, so that the bigram counts are uneven. */
    private static int[] tokens(int n, int V, long seed) {
        Rng rng = new Rng(seed);
        double[] w = new double[V];
        for (int j = 0; j < V; j++) {
            w[j] = 1.0 / (j + 1);
        }
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = i > 0 && rng.uniform() < 0.4 ? (t[i - 1] + 1) % V : rng.categorical(w);
        }
        return t;
    }

    // ---- nb07_perplexity (1 point) ----

    @Test
    @Graded(id = "nb07_perplexity", weight = 2)
    @DisplayName("perplexity is exp of the mean negative log-probability of the targets")
    void perplexityIsExpOfTheMeanCrossEntropy() {
        for (int[] s : new int[][]{{5, 7}, {1, 3}, {40, 65}}) {
            DMatrixRMaj lp = logProbs(s[0], s[1], s[1]);
            int[] y = Fixtures.classes(s[0], s[1], s[0]);
            double nll = 0;
            for (int r = 0; r < s[0]; r++) {
                nll -= lp.get(r, y[r]);
            }
            Check.close("perplexity of " + s[0] + " predictions over " + s[1] + " tokens", Metrics.perplexity(nll / s[0]),
                    Ex_nb07_perplexity.perplexity(lp, y), 1e-10, "exp(-(1/N) Σ log p(target)), with the mean over the rows");
        }
    }

    @Test
    @Graded(id = "nb07_perplexity", weight = 1)
    @DisplayName("a uniform model's perplexity is V and a certain model's is 1")
    void perplexityOfUniformAndCertainModels() {
        DMatrixRMaj uniform = new DMatrixRMaj(3, 50);
        Arrays.fill(uniform.data, -Math.log(50));
        Check.close("uniform over 50 tokens", 50, Ex_nb07_perplexity.perplexity(uniform, new int[]{1, 2, 49}), 1e-9, null);
        DMatrixRMaj certain = new DMatrixRMaj(2, 4);
        Arrays.fill(certain.data, -1e9);
        certain.set(0, 2, 0);
        certain.set(1, 3, 0);
        Check.close("a model sure of the right tokens", 1, Ex_nb07_perplexity.perplexity(certain, new int[]{2, 3}), 1e-12, null);
    }

    // ---- nb07_bigram (2 points) ----

    @Test
    @Graded(id = "nb07_bigram", weight = 3)
    @DisplayName("bigramCrossEntropy equals the library's add-k bigram model")
    void bigramMatchesTheLibrary() {
        for (double k : new double[]{1, 0.1, 2.5}) {
            for (int V : new int[]{5, 30}) {
                int[] train = tokens(3000, V, V), test = tokens(700, V, V + 1);
                Check.close("add-" + k + " bigram, V = " + V, NGram.fit(train, V, k).bigramCrossEntropy(test),
                        Ex_nb07_bigram.bigramCrossEntropy(train, test, V, k), 1e-12,
                        "(count(a b) + k) / (count(a ·) + kV), pairs counted in train only; mean over the m - 1 predictions of tokens");
            }
        }
    }

    @Test
    @Graded(id = "nb07_bigram", weight = 1)
    @DisplayName("bigramCrossEntropy handles tokens never seen in training, and changes nothing")
    void bigramWithUnseenTokens() {
        int[] train = {0, 1, 0, 1, 0};
        int[] test = {2, 3, 0, 1};
        int[] trainCopy = train.clone(), testCopy = test.clone();
        Check.close("unseen pairs", NGram.fit(train, 4, 1).bigramCrossEntropy(test), Ex_nb07_bigram.bigramCrossEntropy(train, test, 4, 1),
                1e-12, "a previous token never seen has count(a ·) = 0: probability k / (kV)");
        Check.that("the token arrays are unchanged", Arrays.equals(train, trainCopy) && Arrays.equals(test, testCopy), "only read them");
    }

    // ---- nb07_tbptt (3 points) ----

    /** The library's TBPTT(T, T) over the stream, with clipping and Adam after each window: the chunk losses. */
    private static List<Double> reference(LanguageModel lm, LmStream stream, double clip, double lr) {
        int T = stream.steps();
        int[][] x = new int[stream.chunks() * T][];
        int[][] y = new int[stream.chunks() * T][];
        for (int k = 0; k < stream.chunks(); k++) {
            for (int t = 0; t < T; t++) {
                x[k * T + t] = stream.chunk(k).inputs()[t];
                y[k * T + t] = stream.chunk(k).targets()[t];
            }
        }
        Optimizer adam = new Optimizer.Adam(lm.parameters(), lr);
        List<Double> losses = new ArrayList<>();
        Bptt.truncated(lm, x, y, T, T, null, loss -> {
            losses.add(loss);
            Clip.byGlobalNorm(lm.parameters(), clip);
            adam.step();
        });
        return losses;
    }

    @Test
    @Graded(id = "nb07_tbptt", weight = 3)
    @DisplayName("trainEpoch trains exactly as the library's truncated BPTT with the state carried across chunks")
    void trainEpochMatchesTheLibrary() {
        for (Cell cell : new Cell[]{Cell.LSTM, Cell.RNN}) {
            int[] data = tokens(2500, 11, 5);
            LmStream stream = new LmStream(data, 3, 20);
            LanguageModel mine = LanguageModel.of(cell, 11, 5, 7, 1, new Rng(6));
            LanguageModel want = LanguageModel.of(cell, 11, 5, 7, 1, new Rng(6));
            List<Integer> calls = new ArrayList<>();
            double loss = Ex_nb07_tbptt.trainEpoch(mine, stream, new Optimizer.Adam(mine.parameters(), 0.02), 0.5, calls::add);
            List<Double> losses = reference(want, stream, 0.5, 0.02);
            List<Integer> expectedCalls = new ArrayList<>();
            for (int k = 0; k < stream.chunks(); k++) {
                expectedCalls.add(k);
            }
            Check.that(cell + ": afterChunk gets 0, 1, ..., " + (stream.chunks() - 1), calls.equals(expectedCalls),
                    "call afterChunk.accept(k) once per chunk, after its update, in order; got " + calls);
            Check.close(cell + ": the mean chunk loss", losses.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), loss, 1e-12,
                    "the mean of the chunks' losses");
            for (int i = 0; i < want.parameters().size(); i++) {
                Parameter p = mine.parameters().get(i);
                Check.close(cell + ": " + p.name() + " after the epoch", want.parameters().get(i).value, p.value, 1e-10,
                        "for each chunk: zero the gradients, forward from the carried state (zeros first), backward, clip, step, keep finalStates()");
            }
        }
    }

    @Test
    @Graded(id = "nb07_tbptt", weight = 1)
    @DisplayName("trainEpoch lowers the loss of a model that reads a repeating pattern")
    void trainEpochLearns() {
        int[] data = new int[1200];
        for (int i = 0; i < data.length; i++) {
            data[i] = i % 6;
        }
        LanguageModel lm = LanguageModel.of(Cell.GRU, 6, 4, 8, 1, new Rng(2));
        LmStream stream = new LmStream(data, 4, 10);
        double before = lm.evaluate(stream);
        Ex_nb07_tbptt.trainEpoch(lm, stream, new Optimizer.Adam(lm.parameters(), 0.05), 5, k -> { });
        double after = lm.evaluate(stream);
        Check.that("the loss on 0 1 2 3 4 5 0 1 ... falls from " + before + " to below half of it (got " + after + ")", after < before / 2,
                "apply the optimizer's step after every chunk");
    }

    // ---- nb07_distribution (2 points) ----

    private static double[] library(double[] scores, double temperature, int topK) {
        double[] w = Decoding.weights(new DMatrixRMaj(1, scores.length, true, scores), 0, temperature, topK);
        double total = Arrays.stream(w).sum();
        return Arrays.stream(w).map(v -> v / total).toArray();
    }

    @Test
    @Graded(id = "nb07_distribution", weight = 3)
    @DisplayName("samplingDistribution is the library's temperature and top-k distribution")
    void distributionMatchesTheLibrary() {
        double[] scores = Init.uniform(1, 20, 3, 8).data;
        scores[4] = scores[11];                                   // a tie
        for (double tau : new double[]{1, 0.3, 3}) {
            for (int k : new int[]{0, 1, 4, 19, 20, 25}) {
                Check.close("τ = " + tau + ", top-" + k, library(scores, tau, k), Ex_nb07_distribution.samplingDistribution(scores, tau, k), 1e-12,
                        "exp((s_j - max)/τ) over the k highest scores (0 or k ≥ V: all; ties: lower index first), normalized to 1");
            }
        }
        double[] tied = {0.5, 2, 2, 2, 1};
        Check.close("ties at the cut-off (top-2 of 0.5 2 2 2 1)", library(tied, 1, 2), Ex_nb07_distribution.samplingDistribution(tied, 1, 2), 1e-12,
                "among equal scores keep the lower indices");
    }

    @Test
    @Graded(id = "nb07_distribution", weight = 1)
    @DisplayName("samplingDistribution survives large scores and leaves them unchanged")
    void distributionOfLargeScores() {
        double[] scores = {800, 799, -800};
        double[] copy = scores.clone();
        Check.close("scores 800, 799, -800", library(scores, 0.5, 0), Ex_nb07_distribution.samplingDistribution(scores, 0.5, 0), 1e-12,
                "subtract the maximum before exp");
        Check.that("the scores are unchanged", Arrays.equals(scores, copy), "compute into a new array");
    }

    // ---- nb07_generate (3 points) ----

    @Test
    @Graded(id = "nb07_generate", weight = 3)
    @DisplayName("generate draws the same tokens as the library's sampler")
    void generateMatchesTheLibrary() {
        for (Cell cell : new Cell[]{Cell.LSTM, Cell.GRU}) {
            LanguageModel lm = LanguageModel.of(cell, 13, 6, 9, 2, new Rng(3));
            for (double tau : new double[]{1, 0.6, 1.8}) {
                for (int k : new int[]{0, 3}) {
                    int[] want = Decoding.sample(lm.stepper(), lm.zeroStates(1), new int[]{4}, -1, 60, tau, k, new Rng(21))[0];
                    int[] got = Ex_nb07_generate.generate(lm.stepper(), lm.zeroStates(1), 4, 60, tau, k, new Rng(21));
                    Check.that(cell + ", τ = " + tau + ", top-" + k + ": the 60 tokens as the library samples them",
                            Arrays.equals(want, got), "feed start, then each drawn token; draw with rng.categorical(samplingDistribution(row 0, τ, k))");
                }
            }
        }
    }

    @Test
    @Graded(id = "nb07_generate", weight = 1)
    @DisplayName("generate continues from the given state")
    void generateStartsFromTheGivenState() {
        LanguageModel lm = LanguageModel.of(Cell.LSTM, 13, 6, 9, 1, new Rng(4));
        var warm = lm.stepper().next(lm.zeroStates(1), new int[]{7}).state();
        int[] want = Decoding.sample(lm.stepper(), warm, new int[]{2}, -1, 30, 1, 0, new Rng(5))[0];
        int[] got = Ex_nb07_generate.generate(lm.stepper(), warm, 2, 30, 1, 0, new Rng(5));
        Check.that("30 tokens after a given state", Arrays.equals(want, got), "begin from state, not from zeros");
    }
}
