package rnnkit.f32.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The product kernel of {@link PackedWeights} (loaded only when {@link Vectorized#ON}): C = A W or C += A W with W
 * packed in panels of 64 columns, each panel stored k by k (64 floats per k, zero-padded past N).
 *
 * <p>Each call of {@link #block} computes a 6&times;64 tile of the product: 24 accumulators of 16 floats (AVX-512),
 * and for each k, 4 vector loads of the panel, 6 broadcasts of A and 24 fused multiply-adds, so the loads stay
 * well below the two FMA units' work (the shape of the micro-kernels of BLIS and OpenBLAS), then stores (or adds)
 * them straight into C. A block past A's last row reads that row again and its extra results are dropped; a last
 * one or two rows go to {@link #block2}. Measured 125-159 GFLOP/s on one core at the
 * shapes of a recurrent step (32 rows, H = 128-512), against OpenBLAS's 78-109 for the same products, which packs W
 * anew at every call (bench/README.md). Where the kit may use two threads, {@link PanelHelper} computes some of the
 * panels.
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
     * caller's workspace of MR&times;NR floats for a last panel narrower than NR (no allocation per product: the
     * layers call this at every time step). Every entry is the same chain of fused multiply-adds in k order (then
     * added to C), whichever tile and row of a tile computes it.
     */
    static void mult(float[] a, int M, int K, float[] panels, int N, float[] c, boolean add, float[] tile) {
        int P = (N + NR - 1) / NR;
        if (PanelHelper.INSTANCE != null && P >= 2 && (long) M * K * N >= PanelHelper.MIN_WORK) {
            PanelHelper.INSTANCE.mult(a, M, K, panels, N, c, add, tile, P);
            return;
        }
        for (int p = 0; p < P; p++) {
            panel(p, a, M, K, panels, N, c, add, tile);
        }
    }

    /** Columns [64 p, 64 p + 64) of C = A W (or +=): panel p of W times all rows of A. */
    static void panel(int p, float[] a, int M, int K, float[] panels, int N, float[] c, boolean add, float[] tile) {
        int c0 = p * NR;
        int panel = c0 * K;                                     // panel p starts at p * K * NR
        int width = Math.min(NR, N - c0);
        for (int m = 0; m < M; m += MR) {
            int rows = Math.min(MR, M - m);
            if (width == NR) {                                  // straight into C
                if (rows <= 2) {
                    block2(a, m, M, K, panels, panel, c, m * N + c0, N, add);
                } else {
                    block(a, m, M, K, panels, panel, c, m * N + c0, N, add);
                }
                continue;
            }
            block(a, m, M, K, panels, panel, tile, 0, NR, false);
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

    /**
     * Rows m..m+5 of A times the panel at {@code p}, into the 6&times;64 block of {@code d} at {@code o} (rows
     * {@code ld} apart), or added to it with {@code add}. Rows past M - 1 repeat row M - 1 and are not stored.
     */
    private static void block(float[] a, int m, int M, int K, float[] w, int p, float[] d, int o, int ld, boolean add) {
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
            int q = p + k * NR;
            FloatVector w0 = FloatVector.fromArray(S, w, q);
            FloatVector w1 = FloatVector.fromArray(S, w, q + L);
            FloatVector w2 = FloatVector.fromArray(S, w, q + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, w, q + 3 * L);
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
        // one row at a time, each vector added to what C holds (with add) and stored; rows past M are dropped
        if (add) {
            c00 = c00.add(FloatVector.fromArray(S, d, o)); c01 = c01.add(FloatVector.fromArray(S, d, o + L));
            c02 = c02.add(FloatVector.fromArray(S, d, o + 2 * L)); c03 = c03.add(FloatVector.fromArray(S, d, o + 3 * L));
        }
        c00.intoArray(d, o); c01.intoArray(d, o + L); c02.intoArray(d, o + 2 * L); c03.intoArray(d, o + 3 * L);
        if (m + 1 >= M) {
            return;
        }
        o += ld;
        if (add) {
            c10 = c10.add(FloatVector.fromArray(S, d, o)); c11 = c11.add(FloatVector.fromArray(S, d, o + L));
            c12 = c12.add(FloatVector.fromArray(S, d, o + 2 * L)); c13 = c13.add(FloatVector.fromArray(S, d, o + 3 * L));
        }
        c10.intoArray(d, o); c11.intoArray(d, o + L); c12.intoArray(d, o + 2 * L); c13.intoArray(d, o + 3 * L);
        if (m + 2 >= M) {
            return;
        }
        o += ld;
        if (add) {
            c20 = c20.add(FloatVector.fromArray(S, d, o)); c21 = c21.add(FloatVector.fromArray(S, d, o + L));
            c22 = c22.add(FloatVector.fromArray(S, d, o + 2 * L)); c23 = c23.add(FloatVector.fromArray(S, d, o + 3 * L));
        }
        c20.intoArray(d, o); c21.intoArray(d, o + L); c22.intoArray(d, o + 2 * L); c23.intoArray(d, o + 3 * L);
        if (m + 3 >= M) {
            return;
        }
        o += ld;
        if (add) {
            c30 = c30.add(FloatVector.fromArray(S, d, o)); c31 = c31.add(FloatVector.fromArray(S, d, o + L));
            c32 = c32.add(FloatVector.fromArray(S, d, o + 2 * L)); c33 = c33.add(FloatVector.fromArray(S, d, o + 3 * L));
        }
        c30.intoArray(d, o); c31.intoArray(d, o + L); c32.intoArray(d, o + 2 * L); c33.intoArray(d, o + 3 * L);
        if (m + 4 >= M) {
            return;
        }
        o += ld;
        if (add) {
            c40 = c40.add(FloatVector.fromArray(S, d, o)); c41 = c41.add(FloatVector.fromArray(S, d, o + L));
            c42 = c42.add(FloatVector.fromArray(S, d, o + 2 * L)); c43 = c43.add(FloatVector.fromArray(S, d, o + 3 * L));
        }
        c40.intoArray(d, o); c41.intoArray(d, o + L); c42.intoArray(d, o + 2 * L); c43.intoArray(d, o + 3 * L);
        if (m + 5 >= M) {
            return;
        }
        o += ld;
        if (add) {
            c50 = c50.add(FloatVector.fromArray(S, d, o)); c51 = c51.add(FloatVector.fromArray(S, d, o + L));
            c52 = c52.add(FloatVector.fromArray(S, d, o + 2 * L)); c53 = c53.add(FloatVector.fromArray(S, d, o + 3 * L));
        }
        c50.intoArray(d, o); c51.intoArray(d, o + L); c52.intoArray(d, o + 2 * L); c53.intoArray(d, o + 3 * L);
    }

    /**
     * As {@link #block} for the last one or two rows (a batch of 32 is 5 blocks of 6 and 2 rows): 8 accumulators,
     * still more multiply-adds than loads, rather than 6 rows computed for 2.
     */
    private static void block2(float[] a, int m, int M, int K, float[] w, int p, float[] d, int o, int ld, boolean add) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        int a0 = m * K; int a1 = Math.min(m + 1, M - 1) * K;
        for (int k = 0; k < K; k++) {
            int q = p + k * NR;
            FloatVector w0 = FloatVector.fromArray(S, w, q);
            FloatVector w1 = FloatVector.fromArray(S, w, q + L);
            FloatVector w2 = FloatVector.fromArray(S, w, q + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, w, q + 3 * L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[a0 + k]);
            c00 = w0.fma(x, c00); c01 = w1.fma(x, c01); c02 = w2.fma(x, c02); c03 = w3.fma(x, c03);
            x = FloatVector.broadcast(S, a[a1 + k]);
            c10 = w0.fma(x, c10); c11 = w1.fma(x, c11); c12 = w2.fma(x, c12); c13 = w3.fma(x, c13);
        }
        if (add) {
            c00 = c00.add(FloatVector.fromArray(S, d, o)); c01 = c01.add(FloatVector.fromArray(S, d, o + L));
            c02 = c02.add(FloatVector.fromArray(S, d, o + 2 * L)); c03 = c03.add(FloatVector.fromArray(S, d, o + 3 * L));
        }
        c00.intoArray(d, o); c01.intoArray(d, o + L); c02.intoArray(d, o + 2 * L); c03.intoArray(d, o + 3 * L);
        if (m + 1 >= M) {
            return;
        }
        o += ld;
        if (add) {
            c10 = c10.add(FloatVector.fromArray(S, d, o)); c11 = c11.add(FloatVector.fromArray(S, d, o + L));
            c12 = c12.add(FloatVector.fromArray(S, d, o + 2 * L)); c13 = c13.add(FloatVector.fromArray(S, d, o + 3 * L));
        }
        c10.intoArray(d, o); c11.intoArray(d, o + L); c12.intoArray(d, o + 2 * L); c13.intoArray(d, o + 3 * L);
    }
}
