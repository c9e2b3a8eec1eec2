package exercises;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import rnnkit.core.Activation;
import rnnkit.core.Init;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.grader.testkit.Fixtures;
import rnnkit.grader.testkit.Graded;
import rnnkit.grader.testkit.GradedNotebook;
import rnnkit.layers.Affine;
import rnnkit.layers.Rnn;
import rnnkit.layers.SoftmaxCrossEntropy;
import rnnkit.layers.State;
import rnnkit.train.GradCheck;
import rnnkit.ui.Check;

/**
 * Hidden tests of notebook 03: every gradient is compared with the library's backward passes (which are
 * themselves gradient-checked and match PyTorch), on shapes other than the notebook's.
 */
@GradedNotebook("03-backprop-through-time")
class Nb03BpttTest {

    /** An RNN with an output layer whose weights can be handed to the student's functions. */
    private static final class Model {
        final Rnn rnn;
        final Affine out;

        Model(int D, int H, int C, long seed) {
            rnn = new Rnn(D, H, new Rng(seed));
            out = new Affine(H, C, "Why", "by", new Rng(seed + 1));
            rnn.Whh().setTo(Init.uniform(H, H, 0.9, seed + 2)); // larger than the default: gradients reach back further
            out.b().setTo(Init.uniform(1, C, 0.5, seed + 3));
        }

        DMatrixRMaj Wxh() {
            return rnn.Wxh();
        }

        DMatrixRMaj Whh() {
            return rnn.Whh();
        }

        DMatrixRMaj bh() {
            return rnn.bh();
        }

        DMatrixRMaj Why() {
            return out.W();
        }

        DMatrixRMaj by() {
            return out.b();
        }

        Map<String, DMatrixRMaj> grads() {
            Map<String, DMatrixRMaj> g = new LinkedHashMap<>();
            for (Parameter p : rnn.parameters()) {
                g.put(p.name(), p.grad.copy());
            }
            for (Parameter p : out.parameters()) {
                g.put(p.name(), p.grad.copy());
            }
            return g;
        }

        void zeroGrad() {
            rnn.zeroGrad();
            out.zeroGrad();
        }

        /** The library's gradients of the mean cross-entropy of h_T Why + by. */
        Map<String, DMatrixRMaj> classifyGrads(List<DMatrixRMaj> xs, int[] y) {
            zeroGrad();
            Sequence x = Sequence.of(xs.toArray(new DMatrixRMaj[0]));
            rnn.forward(x, null);
            DMatrixRMaj d = new DMatrixRMaj(1, 1);
            SoftmaxCrossEntropy.loss(out.forward(rnn.finalState().h), y, null, d);
            rnn.backward(new Sequence(xs.size(), xs.get(0).numRows, rnn.hiddenSize()), new State(out.backward(d)));
            return grads();
        }

        /** The library's gradients of the mean cross-entropy of h_t Why + by over all steps, from h0. */
        Map<String, DMatrixRMaj> denseGrads(List<DMatrixRMaj> xs, int[][] y, DMatrixRMaj h0) {
            zeroGrad();
            Sequence x = Sequence.of(xs.toArray(new DMatrixRMaj[0]));
            Sequence scores = out.forward(rnn.forward(x, new State(h0)));
            Sequence d = new Sequence(scores.length(), scores.batch(), scores.dim());
            SoftmaxCrossEntropy.sequenceLoss(scores, y, null, d);
            rnn.backward(out.backward(d), null);
            return grads();
        }
    }

    private static void sameGradients(String what, Map<String, DMatrixRMaj> expected, Map<String, DMatrixRMaj> actual, String hint) {
        Check.that(what + ": a gradient for each of Wxh Whh bh Why by, got " + (actual == null ? "null" : actual.keySet()),
                actual != null && actual.keySet().containsAll(expected.keySet()), "put each gradient in the map under its parameter's name");
        for (String name : expected.keySet()) {
            Check.close(what + ": d" + name, expected.get(name), actual.get(name), 1e-10, hint);
        }
    }

    // ---- nb03_softmax_grad (2 points) ----

