package exercises;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import rnnkit.core.Init;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.grader.testkit.Fixtures;
import rnnkit.grader.testkit.Graded;
import rnnkit.grader.testkit.GradedNotebook;
import rnnkit.layers.Gru;
import rnnkit.layers.Lstm;
import rnnkit.layers.State;
import rnnkit.ui.Check;

/** Hidden tests of notebook 05: LSTM and GRU steps against the library's cells (which match PyTorch). */
@GradedNotebook("05-lstm-gru")
class Nb05LstmGruTest {

    /** An LSTM's weights and one step's inputs, for B rows, D inputs and H units. */
    private record LstmCase(DMatrixRMaj x, DMatrixRMaj hPrev, DMatrixRMaj cPrev, DMatrixRMaj Wx, DMatrixRMaj Wh, DMatrixRMaj b) {
        static LstmCase of(int B, int D, int H, long seed) {
            return new LstmCase(Init.uniform(B, D, 1, seed), Init.uniform(B, H, 0.9, seed + 1), Init.uniform(B, H, 2, seed + 2),
                    Init.uniform(D, 4 * H, 0.7, seed + 3), Init.uniform(H, 4 * H, 0.7, seed + 4), Init.uniform(1, 4 * H, 1, seed + 5));
        }

        /** The same for the coupled cell: three blocks f, g, o. */
        static LstmCase coupled(int B, int D, int H, long seed) {
            return new LstmCase(Init.uniform(B, D, 1, seed), Init.uniform(B, H, 0.9, seed + 1), Init.uniform(B, H, 2, seed + 2),
                    Init.uniform(D, 3 * H, 0.7, seed + 3), Init.uniform(H, 3 * H, 0.7, seed + 4), Init.uniform(1, 3 * H, 1, seed + 5));
        }

        List<DMatrixRMaj> all() {
            return List.of(x, hPrev, cPrev, Wx, Wh, b);
        }

        /** The library's coupled LSTM (i = 1 - f, no peepholes) with these weights, after one step from (hPrev, cPrev). */
        Lstm coupledLayer() {
            Lstm lstm = new Lstm(Wx.numRows, Wh.numRows, Lstm.Variant.COUPLED, new Rng(0));
            lstm.Wxh().setTo(Wx);
            lstm.Whh().setTo(Wh);
            lstm.bh().setTo(b);
            lstm.forward(Sequence.of(x), new State(hPrev.copy(), cPrev.copy()));
            return lstm;
        }
    }

    private static DMatrixRMaj tanhOf(DMatrixRMaj m) {
        DMatrixRMaj t = m.copy();
        for (int k = 0; k < t.getNumElements(); k++) {
            t.data[k] = Math.tanh(t.data[k]);
        }
        return t;
    }

    /** A GRU's weights and one step's inputs. */
    private record GruCase(DMatrixRMaj x, DMatrixRMaj hPrev, DMatrixRMaj Wx, DMatrixRMaj Wh, DMatrixRMaj bx, DMatrixRMaj bh) {
        static GruCase of(int B, int D, int H, long seed) {
            return new GruCase(Init.uniform(B, D, 1, seed), Init.uniform(B, H, 0.9, seed + 1), Init.uniform(D, 3 * H, 0.7, seed + 2),
                    Init.uniform(H, 3 * H, 0.7, seed + 3), Init.uniform(1, 3 * H, 1, seed + 4), Init.uniform(1, 3 * H, 1, seed + 5));
        }

        /** The library's GRU with these weights, after one forward step from hPrev. */
        Gru layer(Gru.Variant variant) {
            Gru gru = new Gru(Wx.numRows, Wh.numRows, variant, new Rng(0));
            gru.Wxh().setTo(Wx);
            gru.Whh().setTo(Wh);
            gru.bxh().setTo(bx);
            gru.bhh().setTo(bh);
            gru.forward(Sequence.of(x), new State(hPrev.copy()));
            return gru;
        }
    }

    private static final String SHAPES = "B=%d, D=%d, H=%d";

    // ---- nb05_lstm_step (3 points) ----

