package rnnkit.f32.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import rnnkit.core.Rng;

/**
 * The float32 twin's vectorized activations against its scalar ones (both float), over ranges whose ends are not
 * multiples of the vector length, with large, tiny and zero inputs. The tests run with the Vector API loaded
 * (lib/pom.xml's surefire argLine), so the vector path is the one checked.
 */
class VectorKernelsTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Activation.class)
    void theVectorKernelsAgreeWithTheScalarFunctionsWithinFourUlps(Activation f) {
        assertTrue(Vectorized.ON, "the tests run with --add-modules jdk.incubator.vector (lib/pom.xml)");
        Rng rng = new Rng(3);
        float[] a = new float[1003];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.gaussian() * (i % 7 == 0 ? 30 : 3));
        }
        float[] extremes = {0f, -0f, 1e-30f, -1e-30f, 88f, -88f, 100f, -100f, 1e4f, -1e4f, Float.MAX_VALUE, -Float.MAX_VALUE};
        System.arraycopy(extremes, 0, a, 500, extremes.length);
        float[] y = new float[a.length];
        java.util.Arrays.fill(y, Float.NaN);
        int from = 3;
        int to = a.length - 2;                       // neither end on a vector boundary
        f.apply(a, y, from, to);
        for (int i = 0; i < a.length; i++) {
            if (i < from || i >= to) {
                assertTrue(Float.isNaN(y[i]), "entry " + i + " is outside the range and must not be written");
                continue;
            }
            float scalar = f.apply(a[i]);
            // relative to the value, but never below 1e-30 (a subnormal sigmoid(-100) = 3.8e-44 may come out 0)
            double ulps = Math.abs(y[i] - scalar) / Math.ulp(Math.max(Math.abs(scalar), 1e-30f));
            assertTrue(ulps <= 4, f + "(" + a[i] + "): vector " + y[i] + ", scalar " + scalar + " (" + ulps + " ulps)");
            if (scalar == 0 || Math.abs(scalar) == 1) {
                assertEquals(scalar, y[i], 1e-7f, f + "(" + a[i] + ") saturates as the scalar function does");
            }
        }
    }
}
