package rnnkit.layers;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import rnnkit.core.Activation;
import rnnkit.core.Gemm;
import rnnkit.core.Init;
import rnnkit.core.Ops;
import rnnkit.core.Rng;

/**
 * The vanilla (Elman) RNN: {@code h_t = f(x_t W_xh + h_{t-1} W_hh + b_h)} with f = tanh (or sigmoid, ReLU), the
 * lecture's {@code h_t = tanh(W_hh h_{t-1} + W_xh x_t + b_h)} in row-vector form. Parameters {@code Wxh}
 * (D&times;H), {@code Whh} (H&times;H), {@code bh} (1&times;H).
 *
 * <p>The static {@link #stepForward} and {@link #stepBackward} are the cell on its own, as notebooks 02 and 03
 * build it; the layer runs the same cell ({@link #cell}) over whole sequences.
 *
 * <p>With a leak rate α &lt; 1 ({@link #leakRate(double)}) the units are <em>leaky integrators</em> (Jaeger et
 * al., 2007; Bengio et al., 2013): {@code h_t = (1 - α) h_{t-1} + α f(x_t W_xh + h_{t-1} W_hh + b_h)}. Each unit
 * keeps a share 1 - α of its old value, so the state changes on a time scale of about 1/α steps and the Jacobian
 * {@code dh_t/dh_{t-1} = (1 - α) I + α diag(f') W_hh^T} stays near the identity. α = 1 is the plain RNN.
 */
public final class Rnn extends RecurrentLayer {

    private final Activation f;
    /** α: the share of the new value f(a_t) a unit takes in at each step (1: the plain RNN). */
    private double leak = 1;
    /** u[t] = f(a_t) at step t, kept for the backward pass when α &lt; 1 (then h[t + 1] is not f(a_t)). */
    private DMatrixRMaj[] u = new DMatrixRMaj[0];

    /** A layer with PyTorch's default initialization U(-1/sqrt(H), 1/sqrt(H)). */
    public Rnn(int inputSize, int hiddenSize, Activation f, Rng rng) {
        super(inputSize, hiddenSize, 1, "Wxh", "Whh", "bh");
        this.f = f;
        Init.pytorch(Wx.value, H, rng);
        Init.pytorch(Wh.value, H, rng);
        Init.pytorch(b.value, H, rng);
    }

    public Rnn(int inputSize, int hiddenSize, Rng rng) {
        this(inputSize, hiddenSize, Activation.TANH, rng);
    }

    /** The bias {@code bh} (1&times;H). */
    public DMatrixRMaj bh() {
        return b.value;
    }

    public Activation activation() {
        return f;
    }

