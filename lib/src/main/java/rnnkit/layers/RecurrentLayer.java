package rnnkit.layers;

import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import rnnkit.core.Ops;
import rnnkit.core.Gemm;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;

/**
 * What the RNN, LSTM and GRU layers share: the input projection of all time steps in one product, the time loop
 * of the forward pass and of backpropagation through time, the cache, and dropout on the recurrent connection.
 * A subclass writes only its cell: one step forward and one step back ({@link #forwardStep}, {@link #backwardStep}).
 *
 * <p>Every cell computes pre-activations {@code a_t = x_t W_x + b + (recurrent terms)} for its G blocks
 * (1 for the RNN, 4 for the LSTM's i,f,g,o, 3 for the GRU's r,z,n). The input part {@code x_t W_x + b} does not
 * depend on the past, so it is computed for all T steps at once: one (T&middot;B)&times;D by D&times;GH product
 * instead of T small ones. Likewise, after the backward loop, dW_x, db and dx come from one product each.
 *
 * <p>The state a cell carries from step to step has parts: h, then the subclass's own (the LSTM's cell c, and for
 * its FGR variant the previous step's gates). This class owns them all: it starts them from the initial
 * {@link State}, keeps them unchanged where a batch is padded, and hands their gradients back, so that a cell only
 * reads {@code state(k)[t]} and writes {@code state(k)[t + 1]}, and backward reads {@code dState(k)} and writes
 * {@code dStatePrev(k)}.
 */
abstract class RecurrentLayer implements Recurrent {

    /** Parts of the carried state: h, and (the LSTM) c. */
    static final int HIDDEN = 0;
    static final int CELL = 1;

    final int D;
    final int H;
    final int G;
    final Parameter Wx;
    final Parameter Wh;
    final Parameter b;

    private double stateDropout;
    private boolean oneMaskPerSequence;
    private Rng dropoutRng;
    private boolean training = true;

    /** The widths of the state's parts: H for h, then the subclass's. */
    private final int[] widths;
    // The cache of the last forward pass; matrices are kept and reshaped between calls. T and B are the lecture's
    // names for its length and batch size (set by every forward pass, not constants).
    int T;
    int B;
    /** state[k][t]: part k of the state before step t (t = 0: the initial state), state[k][t + 1] after it. */
    private DMatrixRMaj[][] state = new DMatrixRMaj[0][0];
    /** The hidden states: h[0] is the initial state, h[t + 1] the state after step t ({@code state[HIDDEN]}). */
    DMatrixRMaj[] h = new DMatrixRMaj[0];
    /** What enters the recurrent products at step t: h[t], or h[t] with its dropout mask applied. */
    private DMatrixRMaj[] hIn = new DMatrixRMaj[0];
    private DMatrixRMaj[] masks = new DMatrixRMaj[0];
    private DMatrixRMaj[] dropped = new DMatrixRMaj[0];
    private final DMatrixRMaj xs = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj proj = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dProj = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dxs = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj a = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj da = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dhIn = new DMatrixRMaj(1, 1);
    /** W_h transposed, made once per backward pass: a plain product is faster than a transposed one (bench/README.md). */
    private final DMatrixRMaj WhT = new DMatrixRMaj(1, 1);
    // The float32 twin packs W_h (forward) and W_h^T (backward) once per pass for its own product kernel, which the
    // T per-step products then share (rnnkit.f32.core.PackedWeights; bench/README.md has the measurements).
    //f32: private final rnnkit.f32.core.PackedWeights packedWh = new rnnkit.f32.core.PackedWeights();
    //f32: private final rnnkit.f32.core.PackedWeights packedWhT = new rnnkit.f32.core.PackedWeights();
    /**
     * Whether this forward pass computes each step's whole {@code x_t W_x + b + hIn(t) W_h} in one product, on
     * [W_x; W_h; b] packed together (the float32 twin, for the cells that take it whole: {@link #addsInputAndRecurrence}):
     * no T&middot;B&times;GH projection written, biased and copied step by step. Always false in float64, whose results
     * stay those of the separate products.
     */
    private boolean fusedInput;
    //f32: private final rnnkit.f32.core.PackedWeights packedInput = new rnnkit.f32.core.PackedWeights();
    /**
     * dW_h = sum_t h_{t-1}^T dah_t as one product after the backward loop, like dW_x: the inputs of the recurrent
     * products (hIn of every step) and their gradients (dah of every step) stacked, (T&middot;B)&times;H and
     * (T&middot;B)&times;GH. One product with T&middot;B terms per entry instead of T products of B terms each.
     */
    private final DMatrixRMaj hIns = new DMatrixRMaj(1, 1);
    /** With {@link #fusedInput}: the rows [x_t, hIn(t), 1] of every step, and [dW_x; dW_h; db] from them. */
    private final DMatrixRMaj xhs = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dStacked = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dAhs = new DMatrixRMaj(1, 1);
    private boolean dAhsFilled;
    /** Whether the dah of every step was the step's da, so that dProj holds them (and dAhs was not filled). */
    private boolean dAhsIsDProj;
    /** During backward: dState[k] = dL/d(part k after step t), dStatePrev[k] = dL/d(part k before it). */
    private DMatrixRMaj[] dState;
    private DMatrixRMaj[] dStatePrev;
    /** A padding row's gradient, set aside while its cell steps back. */
    private final DMatrixRMaj[] held;
    private double[] gradNorms = new double[0];
    private DMatrixRMaj mask;
    private State initialGrad;

