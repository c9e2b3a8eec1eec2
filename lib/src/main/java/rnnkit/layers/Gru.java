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
 * Parameters: {@code Wx} D&times;3H, {@code Wh} H&times;3H, and two biases {@code bx}, {@code bh} (1&times;3H),
 * exactly PyTorch's {@code weight_ih}, {@code weight_hh} (transposed), {@code bias_ih}, {@code bias_hh}; the two
 * biases matter only for n in the PYTORCH form, where b_hn is scaled by r.
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
        super(inputSize, hiddenSize, 3, "Wx", "Wh", "bx");
        this.variant = variant;
        this.bh = new Parameter("bh", 1, 3 * H);
        for (Parameter p : List.of(Wx, Wh, b, bh)) {
            Init.pytorch(p.value, H, rng);
        }
    }

    public Variant variant() {
        return variant;
    }

    @Override
    public boolean hasCell() {
        return false;
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

    @Override
    void forwardStep(int t, DMatrixRMaj a) {
        cell(variant, a, hIn(t), h[t], Wh.value, whRZ, whN, bh.value, ah, hidden[t], h[t + 1]);
        gates[t].setTo(a);
    }

    /**
     * The cell, one step for a batch. On entry {@code a} holds x_t W_x + b_x (B&times;3H); on exit the gates
     * r, z, n. {@code hIn} is h_{t-1} as the hidden products see it (with dropout, if any), {@code hPrev} the
     * state itself. Writes h_t, and into {@code hidden} what backward needs: h_{t-1} W_hn + b_hn (PYTORCH) or
     * r ⊙ h_{t-1} (CHO). {@code whRZ} and {@code whN} are W_h's column blocks, used by CHO only.
     */
    static void cell(Variant v, DMatrixRMaj a, DMatrixRMaj hIn, DMatrixRMaj hPrev, DMatrixRMaj Wh, DMatrixRMaj whRZ,
                     DMatrixRMaj whN, DMatrixRMaj bh, DMatrixRMaj ah, DMatrixRMaj hidden, DMatrixRMaj h) {
        int batch = h.numRows;
        int H = h.numCols;
        if (v == Variant.PYTORCH) {
            Ops.shape(ah, batch, 3 * H);
            Gemm.mult(hIn, Wh, ah);                          // h_{t-1} W_h + b_h, all three blocks
            Ops.addRow(ah, bh);
            for (int r = 0; r < batch; r++) {
                int row = r * 3 * H;
                for (int j = 0; j < H; j++) {
                    a.data[row + j] = Activation.sigmoid(a.data[row + j] + ah.data[row + j]);              // r
                    a.data[row + H + j] = Activation.sigmoid(a.data[row + H + j] + ah.data[row + H + j]);  // z
                    double hn = ah.data[row + 2 * H + j];
                    a.data[row + 2 * H + j] = Activation.tanh(a.data[row + 2 * H + j] + a.data[row + j] * hn); // n: reset after
                    hidden.data[r * H + j] = hn;
                }
            }
        } else {
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
        }
        for (int r = 0; r < batch; r++) {
            int row = r * 3 * H;
            for (int j = 0; j < H; j++) {
                double z = a.data[row + H + j];
                int k = r * H + j;
                h.data[k] = (1 - z) * a.data[row + 2 * H + j] + z * hPrev.data[k]; // h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
            }
        }
    }

    @Override
    void backwardStep(int t, DMatrixRMaj dh, DMatrixRMaj da, DMatrixRMaj dhPrev) {
        DMatrixRMaj g = gates[t];
        Ops.shape(dah, B, 3 * H);
        Ops.shape(dhIn, B, H);
        if (variant == Variant.CHO) {
            Ops.shape(dahN, B, H);
        }
        for (int r = 0; r < B; r++) {
            int row = r * 3 * H;
            for (int j = 0; j < H; j++) {
                int k = r * H + j;
                double rg = g.data[row + j];
                double z = g.data[row + H + j];
                double n = g.data[row + 2 * H + j];
                double d = dh.data[k];
                dhPrev.data[k] = d * z;                                   // h_t = ... + z ⊙ h_{t-1}
                double daZ = d * (h[t].data[k] - n) * z * (1 - z);
                double daN = d * (1 - z) * (1 - n * n);                   // through (1 - z) ⊙ n and tanh
                da.data[row + H + j] = daZ;
                da.data[row + 2 * H + j] = daN;
                dah.data[row + H + j] = daZ;
                if (variant == Variant.PYTORCH) {
                    double daR = daN * hidden[t].data[k] * rg * (1 - rg); // n = tanh(.. + r ⊙ (h W_hn + b_hn))
                    da.data[row + j] = daR;
                    dah.data[row + j] = daR;
                    dah.data[row + 2 * H + j] = daN * rg;
                } else {
                    dahN.data[k] = daN;
                }
            }
        }
        if (variant == Variant.PYTORCH) {
            Ops.addColumnSums(dah, bh.grad);
            backThroughWh(t, dah, dhPrev);                                 // dW_h += h_{t-1}^T dah, and on to h_{t-1}
        } else {
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
    }

    @Override
    void beginBackward(State dFinal) {
        if (variant == Variant.CHO) {
            Ops.shape(dWhRZ, H, 2 * H).zero();
            Ops.shape(dWhN, H, H).zero();
        }
    }

    @Override
    void endBackward() {
        if (variant == Variant.CHO) {
            Ops.addBlock(dWhRZ, 0, 0, Wh.grad, 0, 0, H, 2 * H);
            Ops.addBlock(dWhN, 0, 0, Wh.grad, 0, 2 * H, H, H);
        }
    }

    @Override
    public State stateAt(int t) {
        return new State(h[t + 1].copy());
    }

    @Override
    public State step(DMatrixRMaj x, State state) {
        int batch = x.numRows;
        DMatrixRMaj a = CommonOps_DDRM.mult(x, Wx.value, null);
        Ops.addRow(a, b.value);
        DMatrixRMaj rz = new DMatrixRMaj(1, 1);
        DMatrixRMaj n = new DMatrixRMaj(1, 1);
        if (variant == Variant.CHO) {
            splitHidden(Wh.value, rz, n);
        }
        DMatrixRMaj next = new DMatrixRMaj(batch, H);
        cell(variant, a, state.h, state.h, Wh.value, rz, n, bh.value, new DMatrixRMaj(1, 1), new DMatrixRMaj(batch, H), next);
        return new State(next);
    }
}
