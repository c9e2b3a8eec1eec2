package rnnkit.f32.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import rnnkit.core.Rng;

/**
 * The float32 twin's packed products against the same products summed in double, for shapes whose rows are not a
 * multiple of the kernel's 6 and whose columns are not a multiple of its 64 (the edges the kernel pads and drops).
 */
class PackedWeightsTest {

    static FMatrixRMaj random(int rows, int cols, Rng rng) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) rng.gaussian();
        }
        return m;
    }

    /** C0 + A op(W) in double, and the bound of float rounding on each entry: K ulps of sum |a||w|. */
    static void assertProduct(FMatrixRMaj expectedBase, FMatrixRMaj A, FMatrixRMaj W, boolean transposed, FMatrixRMaj C) {
        int K = A.numCols;
        int N = transposed ? W.numRows : W.numCols;
        assertEquals(A.numRows, C.numRows, "rows of C");
        assertEquals(N, C.numCols, "columns of C");
        for (int i = 0; i < A.numRows; i++) {
            for (int j = 0; j < N; j++) {
                double sum = expectedBase == null ? 0 : expectedBase.get(i, j);
                double size = Math.abs(sum);
                for (int k = 0; k < K; k++) {
                    double w = transposed ? W.get(j, k) : W.get(k, j);
                    sum += (double) A.get(i, k) * w;
                    size += Math.abs((double) A.get(i, k) * w);
                }
                double tolerance = (K + 1) * Math.ulp((float) size) + 1e-30;
                double got = C.get(i, j);
                if (Math.abs(got - sum) > tolerance) {
                    throw new AssertionError("entry (" + i + ", " + j + "): " + got + " where the product is " + sum
                            + " (tolerance " + tolerance + ")");
                }
            }
        }
    }

    @Test
    void theKernelRunsWhereTheCpuHasAvx512() {
        assertTrue(Vectorized.ON, "the tests run with --add-modules jdk.incubator.vector (lib/pom.xml)");
        assertEquals(FloatVector.SPECIES_PREFERRED.length() >= 16, PackedWeights.usesKernel(),
                "the packed kernel is for 16-float vectors and must be used exactly when the CPU has them");
    }

    @ParameterizedTest(name = "A {0}x{1}, W {1}x{2}")
    @CsvSource({"32,128,512", "1,1,1", "5,3,63", "6,64,64", "7,65,65", "13,130,200", "33,7,130", "2,256,16", "8,16,128", "4,9,64"})
    void productsWithThePackedMatrixAndItsTransposeMatchTheDoubleSums(int M, int K, int N) {
        Rng rng = new Rng(M * 1000 + K * 10 + N);
        FMatrixRMaj A = random(M, K, rng);
        FMatrixRMaj W = random(K, N, rng);
        PackedWeights packed = new PackedWeights();
        packed.pack(W);
        FMatrixRMaj C = new FMatrixRMaj(1, 1);
        packed.mult(A, C);                                       // C = A W
        assertProduct(null, A, W, false, C);
        FMatrixRMaj base = random(M, N, rng);
        FMatrixRMaj acc = base.copy();
        packed.multAdd(A, acc);                                  // acc += A W
        assertProduct(base, A, W, false, acc);

        FMatrixRMaj Wt = random(N, K, rng);                      // A Wt^T, packed from Wt as it is stored
        packed.packTransposed(Wt);
        packed.mult(A, C);
        assertProduct(null, A, Wt, true, C);
    }

    /**
     * Every entry is the same chain of fused multiply-adds in k order, then added to C: whatever row of which block
     * computes it (full blocks of 6, the 2-row tail, a block clamped past the last row, a panel narrower than 64),
     * the result does not depend on the batch it came in. With the kernel only (Gemm's BLAS sums in its own order).
     */
    @ParameterizedTest(name = "A {0}x{1}, W {1}x{2}")
    @CsvSource({"32,128,256", "8,40,64", "9,33,100", "1,5,70", "50,65,130"})
    void everyEntryIsTheFusedChainInKOrderWhicheverBlockComputesIt(int M, int K, int N) {
        org.junit.jupiter.api.Assumptions.assumeTrue(PackedWeights.usesKernel(), "no AVX-512 here: Gemm runs the products");
        Rng rng = new Rng(7 * M + K + N);
        FMatrixRMaj A = random(M, K, rng);
        FMatrixRMaj W = random(K, N, rng);
        FMatrixRMaj base = random(M, N, rng);
        PackedWeights packed = new PackedWeights();
        packed.pack(W);
        FMatrixRMaj C = new FMatrixRMaj(1, 1);
        packed.mult(A, C);
        FMatrixRMaj acc = base.copy();
        packed.multAdd(A, acc);
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                float chain = 0;
                for (int k = 0; k < K; k++) {
                    chain = Math.fma(A.get(i, k), W.get(k, j), chain);
                }
                assertEquals(chain, C.get(i, j), 0f, "C = A W, entry (" + i + ", " + j + ")");
                assertEquals(base.get(i, j) + chain, acc.get(i, j), 0f, "C += A W, entry (" + i + ", " + j + ")");
            }
        }
    }

    /**
     * The step product of the RNN and the LSTM in float32: [x_t, h, 1] [W_x; W_h; b], x_t taken from a sequence's
     * stacked inputs, is per entry the fused chain over x_t's columns, then h's, then the bias (times 1).
     */
    @ParameterizedTest(name = "x {0}x{1}, h {0}x{2}, N {3}")
    @CsvSource({"32,64,256,1024", "5,3,17,70"})
    void theStackedProductIsTheChainOverTheInputThenTheStateThenTheBias(int M, int D, int H, int N) {
        org.junit.jupiter.api.Assumptions.assumeTrue(PackedWeights.usesKernel(), "no AVX-512 here: the layers keep separate products");
        Rng rng = new Rng(M + D + H + N);
        int steps = 3;
        FMatrixRMaj xs = random(steps * M, D, rng);
        FMatrixRMaj h = random(M, H, rng);
        FMatrixRMaj Wx = random(D, N, rng);
        FMatrixRMaj Wh = random(H, N, rng);
        FMatrixRMaj b = random(1, N, rng);
        PackedWeights packed = new PackedWeights();
        packed.packStacked(Wx, Wh, b);
        FMatrixRMaj C = new FMatrixRMaj(M, N);
        packed.multStacked(xs, M, h, C);                       // the second step's rows of xs
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                float chain = 0;
                for (int k = 0; k < D; k++) {
                    chain = Math.fma(xs.get(M + i, k), Wx.get(k, j), chain);
                }
                for (int k = 0; k < H; k++) {
                    chain = Math.fma(h.get(i, k), Wh.get(k, j), chain);
                }
                chain = Math.fma(1f, b.get(0, j), chain);
                assertEquals(chain, C.get(i, j), 0f, "[x_t, h, 1] [W_x; W_h; b], entry (" + i + ", " + j + ")");
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> packed.multStacked(xs, 2 * M + 1, h, C));
        assertTrue(e.getMessage().contains("rows " + (2 * M + 1)), e.getMessage());
    }

    @Test
    void aProductWhoseInnerSizesDifferIsRefusedWithBothShapes() {
        PackedWeights packed = new PackedWeights();
        packed.pack(new FMatrixRMaj(4, 8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> packed.mult(new FMatrixRMaj(2, 5), new FMatrixRMaj(1, 1)));
        assertTrue(e.getMessage().contains("2x5") && e.getMessage().contains("4x8"), e.getMessage());
    }
}