    @Test
    @Graded(id = "nb05_lstm_step", weight = 3)
    @DisplayName("lstmStepForward matches the library's LSTM step: gates, cell, tanh(cell), state")
    void lstmStepMatchesTheLibrary() {
        for (int[] s : new int[][]{{3, 4, 5}, {1, 2, 2}}) {
            LstmCase k = LstmCase.of(s[0], s[1], s[2], 10 * s[2]);
            String at = " (" + String.format(SHAPES, s[0], s[1], s[2]) + ")";
            Lstm.StepResult e = Lstm.stepForward(k.x(), k.hPrev(), k.cPrev(), k.Wx(), k.Wh(), k.b());
            Lstm.StepResult a = Ex_nb05_lstm_step.lstmStepForward(k.x(), k.hPrev(), k.cPrev(), k.Wx(), k.Wh(), k.b());
            Check.that("lstmStepForward returns h, c, gates and tanhC" + at, a != null && a.h() != null && a.c() != null
                    && a.gates() != null && a.tanhC() != null, "fill every field of Lstm.StepResult");
            Check.close("the activated gates" + at, e.gates(), a.gates(), 1e-12,
                    "columns i | f | g | o; σ for i, f, o and tanh for the candidate g; b on every row");
            Check.close("c_t" + at, e.c(), a.c(), 1e-12, "c_t = f ⊙ c_{t-1} + i ⊙ g");
            Check.close("tanh(c_t)" + at, e.tanhC(), a.tanhC(), 1e-12, null);
            Check.close("h_t" + at, e.h(), a.h(), 1e-12, "h_t = o ⊙ tanh(c_t)");
        }
    }

    @Test
    @Graded(id = "nb05_lstm_step", weight = 1)
    @DisplayName("lstmStepForward changes none of its arguments")
    void lstmStepChangesNothing() {
        LstmCase k = LstmCase.of(2, 3, 2, 1);
        List<DMatrixRMaj> before = Fixtures.copies(k.all());
        Object result = Ex_nb05_lstm_step.lstmStepForward(k.x(), k.hPrev(), k.cPrev(), k.Wx(), k.Wh(), k.b());
        Check.that("lstmStepForward returns a result", result != null, "return what the exercise asks for");
        for (int i = 0; i < before.size(); i++) {
            Check.close("argument " + (i + 1) + " is unchanged", before.get(i), k.all().get(i), 0, "compute into new matrices");
        }
    }

    // ---- nb05_lstm_backward (3 points) ----

    @Test
    @Graded(id = "nb05_lstm_backward", weight = 3)
    @DisplayName("lstmStepBackward matches the library's LSTM step backward")
    void lstmBackwardMatchesTheLibrary() {
        for (int[] s : new int[][]{{3, 4, 5}, {1, 2, 2}}) {
            LstmCase k = LstmCase.of(s[0], s[1], s[2], 20 * s[2]);
            String at = " (" + String.format(SHAPES, s[0], s[1], s[2]) + ")";
            Lstm.StepResult step = Lstm.stepForward(k.x(), k.hPrev(), k.cPrev(), k.Wx(), k.Wh(), k.b());
            DMatrixRMaj dh = Init.uniform(s[0], s[2], 1, 7), dc = Init.uniform(s[0], s[2], 1, 8);
            Lstm.StepGradients e = Lstm.stepBackward(dh, dc, k.x(), k.hPrev(), k.cPrev(), step, k.Wx(), k.Wh());
            Lstm.StepGradients a = Ex_nb05_lstm_backward.lstmStepBackward(dh, dc, k.x(), k.hPrev(), k.cPrev(), step, k.Wx(), k.Wh());
            Check.that("lstmStepBackward returns six gradients" + at, a != null && a.dx() != null && a.dhPrev() != null && a.dcPrev() != null
                    && a.dWx() != null && a.dWh() != null && a.db() != null, "fill every field of Lstm.StepGradients");
            Check.close("dc_{t-1}" + at, e.dcPrev(), a.dcPrev(), 1e-12,
                    "δc = δc_t + δh ⊙ o ⊙ (1 - tanh²c_t), and δc_{t-1} = δc ⊙ f");
            Check.close("db" + at, e.db(), a.db(), 1e-12,
                    "δa_i = δc g i(1-i), δa_f = δc c_{t-1} f(1-f), δa_g = δc i (1-g²), δa_o = δh tanh(c) o(1-o), in the order i f g o");
            Check.close("dWx" + at, e.dWx(), a.dWx(), 1e-12, "xᵀ δa");
            Check.close("dWh" + at, e.dWh(), a.dWh(), 1e-12, "h_{t-1}ᵀ δa");
            Check.close("dx" + at, e.dx(), a.dx(), 1e-12, "δa W_xᵀ");
            Check.close("dh_{t-1}" + at, e.dhPrev(), a.dhPrev(), 1e-12, "δa W_hᵀ");
        }
    }

    // ---- nb05_gru_step (2 points) ----

