package rnnkit.f32.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import rnnkit.core.Rng;

/**
 * The second thread of the per-step products: with it, every entry is still computed whole by one thread, so the
 * product is the same bits as the panels computed one after the other on the caller's thread, product after product
 * (the caller and the helper race for the panels differently every time).
 */
class PanelHelperTest {

    @Test
    void productsSharedWithTheSecondThreadAreTheSameBitsAsOnOneThread() {
        assumeTrue(PackedWeights.usesKernel(), "no AVX-512 here: Gemm runs the products, and no helper");
        PanelHelper helper = new PanelHelper();
        Rng rng = new Rng(11);
        int M = 32;
        int K = 321;
        for (int N : new int[]{1024, 256, 200}) {
            float[] a = random(M * K, rng);
            float[] w = random(K * N, rng);
            PackedWeights packed = new PackedWeights();
            org.ejml.data.FMatrixRMaj W = new org.ejml.data.FMatrixRMaj(K, N);
            W.data = w;
            packed.pack(W);
            float[] panels = packedPanels(packed);
            int P = (N + VectorGemm.NR - 1) / VectorGemm.NR;
            float[] tile = new float[VectorGemm.MR * VectorGemm.NR];
            float[] one = random(M * N, rng);
            float[] base = one.clone();
            for (int p = 0; p < P; p++) {
                VectorGemm.panel(p, a, M, K, panels, N, one, true, tile);
            }
            for (int round = 0; round < 200; round++) {
                float[] two = base.clone();
                helper.mult(a, M, K, panels, N, two, true, tile, P);
                assertArrayEquals(one, two, "N = " + N + ", product " + round + ": the shared product differs");
            }
        }
    }

    @Test
    void theThreadCountComesFromTheSettingAndNeverExceedsTheCores() {
        assertEquals(PanelHelper.THREADS >= 2, PanelHelper.INSTANCE != null, "the shared helper exists with two threads");
        String before = System.getProperty("rnnkit.threads");
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            System.setProperty("rnnkit.threads", "1");
            assertEquals(1, PanelHelper.threads());
            System.setProperty("rnnkit.threads", " 64 ");
            assertEquals(cores, PanelHelper.threads());
            System.setProperty("rnnkit.threads", "two");
            assertEquals(1, PanelHelper.threads(), "a setting that is not a number means one thread");
        } finally {
            if (before == null) {
                System.clearProperty("rnnkit.threads");
            } else {
                System.setProperty("rnnkit.threads", before);
            }
        }
    }

    private static float[] random(int n, Rng rng) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.gaussian();
        }
        return x;
    }

    private static float[] packedPanels(PackedWeights packed) {
        try {
            java.lang.reflect.Field f = PackedWeights.class.getDeclaredField("panels");
            f.setAccessible(true);
            return (float[]) f.get(packed);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
