package rnnkit.core;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/** Weight initializers; each fills a matrix in place from an {@link Rng}. */
public final class Init {

    private Init() {
    }

    /** Every entry from U(lo, hi). */
    public static DMatrixRMaj uniform(DMatrixRMaj w, double lo, double hi, Rng rng) {
        for (int i = 0; i < w.getNumElements(); i++) {
            w.data[i] = (double) rng.uniform(lo, hi);     // a no-op cast here, (float) in the float32 twin
        }
        return w;
    }

    /** A new rows&times;cols matrix with entries from U(-scale, scale), drawn from {@code new Rng(seed)}: data for checks and demos. */
    public static DMatrixRMaj uniform(int rows, int cols, double scale, long seed) {
        return uniform(new DMatrixRMaj(rows, cols), -scale, scale, new Rng(seed));
    }

    /** Every entry from N(0, std^2). */
    public static DMatrixRMaj gaussian(DMatrixRMaj w, double std, Rng rng) {
        for (int i = 0; i < w.getNumElements(); i++) {
            w.data[i] = std * (double) rng.gaussian();   // (float) in the float32 twin
        }
        return w;
    }

    /**
     * Glorot/Xavier uniform: U(-a, a) with a = sqrt(6 / (fanIn + fanOut)), keeping the variance of activations
     * and gradients about constant across a layer. Here fanIn = rows and fanOut = cols (x W with row vectors).
     */
    public static DMatrixRMaj glorot(DMatrixRMaj w, Rng rng) {
        double a = Math.sqrt(6.0 / (w.numRows + w.numCols));
        return uniform(w, -a, a, rng);
    }

    /**
     * PyTorch's default for recurrent layers: U(-1/sqrt(H), 1/sqrt(H)) for every weight and bias, H the hidden
     * size.
     */
    public static DMatrixRMaj pytorch(DMatrixRMaj w, int hidden, Rng rng) {
        double a = 1 / Math.sqrt(hidden);
        return uniform(w, -a, a, rng);
    }

    /**
     * A (semi-)orthogonal matrix times {@code gain}: the Q of the QR decomposition of a Gaussian matrix, signs fixed
     * so that the result is uniformly distributed (Saxe et al., 2014). All singular values equal {@code gain}, so
     * repeated multiplication neither shrinks nor blows up a vector, the initialization notebook 04 recommends
     * for W_hh.
     */
    public static DMatrixRMaj orthogonal(DMatrixRMaj w, double gain, Rng rng) {
        int rows = w.numRows;
        int cols = w.numCols;
        boolean tall = rows >= cols;
        DMatrixRMaj a = new DMatrixRMaj(tall ? rows : cols, tall ? cols : rows);
        gaussian(a, 1, rng);
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(a.numRows, a.numCols);
        if (!qr.decompose(a)) {
            throw new IllegalStateException("QR decomposition failed");
        }
        DMatrixRMaj q = qr.getQ(null, true);
        DMatrixRMaj r = qr.getR(null, true);
        for (int j = 0; j < q.numCols; j++) {
            double sign = Math.signum(r.get(j, j)) >= 0 ? 1 : -1;
            for (int i = 0; i < q.numRows; i++) {
                q.set(i, j, q.get(i, j) * sign * gain);
            }
        }
        if (tall) {
            w.setTo(q);
        } else {
            CommonOps_DDRM.transpose(q, w);
        }
        return w;
    }

    /**
     * Sparse initialization (Martens, 2010; Sutskever et al., 2013): every unit gets exactly {@code k} nonzero
     * incoming weights, from N(0, std^2), at randomly chosen inputs; the rest are 0. With row vectors
     * ({@code x W}) a unit's incoming weights are a column of {@code w}, so each column gets k nonzeros. Units that
     * listen to different small sets of inputs start out different from one another (symmetry breaking) while
     * the total input to a unit does not grow with the layer's width.
     */
    public static DMatrixRMaj sparse(DMatrixRMaj w, int k, double std, Rng rng) {
        if (k < 1 || k > w.numRows) {
            throw new IllegalArgumentException("each of the " + w.numCols + " units needs 1 <= k <= " + w.numRows
                    + " incoming weights, got k=" + k);
        }
        w.zero();
        for (int j = 0; j < w.numCols; j++) {
            int[] rows = rng.permutation(w.numRows);            // the first k of a random order: k distinct inputs
            for (int i = 0; i < k; i++) {
                w.set(rows[i], j, std * (double) rng.gaussian());
            }
        }
        return w;
    }

    /** Every entry equal to {@code v}. */
    public static DMatrixRMaj constant(DMatrixRMaj w, double v) {
        CommonOps_DDRM.fill(w, v);
        return w;
    }
}
