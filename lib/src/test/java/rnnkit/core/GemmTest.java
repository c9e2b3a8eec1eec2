package rnnkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/** The BLAS path of Gemm gives EJML's products (to rounding) for every transpose, shape and accumulation. */
class GemmTest {

    private static DMatrixRMaj random(int rows, int cols, long seed) {
        return Init.uniform(new DMatrixRMaj(rows, cols), -1, 1, new Rng(seed));
    }

    private static void sameAsEjml(BLAS blas) {
        int[][] shapes = {{3, 4, 5}, {1, 7, 1}, {32, 128, 64}, {5, 1, 6}, {1, 1, 1}, {17, 33, 9}};
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            for (boolean tA : new boolean[]{false, true}) {
                for (boolean tB : new boolean[]{false, true}) {
                    DMatrixRMaj A = tA ? random(k, m, m) : random(m, k, m);
                    DMatrixRMaj B = tB ? random(n, k, n) : random(k, n, n);
                    DMatrixRMaj C0 = random(m, n, 7);
                    DMatrixRMaj want = C0.copy();
                    DMatrixRMaj product = new DMatrixRMaj(m, n);
                    if (tA && tB) {
                        CommonOps_DDRM.multTransAB(A, B, product);
                    } else if (tA) {
                        CommonOps_DDRM.multTransA(A, B, product);
                    } else if (tB) {
                        CommonOps_DDRM.multTransB(A, B, product);
                    } else {
                        CommonOps_DDRM.mult(A, B, product);
                    }
                    String what = blas.getClass().getSimpleName() + " " + m + "x" + k + "x" + n + " transA=" + tA + " transB=" + tB;
                    DMatrixRMaj got = new DMatrixRMaj(1, 1);   // reshaped, as EJML reshapes
                    Gemm.gemm(blas, tA, tB, 0, A, B, got);
                    assertTrue(got.numRows == m && got.numCols == n, what + ": shape");
                    for (int i = 0; i < m * n; i++) {
                        assertEquals(product.data[i], got.data[i], 1e-12 * (1 + Math.abs(product.data[i])), what + ", entry " + i);
                    }
                    CommonOps_DDRM.addEquals(want, product);
                    DMatrixRMaj acc = C0.copy();
                    Gemm.gemm(blas, tA, tB, 1, A, B, acc);
                    for (int i = 0; i < m * n; i++) {
                        assertEquals(want.data[i], acc.data[i], 1e-12 * (1 + Math.abs(want.data[i])), what + ", accumulated entry " + i);
                    }
                }
            }
        }
    }

    @Test
    void theBlasPathGivesEjmlsProducts() {
        for (BLAS blas : List.of(BLAS.getInstance(), JavaBLAS.getInstance())) {
            sameAsEjml(blas);
        }
    }

    @Test
    void emptyInnerDimensionsAndWrongShapes() {
        BLAS blas = JavaBLAS.getInstance();
        DMatrixRMaj c = random(2, 3, 1);
        Gemm.gemm(blas, false, false, 0, new DMatrixRMaj(2, 0), new DMatrixRMaj(0, 3), c);
        assertEquals(0.0, CommonOps_DDRM.elementMaxAbs(c), "k = 0: C = 0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(blas, false, false, 0, random(2, 3, 1), random(4, 2, 2), new DMatrixRMaj(2, 2)));
        assertTrue(e.getMessage().contains("inner dimensions"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Gemm.gemm(blas, false, false, 1, random(2, 3, 1), random(3, 2, 2), new DMatrixRMaj(3, 2)));
    }

    @Test
    void theDefaultIsTheSystemBlasWhenItLoadsAndEjmlOtherwise() {
        if (System.getProperty("rnnkit.blas") == null && System.getenv("RNNKIT_BLAS") == null) {
            String impl = Gemm.implementation();
            assertTrue(impl.equals("JNIBLAS") || impl.equals("EJML"), "auto picks the native BLAS or EJML, got " + impl);
        }
    }
}
