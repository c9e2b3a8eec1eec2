package rnnkit.layers;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import rnnkit.core.Activation;
import rnnkit.core.Init;
import rnnkit.core.Ops;
import rnnkit.core.Gemm;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;

/**
 * The gated recurrent unit (Cho et al., 2014), gates in PyTorch's order r, z, n, in two forms:
 * <pre>
 *   r = σ(x_t W_xr + b_xr + h_{t-1} W_hr + b_hr)
 *   z = σ(x_t W_xz + b_xz + h_{t-1} W_hz + b_hz)
 *   n = tanh(x_t W_xn + b_xn + r ⊙ (h_{t-1} W_hn + b_hn))       PYTORCH: reset after the hidden product
 *   n = tanh(x_t W_xn + b_xn + (r ⊙ h_{t-1}) W_hn + b_hn)       CHO: reset before it, as in the paper
 *   h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
 * </pre>
 * Parameters (the names of {@link #parameter}): {@code Wxh} D&times;3H, {@code Whh} H&times;3H, and two biases,
 * the input side's {@code bxh} and the hidden side's {@code bhh} (1&times;3H), exactly PyTorch's {@code weight_ih},
 * {@code weight_hh} (transposed), {@code bias_ih}, {@code bias_hh}; the equations above write them b_x and b_h. The
 * two biases matter only for n in the PYTORCH form, where b_hn is scaled by r.
 */
public final class Gru extends RecurrentLayer {

    /** Where the reset gate acts: after the hidden product (PyTorch, cuDNN) or before it (Cho et al.). */
    public enum Variant { PYTORCH, CHO }

    private final Variant variant;
    private final Parameter bh;

    private DMatrixRMaj[] gates = new DMatrixRMaj[0];  // r, z, n per step
    private DMatrixRMaj[] hidden = new DMatrixRMaj[0]; // PYTORCH: h_{t-1} W_hn + b_hn; CHO: r ⊙ h_{t-1}
    private final DMatrixRMaj ah = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dah = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dhIn = new DMatrixRMaj(1, 1);
    // CHO keeps W_h's r,z columns and its n columns apart, to multiply them separately.
    private final DMatrixRMaj whRZ = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj whN = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dWhRZ = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dWhN = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dRh = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dahN = new DMatrixRMaj(1, 1);

    /** A PyTorch-form GRU with PyTorch's initialization. */
    public Gru(int inputSize, int hiddenSize, Rng rng) {
        this(inputSize, hiddenSize, Variant.PYTORCH, rng);
    }

    public Gru(int inputSize, int hiddenSize, Variant variant, Rng rng) {
        super(inputSize, hiddenSize, 3, "Wxh", "Whh", "bxh");
        this.variant = variant;
        this.bh = new Parameter("bhh", 1, 3 * H);
        for (Parameter p : List.of(Wx, Wh, b, bh)) {
            Init.pytorch(p.value, H, rng);
        }
    }

    public Variant variant() {
        return variant;
    }

    /** The input side's bias {@code bxh} (1&times;3H), b_x in the equations. */
    public DMatrixRMaj bxh() {
        return b.value;
    }

    /** The hidden side's bias {@code bhh} (1&times;3H), b_h in the equations. */
    public DMatrixRMaj bhh() {
        return bh.value;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(Wx, Wh, b, bh);
    }

    @Override
    void allocate(int steps, int batch) {
        super.allocate(steps, batch);
        if (gates.length < steps || gates.length == 0 || gates[0].numRows != batch) {
            gates = matrices(steps, batch, 3 * H);
            hidden = matrices(steps, batch, H);
        }
        Ops.shape(ah, batch, 3 * H);
        if (variant == Variant.CHO) {
            splitHidden(Wh.value, whRZ, whN);
        }
    }

    private void splitHidden(DMatrixRMaj wh, DMatrixRMaj rz, DMatrixRMaj n) {
        Ops.shape(rz, H, 2 * H);
        Ops.shape(n, H, H);
        Ops.copyBlock(wh, 0, 0, rz, 0, 0, H, 2 * H);
        Ops.copyBlock(wh, 0, 2 * H, n, 0, 0, H, H);
    }