    /**
     * A layer of G blocks ({@code blocks}) whose parameters are named {@code wx}, {@code wh}, {@code bias}; its state
     * is h and parts of the given widths after it (the LSTM's c first).
     */
    RecurrentLayer(int inputSize, int hiddenSize, int blocks, String wx, String wh, String bias, int... moreState) {
        if (inputSize <= 0 || hiddenSize <= 0) {
            throw new IllegalArgumentException("input and hidden sizes must be positive, got " + inputSize + " and " + hiddenSize);
        }
        D = inputSize;
        H = hiddenSize;
        G = blocks;
        Wx = new Parameter(wx, D, G * H);
        Wh = new Parameter(wh, H, G * H);
        b = new Parameter(bias, 1, G * H);
        widths = new int[1 + moreState.length];
        widths[HIDDEN] = H;
        System.arraycopy(moreState, 0, widths, 1, moreState.length);
        dState = matrices(widths.length, 1, 1);
        dStatePrev = matrices(widths.length, 1, 1);
        held = matrices(widths.length, 1, 1);
    }

    /** The input weights {@code Wxh} (D&times;GH): W_xh, with a block per gate. */
    public DMatrixRMaj Wxh() {
        return Wx.value;
    }

    /** The recurrent weights {@code Whh} (H&times;GH): W_hh, with a block per gate. */
    public DMatrixRMaj Whh() {
        return Wh.value;
    }

    @Override
    public int inputSize() {
        return D;
    }

    @Override
    public int hiddenSize() {
        return H;
    }

    /** Whether the state has a cell c besides h (the LSTM). */
    @Override
    public boolean hasCell() {
        return widths.length > CELL;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(Wx, Wh, b);
    }

    @Override
    public void train(boolean training) {
        this.training = training;
    }

