package rnnkit.f32.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The product kernel of {@link PackedWeights} (loaded only when {@link Vectorized#ON}): C = A W or C += A W with W
 * packed in panels of 64 columns, each panel stored k by k (64 floats per k, zero-padded past N).
 *
 * <p>Each call of {@link #block} computes a 6&times;64 tile of the product: 24 accumulators of 16 floats (AVX-512),
 * and for each k, 4 vector loads of the panel, 6 broadcasts of A and 24 fused multiply-adds, so the loads stay
 * well below the two FMA units' work (the shape of the micro-kernels of BLIS and OpenBLAS). A block past A's last
 * row reads that row again and its extra results are dropped. Measured 125-159 GFLOP/s on one core at the
 * shapes of a recurrent step (32 rows, H = 128-512), against OpenBLAS's 78-109 for the same products, which packs W
 * anew at every call (bench/README.md).
 */
final class VectorGemm {

    /** The kernel is written for 16-float vectors (AVX-512); {@link PackedWeights} uses it only then. */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    static final int MR = 6;
    static final int NR = 64;
    private static final int L = 16;

    private VectorGemm() {
    }

    /** Whether this CPU has the 16-float vectors the kernel is written for. */
    static boolean supported() {
        return FloatVector.SPECIES_PREFERRED.length() >= L;
    }

    /**
     * C (M&times;N) = A W, or += with {@code add}; A is M&times;K, W is packed in {@code panels}; {@code tile} is the
     * caller's workspace of MR&times;NR floats (no allocation per product: the layers call this at every time step).
     */
    static void mult(float[] a, int M, int K, float[] panels, int N, float[] c, boolean add, float[] tile) {
        for (int c0 = 0; c0 < N; c0 += NR) {
            int panel = c0 * K;                                 // panel c0 / NR starts at (c0 / NR) * K * NR
            int width = Math.min(NR, N - c0);
            for (int m = 0; m < M; m += MR) {
                block(a, m, M, K, panels, panel, tile);
                int rows = Math.min(MR, M - m);
                for (int r = 0; r < rows; r++) {
                    int o = (m + r) * N + c0;
                    if (add) {
                        VectorKernels.addInto(tile, r * NR, c, o, width);
                    } else {
                        System.arraycopy(tile, r * NR, c, o, width);
                    }
                }
            }
        }
    }

    /** tile (6&times;64) = rows m..m+5 of A times the panel at {@code p}; rows past M - 1 repeat row M - 1. */
    private static void block(float[] a, int m, int M, int K, float[] w, int p, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        FloatVector c50 = z, c51 = z, c52 = z, c53 = z;
        int a0 = Math.min(m + 0, M - 1) * K; int a1 = Math.min(m + 1, M - 1) * K; int a2 = Math.min(m + 2, M - 1) * K;
        int a3 = Math.min(m + 3, M - 1) * K; int a4 = Math.min(m + 4, M - 1) * K; int a5 = Math.min(m + 5, M - 1) * K;
        for (int k = 0; k < K; k++) {
            int o = p + k * NR;
            FloatVector w0 = FloatVector.fromArray(S, w, o);
            FloatVector w1 = FloatVector.fromArray(S, w, o + L);
            FloatVector w2 = FloatVector.fromArray(S, w, o + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, w, o + 3 * L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[a0 + k]);
            c00 = w0.fma(x, c00); c01 = w1.fma(x, c01); c02 = w2.fma(x, c02); c03 = w3.fma(x, c03);
            x = FloatVector.broadcast(S, a[a1 + k]);
            c10 = w0.fma(x, c10); c11 = w1.fma(x, c11); c12 = w2.fma(x, c12); c13 = w3.fma(x, c13);
            x = FloatVector.broadcast(S, a[a2 + k]);
            c20 = w0.fma(x, c20); c21 = w1.fma(x, c21); c22 = w2.fma(x, c22); c23 = w3.fma(x, c23);
            x = FloatVector.broadcast(S, a[a3 + k]);
            c30 = w0.fma(x, c30); c31 = w1.fma(x, c31); c32 = w2.fma(x, c32); c33 = w3.fma(x, c33);
            x = FloatVector.broadcast(S, a[a4 + k]);
            c40 = w0.fma(x, c40); c41 = w1.fma(x, c41); c42 = w2.fma(x, c42); c43 = w3.fma(x, c43);
            x = FloatVector.broadcast(S, a[a5 + k]);
            c50 = w0.fma(x, c50); c51 = w1.fma(x, c51); c52 = w2.fma(x, c52); c53 = w3.fma(x, c53);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, 16); c02.intoArray(tile, 32); c03.intoArray(tile, 48);
        c10.intoArray(tile, 64); c11.intoArray(tile, 80); c12.intoArray(tile, 96); c13.intoArray(tile, 112);
        c20.intoArray(tile, 128); c21.intoArray(tile, 144); c22.intoArray(tile, 160); c23.intoArray(tile, 176);
        c30.intoArray(tile, 192); c31.intoArray(tile, 208); c32.intoArray(tile, 224); c33.intoArray(tile, 240);
        c40.intoArray(tile, 256); c41.intoArray(tile, 272); c42.intoArray(tile, 288); c43.intoArray(tile, 304);
        c50.intoArray(tile, 320); c51.intoArray(tile, 336); c52.intoArray(tile, 352); c53.intoArray(tile, 368);
    }
}