    /** Step t's pre-activations become its gates r, z, n in place: they are computed in the gates' cache. */
    @Override
    DMatrixRMaj preActivations(int t) {
        return gates[t];
    }

    @Override
    void forwardStep(int t, DMatrixRMaj a) {
        if (variant == Variant.PYTORCH) {
            recurrentProduct(t, ah);                                       // h_{t-1} W_h, all three blocks
            cellPyTorch(a, ah, h[t], bh.value, hidden[t], h[t + 1]);
        } else {
            cellCho(a, hIn(t), h[t], whRZ, whN, bh.value, ah, hidden[t], h[t + 1]);
        }
    }

    /**
     * The PyTorch-form cell, one step for a batch: the reset gate scales the hidden product h_{t-1} W_hn + b_hn.
     *
     * @param a      x_t W_x + b_x (B&times;3H). Modified: on exit the gates r, z, n, which backward needs.
     * @param ah     the hidden product h_{t-1} W_h (B&times;3H; h_{t-1} with recurrent dropout, if any). Modified: + b_h.
     * @param hPrev  h_{t-1} itself, which z mixes in. Not modified.
     * @param bh     the hidden-side bias b_h (1&times;3H). Not modified.
     * @param hidden where h_{t-1} W_hn + b_hn is written, for backward (B&times;H). Modified.
     * @param h      where h_t is written (B&times;H). Modified.
     */
    static void cellPyTorch(DMatrixRMaj a, DMatrixRMaj ah, DMatrixRMaj hPrev, DMatrixRMaj bh, DMatrixRMaj hidden,
                            DMatrixRMaj h) {
        int batch = h.numRows;
        int H = h.numCols;
        Ops.addRow(ah, bh);                              // h_{t-1} W_h + b_h, all three blocks
        for (int r = 0; r < batch; r++) {
            int row = r * 3 * H;
            for (int j = 0; j < 2 * H; j++) {
                a.data[row + j] += ah.data[row + j];                    // the r and z pre-activations, input + hidden
            }
            Activation.SIGMOID.apply(a.data, a.data, row, row + 2 * H); // r = σ(.), z = σ(.)
            for (int j = 0; j < H; j++) {
                double hn = ah.data[row + 2 * H + j];
                a.data[row + 2 * H + j] += a.data[row + j] * hn;        // n's pre-activation: reset after the product
                hidden.data[r * H + j] = hn;
            }
            Activation.TANH.apply(a.data, a.data, row + 2 * H, row + 3 * H);   // n = tanh(.)
        }
        mix(a, hPrev, h);
    }

    /**
     * Cho et al.'s cell, one step for a batch: the reset gate scales h_{t-1} before the product (r ⊙ h_{t-1}) W_hn.
     *
     * @param a      x_t W_x + b_x (B&times;3H). Modified: on exit the gates r, z, n, which backward needs.
     * @param hIn    h_{t-1} as the hidden products see it (with recurrent dropout, if any). Not modified.
     * @param hPrev  h_{t-1} itself, which z mixes in. Not modified.
     * @param whRZ   the r and z columns of W_h (H&times;2H). Not modified.
     * @param whN    the n columns of W_h (H&times;H). Not modified.
     * @param bh     the hidden-side bias b_h (1&times;3H). Not modified.
     * @param ah     a workspace (reshaped). Modified.
     * @param hidden where r ⊙ h_{t-1} is written, for backward (B&times;H). Modified.
     * @param h      where h_t is written (B&times;H). Modified.
     */
    static void cellCho(DMatrixRMaj a, DMatrixRMaj hIn, DMatrixRMaj hPrev, DMatrixRMaj whRZ, DMatrixRMaj whN,
                        DMatrixRMaj bh, DMatrixRMaj ah, DMatrixRMaj hidden, DMatrixRMaj h) {
        int batch = h.numRows;
        int H = h.numCols;
        Ops.shape(ah, batch, 2 * H);
        Gemm.mult(hIn, whRZ, ah);                        // h_{t-1} W_h for r and z
        for (int r = 0; r < batch; r++) {
            int row = r * 3 * H;
            for (int j = 0; j < H; j++) {
                a.data[row + j] = Activation.sigmoid(a.data[row + j] + ah.data[r * 2 * H + j] + bh.data[j]);
                a.data[row + H + j] = Activation.sigmoid(a.data[row + H + j] + ah.data[r * 2 * H + H + j] + bh.data[H + j]);
                hidden.data[r * H + j] = a.data[row + j] * hIn.data[r * H + j];   // r ⊙ h_{t-1}
            }
        }
        Ops.shape(ah, batch, H);
        Gemm.mult(hidden, whN, ah);                      // (r ⊙ h_{t-1}) W_hn: reset before
        for (int r = 0; r < batch; r++) {
            int row = r * 3 * H;
            for (int j = 0; j < H; j++) {
                a.data[row + 2 * H + j] = Activation.tanh(a.data[row + 2 * H + j] + ah.data[r * H + j] + bh.data[2 * H + j]);
            }
        }
        mix(a, hPrev, h);
    }