    @Test
    @Graded(id = "nb03_softmax_grad", weight = 2)
    @DisplayName("softmaxCrossEntropyGrad is (ŷ - y) / N")
    void softmaxGradientIsPredictionMinusTruth() {
        for (int N : new int[]{1, 5}) {
            DMatrixRMaj s = Init.uniform(N, 4, 3, N);
            int[] y = Fixtures.classes(N, 4, N + 1);
            DMatrixRMaj expected = new DMatrixRMaj(1, 1);
            SoftmaxCrossEntropy.loss(s, y, null, expected);
            DMatrixRMaj actual = Ex_nb03_softmax_grad.softmaxCrossEntropyGrad(s, y);
            Check.shape("dL/ds for " + N + " rows", actual, N, 4);
            Check.close("dL/ds for " + N + " rows", expected, actual, 1e-12, N > 1 ? "for the mean loss divide by N" : "softmax(s) minus the one-hot of y");
        }
    }

    @Test
    @Graded(id = "nb03_softmax_grad", weight = 1)
    @DisplayName("softmaxCrossEntropyGrad is exact for huge scores and leaves them unchanged")
    void softmaxGradientIsStable() {
        DMatrixRMaj s = new DMatrixRMaj(new double[][]{{1000, 999, -1000}});
        DMatrixRMaj before = s.copy();
        DMatrixRMaj expected = new DMatrixRMaj(1, 1);
        SoftmaxCrossEntropy.loss(s, new int[]{1}, null, expected);
        DMatrixRMaj actual = Ex_nb03_softmax_grad.softmaxCrossEntropyGrad(s, new int[]{1});
        Check.close("dL/ds for scores near 1000", expected, actual, 1e-12, "subtract the row's maximum before exp");
        Check.close("the scores are unchanged", before, s, 0, "write the gradient into a new matrix");
    }

    // ---- nb03_numgrad (2 points) ----

    @Test
    @Graded(id = "nb03_numgrad", weight = 2)
    @DisplayName("numericalGradient is the centered difference and restores the entry")
    void centeredDifference() {
        DMatrixRMaj theta = new DMatrixRMaj(new double[][]{{0.7, -0.4}, {1.3, 2.0}});
        DoubleSupplier f = () -> Math.exp(theta.get(0, 0)) * theta.get(1, 0) + Math.pow(theta.get(1, 1), 4);
        double h = 1e-3; // large enough that a one-sided difference is visibly worse
        double centered = (Math.exp(0.7 + h) * 1.3 - Math.exp(0.7 - h) * 1.3) / (2 * h);
        Check.close("d/dθ(0,0) with h = 1e-3", centered, Ex_nb03_numgrad.numericalGradient(f, theta, 0, h), 1e-12,
                "(f(θ + h) - f(θ - h)) / 2h: the centered difference, not the one-sided one");
        double quartic = (Math.pow(2 + h, 4) - Math.pow(2 - h, 4)) / (2 * h);
        Check.close("d/dθ(1,1) (index 3, row-major)", quartic, Ex_nb03_numgrad.numericalGradient(f, theta, 3, h), 1e-9, "entry i is theta.data[i]");
        Check.close("θ is unchanged", new DMatrixRMaj(new double[][]{{0.7, -0.4}, {1.3, 2.0}}), theta, 0,
                "put the entry back to its old value after the two evaluations");
    }

    @Test
    @Graded(id = "nb03_numgrad", weight = 1)
    @DisplayName("relativeError is |a - n| / max(1e-8, |a| + |n|)")
    void relativeError() {
        double[][] cases = {{1, 1.0001}, {-3, 3}, {1e-12, 3e-12}, {0, 0}, {2e-9, -1e-9}, {5, 0}};
        for (double[] c : cases) {
            Check.close("relativeError(" + c[0] + ", " + c[1] + ")", GradCheck.relativeError(c[0], c[1]),
                    Ex_nb03_numgrad.relativeError(c[0], c[1]), 1e-15, "|a - n| / max(1e-8, |a| + |n|), with absolute values in the denominator");
        }
    }

    // ---- nb03_step_backward (3 points) ----