    @Test
    @Graded(id = "nb05_gru_step", weight = 2)
    @DisplayName("gruStepForward matches the library's PyTorch-form GRU: h_t, the gates and the hidden product")
    void gruStepMatchesTheLibrary() {
        for (int[] s : new int[][]{{3, 4, 5}, {1, 2, 2}}) {
            GruCase k = GruCase.of(s[0], s[1], s[2], 30 * s[2]);
            String at = " (" + String.format(SHAPES, s[0], s[1], s[2]) + ")";
            Gru.StepResult e = Gru.stepForward(k.x(), k.hPrev(), k.Wx(), k.Wh(), k.bx(), k.bh());
            Gru.StepResult a = Ex_nb05_gru_step.gruStepForward(k.x(), k.hPrev(), k.Wx(), k.Wh(), k.bx(), k.bh());
            Check.that("gruStepForward returns a Gru.StepResult" + at, a != null, null);
            Check.close("h_t" + at, k.layer(Gru.Variant.PYTORCH).finalState().h, a.h(), 1e-12,
                    "blocks r | z | n; n = tanh(x W_xn + b_xn + r ⊙ (h W_hn + b_hn)); h = (1 - z) ⊙ n + z ⊙ h_{t-1}");
            Check.close("gates r z n" + at, e.gates(), a.gates(), 1e-12, "the activated gates, blocks r | z | n");
            Check.close("hn" + at, e.hn(), a.hn(), 1e-12, "h_{t-1} W_hn + b_hn, before r scales it");
        }
    }

    // ---- nb05_gru_backward (3 points) ----

    @Test
    @Graded(id = "nb05_gru_backward", weight = 3)
    @DisplayName("gruStepBackward matches the library's GRU backward pass")
    void gruBackwardMatchesTheLibrary() {
        for (int[] s : new int[][]{{3, 4, 5}, {1, 2, 2}}) {
            GruCase k = GruCase.of(s[0], s[1], s[2], 40 * s[2]);
            String at = " (" + String.format(SHAPES, s[0], s[1], s[2]) + ")";
            Gru gru = k.layer(Gru.Variant.PYTORCH);
            DMatrixRMaj dh = Init.uniform(s[0], s[2], 1, 9);
            DMatrixRMaj dx = gru.backward(new Sequence(1, s[0], s[2]), new State(dh.copy())).at(0);
            Gru.StepResult step = Gru.stepForward(k.x(), k.hPrev(), k.Wx(), k.Wh(), k.bx(), k.bh());
            Gru.StepGradients a = Ex_nb05_gru_backward.gruStepBackward(dh, k.x(), k.hPrev(), step, k.Wx(), k.Wh());
            Check.that("gruStepBackward returns a Gru.StepGradients" + at, a != null, null);
            Check.close("dbh" + at, gru.parameter("bhh").grad, a.dbh(), 1e-12, "the hidden side: [δa_r, δa_z, δa_n ⊙ r]");
            Check.close("dbx" + at, gru.parameter("bxh").grad, a.dbx(), 1e-12,
                    "δa_z = δh (h_{t-1} - n) z(1-z), δa_n = δh (1-z)(1-n²), δa_r = δa_n (h W_hn + b_hn) r(1-r)");
            Check.close("dWh" + at, gru.parameter("Whh").grad, a.dWh(), 1e-12, null);
            Check.close("dWx" + at, gru.parameter("Wxh").grad, a.dWx(), 1e-12, null);
            Check.close("dx" + at, dx, a.dx(), 1e-12, null);
            Check.close("dh_{t-1}" + at, gru.initialGradient().h, a.dhPrev(), 1e-12, "δh ⊙ z (the direct path) plus δa^h W_hᵀ");
        }
    }

    // ---- nb05_gru_cho (1 point) ----

    @Test
    @Graded(id = "nb05_gru_cho", weight = 1)
    @DisplayName("gruChoStepForward matches the library's GRU in Cho et al.'s form")
    void choStepMatchesTheLibrary() {
        for (int[] s : new int[][]{{3, 4, 5}, {2, 3, 1}}) {
            GruCase k = GruCase.of(s[0], s[1], s[2], 50 * s[2]);
            Check.close("h_t, Cho's form (" + String.format(SHAPES, s[0], s[1], s[2]) + ")", k.layer(Gru.Variant.CHO).finalState().h,
                    Ex_nb05_gru_cho.gruChoStepForward(k.x(), k.hPrev(), k.Wx(), k.Wh(), k.bx(), k.bh()), 1e-12,
                    "n = tanh(x W_xn + b_xn + (r ⊙ h_{t-1}) W_hn + b_hn): reset first, with W_h's n block (columns 2H..3H-1)");
        }
    }

    // ---- nb05_forget_bias (1 point) ----

