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
 * Gates are stacked in PyTorch's order i, f, g, o. Parameters (the names of {@link #parameter}): {@code Wxh}
 * D&times;4H, {@code Whh} H&times;4H, {@code bh} 1&times;4H (PyTorch's two biases b_ih + b_hh in one), as the RNN's
 * W_xh, W_hh, b_h with a block per gate; the peephole weights {@code wci}, {@code wcf}, {@code wco} and FGR's
 * {@code Wgg} where a variant has them.
 *
 * <h2>The variants</h2>
 * The {@link Variant}s are those of Greff et al., "LSTM: A Search Space Odyssey" (IEEE TNNLS 28(10), 2017). Their
 * reference, "vanilla" V, is the LSTM with peepholes ({@link Variant#PEEPHOLE}, Gers &amp; Schmidhuber, 2000):
 * <pre>
 *   i = σ(a_i + w_ci ⊙ c_{t-1})   f = σ(a_f + w_cf ⊙ c_{t-1})   o = σ(a_o + w_co ⊙ c_t)
 * </pre>
 * with diagonal peephole weights {@code wci}, {@code wcf}, {@code wco} (1&times;H; o looks at the new cell). Each of
 * their eight variants is V with exactly one change, so <b>every variant but NP keeps the peepholes</b> of the gates
 * it still learns:
 * <table>
 *   <caption>Greff et al.'s variants</caption>
 *   <tr><th>Greff</th><th>here</th><th>change to V</th><th>learnt blocks</th><th>peepholes</th></tr>
 *   <tr><td>V</td><td>{@link Variant#PEEPHOLE}</td><td>none</td><td>i f g o</td><td>i f o</td></tr>
 *   <tr><td>NIG</td><td>{@link Variant#NIG}</td><td>no input gate: i = 1</td><td>f g o</td><td>f o</td></tr>
 *   <tr><td>NFG</td><td>{@link Variant#NFG}</td><td>no forget gate: f = 1, c_t = c_{t-1} + i ⊙ g (the 1997
 *       LSTM's constant error carousel)</td><td>i g o</td><td>i o</td></tr>
 *   <tr><td>NOG</td><td>{@link Variant#NOG}</td><td>no output gate: o = 1</td><td>i f g</td><td>i f</td></tr>
 *   <tr><td>NIAF</td><td>{@link Variant#NIAF}</td><td>no input activation: g = a_g</td><td>i f g o</td><td>i f o</td></tr>
 *   <tr><td>NOAF</td><td>{@link Variant#NOAF}</td><td>no output activation: h = o ⊙ c_t</td><td>i f g o</td><td>i f o</td></tr>
 *   <tr><td>NP</td><td>{@link Variant#STANDARD}</td><td>no peepholes (PyTorch's LSTM)</td><td>i f g o</td><td>none</td></tr>
 *   <tr><td>CIFG</td><td>{@link Variant#CIFG}</td><td>coupled gates, written here i = 1 - f</td><td>f g o</td><td>f o</td></tr>
 *   <tr><td>FGR</td><td>{@link Variant#FGR}</td><td>full gate recurrence: + [i, f, o]_{t-1} W_gg in the
 *       pre-activations of i, f, o</td><td>i f g o</td><td>i f o</td></tr>
 * </table>
 * {@link Variant#COUPLED} is CIFG without peepholes: NP's cell with coupled gates.
 *
 * <p><b>CIFG's orientation.</b> Greff et al. and the Koç slides learn the input gate and set f = 1 - i; here the
 * forget gate is learnt and i = 1 - f. The two are the same model: since 1 - σ(z) = σ(-z), Greff's CIFG with
 * weights (W_i, b_i, w_ci) computes exactly what this one computes with (W_f, b_f, w_cf) = -(W_i, b_i, w_ci), and
 * PyTorch's symmetric initialization draws both alike. Learning f keeps {@link #forgetBias} meaning what it means
 * for every other variant (a positive bias keeps the cell).
 *
 * <p><b>FGR</b> (the gate recurrence of the 1997 LSTM): each of the gates i, f, o also receives the previous step's
 * activated gates i_{t-1}, f_{t-1}, o_{t-1}, through Greff's nine matrices R_ii, R_fi, ..., R_oo, held here as one
 * 3H&times;3H parameter {@code Wgg} (rows: i_{t-1}, f_{t-1}, o_{t-1}; columns: to i, f, o). At t = 0 the previous
 * gates are 0. They are not part of a {@link State}, so an FGR layer runs whole sequences only ({@link #step}
 * refuses it).
 *
 * <p><b>Where the code is.</b> STANDARD, the layer everyone trains and the one benchmarked against PyTorch, has its
 * own branch-free loops ({@link #cell}, {@link #cellBackward}). Every other variant runs through one general cell,
 * {@code LstmVariantCell}, in which each change is one line forward and its mirror backward; FGR's matrix products
 * are here, around it ({@code addGateRecurrence}, {@code backThroughGateRecurrence}).
 */
public final class Lstm extends RecurrentLayer {

    /**
     * Which LSTM (see the class comment): the standard one (Greff's NP), Greff's vanilla V with peepholes, the coupled
     * gates without peepholes, and Greff's changes to V.
     */
    public enum Variant {
        /** i, f, g, o without peepholes: PyTorch's LSTM, Greff's NP. */
        STANDARD("ifgo", false),
        /** Greff's vanilla V: i, f, o look at the cell (Gers &amp; Schmidhuber, 2000). */
        PEEPHOLE("ifgo", true),
        /** Coupled input and forget gates, i = 1 - f, without peepholes. */
        COUPLED("fgo", false),
        /** V without the input gate: i = 1. */
        NIG("fgo", true),
        /** V without the forget gate: f = 1, the cell of the 1997 LSTM. */
        NFG("igo", true),
        /** V without the output gate: o = 1. */
        NOG("ifg", true),
        /** V without the input activation: g = a_g. */
        NIAF("ifgo", true),
        /** V without the output activation: h = o ⊙ c_t. */
        NOAF("ifgo", true),
        /** V with coupled input and forget gates, i = 1 - f. */
        CIFG("fgo", true),
        /** V with full gate recurrence: the gates also see i_{t-1}, f_{t-1}, o_{t-1}. */
        FGR("ifgo", true);

        private final String blocks;
        private final boolean peepholes;

        Variant(String blocks, boolean peepholes) {
            this.blocks = blocks;
            this.peepholes = peepholes;
        }

        /** The learnt blocks of {@code Wx}, {@code Wh} and {@code b}, in order: "ifgo", or three of its letters. */
        public String blocks() {
            return blocks;
        }

        /** Whether the learnt sigmoid gates look at the cell. */
        public boolean hasPeepholes() {
            return peepholes;
        }

        /** Whether a forget gate is learnt (all but NFG; for the coupled variants it is the learnt one). */
        public boolean hasForgetGate() {
            return blocks.indexOf('f') >= 0;
        }
    }

    /** FGR's third part of the state (after h and c): the previous step's activated gates [i, f, o], B&times;3H. */
    private static final int GATES = 2;

    private final Variant variant;
    private final List<Parameter> params;
    /** The general cell of every variant but STANDARD; null for STANDARD. */
    private final LstmVariantCell variantCell;
    /** FGR's gate-to-gate weights (3H&times;3H), null for the other variants. */
    private final Parameter Wgg;

    // The cache beyond the state (h and c are the base class's: state(CELL)[t] is c_{t-1} as step t sees it).
    /** tanh(c_t) (c_t itself for NOAF). */
    private DMatrixRMaj[] tanhC = new DMatrixRMaj[0];
    /** The activated learnt gates of each step. */
    private DMatrixRMaj[] gates = new DMatrixRMaj[0];
    private final DMatrixRMaj gateInput = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj daGates = new DMatrixRMaj(1, 1);

    /** A standard LSTM with PyTorch's initialization U(-1/sqrt(H), 1/sqrt(H)). */
    public Lstm(int inputSize, int hiddenSize, Rng rng) {
        this(inputSize, hiddenSize, Variant.STANDARD, rng);
    }

    /** An LSTM of the given variant; every parameter drawn from PyTorch's U(-1/sqrt(H), 1/sqrt(H)). */
    public Lstm(int inputSize, int hiddenSize, Variant variant, Rng rng) {
        super(inputSize, hiddenSize, variant.blocks().length(), "Wxh", "Whh", "bh",
                variant == Variant.FGR ? new int[] {hiddenSize, 3 * hiddenSize} : new int[] {hiddenSize});
        this.variant = variant;
        Init.pytorch(Wx.value, H, rng);
        Init.pytorch(Wh.value, H, rng);
        Init.pytorch(b.value, H, rng);
        List<Parameter> params = new ArrayList<>(List.of(Wx, Wh, b));
        DMatrixRMaj[] peepValues = new DMatrixRMaj[3];
        DMatrixRMaj[] peepGrads = new DMatrixRMaj[3];
        if (variant.hasPeepholes()) {
            String[] gate = {"i", "f", "o"};
            for (int k = 0; k < 3; k++) {
                if (variant.blocks().contains(gate[k])) {                   // a peephole for each learnt σ gate
                    Parameter p = new Parameter("wc" + gate[k], 1, H);
                    Init.pytorch(p.value, H, rng);
                    params.add(p);
                    peepValues[k] = p.value;
                    peepGrads[k] = p.grad;
                }
            }
        }
        if (variant == Variant.FGR) {
            Wgg = new Parameter("Wgg", 3 * H, 3 * H);
            Init.pytorch(Wgg.value, H, rng);
            params.add(Wgg);
        } else {
            Wgg = null;
        }
        this.params = List.copyOf(params);
        variantCell = variant == Variant.STANDARD ? null : new LstmVariantCell(variant, H, peepValues, peepGrads);
    }

    /**
     * Sets every forget-gate bias to {@code value}: with 1 (Gers et al., 2000; Jozefowicz et al., 2015) the
     * forget gate starts mostly open, so the cell remembers from the first update on. NFG has no forget gate.
     */
    public Lstm forgetBias(double value) {
        if (!variant.hasForgetGate()) {
            throw new IllegalStateException(variant + " has no forget gate (f = 1), so no forget-gate bias");
        }
        int f = variant.blocks().indexOf('f');
        for (int j = 0; j < H; j++) {
            b.value.data[f * H + j] = value;
        }
        return this;
    }

    public Variant variant() {
        return variant;
    }

    /** The bias of the gates' pre-activations, {@code bh} (1&times;GH). */
    public DMatrixRMaj bh() {
        return b.value;
    }

    @Override
    public List<Parameter> parameters() {
        return params;
    }

    /**
     * The activated gates of step t of the last forward pass (a copy, B&times;GH): the learnt blocks in the order of
     * {@link Variant#blocks()}, i, f, g, o for the standard LSTM.
     */
    public DMatrixRMaj gatesAt(int t) {
        return gates[t].copy();
    }

    @Override
    void allocate(int steps, int batch) {
        super.allocate(steps, batch);
        if (tanhC.length < steps || tanhC.length == 0 || tanhC[0].numRows != batch) {
            tanhC = matrices(steps, batch, H);
            gates = matrices(steps, batch, G * H);
        }
    }

    @Override
    boolean addsInputAndRecurrence() {
        return true;
    }

    /** Step t's pre-activations become its activated gates in place: they are computed in the gates' cache. */
    @Override
    DMatrixRMaj preActivations(int t) {
        return gates[t];
    }

    @Override
    void forwardStep(int t, DMatrixRMaj a) {
        DMatrixRMaj[] c = state(CELL);
        addRecurrentProduct(t, a);                                   // a = x_t W_x + b + h_{t-1} W_h
        if (variantCell == null) {
            cell(a, c[t], c[t + 1], tanhC[t], h[t + 1]);
        } else {
            if (Wgg != null) {
                addGateRecurrence(t, a);                              // FGR: + [i f o]_{t-1} W_gg
            }
            variantCell.forward(a, c[t], c[t + 1], tanhC[t], h[t + 1]);
            if (Wgg != null) {
                DMatrixRMaj q = state(GATES)[t + 1];                 // FGR: the gates step t + 1 will see
                Ops.copyBlock(a, 0, 0, q, 0, 0, B, 2 * H);           // i_t, f_t
                Ops.copyBlock(a, 0, 3 * H, q, 0, 2 * H, B, H);       // o_t
            }
        }
    }

    /**
     * FGR, forward: the gates of step t - 1 (zero at t = 0), [i, f, o] as one B&times;3H matrix q, enter the
     * pre-activations of i, f, o as q W_gg. (FGR learns all four blocks, so i, f are columns [0, 2H), o [3H, 4H).)
     */
    private void addGateRecurrence(int t, DMatrixRMaj a) {
        Ops.shape(gateInput, B, 3 * H);
        Gemm.mult(state(GATES)[t], Wgg.value, gateInput);
        Ops.addBlock(gateInput, 0, 0, a, 0, 0, B, 2 * H);                  // to i and f
        Ops.addBlock(gateInput, 0, 2 * H, a, 0, 3 * H, B, H);              // to o
    }

    /**
     * FGR, backward: from da (this step's pre-activations) to W_gg and to the previous step's gates:
     * dW_gg += q^T da_{ifo}, and dL/dq = da_{ifo} W_gg^T, which the previous step's cell adds to its gates' gradient.
     */
    private void backThroughGateRecurrence(int t, DMatrixRMaj da) {
        Ops.shape(daGates, B, 3 * H);
        Ops.copyBlock(da, 0, 0, daGates, 0, 0, B, 2 * H);
        Ops.copyBlock(da, 0, 3 * H, daGates, 0, 2 * H, B, H);
        Gemm.multAddTransA(state(GATES)[t], daGates, Wgg.grad);
        Gemm.multTransB(daGates, Wgg.value, dStatePrev(GATES));
    }

    /**
     * The standard cell, one step for a batch, from its pre-activations.
     *
     * @param a     x_t W_x + b + h_{t-1} W_h (B&times;4H). Modified: on exit the activated gates i, f, g, o, which
     *              backward needs.
     * @param cPrev c_{t-1} (B&times;H). Not modified.
     * @param c     where c_t is written (B&times;H). Modified.
     * @param tanhC where tanh(c_t) is written (B&times;H). Modified.
     * @param h     where h_t is written (B&times;H). Modified.
     */
    static void cell(DMatrixRMaj a, DMatrixRMaj cPrev, DMatrixRMaj c, DMatrixRMaj tanhC, DMatrixRMaj h) {
        int H = h.numCols;
        for (int r = 0; r < h.numRows; r++) {
            int row = r * 4 * H;
            // the gates, block by block (each activation over a whole block: the float32 twin vectorizes these)
            Activation.SIGMOID.apply(a.data, a.data, row, row + 2 * H);            // i = σ(a_i), f = σ(a_f)
            Activation.TANH.apply(a.data, a.data, row + 2 * H, row + 3 * H);       // g = tanh(a_g)
            Activation.SIGMOID.apply(a.data, a.data, row + 3 * H, row + 4 * H);    // o = σ(a_o)
            // float32: vectorized
            for (int j = 0; j < H; j++) {
                double i = a.data[row + j];
                double f = a.data[row + H + j];
                double g = a.data[row + 2 * H + j];
                int k = r * H + j;
                c.data[k] = f * cPrev.data[k] + i * g;                  // c_t = f ⊙ c_{t-1} + i ⊙ g
            }
            Activation.TANH.apply(c.data, tanhC.data, r * H, (r + 1) * H);
            // float32: vectorized
            for (int j = 0; j < H; j++) {
                double o = a.data[row + 3 * H + j];
                int k = r * H + j;
                h.data[k] = o * tanhC.data[k];                          // h_t = o ⊙ tanh(c_t)
            }
        }
    }

    /**
     * One step back through the standard cell, mirroring {@link #cell}.
     *
     * @param dh     dL/dh_t, everything reaching h_t (B&times;H). Not modified.
     * @param dc     dL/dc_t from the future (B&times;H). Not modified (unless it is {@code dcPrev}).
     * @param gates  the activated gates i, f, g, o that {@link #cell} left in its {@code a}. Not modified.
     * @param cPrev  c_{t-1}. Not modified.
     * @param tanhC  tanh(c_t). Not modified.
     * @param da     where dL/da, the gradient on the pre-activations, is written (B&times;4H). Modified.
     * @param dcPrev where dL/dc_{t-1} = δc_t ⊙ f is written, the cell's gradient highway (may be {@code dc}). Modified.
     */
    static void cellBackward(DMatrixRMaj dh, DMatrixRMaj dc, DMatrixRMaj gates, DMatrixRMaj cPrev,
                             DMatrixRMaj tanhC, DMatrixRMaj da, DMatrixRMaj dcPrev) {
        int H = dh.numCols;
        for (int r = 0; r < dh.numRows; r++) {
            int row = r * 4 * H;
            // float32: vectorized
            for (int j = 0; j < H; j++) {
                int k = r * H + j;
                double i = gates.data[row + j];
                double f = gates.data[row + H + j];
                double g = gates.data[row + 2 * H + j];
                double o = gates.data[row + 3 * H + j];
                double tc = tanhC.data[k];
                double dct = dc.data[k] + dh.data[k] * o * (1 - tc * tc);  // δc: from the future and through h
                da.data[row + j] = dct * g * i * (1 - i);                  // c = f c_{t-1} + i g
                da.data[row + H + j] = dct * cPrev.data[k] * f * (1 - f);
                da.data[row + 2 * H + j] = dct * i * (1 - g * g);
                da.data[row + 3 * H + j] = dh.data[k] * tc * o * (1 - o);  // h = o ⊙ tanh(c)
                dcPrev.data[k] = dct * f;                                  // δc_{t-1} = δc_t ⊙ f
            }
        }
    }

    @Override
    void backwardStep(int t, DMatrixRMaj dh, DMatrixRMaj da, DMatrixRMaj dhPrev) {
        DMatrixRMaj[] c = state(CELL);
        if (variantCell == null) {
            cellBackward(dh, dState(CELL), gates[t], c[t], tanhC[t], da, dStatePrev(CELL));
        } else {
            DMatrixRMaj dq = Wgg == null ? null : dState(GATES);     // FGR: what step t + 1 sent to these gates
            variantCell.backward(dh, dState(CELL), dq, gates[t], c[t], c[t + 1], tanhC[t], da, dStatePrev(CELL));
            if (Wgg != null) {
                backThroughGateRecurrence(t, da);
            }
        }
        backThroughWhOnly(t, da, dhPrev);                           // dW_h += h_{t-1}^T da, dh_{t-1} = da W_h^T
    }

    /** One step from {@code state}; not for FGR, whose previous gates a {@link State} does not carry. */
    @Override
    public State step(DMatrixRMaj x, State state) {
        if (Wgg != null) {
            throw new UnsupportedOperationException("FGR's gates depend on the previous step's gates, which a State "
                    + "does not carry: run forward over the whole sequence");
        }
        int batch = x.numRows;
        DMatrixRMaj a = new DMatrixRMaj(batch, G * H);
        Gemm.mult(x, Wx.value, a);
        Ops.addRow(a, b.value);
        State next = State.zeros(batch, H, true);
        DMatrixRMaj tanhC = new DMatrixRMaj(batch, H);
        Gemm.multAdd(state.h, Wh.value, a);                         // + h_{t-1} W_h
        if (variantCell == null) {
            cell(a, state.c, next.c, tanhC, next.h);
        } else {
            variantCell.forward(a, state.c, next.c, tanhC, next.h);
        }
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
        Gemm.multAdd(hPrev, Wh, a);                                 // + h_{t-1} W_h
        cell(a, cPrev, c, tanhC, h);
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
        cellBackward(dh, dc, step.gates(), cPrev, step.tanhC(), da, dc);
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
