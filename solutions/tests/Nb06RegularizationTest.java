package exercises;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import rnnkit.core.Init;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.grader.testkit.Fixtures;
import rnnkit.grader.testkit.Graded;
import rnnkit.grader.testkit.GradedNotebook;
import rnnkit.layers.LayerNorm;
import rnnkit.layers.Rnn;
import rnnkit.reg.Dropout;
import rnnkit.reg.NormStabilizer;
import rnnkit.ui.Check;

/** Hidden tests of notebook 06: dropout schemes, layer norm and the norm-stabilizer against the library. */
@GradedNotebook("06-regularization")
class Nb06RegularizationTest {

    /** A vanilla RNN's weights and an input sequence. */
    private record RnnCase(Sequence x, DMatrixRMaj Wxh, DMatrixRMaj Whh, DMatrixRMaj bh) {
        static RnnCase of(int T, int B, int D, int H, long seed) {
            return new RnnCase(Sequence.of(Fixtures.steps(T, B, D, seed).toArray(new DMatrixRMaj[0])),
                    Init.uniform(D, H, 0.7, seed + 1), Init.uniform(H, H, 0.6, seed + 2), Init.uniform(1, H, 0.3, seed + 3));
        }

        /** The library's RNN with these weights, recurrent dropout p with its own generator (p = 0: none). */
        Rnn layer(double p, boolean oneMask, long seed) {
            Rnn rnn = new Rnn(Wxh.numRows, Wxh.numCols, new Rng(0));
            rnn.Wxh().setTo(Wxh);
            rnn.Whh().setTo(Whh);
            rnn.bh().setTo(bh);
            rnn.recurrentDropout(p, oneMask, new Rng(seed));
            return rnn;
        }

        /** Input dropout, the RNN with recurrent dropout (pState = 0: none), output dropout: the outputs y_t. */
        Sequence expected(double p, double pState, boolean oneMask, long in, long state, long out) {
            Sequence dropped = new Dropout(p, oneMask, new Rng(in)).forward(x);
            return new Dropout(p, oneMask, new Rng(out)).forward(layer(pState, oneMask, state).forward(dropped, null));
        }

        List<DMatrixRMaj> all() {
            List<DMatrixRMaj> list = new java.util.ArrayList<>(List.of(Wxh, Whh, bh));
            for (int t = 0; t < x.length(); t++) {
                list.add(x.at(t));
            }
            return list;
        }
    }

    private static final int[][] SHAPES = {{5, 3, 4, 6}, {1, 1, 2, 3}, {12, 2, 3, 5}};

    private static void sameOutputs(String scheme, Sequence expected, Sequence actual, int[] s, String hint) {
        Check.that(scheme + " returns T outputs", actual != null && actual.length() == expected.length(), "one y_t per step");
        for (int t = 0; t < expected.length(); t++) {
            Check.close(scheme + ": y_" + (t + 1) + " (T=" + s[0] + ", B=" + s[1] + ", D=" + s[2] + ", H=" + s[3] + ")",
                    expected.at(t), actual.at(t), 1e-12, hint);
        }
    }

    private static void unchanged(List<DMatrixRMaj> before, List<DMatrixRMaj> after) {
        for (int i = 0; i < before.size(); i++) {
            Check.close("argument matrix " + (i + 1) + " is unchanged", before.get(i), after.get(i), 0, "compute into new matrices");
        }
    }

    // ---- nb06_mask (1 point) ----

    @Test
    @Graded(id = "nb06_mask", weight = 3)
    @DisplayName("dropoutMask draws the library's inverted-dropout masks")
    void masksMatchTheLibrary() {
        for (double p : new double[]{0.3, 0.5, 0.0, 0.9}) {
            for (int[] shape : new int[][]{{4, 7}, {1, 1}, {30, 3}}) {
                DMatrixRMaj ones = new DMatrixRMaj(shape[0], shape[1]);
                CommonOps_DDRM.fill(ones, 1);
                DMatrixRMaj expected = new Dropout(p, false, new Rng(11)).forward(ones);
                DMatrixRMaj actual = Ex_nb06_mask.dropoutMask(shape[0], shape[1], p, new Rng(11));
                Check.close("mask " + shape[0] + "×" + shape[1] + ", p = " + p, expected, actual, 1e-15,
                        "1/(1-p) where rng.uniform() < 1 - p, else 0; one draw per entry, row by row");
            }
        }
    }

    @Test
    @Graded(id = "nb06_mask", weight = 1)
    @DisplayName("dropoutMask's kept fraction is 1 - p and its mean is 1")
    void masksKeepTheExpectedValue() {
        DMatrixRMaj m = Ex_nb06_mask.dropoutMask(300, 400, 0.25, new Rng(3));
        long kept = java.util.Arrays.stream(m.data).filter(v -> v != 0).count();
        Check.close("fraction kept (p = 0.25, 120,000 entries)", 0.75, kept / 120000.0, 0.01, "keep with probability 1 - p");
        Check.close("mean of the mask", 1.0, CommonOps_DDRM.elementSum(m) / 120000.0, 0.01, "kept entries are 1/(1-p)");
    }