    /** h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}, from the gates r, z, n in {@code gates} (read); writes {@code h}. */
    private static void mix(DMatrixRMaj gates, DMatrixRMaj hPrev, DMatrixRMaj h) {
        int H = h.numCols;
        for (int r = 0; r < h.numRows; r++) {
            int row = r * 3 * H;
            for (int j = 0; j < H; j++) {
                double z = gates.data[row + H + j];
                int k = r * H + j;
                h.data[k] = (1 - z) * gates.data[row + 2 * H + j] + z * hPrev.data[k]; // h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
            }
        }
    }

    @Override
    void backwardStep(int t, DMatrixRMaj dh, DMatrixRMaj da, DMatrixRMaj dhPrev) {
        Ops.shape(dah, B, 3 * H);
        if (variant == Variant.PYTORCH) {
            cellBackwardPyTorch(dh, gates[t], hidden[t], h[t], da, dah, dhPrev);
            backThroughWh(t, dah, dhPrev);                                 // dW_h += h_{t-1}^T dah, and on to h_{t-1}
        } else {
            backwardCho(t, dh, da, dhPrev);
        }
    }

    /**
     * One step back through the PyTorch-form cell, up to its matrix products (mirroring {@link #cellPyTorch}).
     *
     * @param dh     dL/dh_t (B&times;H). Not modified.
     * @param gates  r, z, n of the step. Not modified.
     * @param hidden h_{t-1} W_hn + b_hn of the step. Not modified.
     * @param hPrev  h_{t-1}. Not modified.
     * @param da     where the gradient on the input-side pre-activations x_t W_x + b_x is written (B&times;3H). Modified.
     * @param dah    where the gradient on the hidden-side ones h_{t-1} W_h + b_h is written (B&times;3H). Modified.
     * @param dhPrev where the direct part of dL/dh_{t-1}, dh ⊙ z, is written (B&times;H). Modified.
     */
    static void cellBackwardPyTorch(DMatrixRMaj dh, DMatrixRMaj gates, DMatrixRMaj hidden, DMatrixRMaj hPrev,
                                    DMatrixRMaj da, DMatrixRMaj dah, DMatrixRMaj dhPrev) {
        int H = dh.numCols;
        for (int r = 0; r < dh.numRows; r++) {
            int row = r * 3 * H;
            for (int j = 0; j < H; j++) {
                int k = r * H + j;
                double rg = gates.data[row + j];
                double z = gates.data[row + H + j];
                double n = gates.data[row + 2 * H + j];
                double d = dh.data[k];
                dhPrev.data[k] = d * z;                                   // h_t = ... + z ⊙ h_{t-1}
                double daZ = d * (hPrev.data[k] - n) * z * (1 - z);
                double daN = d * (1 - z) * (1 - n * n);                   // through (1 - z) ⊙ n and tanh
                double daR = daN * hidden.data[k] * rg * (1 - rg);        // n = tanh(.. + r ⊙ (h W_hn + b_hn))
                da.data[row + j] = daR;
                da.data[row + H + j] = daZ;
                da.data[row + 2 * H + j] = daN;
                dah.data[row + j] = daR;
                dah.data[row + H + j] = daZ;
                dah.data[row + 2 * H + j] = daN * rg;
            }
        }
    }