    @Test
    @Graded(id = "nb05_forget_bias", weight = 1)
    @DisplayName("setForgetBias sets the f block and nothing else")
    void forgetBiasSetsTheForgetBlock() {
        for (int H : new int[]{5, 1}) {
            DMatrixRMaj mine = Init.uniform(1, 4 * H, 0.5, H);
            Lstm lstm = new Lstm(2, H, new Rng(0));
            lstm.bh().setTo(mine);
            lstm.forgetBias(2.5);
            Ex_nb05_forget_bias.setForgetBias(mine, 2.5);
            Check.close("the bias after setForgetBias(b, 2.5), H = " + H, lstm.bh(), mine, 0,
                    "blocks i | f | g | o: set columns H .. 2H - 1 to the value, leave the rest as it was");
        }
    }

    // ---- nb05_coupled (3 points) ----

    @Test
    @Graded(id = "nb05_coupled", weight = 1)
    @DisplayName("coupledStepForward matches the library's coupled LSTM: gates f g o, cell, tanh(cell), state")
    void coupledStepMatchesTheLibrary() {
        for (int[] s : new int[][]{{3, 4, 5}, {1, 2, 2}}) {
            LstmCase k = LstmCase.coupled(s[0], s[1], s[2], 60 * s[2]);
            String at = " (" + String.format(SHAPES, s[0], s[1], s[2]) + ")";
            Lstm lstm = k.coupledLayer();
            Lstm.StepResult a = Ex_nb05_coupled.coupledStepForward(k.x(), k.hPrev(), k.cPrev(), k.Wx(), k.Wh(), k.b());
            Check.that("coupledStepForward returns h, c, gates and tanhC" + at, a != null && a.h() != null && a.c() != null
                    && a.gates() != null && a.tanhC() != null, "fill every field of Lstm.StepResult");
            Check.close("the activated gates" + at, lstm.gatesAt(0), a.gates(), 1e-12,
                    "columns f | g | o; σ for f and o, tanh for g; b on every row");
            Check.close("c_t" + at, lstm.finalState().c, a.c(), 1e-12, "c_t = f ⊙ c_{t-1} + (1 - f) ⊙ g");
            Check.close("tanh(c_t)" + at, tanhOf(lstm.finalState().c), a.tanhC(), 1e-12, null);
            Check.close("h_t" + at, lstm.finalState().h, a.h(), 1e-12, "h_t = o ⊙ tanh(c_t)");
        }
    }

    @Test
    @Graded(id = "nb05_coupled", weight = 2)
    @DisplayName("coupledStepBackward matches the library's coupled LSTM backward")
    void coupledBackwardMatchesTheLibrary() {
        for (int[] s : new int[][]{{3, 4, 5}, {1, 2, 2}}) {
            LstmCase k = LstmCase.coupled(s[0], s[1], s[2], 70 * s[2]);
            String at = " (" + String.format(SHAPES, s[0], s[1], s[2]) + ")";
            Lstm lstm = k.coupledLayer();
            State after = lstm.finalState();
            Lstm.StepResult step = new Lstm.StepResult(after.h, after.c, lstm.gatesAt(0), tanhOf(after.c));
            DMatrixRMaj dh = Init.uniform(s[0], s[2], 1, 11), dc = Init.uniform(s[0], s[2], 1, 12);
            lstm.zeroGrad();
            DMatrixRMaj dx = lstm.backward(new Sequence(1, s[0], s[2]), new State(dh.copy(), dc.copy())).at(0);
            Lstm.StepGradients a = Ex_nb05_coupled.coupledStepBackward(dh, dc, k.x(), k.hPrev(), k.cPrev(), step, k.Wx(), k.Wh());
            Check.that("coupledStepBackward returns six gradients" + at, a != null && a.dx() != null && a.dhPrev() != null
                    && a.dcPrev() != null && a.dWx() != null && a.dWh() != null && a.db() != null, "fill every field of Lstm.StepGradients");
            Check.close("dc_{t-1}" + at, lstm.initialGradient().c, a.dcPrev(), 1e-12,
                    "δc = δc_t + δh ⊙ o ⊙ (1 - tanh²c_t), and δc_{t-1} = δc ⊙ f");
            Check.close("db" + at, lstm.parameter("bh").grad, a.db(), 1e-12,
                    "δa_f = δc (c_{t-1} - g) f(1-f) (f reaches c_t twice), δa_g = δc (1-f)(1-g²), δa_o = δh tanh(c) o(1-o), in the order f g o");
            Check.close("dWx" + at, lstm.parameter("Wxh").grad, a.dWx(), 1e-12, "xᵀ δa");
            Check.close("dWh" + at, lstm.parameter("Whh").grad, a.dWh(), 1e-12, "h_{t-1}ᵀ δa");
            Check.close("dx" + at, dx, a.dx(), 1e-12, "δa W_xᵀ");
            Check.close("dh_{t-1}" + at, lstm.initialGradient().h, a.dhPrev(), 1e-12, "δa W_hᵀ");
        }
    }
}
