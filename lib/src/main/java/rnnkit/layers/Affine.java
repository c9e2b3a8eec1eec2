package rnnkit.layers;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import rnnkit.core.Init;
import rnnkit.core.Trainable;
import rnnkit.core.Ops;
import rnnkit.core.Gemm;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;

/**
 * A fully connected layer {@code y = x W + b} (the lecture's {@code o = W_hy h + b_o} in row form), on one batch
 * (B&times;D) or on every step of a sequence at once ("temporal affine"), which stacks the T steps and does one
 * (T&middot;B)&times;D by D&times;M product.
 */
public final class Affine implements Trainable {

    private final Parameter W;
    private final Parameter b;
    private DMatrixRMaj x;
    private final DMatrixRMaj xs = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj ys = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dys = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dxs = new DMatrixRMaj(1, 1);

    /** Glorot-initialized weights W (D&times;M), zero bias; named e.g. "Why", "by" for an RNN's output layer. */
    public Affine(int in, int out, String weightName, String biasName, Rng rng) {
        W = new Parameter(weightName, in, out);
        b = new Parameter(biasName, 1, out);
        Init.glorot(W.value, rng);
    }

    public Affine(int in, int out, Rng rng) {
        this(in, out, "W", "b", rng);
    }

    public DMatrixRMaj W() {
        return W.value;
    }

    public DMatrixRMaj b() {
        return b.value;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(W, b);
    }

    /** y = x W + b for one batch; x is cached for backward. */
    public DMatrixRMaj forward(DMatrixRMaj x) {
        this.x = x;
        DMatrixRMaj y = new DMatrixRMaj(x.numRows, W.value.numCols);
        Gemm.mult(x, W.value, y);
        Ops.addRow(y, b.value);
        return y;
    }

    /** dW += x^T dy, db += sum over rows of dy; returns dx = dy W^T. */
    public DMatrixRMaj backward(DMatrixRMaj dy) {
        Gemm.multAddTransA(x, dy, W.grad);
        Ops.addColumnSums(dy, b.grad);
        DMatrixRMaj dx = new DMatrixRMaj(dy.numRows, W.value.numRows);
        Gemm.multTransB(dy, W.value, dx);
        return dx;
    }

    /** y_t = x_t W + b for every step, as one product over the stacked steps. */
    public Sequence forward(Sequence x) {
        x.stack(xs);
        Ops.shape(ys, xs.numRows, W.value.numCols);
        Gemm.mult(xs, W.value, ys);
        Ops.addRow(ys, b.value);
        return Sequence.unstacked(ys, x.length());
    }

    /** The backward pass of {@link #forward(Sequence)}. */
    public Sequence backward(Sequence dy) {
        dy.stack(dys);
        Gemm.multAddTransA(xs, dys, W.grad);   // dW += sum_t x_t^T dy_t
        Ops.addColumnSums(dys, b.grad);
        Ops.shape(dxs, dys.numRows, W.value.numRows);
        Gemm.multTransB(dys, W.value, dxs);    // dx_t = dy_t W^T
        return Sequence.unstacked(dxs, dy.length());
    }
}
