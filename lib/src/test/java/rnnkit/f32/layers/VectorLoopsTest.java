package rnnkit.f32.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import rnnkit.core.Rng;
import rnnkit.f32.core.Vectorized;

/**
 * The loops that lib/codegen/GenerateFloat32.java writes on the Vector API (marked "float32: vectorized" in the double
 * source) against the scalar float arithmetic they come from, to the bit: the vector code does the scalar code's
 * operations in the same order. Forward, every entry against the cell's equations in scalar float. Backward, with
 * H = 16k + 1 (k vectors of 16 floats with AVX-512), each row's last entry is computed by the scalar loop and the others
 * by vectors: giving that entry the inputs of entry m must give it entry m's outputs.
 */
class VectorLoopsTest {

    private static final int B = 5;

    @Test
    void theVectorizedLstmCellGivesTheScalarLoopsBits() {
        assertTrue(Vectorized.ON, "the tests run with --add-modules jdk.incubator.vector (lib/pom.xml)");
        for (int H : new int[]{17, 33, 65}) {
            Rng rng = new Rng(H);
            FMatrixRMaj a = random(B, 4 * H, 3, rng);
            FMatrixRMaj cPrev = random(B, H, 2, rng);
            FMatrixRMaj c = new FMatrixRMaj(B, H);
            FMatrixRMaj tanhC = new FMatrixRMaj(B, H);
            FMatrixRMaj h = new FMatrixRMaj(B, H);
            Lstm.cell(a, cPrev, c, tanhC, h);                      // leaves the activated gates i, f, g, o in a
            for (int r = 0; r < B; r++) {
                for (int j = 0; j < H; j++) {
                    int k = r * H + j;
                    int row = r * 4 * H;
                    float i = a.data[row + j], f = a.data[row + H + j], g = a.data[row + 2 * H + j], o = a.data[row + 3 * H + j];
                    sameBits(f * cPrev.data[k] + i * g, c.data[k], "c_t", r, j);
                    sameBits(o * tanhC.data[k], h.data[k], "h_t", r, j);
                }
            }
        }
    }

    @Test
    void theVectorizedLstmCellBackwardGivesTheScalarLoopsBits() {
        assertTrue(Vectorized.ON, "the tests run with --add-modules jdk.incubator.vector (lib/pom.xml)");
        for (int H : new int[]{17, 33, 65}) {
            Rng rng = new Rng(100 + H);
            FMatrixRMaj gates = random(B, 4 * H, 1, rng);
            FMatrixRMaj dh = random(B, H, 1, rng);
            FMatrixRMaj dc = random(B, H, 1, rng);
            FMatrixRMaj cPrev = random(B, H, 2, rng);
            FMatrixRMaj tanhC = random(B, H, 0.5, rng);
            int[] m = new int[B];
            for (int r = 0; r < B; r++) {
                m[r] = (int) (rng.uniform() * (H - 1));
                copyLastFrom(gates, r, H, 4, m[r]);
                for (FMatrixRMaj x : new FMatrixRMaj[]{dh, dc, cPrev, tanhC}) {
                    copyLastFrom(x, r, H, 1, m[r]);
                }
            }
            FMatrixRMaj da = new FMatrixRMaj(B, 4 * H);
            FMatrixRMaj dcPrev = new FMatrixRMaj(B, H);
            Lstm.cellBackward(dh, dc, gates, cPrev, tanhC, da, dcPrev);
            for (int r = 0; r < B; r++) {
                sameBits(dcPrev, r, H, m[r], "dL/dc_{t-1}", H);
                for (int g = 0; g < 4; g++) {
                    sameBits(da, r, 4 * H, g * H + m[r], "dL/da, block " + "ifgo".charAt(g), g * H + H);
                }
            }
        }
    }

    private static FMatrixRMaj random(int rows, int cols, double scale, Rng rng) {
        FMatrixRMaj x = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = (float) (rng.gaussian() * scale);
        }
        return x;
    }

    /** In row r, each block of H gives its last entry (the scalar loop's) the value of its entry m. */
    private static void copyLastFrom(FMatrixRMaj x, int r, int H, int blocks, int m) {
        for (int g = 0; g < blocks; g++) {
            int o = r * blocks * H + g * H;
            x.data[o + H - 1] = x.data[o + m];
        }
    }

    private static void sameBits(float scalar, float computed, String what, int r, int j) {
        assertEquals(Float.floatToRawIntBits(scalar), Float.floatToRawIntBits(computed),
                what + ", row " + r + ", entry " + j + ": the cell gave " + computed + ", the scalar float expression " + scalar);
    }

    /** Entry {@code last} - 1 of row r (scalar loop) against entry {@code m} (vector lanes). */
    private static void sameBits(FMatrixRMaj x, int r, int width, int m, String what, int last) {
        float vector = x.data[r * width + m];
        float scalar = x.data[r * width + last - 1];
        assertEquals(Float.floatToRawIntBits(vector), Float.floatToRawIntBits(scalar),
                what + ", row " + r + ": the vector lanes gave " + vector + ", the scalar loop " + scalar + " for the same inputs");
    }
}