    @Test
    @Graded(id = "nb03_step_backward", weight = 3)
    @DisplayName("rnnStepBackward matches the library's step backward")
    void stepBackwardMatchesTheLibrary() {
        for (int[] s : new int[][]{{3, 4, 5}, {1, 2, 3}}) {
            int B = s[0], D = s[1], H = s[2];
            DMatrixRMaj x = Init.uniform(B, D, 1, 1), hPrev = Init.uniform(B, H, 0.9, 2), Wxh = Init.uniform(D, H, 0.7, 3), Whh = Init.uniform(H, H, 0.7, 4);
            DMatrixRMaj h = Rnn.stepForward(x, hPrev, Wxh, Whh, Init.uniform(1, H, 0.5, 5), Activation.TANH);
            DMatrixRMaj dh = Init.uniform(B, H, 1, 6);
            Rnn.StepGradients e = Rnn.stepBackward(dh, x, hPrev, h, Wxh, Whh, Activation.TANH);
            Rnn.StepGradients a = Ex_nb03_step_backward.rnnStepBackward(dh, x, hPrev, h, Wxh, Whh);
            String at = " (B=" + B + ", D=" + D + ", H=" + H + ")";
            Check.that("rnnStepBackward returns gradients" + at, a != null && a.dx() != null && a.dhPrev() != null
                    && a.dWxh() != null && a.dWhh() != null && a.dbh() != null, "fill all five fields of Rnn.StepGradients");
            Check.close("dbh" + at, e.dbh(), a.dbh(), 1e-12, "δa = δh ⊙ (1 - h²) with h the step's output, summed over the batch rows");
            Check.close("dWxh" + at, e.dWxh(), a.dWxh(), 1e-12, "xᵀ δa");
            Check.close("dWhh" + at, e.dWhh(), a.dWhh(), 1e-12, "h_{t-1}ᵀ δa: the previous state, not this step's");
            Check.close("dx" + at, e.dx(), a.dx(), 1e-12, "δa W_xhᵀ");
            Check.close("dhPrev" + at, e.dhPrev(), a.dhPrev(), 1e-12, "δa W_hhᵀ");
        }
    }

    @Test
    @Graded(id = "nb03_step_backward", weight = 1)
    @DisplayName("rnnStepBackward changes none of its arguments")
    void stepBackwardChangesNothing() {
        List<DMatrixRMaj> args = List.of(Init.uniform(2, 3, 1, 7), Init.uniform(2, 4, 1, 8), Init.uniform(2, 3, 1, 9), Init.uniform(2, 3, 0.9, 10),
                Init.uniform(4, 3, 1, 11), Init.uniform(3, 3, 1, 12));
        List<DMatrixRMaj> before = args.stream().map(DMatrixRMaj::copy).toList();
        Object result = Ex_nb03_step_backward.rnnStepBackward(args.get(0), args.get(1), args.get(2), args.get(3), args.get(4), args.get(5));
        Check.that("rnnStepBackward returns its gradients", result != null, "return what the exercise asks for");
        for (int i = 0; i < args.size(); i++) {
            Check.close("argument " + (i + 1) + " is unchanged", before.get(i), args.get(i), 0, "compute into new matrices");
        }
    }

    // ---- nb03_bptt_classify (3 points) ----

    @Test
    @Graded(id = "nb03_bptt_classify", weight = 3)
    @DisplayName("bpttClassify gives the library's gradients for classification from h_T")
    void bpttClassifyMatchesTheLibrary() {
        for (int[] s : new int[][]{{6, 3, 2, 5, 4}, {1, 2, 3, 2, 2}}) {
            int T = s[0], B = s[1], D = s[2], H = s[3], C = s[4];
            Model m = new Model(D, H, C, 20 + T);
            List<DMatrixRMaj> xs = Fixtures.steps(T, B, D, 30);
            int[] y = Fixtures.classes(B, C, 31);
            sameGradients("T=" + T + ", B=" + B, m.classifyGrads(xs, y),
                    Ex_nb03_bptt_classify.bpttClassify(xs, y, m.Wxh(), m.Whh(), m.bh(), m.Why(), m.by()),
                    "δh_T = δo W_hyᵀ; walk t = T..1, sum the step gradients, and pass δh_{t-1} on");
        }
    }

