package rnnkit.core;

import org.ejml.data.DMatrixRMaj;

/**
 * The few row and block operations that EJML's {@code CommonOps_DDRM} lacks, written out as plain loops on the
 * row-major arrays. Like EJML's operations they write into an output argument and allocate nothing.
 */
public final class Ops {

    private Ops() {
    }

    /** a[r, :] += row for every row r (broadcasting a 1&times;n bias over a batch). */
    public static void addRow(DMatrixRMaj a, DMatrixRMaj row) {
        int n = a.numCols;
        requireCols(row, n, "addRow");
        //f32: if (Vectorized.ON) { Vectorized.addRow(a.data, row.data, a.numRows, n); return; }
        for (int r = 0; r < a.numRows; r++) {
            int off = r * n;
            for (int j = 0; j < n; j++) {
                a.data[off + j] += row.data[j];
            }
        }
    }

    /** out[0, :] += sum over rows of a (the gradient of a broadcast bias). */
    public static void addColumnSums(DMatrixRMaj a, DMatrixRMaj out) {
        int n = a.numCols;
        requireCols(out, n, "addColumnSums");
        //f32: if (Vectorized.ON) { Vectorized.addColumnSums(a.data, out.data, a.numRows, n); return; }
        for (int r = 0; r < a.numRows; r++) {
            int off = r * n;
            for (int j = 0; j < n; j++) {
                out.data[j] += a.data[off + j];
            }
        }
    }

    /**
     * Copies the {@code rows}&times;{@code cols} block of {@code src} starting at (srcRow, srcCol) into {@code dst}
     * at (dstRow, dstCol).
     */
    public static void copyBlock(DMatrixRMaj src, int srcRow, int srcCol, DMatrixRMaj dst, int dstRow, int dstCol,
                                 int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src.data, (srcRow + r) * src.numCols + srcCol, dst.data, (dstRow + r) * dst.numCols + dstCol, cols);
        }
    }

    /** Adds the block of {@code src} at (srcRow, srcCol) into {@code dst} at (dstRow, dstCol). */
    public static void addBlock(DMatrixRMaj src, int srcRow, int srcCol, DMatrixRMaj dst, int dstRow, int dstCol,
                                int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int s = (srcRow + r) * src.numCols + srcCol;
            int d = (dstRow + r) * dst.numCols + dstCol;
            for (int j = 0; j < cols; j++) {
                dst.data[d + j] += src.data[s + j];
            }
        }
    }

    /** out = [a, b]: the columns of a, then those of b (same rows). */
    public static DMatrixRMaj concatColumns(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj out) {
        out = shape(out, a.numRows, a.numCols + b.numCols);
        copyBlock(a, 0, 0, out, 0, 0, a.numRows, a.numCols);
        copyBlock(b, 0, 0, out, 0, a.numCols, b.numRows, b.numCols);
        return out;
    }

    /** Splits the columns of m into a (the first a.numCols) and b (the rest). */
    public static void splitColumns(DMatrixRMaj m, DMatrixRMaj a, DMatrixRMaj b) {
        copyBlock(m, 0, 0, a, 0, 0, m.numRows, a.numCols);
        copyBlock(m, 0, a.numCols, b, 0, 0, m.numRows, b.numCols);
    }

    /** c = a ⊙ b, element-wise (c may be a or b). */
    public static void multiply(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        int n = a.getNumElements();
        for (int i = 0; i < n; i++) {
            c.data[i] = a.data[i] * b.data[i];
        }
    }

    /** y[i] = exp(a[i]) for i in [from, to) ({@code y} may be {@code a}). */
    public static void exp(double[] a, double[] y, int from, int to) {
        //f32: if (Vectorized.ON) { Vectorized.exp(a, y, from, to); return; }
        for (int i = from; i < to; i++) {
            y[i] = Math.exp(a[i]);
        }
    }

    /** The Frobenius norm, sqrt(sum of squares). */
    public static double norm(DMatrixRMaj a) {
        //f32: if (Vectorized.ON) { return Math.sqrt(Vectorized.sumOfSquares(a.data, a.getNumElements())); }
        double s = 0;
        int n = a.getNumElements();
        for (int i = 0; i < n; i++) {
            s += a.data[i] * a.data[i];
        }
        return Math.sqrt(s);
    }

    /** Makes {@code m} rows&times;cols, reusing its array when it is big enough (EJML's reshape). */
    public static DMatrixRMaj shape(DMatrixRMaj m, int rows, int cols) {
        if (m == null) {
            return new DMatrixRMaj(rows, cols);
        }
        m.reshape(rows, cols);
        return m;
    }

    /** Throws a clear error unless {@code m} is rows&times;cols. */
    public static void requireShape(DMatrixRMaj m, int rows, int cols, String what) {
        if (m.numRows != rows || m.numCols != cols) {
            throw new IllegalArgumentException(what + " must be " + rows + "\u00d7" + cols + " but is "
                    + m.numRows + "\u00d7" + m.numCols);
        }
    }

    private static void requireCols(DMatrixRMaj m, int cols, String op) {
        if (m.numCols != cols || m.numRows != 1) {
            throw new IllegalArgumentException(op + ": expected a 1\u00d7" + cols + " row, got "
                    + m.numRows + "\u00d7" + m.numCols);
        }
    }
}
