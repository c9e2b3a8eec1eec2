package exercises;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import rnnkit.core.Activation;
import rnnkit.core.Init;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.grader.testkit.Graded;
import rnnkit.grader.testkit.GradedNotebook;
import rnnkit.layers.Rnn;
import rnnkit.layers.State;
import rnnkit.train.Clip;
import rnnkit.ui.Check;

/** Hidden tests of notebook 04: Jacobians through time, gradient norms, orthogonal initialization, clipping. */
@GradedNotebook("04-vanishing-exploding")
class Nb04GradientsTest {

    /** One sequence through an RNN: its weights, inputs and states h_1..h_T. */
    private static final class Run {
        final DMatrixRMaj Wxh;
        final DMatrixRMaj Whh;
        final DMatrixRMaj bh;
        final List<DMatrixRMaj> xs = new ArrayList<>();
        final List<DMatrixRMaj> hs = new ArrayList<>();

        Run(int T, int D, int H, double whhScale, long seed) {
            Wxh = Init.uniform(D, H, 0.8, seed);
            Whh = Init.uniform(H, H, whhScale, seed + 1);   // not symmetric: a missing transpose shows
            bh = Init.uniform(1, H, 0.3, seed + 2);
            DMatrixRMaj h = new DMatrixRMaj(1, H);
            for (int t = 0; t < T; t++) {
                xs.add(Init.uniform(1, D, 1, seed + 10 + t));
                h = Rnn.stepForward(xs.get(t), h, Wxh, Whh, bh, Activation.TANH);
                hs.add(h);
            }
        }

        /** The library's layer over steps from..T-1 (0-based) from a given state. */
        Rnn layer() {
            Rnn rnn = new Rnn(Wxh.numRows, Wxh.numCols, new Rng(0));
            rnn.Wxh().setTo(Wxh);
            rnn.Whh().setTo(Whh);
            rnn.bh().setTo(bh);
            return rnn;
        }

        /** dh_T / dh_{T-l}, row i from backpropagating e_i through the library's layer over the last l steps. */
        DMatrixRMaj product(int l) {
            int T = hs.size(), H = Whh.numCols;
            Sequence x = Sequence.of(xs.subList(T - l, T).toArray(new DMatrixRMaj[0]));
            DMatrixRMaj J = new DMatrixRMaj(H, H);
            for (int i = 0; i < H; i++) {
                Rnn rnn = layer();
                rnn.forward(x, new State(hs.get(T - l - 1).copy()));
                DMatrixRMaj e = new DMatrixRMaj(1, H);
                e.set(0, i, 1);
                rnn.backward(new Sequence(l, 1, H), new State(e));
                for (int j = 0; j < H; j++) {
                    J.set(i, j, rnn.initialGradient().h.get(0, j));
                }
            }
            return J;
        }
    }

    // ---- nb04_jacobian (2 points) ----

    @Test
    @Graded(id = "nb04_jacobian", weight = 2)
    @DisplayName("stepJacobian matches centered differences of the library's step")
    void jacobianMatchesFiniteDifferences() {
        Run r = new Run(4, 3, 5, 0.9, 1);
        DMatrixRMaj hPrev = r.hs.get(1), x = r.xs.get(2);
        DMatrixRMaj numeric = new DMatrixRMaj(5, 5);
        for (int j = 0; j < 5; j++) {
            DMatrixRMaj plus = hPrev.copy(), minus = hPrev.copy();
            plus.data[j] += 1e-6;
            minus.data[j] -= 1e-6;
            DMatrixRMaj hp = Rnn.stepForward(x, plus, r.Wxh, r.Whh, r.bh, Activation.TANH);
            DMatrixRMaj hm = Rnn.stepForward(x, minus, r.Wxh, r.Whh, r.bh, Activation.TANH);
            for (int i = 0; i < 5; i++) {
                numeric.set(i, j, (hp.data[i] - hm.data[i]) / 2e-6);
            }
        }
        DMatrixRMaj J = Ex_nb04_jacobian.stepJacobian(r.hs.get(2), r.Whh);
        Check.shape("J_3", J, 5, 5);
        Check.close("J_3 against centered differences", numeric, J, 1e-8,
                "(J)ij = dh_t[i]/dh_{t-1}[j] = (1 - h_t[i]²) · Whh[j][i]: row i takes tanh' of unit i, and the kit's Whh is transposed");
    }