    @Test
    @Graded(id = "nb03_bptt_classify", weight = 1)
    @DisplayName("bpttClassify leaves the weights and inputs unchanged")
    void bpttClassifyChangesNothing() {
        Model m = new Model(2, 3, 2, 40);
        List<DMatrixRMaj> xs = Fixtures.steps(4, 2, 2, 41);
        List<DMatrixRMaj> all = new ArrayList<>(xs);
        all.addAll(List.of(m.Wxh(), m.Whh(), m.bh(), m.Why(), m.by()));
        List<DMatrixRMaj> before = all.stream().map(DMatrixRMaj::copy).toList();
        Object result = Ex_nb03_bptt_classify.bpttClassify(xs, new int[]{1, 0}, m.Wxh(), m.Whh(), m.bh(), m.Why(), m.by());
        Check.that("bpttClassify returns its gradients", result != null, "return what the exercise asks for");
        for (int i = 0; i < all.size(); i++) {
            Check.close("argument matrix " + (i + 1) + " is unchanged", before.get(i), all.get(i), 0, "gradients go into new matrices");
        }
    }

    // ---- nb03_bptt_dense (2 points) ----

    @Test
    @Graded(id = "nb03_bptt_dense", weight = 2)
    @DisplayName("bpttDense gives the library's gradients for a loss at every step, from h0")
    void bpttDenseMatchesTheLibrary() {
        int T = 5, B = 3, D = 2, H = 4, C = 3;
        Model m = new Model(D, H, C, 50);
        List<DMatrixRMaj> xs = Fixtures.steps(T, B, D, 51);
        int[][] y = new int[T][];
        for (int t = 0; t < T; t++) {
            y[t] = Fixtures.classes(B, C, 60 + t);
        }
        DMatrixRMaj h0 = Init.uniform(B, H, 0.8, 70);
        sameGradients("from a given h0", m.denseGrads(xs, y, h0),
                Ex_nb03_bptt_dense.bpttDense(xs, y, h0, m.Wxh(), m.Whh(), m.bh(), m.Why(), m.by()),
                "δh_t = δo_t W_hyᵀ + δh from step t+1; the loss is the mean over T·B positions; the first step starts from h0");
        DMatrixRMaj zero = new DMatrixRMaj(B, H);
        sameGradients("from h0 = 0", m.denseGrads(xs, y, zero),
                Ex_nb03_bptt_dense.bpttDense(xs, y, zero, m.Wxh(), m.Whh(), m.bh(), m.Why(), m.by()), null);
    }

    // ---- nb03_gradcheck (2 points) ----

    @Test
    @Graded(id = "nb03_gradcheck", weight = 2)
    @DisplayName("gradientCheck reports the worst relative error of each parameter")
    void gradientCheckReportsPerParameter() {
        DMatrixRMaj a = new DMatrixRMaj(new double[][]{{0.5, -1.0, 2.0}});
        DMatrixRMaj b = new DMatrixRMaj(new double[][]{{0.3}, {0.8}});
        DoubleSupplier loss = () -> a.get(0, 0) * a.get(0, 0) + Math.sin(a.get(0, 1)) * b.get(1, 0) + a.get(0, 2) * b.get(0, 0);
        Map<String, DMatrixRMaj> params = new LinkedHashMap<>();
        params.put("b", b);
        params.put("a", a);
        Map<String, DMatrixRMaj> right = new LinkedHashMap<>();
        right.put("a", new DMatrixRMaj(new double[][]{{1.0, Math.cos(-1.0) * 0.8, 0.3}}));
        right.put("b", new DMatrixRMaj(new double[][]{{2.0}, {Math.sin(-1.0)}}));
        Map<String, Double> ok = Ex_nb03_gradcheck.gradientCheck(loss, params, right);
        Check.that("one entry per parameter in the order of params ([b, a]), got " + (ok == null ? null : ok.keySet()),
                ok != null && new ArrayList<>(ok.keySet()).equals(List.of("b", "a")), "iterate over params");
        Check.that("right gradients pass (worst " + ok.values() + ")", ok.values().stream().allMatch(v -> v < 1e-8), null);
        Map<String, DMatrixRMaj> wrong = new LinkedHashMap<>(right);
        wrong.put("a", new DMatrixRMaj(new double[][]{{1.0, Math.cos(-1.0) * 0.8, 0.3 * 1.5}}));
        Map<String, Double> bad = Ex_nb03_gradcheck.gradientCheck(loss, params, wrong);
        Check.close("a's worst error, from its last entry: |0.45 - 0.3| / 0.75", 0.2, bad.get("a"), 1e-6,
                "check every entry of every parameter and keep the largest relative error");
        Check.that("b is still fine, got " + bad.get("b"), bad.get("b") < 1e-8, null);
        Check.close("the parameters are unchanged", new DMatrixRMaj(new double[][]{{0.5, -1.0, 2.0}}), a, 0,
                "numericalGradient must put every entry back");
    }

