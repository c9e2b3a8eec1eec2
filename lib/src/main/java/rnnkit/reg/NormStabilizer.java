package rnnkit.reg;

import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Sequence;

/**
 * The norm-stabilizer of Krueger &amp; Memisevic (2016): a penalty {@code beta/T sum_t (||h_t|| - ||h_{t-1}||)^2}
 * that keeps the hidden state's norm from drifting over time (averaged over the batch here). h_0 is the initial
 * state.
 */
public final class NormStabilizer {

    private NormStabilizer() {
    }

    /**
     * The penalty for the states h_0 (B&times;H) and h_1..h_T, adding its gradient with respect to h_1..h_T into
     * {@code dh} (if not null); h_0 gets none (it is usually a constant or carried over).
     */
    public static double penalty(DMatrixRMaj h0, Sequence h, double beta, Sequence dh) {
        int T = h.length();
        int B = h.batch();
        int H = h.dim();
        double total = 0;
        double scale = beta / (T * (double) B);
        double[] prevNorm = rowNorms(h0);
        for (int t = 0; t < T; t++) {
            double[] norm = rowNorms(h.at(t));
            for (int b = 0; b < B; b++) {
                double diff = norm[b] - prevNorm[b];
                total += scale * diff * diff;
                if (dh != null) {
                    // d/dh_t of (||h_t|| - ||h_{t-1}||)^2 = 2 diff h_t / ||h_t||, and the opposite for h_{t-1}
                    addScaledRow(dh.at(t), h.at(t), b, H, norm[b] == 0 ? 0 : 2 * scale * diff / norm[b]);
                    if (t > 0) {
                        addScaledRow(dh.at(t - 1), h.at(t - 1), b, H, prevNorm[b] == 0 ? 0 : -2 * scale * diff / prevNorm[b]);
                    }
                }
            }
            prevNorm = norm;
        }
        return total;
    }

    private static double[] rowNorms(DMatrixRMaj m) {
        double[] n = new double[m.numRows];
        for (int r = 0; r < m.numRows; r++) {
            double s = 0;
            for (int j = 0; j < m.numCols; j++) {
                double v = m.data[r * m.numCols + j];
                s += v * v;
            }
            n[r] = Math.sqrt(s);
        }
        return n;
    }

    private static void addScaledRow(DMatrixRMaj into, DMatrixRMaj from, int row, int H, double k) {
        for (int j = 0; j < H; j++) {
            into.data[row * H + j] += k * from.data[row * H + j];
        }
    }
}
