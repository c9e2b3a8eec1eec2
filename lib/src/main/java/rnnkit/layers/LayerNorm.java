package rnnkit.layers;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Init;
import rnnkit.core.Trainable;
import rnnkit.core.Parameter;
import rnnkit.core.Sequence;

/**
 * Layer normalization (Ba et al., 2016), per time step: each row (one example at one step) is normalized over
 * its D features, {@code y = γ ⊙ (x - μ) / sqrt(σ² + ε) + β}, with the same gain {@code gamma} and bias
 * {@code beta} (1&times;D) at every step. Unlike batch normalization it needs no statistics across the batch or
 * across time, which is why it suits recurrent networks.
 */
public final class LayerNorm implements Trainable {

    private final Parameter gamma;
    private final Parameter beta;
    private final double eps;
    private DMatrixRMaj xhat = new DMatrixRMaj(1, 1);
    private double[] invStd = new double[0];
    private int T;
    private int B;

    public LayerNorm(int dim) {
        this(dim, 1e-5);
    }

    public LayerNorm(int dim, double eps) {
        gamma = new Parameter("gamma", 1, dim);
        beta = new Parameter("beta", 1, dim);
        Init.constant(gamma.value, 1);
        this.eps = eps;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    /** Normalizes every row of every step. */
    public Sequence forward(Sequence x) {
        T = x.length();
        B = x.batch();
        int D = x.dim();
        x.stack(xhat);
        if (invStd.length < T * B) {
            invStd = new double[T * B];
        }
        Sequence y = new Sequence(T, B, D);
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                int row = t * B + b;
                int off = row * D;
                double mean = 0;
                for (int j = 0; j < D; j++) {
                    mean += xhat.data[off + j];
                }
                mean /= D;
                double var = 0;
                for (int j = 0; j < D; j++) {
                    double c = xhat.data[off + j] - mean;
                    var += c * c;
                }
                var /= D;
                double inv = 1 / Math.sqrt(var + eps);
                invStd[row] = inv;
                for (int j = 0; j < D; j++) {
                    double xh = (xhat.data[off + j] - mean) * inv;         // x̂ = (x - μ) / σ
                    xhat.data[off + j] = xh;
                    y.at(t).data[b * D + j] = gamma.value.data[j] * xh + beta.value.data[j];
                }
            }
        }
        return y;
    }

    /** Normalizes the rows of one matrix. */
    public DMatrixRMaj forward(DMatrixRMaj x) {
        return forward(Sequence.of(x)).at(0);
    }

    /**
     * dγ += sum dy ⊙ x̂, dβ += sum dy, and per row
     * {@code dx = (1/σ) (dx̂ - mean(dx̂) - x̂ mean(dx̂ ⊙ x̂))} with {@code dx̂ = dy ⊙ γ}.
     */
    public Sequence backward(Sequence dy) {
        int D = gamma.value.numCols;
        Sequence dx = new Sequence(T, B, D);
        double[] dxh = new double[D];
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                int row = t * B + b;
                int off = row * D;
                double meanDxh = 0;
                double meanDxhXh = 0;
                for (int j = 0; j < D; j++) {
                    double g = dy.at(t).data[b * D + j];
                    double xh = xhat.data[off + j];
                    gamma.grad.data[j] += g * xh;
                    beta.grad.data[j] += g;
                    dxh[j] = g * gamma.value.data[j];
                    meanDxh += dxh[j];
                    meanDxhXh += dxh[j] * xh;
                }
                meanDxh /= D;
                meanDxhXh /= D;
                for (int j = 0; j < D; j++) {
                    dx.at(t).data[b * D + j] = invStd[row] * (dxh[j] - meanDxh - xhat.data[off + j] * meanDxhXh);
                }
            }
        }
        return dx;
    }

    /** The backward pass of {@link #forward(DMatrixRMaj)}. */
    public DMatrixRMaj backward(DMatrixRMaj dy) {
        return backward(Sequence.of(dy)).at(0);
    }
}