    // ---- nb06_naive (2 points) ----

    @Test
    @Graded(id = "nb06_naive", weight = 3)
    @DisplayName("naiveDropoutRnn equals the library's RNN with new input, recurrent and output masks every step")
    void naiveMatchesTheLibrary() {
        for (int[] s : SHAPES) {
            RnnCase k = RnnCase.of(s[0], s[1], s[2], s[3], 10 * s[0]);
            sameOutputs("naive dropout", k.expected(0.4, 0.4, false, 1, 2, 3),
                    Ex_nb06_naive.naiveDropoutRnn(k.x(), k.Wxh(), k.Whh(), k.bh(), 0.4, new Rng(1), new Rng(2), new Rng(3)), s,
                    "at every step: m^x from inputRng, m^h (on h_{t-1} where it enters W_hh) from stateRng, m^y from outputRng; carry the undropped h_t");
        }
    }

    @Test
    @Graded(id = "nb06_naive", weight = 1)
    @DisplayName("naiveDropoutRnn with p = 0 is the plain RNN and changes none of its arguments")
    void naiveWithoutDropoutIsThePlainRnn() {
        RnnCase k = RnnCase.of(4, 2, 3, 4, 5);
        List<DMatrixRMaj> before = Fixtures.copies(k.all());
        sameOutputs("p = 0", k.layer(0, false, 0).forward(k.x(), null),
                Ex_nb06_naive.naiveDropoutRnn(k.x(), k.Wxh(), k.Whh(), k.bh(), 0, new Rng(1), new Rng(2), new Rng(3)), new int[]{4, 2, 3, 4},
                "h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h) from h_0 = 0");
        unchanged(before, k.all());
    }

    // ---- nb06_zaremba (2 points) ----

    @Test
    @Graded(id = "nb06_zaremba", weight = 3)
    @DisplayName("zarembaDropoutRnn drops inputs and outputs with new masks every step and leaves the recurrence alone")
    void zarembaMatchesTheLibrary() {
        for (int[] s : SHAPES) {
            RnnCase k = RnnCase.of(s[0], s[1], s[2], s[3], 20 * s[0]);
            sameOutputs("Zaremba dropout", k.expected(0.4, 0, false, 4, 0, 5),
                    Ex_nb06_zaremba.zarembaDropoutRnn(k.x(), k.Wxh(), k.Whh(), k.bh(), 0.4, new Rng(4), new Rng(5)), s,
                    "m^x_t from inputRng and m^y_t from outputRng at every step; no mask on the recurrent connection");
        }
    }

    @Test
    @Graded(id = "nb06_zaremba", weight = 1)
    @DisplayName("zarembaDropoutRnn changes none of its arguments")
    void zarembaChangesNothing() {
        RnnCase k = RnnCase.of(4, 2, 3, 4, 6);
        List<DMatrixRMaj> before = Fixtures.copies(k.all());
        Object result = Ex_nb06_zaremba.zarembaDropoutRnn(k.x(), k.Wxh(), k.Whh(), k.bh(), 0.5, new Rng(4), new Rng(5));
        Check.that("zarembaDropoutRnn returns its outputs", result != null, "return what the exercise asks for");
        unchanged(before, k.all());
    }

    // ---- nb06_variational (2 points) ----

    @Test
    @Graded(id = "nb06_variational", weight = 3)
    @DisplayName("variationalDropoutRnn reuses one input, recurrent and output mask at every step")
    void variationalMatchesTheLibrary() {
        for (int[] s : SHAPES) {
            RnnCase k = RnnCase.of(s[0], s[1], s[2], s[3], 30 * s[0]);
            sameOutputs("variational dropout", k.expected(0.4, 0.4, true, 6, 7, 8),
                    Ex_nb06_variational.variationalDropoutRnn(k.x(), k.Wxh(), k.Whh(), k.bh(), 0.4, new Rng(6), new Rng(7), new Rng(8)), s,
                    "draw m^x (inputRng), m^h (stateRng), m^y (outputRng) once before the loop and use them at every step");
        }
    }

    @Test
    @Graded(id = "nb06_variational", weight = 1)
    @DisplayName("variationalDropoutRnn changes none of its arguments")
    void variationalChangesNothing() {
        RnnCase k = RnnCase.of(4, 2, 3, 4, 7);
        List<DMatrixRMaj> before = Fixtures.copies(k.all());
        Object result = Ex_nb06_variational.variationalDropoutRnn(k.x(), k.Wxh(), k.Whh(), k.bh(), 0.5, new Rng(6), new Rng(7), new Rng(8));
        Check.that("variationalDropoutRnn returns its outputs", result != null, "return what the exercise asks for");
        unchanged(before, k.all());
    }

