package rnnkit.layers;

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
 * A subclass writes only its cell: one step forward and one step back.
 *
 * <p>Every cell computes pre-activations {@code a_t = x_t W_x + b + (recurrent terms)} for its G blocks
 * (1 for the RNN, 4 for the LSTM's i,f,g,o, 3 for the GRU's r,z,n). The input part {@code x_t W_x + b} does not
 * depend on the past, so it is computed for all T steps at once: one (T&middot;B)&times;D by D&times;GH product
 * instead of T small ones. Likewise, after the backward loop, dW_x, db and dx come from one product each.
 */
abstract class RecurrentLayer implements Recurrent {

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

    // The cache of the last forward pass; matrices are kept and reshaped between calls.
    int T;
    int B;
    /** h[0] is the initial state, h[t + 1] the state after step t. */
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
    private final DMatrixRMaj dhTotal = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dhIn = new DMatrixRMaj(1, 1);
    private DMatrixRMaj dhNext = new DMatrixRMaj(1, 1);
    private DMatrixRMaj dhPrev = new DMatrixRMaj(1, 1);
    private double[] gradNorms = new double[0];
    private DMatrixRMaj mask;
    private final DMatrixRMaj padGrad = new DMatrixRMaj(1, 1);
    private State initialGrad;

    RecurrentLayer(int inputSize, int hiddenSize, int blocks, String wx, String wh, String bias) {
        if (inputSize <= 0 || hiddenSize <= 0) {
            throw new IllegalArgumentException("input and hidden sizes must be positive, got " + inputSize + " and " + hiddenSize);
        }
        D = inputSize;
        H = hiddenSize;
        G = blocks;
        Wx = new Parameter(wx, D, G * H);
        Wh = new Parameter(wh, H, G * H);
        b = new Parameter(bias, 1, G * H);
    }

    @Override
    public int inputSize() {
        return D;
    }

