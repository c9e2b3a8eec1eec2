package rnnkit.core;

import dev.ludovic.netlib.blas.BLAS;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The library's hot matrix products, with EJML's names and row-major matrices: {@code C = op(A) op(B)} (or
 * {@code C += ...}), where op transposes or not. They go to the system's BLAS (OpenBLAS from Debian's
 * libopenblas0, over JNI through dev.ludovic.netlib) when it is installed, and to EJML's own products otherwise:
 * about ten times faster at the shapes of a recurrent layer (60 against 6 GFLOP/s on one core here).
 *
 * <p>The choice: the system property {@code rnnkit.blas} or the environment variable {@code RNNKIT_BLAS}:
 * {@code auto} (the default: the native BLAS if it loads, else EJML), {@code ejml}, or {@code native} (any BLAS
 * dev.ludovic.netlib finds, its pure-Java one included). The two paths sum in different orders, so results differ in
 * the last bits between machines with and without OpenBLAS; on one machine they are the same from run to run for a
 * given BLAS thread count ({@code OPENBLAS_NUM_THREADS}; the kit's kernel and grader set 1).
 *
 * <p>Row-major trick: a row-major m&times;n matrix is the column-major n&times;m matrix of its transpose, so
 * {@code C = op(A) op(B)} in row-major is {@code C^T = op(B)^T op(A)^T} in column-major: dgemm with the operands
 * swapped, each transposed exactly when it is transposed here, and each leading dimension its stored column count.
 */
public final class Gemm {

    private static final BLAS BLAS_IMPL = chosen();

    private Gemm() {
    }

    private static BLAS chosen() {
        String choice = System.getProperty("rnnkit.blas", System.getenv().getOrDefault("RNNKIT_BLAS", "auto"));
        switch (choice.toLowerCase(Locale.ROOT)) {
            case "auto":
            case "":
                return systemBlas();
            case "native":
                return quietly(BLAS::getInstance);
            case "ejml":
                return null;
            default:
                throw new IllegalArgumentException("rnnkit.blas (or RNNKIT_BLAS) must be 'auto', 'ejml' or 'native', got '" + choice + "'");
        }
    }

    /** The system's BLAS over JNI, or null when it is not installed (then EJML serves). */
    private static BLAS systemBlas() {
        try {
            return quietly(dev.ludovic.netlib.blas.NativeBLAS::getInstance);
        } catch (Throwable notInstalled) {
            return null;
        }
    }

    /** Loads a BLAS with dev.ludovic.netlib's log muted: its warnings about implementations it skips are not ours to show. */
    private static BLAS quietly(java.util.function.Supplier<BLAS> load) {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("dev.ludovic.netlib.blas.InstanceBuilder");
        java.util.logging.Level before = log.getLevel();
        log.setLevel(java.util.logging.Level.OFF);
        try {
            return load.get();
        } finally {
            log.setLevel(before);
        }
    }

    /** Which implementation the products use: "EJML", or the BLAS class (JNIBLAS is the system's native BLAS). */
    public static String implementation() {
        return BLAS_IMPL == null ? "EJML" : BLAS_IMPL.getClass().getSimpleName();
    }

    /** C = A B. */
    public static void mult(DMatrixRMaj A, DMatrixRMaj B, DMatrixRMaj C) {
        if (BLAS_IMPL == null) {
            CommonOps_DDRM.mult(A, B, C);
        } else {
            gemm(BLAS_IMPL, false, false, 0, A, B, C);
        }
    }

    /** C += A B. */
    public static void multAdd(DMatrixRMaj A, DMatrixRMaj B, DMatrixRMaj C) {
        if (BLAS_IMPL == null) {
            CommonOps_DDRM.multAdd(A, B, C);
        } else {
            gemm(BLAS_IMPL, false, false, 1, A, B, C);
        }
    }

    /** C = A^T B. */
    public static void multTransA(DMatrixRMaj A, DMatrixRMaj B, DMatrixRMaj C) {
        if (BLAS_IMPL == null) {
            CommonOps_DDRM.multTransA(A, B, C);
        } else {
            gemm(BLAS_IMPL, true, false, 0, A, B, C);
        }
    }

    /** C += A^T B. */
    public static void multAddTransA(DMatrixRMaj A, DMatrixRMaj B, DMatrixRMaj C) {
        if (BLAS_IMPL == null) {
            CommonOps_DDRM.multAddTransA(A, B, C);
        } else {
            gemm(BLAS_IMPL, true, false, 1, A, B, C);
        }
    }

    /** C = A B^T. */
    public static void multTransB(DMatrixRMaj A, DMatrixRMaj B, DMatrixRMaj C) {
        if (BLAS_IMPL == null) {
            CommonOps_DDRM.multTransB(A, B, C);
        } else {
            gemm(BLAS_IMPL, false, true, 0, A, B, C);
        }
    }

    /** C += A B^T. */
    public static void multAddTransB(DMatrixRMaj A, DMatrixRMaj B, DMatrixRMaj C) {
        if (BLAS_IMPL == null) {
            CommonOps_DDRM.multAddTransB(A, B, C);
        } else {
            gemm(BLAS_IMPL, false, true, 1, A, B, C);
        }
    }

    /** C = op(A) op(B) + beta C through the given BLAS (beta 0: C is reshaped as EJML does; beta 1: C must fit). */
    static void gemm(BLAS blas, boolean transA, boolean transB, double beta, DMatrixRMaj A, DMatrixRMaj B, DMatrixRMaj C) {
        int m = transA ? A.numCols : A.numRows;
        int k = transA ? A.numRows : A.numCols;
        int kB = transB ? B.numCols : B.numRows;
        int n = transB ? B.numRows : B.numCols;
        if (k != kB) {
            throw new IllegalArgumentException("inner dimensions differ: op(A) is " + m + "x" + k + ", op(B) is " + kB + "x" + n);
        }
        if (beta == 0) {
            C.reshape(m, n);
        } else if (C.numRows != m || C.numCols != n) {
            throw new IllegalArgumentException("C is " + C.numRows + "x" + C.numCols + ", the product is " + m + "x" + n);
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (beta == 0) {
                C.zero();
            }
            return;
        }
        // row-major C = op(A) op(B)  <=>  column-major C^T = op(B)^T op(A)^T
        blas.dgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, 1.0, B.data, Math.max(1, B.numCols),
                A.data, Math.max(1, A.numCols), beta, C.data, n);
    }
}