    @Test
    @Graded(id = "nb04_jacobian", weight = 1)
    @DisplayName("stepJacobian changes neither h nor Whh")
    void jacobianChangesNothing() {
        Run r = new Run(2, 2, 3, 0.9, 2);
        DMatrixRMaj h = r.hs.get(1).copy(), W = r.Whh.copy();
        Ex_nb04_jacobian.stepJacobian(r.hs.get(1), r.Whh);
        Check.close("h is unchanged", h, r.hs.get(1), 0, "compute into a new matrix");
        Check.close("Whh is unchanged", W, r.Whh, 0, "compute into a new matrix");
    }

    // ---- nb04_grad_norms (2 points) ----

    @Test
    @Graded(id = "nb04_grad_norms", weight = 3)
    @DisplayName("hiddenGradientNorms matches the norms the library's backward pass records")
    void gradientNormsMatchTheLibrary() {
        for (int T : new int[]{7, 1}) {
            Run r = new Run(T, 3, 5, 1.2, 10 + T);
            DMatrixRMaj dhT = Init.uniform(1, 5, 1, 30);
            Rnn rnn = r.layer();
            rnn.forward(Sequence.of(r.xs.toArray(new DMatrixRMaj[0])), null);
            rnn.backward(new Sequence(T, 1, 5), new State(dhT.copy()));
            double[] norms = Ex_nb04_grad_norms.hiddenGradientNorms(r.hs, r.Whh, dhT);
            Check.that(T + " norms for T = " + T + ", got " + (norms == null ? null : norms.length), norms != null && norms.length == T,
                    "norms[t - 1] for t = 1..T");
            Check.close("||dL/dh_t|| for T = " + T, rnn.hiddenGradNorms(), norms, 1e-10,
                    "δh_{t-1} = δh_t J_t with J_t from h_t; norms[T - 1] = ||δh_T||; the earliest step is norms[0]");
        }
    }

    // ---- nb04_jacobian_product (2 points) ----

    @Test
    @Graded(id = "nb04_jacobian_product", weight = 2)
    @DisplayName("jacobianProductNorms gives the spectral norm of dh_T/dh_{T-l} for every l")
    void productNormsMatchBackpropagation() {
        Run r = new Run(6, 3, 4, 1.0, 40);
        double[] norms = Ex_nb04_jacobian_product.jacobianProductNorms(r.hs, r.Whh);
        Check.that("5 norms for T = 6, got " + (norms == null ? null : norms.length), norms != null && norms.length == 5, "l = 1 .. T - 1");
        for (int l = 1; l <= 5; l++) {
            Check.close("||dh_6/dh_" + (6 - l) + "||₂", NormOps_DDRM.normP2(r.product(l)), norms[l - 1], 1e-10,
                    "J_T J_{T-1} ... J_{T-l+1}, multiplied in that order, and its largest singular value (normP2)");
        }
    }

    // ---- nb04_orthogonal (2 points) ----

    @Test
    @Graded(id = "nb04_orthogonal", weight = 2)
    @DisplayName("orthogonalInit gives g·Q with orthonormal columns")
    void orthogonalHasTheRightSingularValues() {
        for (double gain : new double[]{0.5, 1.0, 1.7}) {
            DMatrixRMaj W = Ex_nb04_orthogonal.orthogonalInit(12, gain, new Rng(5));
            Check.shape("orthogonalInit(12, " + gain + ")", W, 12, 12);
            DMatrixRMaj expected = CommonOps_DDRM.identity(12);
            CommonOps_DDRM.scale(gain * gain, expected);
            Check.close("WᵀW = g²I for g = " + gain, expected, CommonOps_DDRM.multTransA(W, W, null), 1e-10,
                    "normalize every column after removing its projections, then multiply by the gain");
        }
    }