    /**
     * Dropout on the recurrent connection: h_{t-1} is multiplied by a mask of 0 and 1/(1-p) where it enters the
     * recurrent products (the state itself is passed on intact). With {@code oneMaskPerSequence} the same mask
     * serves every step (Gal &amp; Ghahramani's variational dropout); otherwise each step draws a new one (the
     * naive scheme, which notebook 06 shows hurts memory). p = 0 switches it off.
     */
    public void recurrentDropout(double p, boolean oneMaskPerSequence, Rng rng) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        this.stateDropout = p;
        this.oneMaskPerSequence = oneMaskPerSequence;
        this.dropoutRng = rng;
    }

    /** The recurrent dropout probability p (0: none). */
    public double recurrentDropout() {
        return stateDropout;
    }

    /** Whether the recurrent dropout keeps one mask per sequence (variational). */
    public boolean recurrentDropoutOneMask() {
        return oneMaskPerSequence;
    }

    /** Where the recurrent dropout masks come from (null: none set). */
    public Rng recurrentDropoutRng() {
        return dropoutRng;
    }

    /**
     * The subclass's cell, one step forward: given {@code a} = x_t W_x + b (B&times;GH; read, and free to be used as
     * a workspace), add the recurrent terms from {@link #hIn}(t) and write the state after step t: h[t + 1] and
     * {@code state(k)[t + 1]} for the subclass's parts.
     */
    abstract void forwardStep(int t, DMatrixRMaj a);

    /**
     * The subclass's cell, one step back. {@code dh} = dL/dh_t, everything reaching h_t (read); writes {@code da} =
     * dL/d(x_t W_x + b) and {@code dhPrev} = the whole dL/dh_{t-1}, and accumulates the gradients of the recurrent
     * weights. A subclass with more state reads {@code dState(k)} and writes {@code dStatePrev(k)} for its parts.
     */
    abstract void backwardStep(int t, DMatrixRMaj dh, DMatrixRMaj da, DMatrixRMaj dhPrev);

    /**
     * Where step t's pre-activations are computed, the {@code a} that {@link #forwardStep} receives: by default one
     * workspace for every step; the LSTM and the GRU, which keep their activated gates per step, have them computed
     * in that cache directly (no copy of B&times;GH numbers per step).
     */
    DMatrixRMaj preActivations(int t) {
        return a;
    }

    /**
     * Whether the cell's pre-activations are {@code x_t W_x + b + hIn(t) W_h} as a whole, added by
     * {@link #addRecurrentProduct} (the RNN's and the LSTM's; not the GRU's, whose reset gate scales part of the
     * hidden product): then the float32 twin computes them in one product per step.
     */
    boolean addsInputAndRecurrence() {
        return false;
    }

    /** Called before the backward loop (the Cho GRU zeroes its block workspaces here). */
    void beginBackward() {
    }

    /**
     * Called after the backward loop and dW_h, before the input-side gradients (the Cho GRU folds its blocks in here).
     */
    void endBackward() {
    }

    /** Sizes the cache for T steps of B rows; a subclass sizes its own per-step caches too. */
    void allocate(int steps, int batch) {
        if (h.length < steps + 1 || h[0].numRows != batch) {
            state = new DMatrixRMaj[widths.length][];
            for (int k = 0; k < widths.length; k++) {
                state[k] = matrices(steps + 1, batch, widths[k]);
            }
            h = state[HIDDEN];
            hIn = new DMatrixRMaj[steps];
            masks = matrices(steps, batch, H);
            dropped = matrices(steps, batch, H);
        }
    }

    static DMatrixRMaj[] matrices(int n, int rows, int cols) {
        DMatrixRMaj[] m = new DMatrixRMaj[n];
        for (int i = 0; i < n; i++) {
            m[i] = new DMatrixRMaj(rows, cols);
        }
        return m;
    }

    /** Part k of the state at every step: {@code state(k)[t]} before step t, {@code state(k)[t + 1]} after it. */
    DMatrixRMaj[] state(int k) {
        return state[k];
    }

    /** During backward: dL/d(part k of the state after step t), from the future (read). */
    DMatrixRMaj dState(int k) {
        return dState[k];
    }

    /** During backward: dL/d(part k of the state before step t), which {@link #backwardStep} writes. */
    DMatrixRMaj dStatePrev(int k) {
        return dStatePrev[k];
    }

    /** h_{t-1} as the recurrent products at step t see it. */
    DMatrixRMaj hIn(int t) {
        return hIn[t];
    }

    /**
     * a += hIn(t) W_h: the recurrent product of step t, added to the pre-activations {@code a} (in the float32 twin,
     * when {@link #fusedInput}, a = [x_t, hIn(t), 1] [W_x; W_h; b] in one product instead).
     */
    void addRecurrentProduct(int t, DMatrixRMaj a) {
        // float64 only: begin
        Gemm.multAdd(hIn(t), Wh.value, a);
        // float64 only: end
        //f32: if (fusedInput) {
        //f32:     packedInput.multStacked(xs, t * B, hIn(t), a);
        //f32:     return;
        //f32: }
        //f32: packedWh.multAdd(hIn(t), a);
    }

    /** out = hIn(t) W_h (reshaped to B&times;GH): the recurrent product of step t on its own (the GRU's). */
    void recurrentProduct(int t, DMatrixRMaj out) {
        // float64 only: begin
        Gemm.mult(hIn(t), Wh.value, out);
        // float64 only: end
        //f32: packedWh.mult(hIn(t), out);
    }

    /**
     * Back through the recurrent product {@code hIn(t) W_h} whose gradient is {@code dah} (read):
     * {@code dW_h += h_{t-1}^T dah} (after the backward loop, for all steps at once), and {@code dhPrev += dah W_h^T}
     * (written), taken through the dropout mask.
     */
    void backThroughWh(int t, DMatrixRMaj dah, DMatrixRMaj dhPrev) {
        keepForDWh(t, dah);
        multWhT(dah, dhIn);                                     // dah W_h^T
        addThroughMask(t, dhIn, dhPrev);
    }

    /**
     * As {@link #backThroughWh}, for a cell whose dL/dh_{t-1} comes through W_h only (the LSTM's, the RNN's): writes
     * {@code dhPrev} = dah W_h^T (taken through the dropout mask) instead of adding to it.
     */
    void backThroughWhOnly(int t, DMatrixRMaj dah, DMatrixRMaj dhPrev) {
        keepForDWh(t, dah);
        DMatrixRMaj out = hIn[t] == h[t] ? dhPrev : dhIn;      // without dropout, straight into dhPrev
        multWhT(dah, out);                                      // dah W_h^T
        if (out == dhIn) {
            Ops.multiply(dhIn, masks[t], dhPrev);
        }
    }

    /** out = dah W_h^T, through the transposed copy of W_h made for this backward pass (packed, in float32). */
    private void multWhT(DMatrixRMaj dah, DMatrixRMaj out) {
        // float64 only: begin
        Gemm.mult(dah, WhT, out);
        // float64 only: end
        //f32: packedWhT.mult(dah, out);
    }

    /**
     * Keeps dah for dW_h += h_{t-1}^T dah after the loop. Where dah is the step's whole {@code da} (the RNN, the LSTM),
     * the loop's stacked dL/da (dProj) already holds it, and nothing is copied.
     */
    private void keepForDWh(int t, DMatrixRMaj dah) {
        if (dah == da) {
            dAhsIsDProj = true;
        } else {
            Ops.copyBlock(dah, 0, 0, dAhs, t * B, 0, B, G * H);
        }
        dAhsFilled = true;
    }

    /** After the backward loop: the dah that {@link #backThroughWh} received, every step stacked ((T&middot;B)&times;GH). */
    DMatrixRMaj dAhs() {
        return dAhsIsDProj ? dProj : dAhs;
    }

    /** dhPrev += dL/d(hIn(t)) taken back through the dropout mask to h_{t-1}. */
    void addThroughMask(int t, DMatrixRMaj dhIn, DMatrixRMaj dhPrev) {
        if (hIn[t] == h[t]) {
            CommonOps_DDRM.addEquals(dhPrev, dhIn);
            return;
        }
        double[] m = masks[t].data;
        for (int i = 0; i < B * H; i++) {
            dhPrev.data[i] += dhIn.data[i] * m[i];
        }
    }

    @Override
    public Sequence forward(Sequence x, State initial) {
        return forward(x, initial, null);
    }

    /**
     * As {@link #forward(Sequence, State)}, for padded batches: where {@code mask} (T&times;B) is 0 the state is
     * carried over unchanged, so each sequence's final state is its state after its last real token.
     */
    @Override
    public Sequence forward(Sequence x, State initial, DMatrixRMaj mask) {
        if (x.dim() != D) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " expects inputs of size " + D + ", got " + x);
        }
        if (mask != null) {
            Ops.requireShape(mask, x.length(), x.batch(), "mask");
        }
        T = x.length();
        B = x.batch();
        this.mask = mask;
        allocate(T, B);
        startFrom(initial);
        x.stack(xs);
        //f32: fusedInput = addsInputAndRecurrence() && rnnkit.f32.core.PackedWeights.usesKernel();
        //f32: if (fusedInput) {
        //f32:     packedInput.packStacked(Wx.value, Wh.value, b.value);
        //f32: } else {
        //f32:     packedWh.pack(Wh.value);
        //f32: }
        if (!fusedInput) {
            Ops.shape(proj, T * B, G * H);
            Gemm.mult(xs, Wx.value, proj);                      // x_t W_x for all t at once
            Ops.addRow(proj, b.value);                          // + b
        }
        Ops.shape(a, B, G * H);
        boolean dropout = training && stateDropout > 0;
        for (int t = 0; t < T; t++) {
            hIn[t] = dropout ? masked(t) : h[t];
            DMatrixRMaj at = preActivations(t);
            if (!fusedInput) {
                Ops.copyBlock(proj, t * B, 0, at, 0, 0, B, G * H); // a = x_t W_x + b
            }
            forwardStep(t, at);                                 // the cell: the state after step t
            keepStateWherePadded(t);
        }
        return Sequence.copyOf(h, 1, T);
    }

    /** The state before step 0: h and c from {@code initial} (null, or a null c: zeros); any other part zero. */
    private void startFrom(State initial) {
        for (int k = 0; k < widths.length; k++) {
            DMatrixRMaj given = initial == null ? null : k == HIDDEN ? initial.h : k == CELL ? initial.c : null;
            if (given == null) {
                state[k][0].zero();
            } else {
                Ops.requireShape(given, B, H, k == HIDDEN ? "initial h" : "initial c");
                state[k][0].setTo(given);
            }
        }
    }

    /** Where the mask says padding, step t changed nothing: every part of the state keeps its row. */
    private void keepStateWherePadded(int t) {
        if (mask == null) {
            return;
        }
        for (int r = 0; r < B; r++) {
            if (mask.get(t, r) == 0) {
                for (int k = 0; k < widths.length; k++) {
                    int w = widths[k];
                    System.arraycopy(state[k][t].data, r * w, state[k][t + 1].data, r * w, w);
                }
            }
        }
    }

    private DMatrixRMaj masked(int t) {
        DMatrixRMaj mask = masks[t];
        if (!oneMaskPerSequence || t == 0) {
            double keep = 1 - stateDropout;
            for (int i = 0; i < B * H; i++) {
                mask.data[i] = dropoutRng.uniform() < keep ? 1 / keep : 0;
            }
        } else {
            mask.setTo(masks[0]);
        }
        Ops.multiply(h[t], mask, dropped[t]);
        return dropped[t];
    }

    /**
     * Backpropagation through time, the lecture's recursion: going back from the last step, dL/dh_t is what h_t's
     * own output receives plus what step t+1 sends back, and the cell's backward step turns it into the gradient on
     * its pre-activations and on the state before it.
     */
    @Override
    public Sequence backward(Sequence dh, State dFinal) {
        if (dh.length() != T) {
            throw new IllegalArgumentException("backward got " + dh.length() + " steps of gradient for a forward pass of " + T);
        }
        startBackFrom(dFinal);
        for (int t = T - 1; t >= 0; t--) {
            DMatrixRMaj dht = dState[HIDDEN];                  // dL/dh_t: what step t+1 sent back ...
            if (dh.at(t) != null) {
                CommonOps_DDRM.addEquals(dht, dh.at(t));        // ... plus what h_t's own output receives
            }
            gradNorms[t] = Ops.norm(dht);
            holdGradientWherePadded(t);
            backwardStep(t, dht, da, dStatePrev[HIDDEN]);       // da_t and dL/dh_{t-1} (and c_{t-1})
            passGradientWherePadded(t);
            Ops.copyBlock(da, 0, 0, dProj, t * B, 0, B, G * H);
            DMatrixRMaj[] swap = dState;                        // step t-1 receives what step t sent back
            dState = dStatePrev;
            dStatePrev = swap;
        }
        if (fusedInput) {
            stackedWeightGradients();                           // [dW_x; dW_h; db] in one product
        } else {
            if (dAhsFilled) {
                for (int t = 0; t < T; t++) {
                    Ops.copyBlock(hIn[t], 0, 0, hIns, t * B, 0, B, H);
                }
                Gemm.multAddTransA(hIns, dAhs(), Wh.grad);      // dW_h += sum_t h_{t-1}^T dah_t
            }
            endBackward();
            Gemm.multAddTransA(xs, dProj, Wx.grad);             // dW_x += sum_t x_t^T da_t
            Ops.addColumnSums(dProj, b.grad);                   // db += sum_t da_t
        }
        Ops.shape(dxs, T * B, D);
        Gemm.multTransB(dProj, Wx.value, dxs);                  // dx_t = da_t W_x^T
        initialGrad = new State(dState[HIDDEN].copy(), hasCell() ? dState[CELL].copy() : null);
        return Sequence.unstacked(dxs, T);
    }

    /**
     * After the backward loop of a pass whose steps were fused ({@link #fusedInput}: the float32 twin's RNN and
     * LSTM, whose da is all of dah): the weights' gradients as the forward product's mirror,
     * [dW_x; dW_h; db] += sum_t [x_t, hIn(t), 1]^T da_t, one product of T&middot;B terms per entry.
     */
    private void stackedWeightGradients() {
        int K = D + H + 1;
        Ops.shape(xhs, T * B, K);
        for (int t = 0; t < T; t++) {
            for (int r = 0; r < B; r++) {
                int row = (t * B + r) * K;
                System.arraycopy(xs.data, (t * B + r) * D, xhs.data, row, D);
                System.arraycopy(hIn[t].data, r * H, xhs.data, row + D, H);
                xhs.data[row + D + H] = 1;
            }
        }
        Ops.shape(dStacked, K, G * H);
        Gemm.multTransA(xhs, dProj, dStacked);
        Ops.addBlock(dStacked, 0, 0, Wx.grad, 0, 0, D, G * H);
        Ops.addBlock(dStacked, D, 0, Wh.grad, 0, 0, H, G * H);
        Ops.addBlock(dStacked, D + H, 0, b.grad, 0, 0, 1, G * H);
        endBackward();
    }

    /** The gradient on the state after the last step: h and c from {@code dFinal} (null: zero); any other part zero. */
    private void startBackFrom(State dFinal) {
        for (int k = 0; k < widths.length; k++) {
            dState[k] = Ops.shape(dState[k], B, widths[k]);
            dStatePrev[k] = Ops.shape(dStatePrev[k], B, widths[k]);
            Ops.shape(held[k], B, widths[k]);
            DMatrixRMaj given = dFinal == null ? null : k == HIDDEN ? dFinal.h : k == CELL ? dFinal.c : null;
            if (given == null) {
                dState[k].zero();
            } else {
                dState[k].setTo(given);
            }
        }
        Ops.shape(da, B, G * H);
        Ops.shape(dProj, T * B, G * H);
        if (gradNorms.length != T) {
            gradNorms = new double[T];
        }
        // float64 only: begin
        CommonOps_DDRM.transpose(Wh.value, WhT);
        // float64 only: end
        //f32: packedWhT.packTransposed(Wh.value);
        Ops.shape(hIns, T * B, H);
        Ops.shape(dAhs, T * B, G * H);
        dAhsFilled = false;
        dAhsIsDProj = false;
        beginBackward();
    }

    /**
     * A padding row skipped the cell at step t, so its gradient must skip the cell's backward step: set it aside and
     * zero it (a zero gradient adds nothing to the weights' gradients).
     */
    private void holdGradientWherePadded(int t) {
        if (mask == null) {
            return;
        }
        for (int r = 0; r < B; r++) {
            if (mask.get(t, r) == 0) {
                for (int k = 0; k < widths.length; k++) {
                    int w = widths[k];
                    System.arraycopy(dState[k].data, r * w, held[k].data, r * w, w);
                    Arrays.fill(dState[k].data, r * w, (r + 1) * w, 0);
                }
            }
        }
    }

    /** ... and hand it on unchanged to the state before step t, with no gradient on the row's pre-activations. */
    private void passGradientWherePadded(int t) {
        if (mask == null) {
            return;
        }
        for (int r = 0; r < B; r++) {
            if (mask.get(t, r) == 0) {
                for (int k = 0; k < widths.length; k++) {
                    int w = widths[k];
                    System.arraycopy(held[k].data, r * w, dStatePrev[k].data, r * w, w);
                }
                Arrays.fill(da.data, r * G * H, (r + 1) * G * H, 0);
            }
        }
    }

    @Override
    public State finalState() {
        return stateAt(T - 1);
    }

    /** The state after step t of the last forward pass (t = -1: the initial state): h, and c for the LSTM. */
    @Override
    public State stateAt(int t) {
        return new State(h[t + 1].copy(), hasCell() ? state[CELL][t + 1].copy() : null);
    }

    @Override
    public State initialGradient() {
        return initialGrad;
    }

    @Override
    public double[] hiddenGradNorms() {
        return gradNorms.clone();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + D + " -> " + H + ")";
    }
}