    @Override
    public int hiddenSize() {
        return H;
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

    /** The subclass's cell: given a = x_t W_x + b (B&times;GH), add the recurrent terms from hIn(t) and write h[t+1]. */
    abstract void forwardStep(int t, DMatrixRMaj a);

    /**
     * One step back: given dh = dL/dh_t (everything reaching h_t), write da = dL/d(x_t W_x + b) and the whole
     * dL/dh_{t-1} into dhPrev, and accumulate the gradients of the recurrent weights.
     */
    abstract void backwardStep(int t, DMatrixRMaj dh, DMatrixRMaj da, DMatrixRMaj dhPrev);

    /** Called before a forward pass with the initial state (the LSTM copies c_0 here). */
    void beginForward(State initial) {
    }

    /** Called before a backward pass with the gradient on the final state (the LSTM takes dc_T here). */
    void beginBackward(State dFinal) {
    }

    /** A padding row at step t keeps its state: subclasses with more state than h (the LSTM's c) copy it here. */
    void carryRow(int t, int row) {
    }

    /** Before a padding row's cell step back: set aside and zero its extra state gradient (the LSTM's dc). */
    void holdRowGradient(int row) {
    }

    /** After it: pass the set-aside gradient on unchanged to the previous step. */
    void releaseRowGradient(int row) {
    }

    /** Called after the backward loop, before the input-side gradients (the Cho GRU folds its blocks in here). */
    void endBackward() {
    }

    /** The gradient on the initial cell state after a backward pass (LSTM only). */
    DMatrixRMaj initialCellGradient() {
        return null;
    }

    /** Sizes the cache for T steps of B rows; subclasses size their own caches too. */
    void allocate(int steps, int batch) {
        if (h.length < steps + 1 || h[0].numRows != batch) {
            h = matrices(steps + 1, batch, H);
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

    /** h_{t-1} as the recurrent products at step t see it. */
    DMatrixRMaj hIn(int t) {
        return hIn[t];
    }

    /**
     * Back through the recurrent product {@code hIn(t) W_h} whose gradient is {@code dah}:
     * {@code dW_h += h_{t-1}^T dah}, and {@code dhPrev += dah W_h^T}, taken through the dropout mask.
     */
    void backThroughWh(int t, DMatrixRMaj dah, DMatrixRMaj dhPrev) {
        Gemm.multAddTransA(hIn(t), dah, Wh.grad);
        Ops.shape(dhIn, B, H);
        Gemm.multTransB(dah, Wh.value, dhIn);
        addThroughMask(t, dhIn, dhPrev);
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
        T = x.length();
        B = x.batch();
        allocate(T, B);
        if (initial == null) {
            h[0].zero();
        } else {
            Ops.requireShape(initial.h, B, H, "initial h");
            h[0].setTo(initial.h);
        }
        beginForward(initial);
        x.stack(xs);
        Ops.shape(proj, T * B, G * H);
        Gemm.mult(xs, Wx.value, proj); // x_t W_x for all t at once
        Ops.addRow(proj, b.value);
        Ops.shape(a, B, G * H);
        if (mask != null) {
            Ops.requireShape(mask, T, B, "mask");
        }
        this.mask = mask;
        boolean dropout = training && stateDropout > 0;
        for (int t = 0; t < T; t++) {
            hIn[t] = dropout ? masked(t) : h[t];
            Ops.copyBlock(proj, t * B, 0, a, 0, 0, B, G * H);
            forwardStep(t, a);
            if (mask != null) {
                for (int r = 0; r < B; r++) {
                    if (mask.get(t, r) == 0) {
                        System.arraycopy(h[t].data, r * H, h[t + 1].data, r * H, H); // padding: keep the state
                        carryRow(t, r);
                    }
                }
            }
        }
        return Sequence.copyOf(h, 1, T);
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

    @Override
    public Sequence backward(Sequence dh, State dFinal) {
        if (dh.length() != T) {
            throw new IllegalArgumentException("backward got " + dh.length() + " steps of gradient for a forward pass of " + T);
        }
        dhNext = Ops.shape(dhNext, B, H);
        dhPrev = Ops.shape(dhPrev, B, H);
        Ops.shape(dhTotal, B, H);
        Ops.shape(da, B, G * H);
        Ops.shape(dProj, T * B, G * H);
        if (dFinal == null || dFinal.h == null) {
            dhNext.zero();
        } else {
            dhNext.setTo(dFinal.h);
        }
        beginBackward(dFinal);
        if (gradNorms.length != T) {
            gradNorms = new double[T];
        }
        for (int t = T - 1; t >= 0; t--) {
            // dL/dh_t = from this step's output + from step t+1
            if (dh.at(t) != null) {
                CommonOps_DDRM.add(dh.at(t), dhNext, dhTotal);
            } else {
                dhTotal.setTo(dhNext);
            }
            gradNorms[t] = Ops.norm(dhTotal);
            if (mask != null) {
                // Padding rows skip the cell: their gradient goes straight to h_{t-1} (and c_{t-1}).
                Ops.shape(padGrad, B, H);
                for (int r = 0; r < B; r++) {
                    if (mask.get(t, r) == 0) {
                        System.arraycopy(dhTotal.data, r * H, padGrad.data, r * H, H);
                        java.util.Arrays.fill(dhTotal.data, r * H, (r + 1) * H, 0);
                        holdRowGradient(r);
                    }
                }
            }
            backwardStep(t, dhTotal, da, dhPrev);
            if (mask != null) {
                for (int r = 0; r < B; r++) {
                    if (mask.get(t, r) == 0) {
                        System.arraycopy(padGrad.data, r * H, dhPrev.data, r * H, H);
                        java.util.Arrays.fill(da.data, r * G * H, (r + 1) * G * H, 0);
                        releaseRowGradient(r);
                    }
                }
            }
            Ops.copyBlock(da, 0, 0, dProj, t * B, 0, B, G * H);
            DMatrixRMaj swap = dhNext;
            dhNext = dhPrev;
            dhPrev = swap;
        }
        endBackward();
        Gemm.multAddTransA(xs, dProj, Wx.grad); // dW_x += sum_t x_t^T da_t
        Ops.addColumnSums(dProj, b.grad);
        Ops.shape(dxs, T * B, D);
        Gemm.multTransB(dProj, Wx.value, dxs); // dx_t = da_t W_x^T
        Sequence dx = Sequence.unstacked(dxs, T);
        DMatrixRMaj dc0 = initialCellGradient();
        initialGrad = new State(dhNext.copy(), dc0 == null ? null : dc0.copy());
        return dx;
    }

    @Override
    public State finalState() {
        return stateAt(T - 1);
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