    /** One step back through Cho et al.'s cell (mirroring {@link #cellCho}): writes da and dhPrev, accumulates dW_h, db_h. */
    private void backwardCho(int t, DMatrixRMaj dh, DMatrixRMaj da, DMatrixRMaj dhPrev) {
        DMatrixRMaj g = gates[t];
        Ops.shape(dhIn, B, H);
        Ops.shape(dahN, B, H);
        for (int r = 0; r < B; r++) {
            int row = r * 3 * H;
            for (int j = 0; j < H; j++) {
                int k = r * H + j;
                double z = g.data[row + H + j];
                double n = g.data[row + 2 * H + j];
                double d = dh.data[k];
                dhPrev.data[k] = d * z;                                   // h_t = ... + z ⊙ h_{t-1}
                double daZ = d * (h[t].data[k] - n) * z * (1 - z);
                double daN = d * (1 - z) * (1 - n * n);                   // through (1 - z) ⊙ n and tanh
                da.data[row + H + j] = daZ;
                da.data[row + 2 * H + j] = daN;
                dah.data[row + H + j] = daZ;
                dahN.data[k] = daN;
            }
        }
        DMatrixRMaj rh = hidden[t];
        Ops.shape(dRh, B, H);
        Gemm.multTransB(dahN, whN, dRh);                 // dL/d(r ⊙ h_{t-1})
        Gemm.multAddTransA(rh, dahN, dWhN);
        for (int r = 0; r < B; r++) {
            int row = r * 3 * H;
            for (int j = 0; j < H; j++) {
                int k = r * H + j;
                double rg = g.data[row + j];
                double daR = dRh.data[k] * hIn(t).data[k] * rg * (1 - rg);
                da.data[row + j] = daR;
                dah.data[row + j] = daR;
                dRh.data[k] *= rg;                                     // its part in dL/dh_{t-1}
            }
        }
        Ops.shape(ah, B, 2 * H);                                       // dah's r,z columns, packed
        Ops.copyBlock(dah, 0, 0, ah, 0, 0, B, 2 * H);
        Gemm.multAddTransA(hIn(t), ah, dWhRZ);
        Gemm.multTransB(ah, whRZ, dhIn);
        CommonOps_DDRM.addEquals(dhIn, dRh);
        for (int r = 0; r < B; r++) {                                  // b_h gradients, block by block
            for (int j = 0; j < 2 * H; j++) {
                bh.grad.data[j] += ah.data[r * 2 * H + j];
            }
            for (int j = 0; j < H; j++) {
                bh.grad.data[2 * H + j] += dahN.data[r * H + j];
            }
        }
        addThroughMask(t, dhIn, dhPrev);
    }

    @Override
    void beginBackward() {
        if (variant == Variant.CHO) {
            Ops.shape(dWhRZ, H, 2 * H).zero();
            Ops.shape(dWhN, H, H).zero();
        }
    }

    @Override
    void endBackward() {
        if (variant == Variant.PYTORCH) {
            Ops.addColumnSums(dAhs(), bh.grad);                            // db_h += sum_t dah_t
        }
        if (variant == Variant.CHO) {
            Ops.addBlock(dWhRZ, 0, 0, Wh.grad, 0, 0, H, 2 * H);
            Ops.addBlock(dWhN, 0, 0, Wh.grad, 0, 2 * H, H, H);
        }
    }