    // ---- nb06_layer_norm (2 points) ----

    @Test
    @Graded(id = "nb06_layer_norm", weight = 3)
    @DisplayName("layerNorm matches the library's layer normalization")
    void layerNormMatchesTheLibrary() {
        for (int[] s : new int[][]{{3, 6}, {1, 2}, {5, 17}}) {
            LayerNorm ln = new LayerNorm(s[1]);
            DMatrixRMaj gamma = Init.uniform(1, s[1], 1.5, s[1]), beta = Init.uniform(1, s[1], 1, s[1] + 1);
            DMatrixRMaj a = Init.uniform(s[0], s[1], 5, s[1] + 2);
            a.set(0, 0, 40);                                               // one large entry: the variance is not small
            ln.parameter("gamma").value.setTo(gamma);
            ln.parameter("beta").value.setTo(beta);
            Check.close("LN(a), " + s[0] + "×" + s[1], ln.forward(a), Ex_nb06_layer_norm.layerNorm(a, gamma, beta), 1e-12,
                    "per row: mean, biased variance (divide by H), (a - mean)/sqrt(var + 1e-5), then gamma ⊙ . + beta");
        }
    }

    @Test
    @Graded(id = "nb06_layer_norm", weight = 1)
    @DisplayName("layerNorm of a constant row is beta, and its arguments are unchanged")
    void layerNormOfAConstantRowIsBeta() {
        DMatrixRMaj a = new DMatrixRMaj(new double[][]{{2, 2, 2, 2}, {1, 2, 3, 4}});
        DMatrixRMaj gamma = Init.uniform(1, 4, 1, 1), beta = Init.uniform(1, 4, 1, 2);
        List<DMatrixRMaj> before = Fixtures.copies(List.of(a, gamma, beta));
        DMatrixRMaj out = Ex_nb06_layer_norm.layerNorm(a, gamma, beta);
        Check.close("the normalized constant row", CommonOps_DDRM.extractRow(beta, 0, null), CommonOps_DDRM.extractRow(out, 0, null), 1e-12,
                "epsilon inside the square root keeps a zero variance finite");
        unchanged(before, List.of(a, gamma, beta));
    }

    // ---- nb06_norm_stabilizer (2 points) ----

    @Test
    @Graded(id = "nb06_norm_stabilizer", weight = 3)
    @DisplayName("normStabilizer's penalty and gradient match the library's")
    void normStabilizerMatchesTheLibrary() {
        for (int[] s : new int[][]{{5, 3, 6}, {1, 1, 2}, {9, 2, 4}}) {
            Sequence h = Sequence.of(Fixtures.steps(s[0], s[1], s[2], s[0]).toArray(new DMatrixRMaj[0]));
            DMatrixRMaj h0 = Init.uniform(s[1], s[2], 0.5, 3);
            Sequence want = Sequence.of(Fixtures.steps(s[0], s[1], s[2], 100 + s[0]).toArray(new DMatrixRMaj[0]));
            Sequence got = want.copy();
            String at = " (T=" + s[0] + ", B=" + s[1] + ", H=" + s[2] + ")";
            double expected = NormStabilizer.penalty(h0, h, 0.7, want);
            Check.close("the penalty" + at, expected, Ex_nb06_norm_stabilizer.normStabilizer(h0, h, 0.7, got), 1e-12,
                    "beta/(T·B) times the sum over steps and rows of (||h_t|| - ||h_{t-1}||)², starting from h_0");
            for (int t = 0; t < s[0]; t++) {
                Check.close("dh_" + (t + 1) + at, want.at(t), got.at(t), 1e-12,
                        "add 2·scale·d_t·h_t/||h_t|| and -2·scale·d_{t+1}·h_t/||h_t||; h_0 gets nothing");
            }
        }
    }

    @Test
    @Graded(id = "nb06_norm_stabilizer", weight = 1)
    @DisplayName("normStabilizer handles zero states and states of equal norm")
    void normStabilizerEdgeCases() {
        DMatrixRMaj zero = new DMatrixRMaj(1, 3);
        DMatrixRMaj unit = new DMatrixRMaj(new double[][]{{0.6, 0.8, 0}});
        Sequence h = Sequence.of(zero.copy(), unit.copy(), new DMatrixRMaj(new double[][]{{0, 0, 1}}));
        Sequence dh = new Sequence(3, 1, 3);
        double penalty = Ex_nb06_norm_stabilizer.normStabilizer(zero, h, 3, dh);
        Check.close("penalty for norms 0, 0, 1, 1", 1.0, penalty, 1e-12, "only the step from norm 0 to norm 1 costs: 3/3 · 1²");
        for (int t = 0; t < 3; t++) {
            for (double v : dh.at(t).data) {
                Check.that("dh_" + (t + 1) + " is finite", Double.isFinite(v), "a zero row has norm 0: give it no gradient instead of dividing by 0");
            }
        }
    }
}
