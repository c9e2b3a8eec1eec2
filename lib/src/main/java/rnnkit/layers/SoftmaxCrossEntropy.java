package rnnkit.layers;

import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Ops;
import rnnkit.core.Sequence;

/**
 * Softmax and the cross-entropy loss, fused: for scores s and the right class y,
 * {@code L = -log softmax(s)_y} and {@code dL/ds = softmax(s) - onehot(y)} (the lecture's {@code ŷ - y}).
 * Losses are means over the rows that count: weights of 0 (padding, under a mask) drop a row out.
 */
public final class SoftmaxCrossEntropy {

    private SoftmaxCrossEntropy() {
    }

    /**
     * The mean cross-entropy of the rows of {@code scores} (N&times;V) for {@code targets} (N), weighted by
     * {@code weights} (N; null: all 1). Writes dL/dscores into {@code dscores} if it is not null.
     */
    public static double loss(DMatrixRMaj scores, int[] targets, double[] weights, DMatrixRMaj dscores) {
        int N = scores.numRows;
        int V = scores.numCols;
        if (targets.length != N) {
            throw new IllegalArgumentException(N + " rows of scores but " + targets.length + " targets");
        }
        double total = 0;
        double weightSum = 0;
        for (int i = 0; i < N; i++) {
            weightSum += weights == null ? 1 : weights[i];
        }
        if (dscores != null) {
            dscores.reshape(N, V);
        }
        for (int i = 0; i < N; i++) {
            double w = weights == null ? 1 : weights[i];
            int y = targets[i];
            if (w != 0 && (y < 0 || y >= V)) {
                throw new IllegalArgumentException("target " + y + " of row " + i + " is not a class of " + V);
            }
            int off = i * V;
            double logSum = logSumExp(scores.data, off, V);
            if (w != 0) {
                total += w * (logSum - scores.data[off + y]);   // -log softmax(s)_y
            }
            if (dscores != null) {
                double k = weightSum == 0 ? 0 : w / weightSum;
                for (int j = 0; j < V; j++) {
                    dscores.data[off + j] = scores.data[off + j] - logSum;                // log softmax ...
                }
                Ops.exp(dscores.data, dscores.data, off, off + V);                        // ... softmax ...
                for (int j = 0; j < V; j++) {
                    dscores.data[off + j] *= k;                                           // ... weighted ...
                }
                if (w != 0) {
                    dscores.data[off + y] -= k;                                           // ... minus one-hot
                }
            }
        }
        return weightSum == 0 ? 0 : total / weightSum;
    }

    /**
     * Dense prediction: the mean cross-entropy over every step and batch row where {@code mask} (T&times;B; null:
     * all) is 1, for scores s_t (B&times;V) and targets[t][b]. Writes dL/ds_t into {@code dscores} if not null.
     */
    public static double sequenceLoss(Sequence scores, int[][] targets, DMatrixRMaj mask, Sequence dscores) {
        int T = scores.length();
        int B = scores.batch();
        DMatrixRMaj stacked = scores.stack(new DMatrixRMaj(1, 1));
        int[] flat = new int[T * B];
        double[] w = mask == null ? null : new double[T * B];
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                flat[t * B + b] = targets[t][b];
                if (w != null) {
                    w[t * B + b] = mask.get(t, b);
                }
            }
        }
        DMatrixRMaj d = dscores == null ? null : new DMatrixRMaj(T * B, scores.dim());
        double loss = loss(stacked, flat, w, d);
        if (dscores != null) {
            dscores.unstack(d);
        }
        return loss;
    }

    /** Row-wise softmax of scores into probs (may be the same matrix). */
    public static DMatrixRMaj softmax(DMatrixRMaj scores, DMatrixRMaj probs) {
        if (probs == null) {
            probs = new DMatrixRMaj(scores.numRows, scores.numCols);
        }
        int V = scores.numCols;
        for (int i = 0; i < scores.numRows; i++) {
            double logSum = logSumExp(scores.data, i * V, V);
            for (int j = 0; j < V; j++) {
                probs.data[i * V + j] = Math.exp(scores.data[i * V + j] - logSum);
            }
        }
        return probs;
    }

    /** log softmax of every row, as a new matrix. */
    public static DMatrixRMaj logSoftmax(DMatrixRMaj scores) {
        DMatrixRMaj out = new DMatrixRMaj(scores.numRows, scores.numCols);
        for (int r = 0; r < scores.numRows; r++) {
            System.arraycopy(logSoftmax(scores, r), 0, out.data, r * scores.numCols, scores.numCols);
        }
        return out;
    }

    /** log softmax of one row of scores, as a new array. */
    public static double[] logSoftmax(DMatrixRMaj scores, int row) {
        int V = scores.numCols;
        double logSum = logSumExp(scores.data, row * V, V);
        double[] out = new double[V];
        for (int j = 0; j < V; j++) {
            out[j] = scores.data[row * V + j] - logSum;
        }
        return out;
    }

    /** log sum_j exp(s_j) over n entries from off, shifted by the max so that exp never overflows. */
    private static double logSumExp(double[] s, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, s[off + j]);
        }
        //f32: if (rnnkit.f32.core.Vectorized.ON) { return max + Math.log(rnnkit.f32.core.Vectorized.sumExp(s, off, n, max)); }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(s[off + j] - max);
        }
        return max + Math.log(sum);
    }
}