    @Test
    @Graded(id = "nb03_gradcheck", weight = 1)
    @DisplayName("gradientCheck uses the centered difference with h = 1e-5")
    void gradientCheckUsesTheRightStep() {
        DMatrixRMaj x = new DMatrixRMaj(new double[][]{{0.9}});
        DoubleSupplier loss = () -> Math.pow(x.get(0, 0), 5);
        double numeric = (Math.pow(0.9 + 1e-5, 5) - Math.pow(0.9 - 1e-5, 5)) / 2e-5;
        double analytic = 5 * Math.pow(0.9, 4);
        Map<String, Double> r = Ex_nb03_gradcheck.gradientCheck(loss, Map.of("x", x), Map.of("x", new DMatrixRMaj(new double[][]{{analytic}})));
        Check.close("the reported error", GradCheck.relativeError(analytic, numeric), r.get("x"), 1e-12,
                "numericalGradient(loss, theta, i, 1e-5) and relativeError(analytic, numeric)");
    }

    // ---- nb03_tbptt (2 points) ----

    @Test
    @Graded(id = "nb03_tbptt", weight = 2)
    @DisplayName("tbpttGradients gives each chunk's gradients from the carried, detached state")
    void truncatedBpttCarriesTheState() {
        int T = 7, B = 2, D = 3, H = 4, C = 3, k = 3;
        Model m = new Model(D, H, C, 80);
        List<DMatrixRMaj> xs = Fixtures.steps(T, B, D, 81);
        int[][] y = new int[T][];
        for (int t = 0; t < T; t++) {
            y[t] = Fixtures.classes(B, C, 90 + t);
        }
        List<Map<String, DMatrixRMaj>> chunks = Ex_nb03_tbptt.tbpttGradients(xs, y, k, m.Wxh(), m.Whh(), m.bh(), m.Why(), m.by());
        Check.that("7 steps in chunks of 3 make 3 chunks (3, 3, 1), got " + (chunks == null ? null : chunks.size()),
                chunks != null && chunks.size() == 3, "the last chunk may be shorter");
        DMatrixRMaj h = new DMatrixRMaj(B, H);
        for (int c = 0; c < 3; c++) {
            int from = c * k, to = Math.min(T, from + k);
            List<DMatrixRMaj> part = xs.subList(from, to);
            int[][] partY = java.util.Arrays.copyOfRange(y, from, to);
            sameGradients("chunk " + (c + 1) + " (steps " + (from + 1) + "-" + to + ")", m.denseGrads(part, partY, h), chunks.get(c),
                    c == 0 ? "the first chunk starts from h_0 = 0" : "start each chunk from the state the chunk before ended in");
            for (DMatrixRMaj x : part) {
                h = Rnn.stepForward(x, h, m.Wxh(), m.Whh(), m.bh(), Activation.TANH);
            }
        }
    }

    @Test
    @Graded(id = "nb03_tbptt", weight = 1)
    @DisplayName("tbpttGradients with k >= T is one chunk of full BPTT")
    void truncatedBpttWithALargeKIsFullBptt() {
        Model m = new Model(2, 3, 2, 100);
        List<DMatrixRMaj> xs = Fixtures.steps(4, 2, 2, 101);
        int[][] y = {{0, 1}, {1, 1}, {0, 0}, {1, 0}};
        List<Map<String, DMatrixRMaj>> chunks = Ex_nb03_tbptt.tbpttGradients(xs, y, 10, m.Wxh(), m.Whh(), m.bh(), m.Why(), m.by());
        Check.that("k = 10 > T = 4 gives one chunk", chunks != null && chunks.size() == 1, null);
        sameGradients("k ≥ T", m.denseGrads(xs, y, new DMatrixRMaj(2, 3)), chunks.get(0), null);
    }
}