    @Test
    @Graded(id = "nb04_orthogonal", weight = 1)
    @DisplayName("orthogonalInit orthonormalizes the columns of Init.gaussian's matrix, in order")
    void orthogonalIsGramSchmidtOfTheSeededMatrix() {
        DMatrixRMaj expected = Init.orthogonal(new DMatrixRMaj(9, 9), 1.3, new Rng(8));   // QR with R's diagonal > 0: the same Q
        Check.close("orthogonalInit(9, 1.3, new Rng(8))", expected, Ex_nb04_orthogonal.orthogonalInit(9, 1.3, new Rng(8)), 1e-9,
                "draw A with Init.gaussian(new DMatrixRMaj(H, H), 1, rng), and orthonormalize its columns (not rows) from the first");
    }

    // ---- nb04_clip_norm (2 points) ----

    private static List<DMatrixRMaj> gradients(double scale, long seed) {
        return List.of(Init.uniform(3, 4, scale, seed), Init.uniform(1, 4, scale, seed + 1), Init.uniform(4, 2, scale, seed + 2));
    }

    private static List<Parameter> asParameters(List<DMatrixRMaj> grads) {
        List<Parameter> out = new ArrayList<>();
        for (DMatrixRMaj g : grads) {
            Parameter p = new Parameter("p", g.numRows, g.numCols);
            p.grad.setTo(g);
            out.add(p);
        }
        return out;
    }

    @Test
    @Graded(id = "nb04_clip_norm", weight = 2)
    @DisplayName("clipByGlobalNorm rescales all gradients together when their norm reaches the threshold")
    void clipByNormMatchesThePseudoCode() {
        List<DMatrixRMaj> mine = gradients(2, 50);
        List<Parameter> reference = asParameters(mine);
        double before = Clip.byGlobalNorm(reference, 1.5);
        double returned = Ex_nb04_clip_norm.clipByGlobalNorm(mine, 1.5);
        Check.close("the returned norm (before clipping)", before, returned, 1e-12, "sqrt of the sum of every squared entry of every matrix");
        for (int i = 0; i < mine.size(); i++) {
            Check.close("gradient " + (i + 1) + " after clipping", reference.get(i).grad, mine.get(i), 1e-12,
                    "one factor threshold / norm for all matrices, from the norm of all of them together");
        }
    }

    @Test
    @Graded(id = "nb04_clip_norm", weight = 1)
    @DisplayName("clipByGlobalNorm leaves small and zero gradients alone")
    void clipByNormLeavesSmallGradientsAlone() {
        List<DMatrixRMaj> small = gradients(0.05, 60);
        List<DMatrixRMaj> copy = small.stream().map(DMatrixRMaj::copy).toList();
        Ex_nb04_clip_norm.clipByGlobalNorm(small, 5);
        for (int i = 0; i < small.size(); i++) {
            Check.close("gradient " + (i + 1) + " below the threshold", copy.get(i), small.get(i), 0, "only rescale when ||g|| >= threshold");
        }
        List<DMatrixRMaj> zeros = List.of(new DMatrixRMaj(2, 2));
        double n = Ex_nb04_clip_norm.clipByGlobalNorm(zeros, 1);
        Check.that("zero gradients stay zero (no 0/0), norm " + n, n == 0 && zeros.get(0).data[0] == 0 && !Double.isNaN(zeros.get(0).data[3]), null);
    }

    // ---- nb04_clip_value (1 point) ----

    @Test
    @Graded(id = "nb04_clip_value", weight = 2)
    @DisplayName("clipByValue caps every entry to [-limit, limit]")
    void clipByValueCapsEntries() {
        List<DMatrixRMaj> mine = gradients(3, 70);
        List<Parameter> reference = asParameters(mine);
        Clip.byValue(reference, 0.7);
        Ex_nb04_clip_value.clipByValue(mine, 0.7);
        for (int i = 0; i < mine.size(); i++) {
            Check.close("gradient " + (i + 1), reference.get(i).grad, mine.get(i), 0, "min(limit, max(-limit, g)), keeping the sign");
        }
    }
}
