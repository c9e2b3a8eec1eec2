package rnnkit.f32.core;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;

/**
 * A weight matrix made ready, once, for many products with it: the float32 twin's recurrent weights, which every time
 * step of a pass multiplies (h_{t-1} W_h forward, dah W_h^T backward). A BLAS packs its operands into panels at every
 * call; for a batch of 32 rows that packing is a large share of the product (bench/README.md). Here W is packed
 * once per pass, in {@link VectorGemm}'s panels of 64 columns, and its kernel runs the products.
 *
 * <p>Without AVX-512 vectors (or without the Vector API, {@link Vectorized#ON}), this keeps W (or W^T) as a plain
 * matrix and the products go to {@link Gemm}, the system's BLAS. Written by hand, like {@link Vectorized}: the
 * double-precision layers use {@link Gemm} directly (see lib/codegen/GenerateFloat32.java).
 */
public final class PackedWeights {

    /** Whether the packed kernel runs; otherwise {@link #plain} and {@link Gemm}. */
    private static final boolean KERNEL = Vectorized.ON && VectorGemm.supported();

    /** Whether products run on the packed kernel here (AVX-512 and the Vector API), rather than on {@link Gemm}. */
    public static boolean usesKernel() {
        return KERNEL;
    }

    private float[] panels = new float[0];
    /** The kernel's workspace, one 6&times;64 tile of the product. */
    private final float[] tile = new float[VectorGemm.MR * VectorGemm.NR];
    private final FMatrixRMaj plain = new FMatrixRMaj(1, 1);
    /** {@link #multStacked}'s rows [x_t, h, 1], assembled for each product. */
    private float[] stackedRows = new float[0];
    private int rows;
    private int cols;

    /** Packs W (K&times;N) for products A W. */
    public void pack(FMatrixRMaj W) {
        pack(W, false);
    }

    /** Packs W^T (N&times;K of W's K&times;N) for products A W^T. */
    public void packTransposed(FMatrixRMaj W) {
        pack(W, true);
    }

    /**
     * Packs [W_x; W_h; b] (D + H + 1 rows, N columns: W_x's rows, then W_h's, then the bias row) for
     * {@link #multStacked}; only where the kernel runs ({@link #usesKernel}).
     */
    public void packStacked(FMatrixRMaj Wx, FMatrixRMaj Wh, FMatrixRMaj b) {
        if (!KERNEL || Wh.numCols != Wx.numCols || b.getNumElements() != Wx.numCols) {
            throw new IllegalStateException("packStacked needs the packed kernel and W_x, W_h, b of one width, got "
                    + Wx.numCols + ", " + Wh.numCols + ", " + b.getNumElements() + (KERNEL ? "" : " (no kernel here)"));
        }
        packRows(Wx, Wh, b);
    }

    /** Sizes the panels for a rows&times;cols packed matrix. */
    private void shape(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        int nr = VectorGemm.NR;
        int size = (cols + nr - 1) / nr * nr * rows;
        if (panels.length != size) {
            panels = new float[size];
        }
    }

    /** Packs the matrices (of one width) stacked one below the other. */
    private void packRows(FMatrixRMaj... parts) {
        int n = 0;
        for (FMatrixRMaj p : parts) {
            n += p.numRows;
        }
        shape(n, parts[0].numCols);
        int nr = VectorGemm.NR;
        // panel p holds columns [p*NR, p*NR + NR) of the packed matrix, k by k; columns past cols stay 0
        for (int c0 = 0; c0 < cols; c0 += nr) {
            int width = Math.min(nr, cols - c0);
            int k = 0;
            for (FMatrixRMaj p : parts) {
                for (int row = 0; row < p.numRows; row++, k++) {
                    System.arraycopy(p.data, row * cols + c0, panels, c0 * rows + k * nr, width);
                }
            }
        }
    }

    /**
     * C = [x_t, h, 1] [W_x; W_h; b] = x_t W_x + h W_h + b, after {@link #packStacked}: x_t is rows {@code xRow} to
     * {@code xRow + h.numRows - 1} of {@code xs} (a sequence's inputs stacked step by step). One chain of fused
     * multiply-adds per entry: over x_t's columns, then h's, then the bias.
     */
    public void multStacked(FMatrixRMaj xs, int xRow, FMatrixRMaj h, FMatrixRMaj C) {
        int D = xs.numCols;
        int H = h.numCols;
        int M = h.numRows;
        if (D + H + 1 != rows || C.numRows != M || C.numCols != cols || xRow + M > xs.numRows) {
            throw new IllegalArgumentException("[x_t, h, 1] is " + M + "x(" + D + " + " + H + " + 1) (rows " + xRow
                    + ".. of " + xs.numRows + "), the packed matrix " + rows + "x" + cols + ", C " + C.numRows + "x" + C.numCols);
        }
        if (stackedRows.length < M * rows) {
            stackedRows = new float[M * rows];
        }
        for (int r = 0; r < M; r++) {
            System.arraycopy(xs.data, (xRow + r) * D, stackedRows, r * rows, D);
            System.arraycopy(h.data, r * H, stackedRows, r * rows + D, H);
            stackedRows[r * rows + D + H] = 1;
        }
        VectorGemm.mult(stackedRows, M, rows, panels, cols, C.data, false, tile);
    }

    private void pack(FMatrixRMaj W, boolean transposed) {
        rows = transposed ? W.numCols : W.numRows;
        cols = transposed ? W.numRows : W.numCols;
        if (!KERNEL) {
            if (transposed) {
                CommonOps_FDRM.transpose(W, plain);
            } else {
                plain.setTo(W);
            }
            return;
        }
        if (!transposed) {
            packRows(W);
            return;
        }
        shape(rows, cols);
        int nr = VectorGemm.NR;
        for (int c0 = 0; c0 < cols; c0 += nr) {                    // column j of panel c0 / NR is row c0 + j of W
            int width = Math.min(nr, cols - c0);
            for (int j = 0; j < width; j++) {
                int w = (c0 + j) * W.numCols;
                for (int k = 0; k < rows; k++) {
                    panels[c0 * rows + k * nr + j] = W.data[w + k];
                }
            }
        }
    }

    /** C = A P, where P is the packed matrix (W or W^T); C is reshaped. */
    public void mult(FMatrixRMaj A, FMatrixRMaj C) {
        if (!KERNEL) {
            Gemm.mult(A, plain, C);
            return;
        }
        check(A);
        C.reshape(A.numRows, cols);
        VectorGemm.mult(A.data, A.numRows, rows, panels, cols, C.data, false, tile);
    }

    /** C += A P, where P is the packed matrix (W or W^T). */
    public void multAdd(FMatrixRMaj A, FMatrixRMaj C) {
        if (!KERNEL) {
            Gemm.multAdd(A, plain, C);
            return;
        }
        check(A);
        if (C.numRows != A.numRows || C.numCols != cols) {
            throw new IllegalArgumentException("C is " + C.numRows + "x" + C.numCols + ", the product is " + A.numRows + "x" + cols);
        }
        VectorGemm.mult(A.data, A.numRows, rows, panels, cols, C.data, true, tile);
    }

    private void check(FMatrixRMaj A) {
        if (A.numCols != rows) {
            throw new IllegalArgumentException("inner dimensions differ: A is " + A.numRows + "x" + A.numCols
                    + ", the packed matrix is " + rows + "x" + cols);
        }
    }
}