    @Override
    public State step(DMatrixRMaj x, State state) {
        int batch = x.numRows;
        DMatrixRMaj a = CommonOps_DDRM.mult(x, Wx.value, null);
        Ops.addRow(a, b.value);
        DMatrixRMaj next = new DMatrixRMaj(batch, H);
        DMatrixRMaj work = new DMatrixRMaj(1, 1);
        DMatrixRMaj hidden = new DMatrixRMaj(batch, H);
        if (variant == Variant.PYTORCH) {
            Gemm.mult(state.h, Wh.value, work);
            cellPyTorch(a, work, state.h, bh.value, hidden, next);
        } else {
            DMatrixRMaj rz = new DMatrixRMaj(1, 1);
            DMatrixRMaj n = new DMatrixRMaj(1, 1);
            splitHidden(Wh.value, rz, n);
            cellCho(a, state.h, state.h, rz, n, bh.value, work, hidden, next);
        }
        return new State(next);
    }

    /** One PyTorch-form GRU step on its own and its cache: h_t, the gates r, z, n, and h_{t-1} W_hn + b_hn. */
    public record StepResult(DMatrixRMaj h, DMatrixRMaj gates, DMatrixRMaj hn) {
    }

    /**
     * One step of a PyTorch-form GRU cell, the lecture's equations for one batch; {@code Wx} D&times;3H, {@code Wh}
     * H&times;3H, the biases {@code bx}, {@code bh} 1&times;3H, blocks r, z, n.
     */
    public static StepResult stepForward(DMatrixRMaj x, DMatrixRMaj hPrev, DMatrixRMaj Wx, DMatrixRMaj Wh,
                                         DMatrixRMaj bx, DMatrixRMaj bh) {
        int batch = x.numRows;
        int H = Wh.numRows;
        DMatrixRMaj a = CommonOps_DDRM.mult(x, Wx, null);           // x_t W_x
        Ops.addRow(a, bx);                                          // + b_x
        DMatrixRMaj hn = new DMatrixRMaj(batch, H);
        DMatrixRMaj h = new DMatrixRMaj(batch, H);
        cellPyTorch(a, CommonOps_DDRM.mult(hPrev, Wh, null), hPrev, bh, hn, h);   // h_{t-1} W_h
        return new StepResult(h, a, hn);
    }

    /** The gradients of one PyTorch-form GRU step. */
    public record StepGradients(DMatrixRMaj dx, DMatrixRMaj dhPrev, DMatrixRMaj dWx, DMatrixRMaj dWh,
                                DMatrixRMaj dbx, DMatrixRMaj dbh) {
    }

    /** One PyTorch-form GRU step back, given dL/dh_t, mirroring {@link #stepForward}. */
    public static StepGradients stepBackward(DMatrixRMaj dh, DMatrixRMaj x, DMatrixRMaj hPrev, StepResult step,
                                             DMatrixRMaj Wx, DMatrixRMaj Wh) {
        int batch = dh.numRows;
        int H = dh.numCols;
        DMatrixRMaj dax = new DMatrixRMaj(batch, 3 * H);
        DMatrixRMaj dah = new DMatrixRMaj(batch, 3 * H);
        DMatrixRMaj dhPrev = new DMatrixRMaj(batch, H);
        cellBackwardPyTorch(dh, step.gates(), step.hn(), hPrev, dax, dah, dhPrev);  // dhPrev = dh ⊙ z
        CommonOps_DDRM.multAddTransB(dah, Wh, dhPrev);              // + da^h W_h^T
        DMatrixRMaj dbx = new DMatrixRMaj(1, 3 * H);
        DMatrixRMaj dbh = new DMatrixRMaj(1, 3 * H);
        Ops.addColumnSums(dax, dbx);
        Ops.addColumnSums(dah, dbh);
        return new StepGradients(
                CommonOps_DDRM.multTransB(dax, Wx, null),            // dx = da^x W_x^T
                dhPrev,
                CommonOps_DDRM.multTransA(x, dax, null),             // dW_x = x^T da^x
                CommonOps_DDRM.multTransA(hPrev, dah, null),         // dW_h = h_{t-1}^T da^h
                dbx, dbh);
    }
}