    /**
     * Makes the units leaky integrators with leak rate α in (0, 1]: {@code h_t = (1 - α) h_{t-1} + α f(a_t)}.
     * α = 1 (the default) is the plain RNN. Returns this layer.
     */
    public Rnn leakRate(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("the leak rate must be in (0, 1], got " + alpha);
        }
        this.leak = alpha;
        return this;
    }

    /** The leak rate α (1: not leaky). */
    public double leakRate() {
        return leak;
    }

    /**
     * The cell: given {@code a = x_t W_xh + b_h}, computes {@code h_t = f(a + h_{t-1} W_hh)} into {@code hNext}
     * ({@code a} is used as a workspace and may be {@code hNext} itself).
     */
    static void cell(DMatrixRMaj a, DMatrixRMaj hPrev, DMatrixRMaj Whh, Activation f, DMatrixRMaj hNext) {
        Gemm.multAdd(hPrev, Whh, a);                  // + h_{t-1} W_hh
        f.apply(a.data, hNext.data, 0, a.getNumElements());    // h_t = f(a_t)
    }

    /** da = dh ⊙ f'(a), with f' written through the cell's output h_t (tanh' = 1 - h_t^2). */
    static void cellBackward(DMatrixRMaj dh, DMatrixRMaj hNext, Activation f, DMatrixRMaj da) {
        for (int i = 0; i < dh.getNumElements(); i++) {
            da.data[i] = dh.data[i] * f.derivativeFromOutput(hNext.data[i]);
        }
    }

    @Override
    void allocate(int steps, int batch) {
        super.allocate(steps, batch);
        if (leak < 1 && (u.length < steps || u[0].numRows != batch)) {
            u = matrices(steps, batch, H);
        }
    }

    @Override
    boolean addsInputAndRecurrence() {
        return true;
    }

    @Override
    void forwardStep(int t, DMatrixRMaj a) {
        addRecurrentProduct(t, a);                              // a_t = x_t W_xh + b_h + h_{t-1} W_hh
        if (leak == 1) {
            f.apply(a.data, h[t + 1].data, 0, a.getNumElements());  // h_t = f(a_t)
            return;
        }
        f.apply(a.data, u[t].data, 0, a.getNumElements());     // u_t = f(a_t)
        leakyMix(h[t], u[t], leak, h[t + 1]);                   // h_t = (1 - α) h_{t-1} + α u_t
    }

    /** hNext = (1 - α) hPrev + α u; hNext may be u itself. */
    static void leakyMix(DMatrixRMaj hPrev, DMatrixRMaj u, double alpha, DMatrixRMaj hNext) {
        for (int i = 0; i < u.getNumElements(); i++) {
            hNext.data[i] = (1 - alpha) * hPrev.data[i] + alpha * u.data[i];
        }
    }

    @Override
    void backwardStep(int t, DMatrixRMaj dh, DMatrixRMaj da, DMatrixRMaj dhPrev) {
        if (leak == 1) {
            cellBackward(dh, h[t + 1], f, da);                  // back through f
            backThroughWhOnly(t, da, dhPrev);                   // dW_hh += h_{t-1}^T da, dh_{t-1} = da W_hh^T
            return;
        }
        // h_t = (1 - α) h_{t-1} + α f(a_t): du = α dh, da = du ⊙ f'(a_t) (through u_t, not h_t),
        // and h_{t-1} gets (1 - α) dh directly besides what flows back through a_t.
        for (int i = 0; i < dh.getNumElements(); i++) {
            da.data[i] = leak * dh.data[i] * f.derivativeFromOutput(u[t].data[i]);
            dhPrev.data[i] = (1 - leak) * dh.data[i];
        }
        backThroughWh(t, da, dhPrev);                           // + da W_hh^T, dW_hh += h_{t-1}^T da
    }

    @Override
    public State step(DMatrixRMaj x, State state) {
        DMatrixRMaj hNext = new DMatrixRMaj(x.numRows, H);
        Gemm.mult(x, Wx.value, hNext);
        Ops.addRow(hNext, b.value);
        cell(hNext, state.h, Wh.value, f, hNext);
        if (leak < 1) {
            leakyMix(state.h, hNext, leak, hNext);
        }
        return new State(hNext);
    }

    /** One step of the cell on its own: returns {@code h_t = f(x W_xh + h_{t-1} W_hh + b_h)}. */
    public static DMatrixRMaj stepForward(DMatrixRMaj x, DMatrixRMaj hPrev, DMatrixRMaj Wxh, DMatrixRMaj Whh,
                                          DMatrixRMaj bh, Activation f) {
        DMatrixRMaj hNext = new DMatrixRMaj(x.numRows, Whh.numCols);
        CommonOps_DDRM.mult(x, Wxh, hNext);                     // x_t W_xh
        Ops.addRow(hNext, bh);                                  // + b_h
        cell(hNext, hPrev, Whh, f, hNext);                      // f(. + h_{t-1} W_hh)
        return hNext;
    }

    /** The gradients of one step: with respect to its input, the previous state and the three parameters. */
    public record StepGradients(DMatrixRMaj dx, DMatrixRMaj dhPrev, DMatrixRMaj dWxh, DMatrixRMaj dWhh, DMatrixRMaj dbh) {
    }

    /**
     * One step back, mirroring {@link #stepForward}: given dL/dh_t, returns dL/dx, dL/dh_{t-1}, dL/dW_xh, dL/dW_hh
     * and dL/db_h. The forward inputs and output {@code hNext} are the cache.
     */
    public static StepGradients stepBackward(DMatrixRMaj dhNext, DMatrixRMaj x, DMatrixRMaj hPrev, DMatrixRMaj hNext,
                                             DMatrixRMaj Wxh, DMatrixRMaj Whh, Activation f) {
        DMatrixRMaj da = new DMatrixRMaj(dhNext.numRows, dhNext.numCols);
        cellBackward(dhNext, hNext, f, da);                     // da = dh ⊙ f'(a)
        DMatrixRMaj dx = CommonOps_DDRM.multTransB(da, Wxh, null);       // da W_xh^T
        DMatrixRMaj dhPrev = CommonOps_DDRM.multTransB(da, Whh, null);   // da W_hh^T
        DMatrixRMaj dWxh = CommonOps_DDRM.multTransA(x, da, null);       // x^T da
        DMatrixRMaj dWhh = CommonOps_DDRM.multTransA(hPrev, da, null);   // h_{t-1}^T da
        DMatrixRMaj dbh = new DMatrixRMaj(1, da.numCols);
        Ops.addColumnSums(da, dbh);                             // sum over the batch
        return new StepGradients(dx, dhPrev, dWxh, dWhh, dbh);
    }
}
