package rnnkit.layers;

import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Sequence;

/**
 * Pooling over time: one vector per sequence from all its steps, the bag-of-words baseline's representation.
 * {@code y_b = sum_t w_tb x_tb} with weights w (T&times;B): the mask for a sum, the mask divided by the length for
 * a mean, or any weights. Order is lost: "dog eats cat" and "cat eats dog" pool to the same vector.
 */
public final class Pooling {

    private Pooling() {
    }

    /** Weights for the mean over the real (mask 1) steps of each sequence; null mask: all T steps. */
    public static DMatrixRMaj meanWeights(DMatrixRMaj mask, int T, int B) {
        DMatrixRMaj w = sumWeights(mask, T, B);
        for (int b = 0; b < B; b++) {
            double n = 0;
            for (int t = 0; t < T; t++) {
                n += w.get(t, b);
            }
            for (int t = 0; t < T; t++) {
                w.set(t, b, n == 0 ? 0 : w.get(t, b) / n);
            }
        }
        return w;
    }

    /** Weights for the sum over the real steps: the mask itself (a copy), or all ones. */
    public static DMatrixRMaj sumWeights(DMatrixRMaj mask, int T, int B) {
        if (mask == null) {
            DMatrixRMaj w = new DMatrixRMaj(T, B);
            java.util.Arrays.fill(w.data, 0, T * B, 1);
            return w;
        }
        return mask.copy();
    }

    /** y = sum_t w_t ⊙ x_t (B&times;D). */
    public static DMatrixRMaj forward(Sequence x, DMatrixRMaj weights) {
        int B = x.batch();
        int D = x.dim();
        DMatrixRMaj y = new DMatrixRMaj(B, D);
        for (int t = 0; t < x.length(); t++) {
            for (int b = 0; b < B; b++) {
                double w = weights.get(t, b);
                for (int j = 0; j < D; j++) {
                    y.data[b * D + j] += w * x.at(t).data[b * D + j];
                }
            }
        }
        return y;
    }

    /** dx_t = w_t ⊙ dy: each step gets the pooled gradient, weighted as it was pooled. */
    public static Sequence backward(DMatrixRMaj dy, DMatrixRMaj weights) {
        int T = weights.numRows;
        int B = dy.numRows;
        int D = dy.numCols;
        Sequence dx = new Sequence(T, B, D);
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                double w = weights.get(t, b);
                for (int j = 0; j < D; j++) {
                    dx.at(t).data[b * D + j] = w * dy.data[b * D + j];
                }
            }
        }
        return dx;
    }
}
