package rnnkit.layers;

import java.util.ArrayList;
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
 * Long short-term memory (Hochreiter &amp; Schmidhuber, 1997, with the forget gate of Gers et al., 2000):
 * <pre>
 *   i = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)      where a = x_t W_x + h_{t-1} W_h + b
 *   c_t = f ⊙ c_{t-1} + i ⊙ g
 *   h_t = o ⊙ tanh(c_t)
 * </pre>
 * Gates are stacked in PyTorch's order i, f, g, o: {@code Wx} is D&times;4H, {@code Wh} H&times;4H, {@code b}
 * 1&times;4H (PyTorch's two biases b_ih + b_hh in one). Two variants of the lecture are here too:
 * <ul>
 *   <li>{@link Variant#PEEPHOLE} (Gers &amp; Schmidhuber, 2000): the gates also see the cell,
 *   i = σ(a_i + w_ci ⊙ c_{t-1}), f = σ(a_f + w_cf ⊙ c_{t-1}), o = σ(a_o + w_co ⊙ c_t), with diagonal weights
 *   {@code wci}, {@code wcf}, {@code wco} (1&times;H);</li>
 *   <li>{@link Variant#COUPLED} input and forget gates: i = 1 - f, so the gates are f, g, o and {@code Wx} is
 *   D&times;3H. Greff et al. (2017, "CIFG") and the Koç slides write the mirror form f = 1 - i, learning i; the two
 *   are the same model under the renaming i &harr; 1 - f (one gate learnt, the other its complement).</li>
 * </ul>
 */
public final class Lstm extends RecurrentLayer {

    /** Which LSTM: the standard one, with peepholes, or with coupled input and forget gates. */
    public enum Variant { STANDARD, PEEPHOLE, COUPLED }

    private final Variant variant;
    private final Parameter wci;
    private final Parameter wcf;
    private final Parameter wco;
    private final List<Parameter> params;
    private final DMatrixRMaj[] peepValues;
    private final DMatrixRMaj[] peepGrads;

    /** c[0] is the initial cell, c[t + 1] the cell after step t. */
    private DMatrixRMaj[] c = new DMatrixRMaj[0];
    private DMatrixRMaj[] tanhC = new DMatrixRMaj[0];
    private DMatrixRMaj[] gates = new DMatrixRMaj[0];
    private final DMatrixRMaj dc = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj heldDc = new DMatrixRMaj(1, 1);

    /** A standard LSTM with PyTorch's initialization U(-1/sqrt(H), 1/sqrt(H)). */
    public Lstm(int inputSize, int hiddenSize, Rng rng) {
        this(inputSize, hiddenSize, Variant.STANDARD, rng);
    }

    public Lstm(int inputSize, int hiddenSize, Variant variant, Rng rng) {
        super(inputSize, hiddenSize, variant == Variant.COUPLED ? 3 : 4, "Wx", "Wh", "b");
        this.variant = variant;
        Init.pytorch(Wx.value, H, rng);
        Init.pytorch(Wh.value, H, rng);
        Init.pytorch(b.value, H, rng);
        params = new ArrayList<>(List.of(Wx, Wh, b));
        if (variant == Variant.PEEPHOLE) {
            wci = new Parameter("wci", 1, H);
            wcf = new Parameter("wcf", 1, H);
            wco = new Parameter("wco", 1, H);
            for (Parameter p : List.of(wci, wcf, wco)) {
                Init.pytorch(p.value, H, rng);
                params.add(p);
            }
            peepValues = new DMatrixRMaj[]{wci.value, wcf.value, wco.value};
            peepGrads = new DMatrixRMaj[]{wci.grad, wcf.grad, wco.grad};
        } else {
            wci = null;
            wcf = null;
            wco = null;
            peepValues = null;
            peepGrads = null;
        }
    }

    /**
     * Sets every forget-gate bias to {@code value}: with 1 (Gers et al., 2000; Jozefowicz et al., 2015) the
     * forget gate starts mostly open, so the cell remembers from the first update on.
     */
    public Lstm forgetBias(double value) {
        int f = forgetBlock();
        for (int j = 0; j < H; j++) {
            b.value.data[f * H + j] = value;
        }
        return this;
    }

    private int forgetBlock() {
        return variant == Variant.COUPLED ? 0 : 1;
    }

    public Variant variant() {
        return variant;
    }

    @Override
    public boolean hasCell() {
        return true;
    }

    @Override
    public List<Parameter> parameters() {
        return params;
    }

    @Override
    void allocate(int steps, int batch) {
        super.allocate(steps, batch);
        if (c.length < steps + 1 || c[0].numRows != batch) {
            c = matrices(steps + 1, batch, H);
            tanhC = matrices(steps, batch, H);
            gates = matrices(steps, batch, G * H);
        }
    }

    @Override
    void beginForward(State initial) {
        if (initial == null || initial.c == null) {
            c[0].zero();
        } else {
            Ops.requireShape(initial.c, B, H, "initial c");
            c[0].setTo(initial.c);
        }
    }

    @Override
    void forwardStep(int t, DMatrixRMaj a) {
        cell(variant, a, hIn(t), c[t], Wh.value, peepValues, c[t + 1], tanhC[t], h[t + 1]);
        gates[t].setTo(a);
    }

    /**
     * The cell, one step for a batch. On entry {@code a} holds x_t W_x + b (B&times;GH); on exit it holds the
     * activated gates (i, f, g, o; for COUPLED f, g, o), which the backward step needs. Writes c_t, tanh(c_t) and
     * h_t.
     */
    static void cell(Variant v, DMatrixRMaj a, DMatrixRMaj hPrev, DMatrixRMaj cPrev, DMatrixRMaj Wh,
                     DMatrixRMaj[] peep, DMatrixRMaj c, DMatrixRMaj tanhC, DMatrixRMaj h) {
        Gemm.multAdd(hPrev, Wh, a);                      // a = x_t W_x + b + h_{t-1} W_h
        int H = h.numCols;
        int G = a.numCols / H;
        for (int r = 0; r < h.numRows; r++) {
            int row = r * G * H;
            for (int j = 0; j < H; j++) {
                int k = r * H + j;
                double cp = cPrev.data[k];
                double i;
                double f;
                double g;
                double aO;
                if (v == Variant.COUPLED) {
                    f = Activation.sigmoid(a.data[row + j]);
                    i = 1 - f;                                      // coupled: i = 1 - f
                    g = Activation.tanh(a.data[row + H + j]);
                    aO = a.data[row + 2 * H + j];
                } else {
                    double peepI = peep == null ? 0 : peep[0].data[j] * cp;
                    double peepF = peep == null ? 0 : peep[1].data[j] * cp;
                    i = Activation.sigmoid(a.data[row + j] + peepI);
                    f = Activation.sigmoid(a.data[row + H + j] + peepF);
                    g = Activation.tanh(a.data[row + 2 * H + j]);
                    aO = a.data[row + 3 * H + j];
                }
                double ct = f * cp + i * g;                         // c_t = f ⊙ c_{t-1} + i ⊙ g
                double o = Activation.sigmoid(aO + (peep == null ? 0 : peep[2].data[j] * ct));
                double tc = Activation.tanh(ct);
                c.data[k] = ct;
                tanhC.data[k] = tc;
                h.data[k] = o * tc;                                 // h_t = o ⊙ tanh(c_t)
                if (v == Variant.COUPLED) {
                    a.data[row + j] = f;
                    a.data[row + H + j] = g;
                    a.data[row + 2 * H + j] = o;
                } else {
                    a.data[row + j] = i;
                    a.data[row + H + j] = f;
                    a.data[row + 2 * H + j] = g;
                    a.data[row + 3 * H + j] = o;
                }
            }
        }
    }

    /**
     * One step back through the cell. {@code dh} is dL/dh_t and {@code dc} dL/dc_t from the future; on exit
     * {@code dc} holds dL/dc_{t-1} (mostly {@code dc_t ⊙ f}: the cell's gradient highway) and {@code da} the
     * gradient on the pre-activations. Peephole gradients are accumulated into {@code peepGrad}.
     */
    static void cellBackward(Variant v, DMatrixRMaj dh, DMatrixRMaj dc, DMatrixRMaj gates, DMatrixRMaj cPrev,
                             DMatrixRMaj c, DMatrixRMaj tanhC, DMatrixRMaj[] peep, DMatrixRMaj[] peepGrad,
                             DMatrixRMaj da) {
        int H = dh.numCols;
        int G = gates.numCols / H;
        for (int r = 0; r < dh.numRows; r++) {
            int row = r * G * H;
            for (int j = 0; j < H; j++) {
                int k = r * H + j;
                double tc = tanhC.data[k];
                double cp = cPrev.data[k];
                double o = gates.data[row + (G - 1) * H + j];
                double daO = dh.data[k] * tc * o * (1 - o);              // h = o ⊙ tanh(c)
                double dct = dc.data[k] + dh.data[k] * o * (1 - tc * tc); // + through tanh(c_t)
                if (peep != null) {
                    dct += daO * peep[2].data[j];                        // o peeks at c_t
                    peepGrad[2].data[j] += daO * c.data[k];
                }
                if (v == Variant.COUPLED) {
                    double f = gates.data[row + j];
                    double g = gates.data[row + H + j];
                    da.data[row + j] = dct * (cp - g) * f * (1 - f);     // c = f c_{t-1} + (1 - f) g
                    da.data[row + H + j] = dct * (1 - f) * (1 - g * g);
                    da.data[row + 2 * H + j] = daO;
                    dc.data[k] = dct * f;
                } else {
                    double i = gates.data[row + j];
                    double f = gates.data[row + H + j];
                    double g = gates.data[row + 2 * H + j];
                    double daI = dct * g * i * (1 - i);
                    double daF = dct * cp * f * (1 - f);
                    da.data[row + j] = daI;
                    da.data[row + H + j] = daF;
                    da.data[row + 2 * H + j] = dct * i * (1 - g * g);
                    da.data[row + 3 * H + j] = daO;
                    double dcPrev = dct * f;                              // dc_{t-1} = dc_t ⊙ f
                    if (peep != null) {
                        dcPrev += daI * peep[0].data[j] + daF * peep[1].data[j];
                        peepGrad[0].data[j] += daI * cp;
                        peepGrad[1].data[j] += daF * cp;
                    }
                    dc.data[k] = dcPrev;
                }
            }
        }
    }

    @Override
    void beginBackward(State dFinal) {
        Ops.shape(dc, B, H);
        if (dFinal == null || dFinal.c == null) {
            dc.zero();
        } else {
            dc.setTo(dFinal.c);
        }
    }

    @Override
    void backwardStep(int t, DMatrixRMaj dh, DMatrixRMaj da, DMatrixRMaj dhPrev) {
        cellBackward(variant, dh, dc, gates[t], c[t], c[t + 1], tanhC[t], peepValues, peepGrads, da);
        dhPrev.zero();
        backThroughWh(t, da, dhPrev);                               // dW_h += h_{t-1}^T da, dh_{t-1} = da W_h^T
    }

    @Override
    void carryRow(int t, int row) {
        System.arraycopy(c[t].data, row * H, c[t + 1].data, row * H, H);
    }

    @Override
    void holdRowGradient(int row) {
        Ops.shape(heldDc, B, H);
        System.arraycopy(dc.data, row * H, heldDc.data, row * H, H);
        java.util.Arrays.fill(dc.data, row * H, (row + 1) * H, 0);
    }

    @Override
    void releaseRowGradient(int row) {
        System.arraycopy(heldDc.data, row * H, dc.data, row * H, H);
    }

    @Override
    DMatrixRMaj initialCellGradient() {
        return dc;
    }

    @Override
    public State stateAt(int t) {
        return new State(h[t + 1].copy(), c[t + 1].copy());
    }

    @Override
    public State step(DMatrixRMaj x, State state) {
        int batch = x.numRows;
        DMatrixRMaj a = new DMatrixRMaj(batch, G * H);
        Gemm.mult(x, Wx.value, a);
        Ops.addRow(a, b.value);
        State next = State.zeros(batch, H, true);
        cell(variant, a, state.h, state.c, Wh.value, peepValues, next.c, new DMatrixRMaj(batch, H), next.h);
        return next;
    }

    /** One standard LSTM step on its own and its cache: the new state, the activated gates i,f,g,o, tanh(c_t). */
    public record StepResult(DMatrixRMaj h, DMatrixRMaj c, DMatrixRMaj gates, DMatrixRMaj tanhC) {
    }

    /** One step of a standard LSTM cell: the lecture's equations for one batch. */
    public static StepResult stepForward(DMatrixRMaj x, DMatrixRMaj hPrev, DMatrixRMaj cPrev, DMatrixRMaj Wx,
                                         DMatrixRMaj Wh, DMatrixRMaj b) {
        int batch = x.numRows;
        int H = Wh.numRows;
        DMatrixRMaj a = CommonOps_DDRM.mult(x, Wx, null);           // x_t W_x
        Ops.addRow(a, b);                                           // + b
        DMatrixRMaj c = new DMatrixRMaj(batch, H);
        DMatrixRMaj tanhC = new DMatrixRMaj(batch, H);
        DMatrixRMaj h = new DMatrixRMaj(batch, H);
        cell(Variant.STANDARD, a, hPrev, cPrev, Wh, null, c, tanhC, h);
        return new StepResult(h, c, a, tanhC);
    }

    /** The gradients of one standard LSTM step. */
    public record StepGradients(DMatrixRMaj dx, DMatrixRMaj dhPrev, DMatrixRMaj dcPrev, DMatrixRMaj dWx,
                                DMatrixRMaj dWh, DMatrixRMaj db) {
    }

    /** One standard LSTM step back, given dL/dh_t and dL/dc_t, mirroring {@link #stepForward}. */
    public static StepGradients stepBackward(DMatrixRMaj dh, DMatrixRMaj dcNext, DMatrixRMaj x, DMatrixRMaj hPrev,
                                             DMatrixRMaj cPrev, StepResult step, DMatrixRMaj Wx, DMatrixRMaj Wh) {
        DMatrixRMaj dc = dcNext.copy();
        DMatrixRMaj da = new DMatrixRMaj(dh.numRows, step.gates().numCols);
        cellBackward(Variant.STANDARD, dh, dc, step.gates(), cPrev, step.c(), step.tanhC(), null, null, da);
        DMatrixRMaj db = new DMatrixRMaj(1, da.numCols);
        Ops.addColumnSums(da, db);
        return new StepGradients(
                CommonOps_DDRM.multTransB(da, Wx, null),             // dx = da W_x^T
                CommonOps_DDRM.multTransB(da, Wh, null),             // dh_{t-1} = da W_h^T
                dc,                                                  // dc_{t-1} = dc_t ⊙ f
                CommonOps_DDRM.multTransA(x, da, null),              // dW_x = x^T da
                CommonOps_DDRM.multTransA(hPrev, da, null),          // dW_h = h_{t-1}^T da
                db);
    }
}
