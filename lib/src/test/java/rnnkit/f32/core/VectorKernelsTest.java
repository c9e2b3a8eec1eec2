package rnnkit.f32.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
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
    /** The inputs of the interpreted-against-compiled test: ordinary, large, tiny and saturating values. */
    static float[] inputs() {
        Rng rng = new Rng(11);
        float[] a = new float[4096];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.gaussian() * (i % 5 == 0 ? 40 : 3));
        }
        return a;
    }

    /** The bits of tanh, sigmoid and exp of {@link #inputs()}, one line each, as this JVM computes them. */
    static List<String> bits() {
        float[] a = inputs();
        float[][] out = new float[3][a.length];
        Activation.TANH.apply(a, out[0], 0, a.length);
        Activation.SIGMOID.apply(a, out[1], 0, a.length);
        Vectorized.exp(a, out[2], 0, a.length);
        return java.util.Arrays.stream(out).map(y -> {
            StringBuilder b = new StringBuilder();
            for (float v : y) {
                b.append(Integer.toHexString(Float.floatToIntBits(v))).append(' ');
            }
            return b.toString();
        }).toList();
    }

    /** Prints {@link #bits()}: run by the test below in a JVM that only interprets. */
    @Test
    void theNormOfAGradientSumsEveryEntryIncludingThoseBeyondTheLastWholeVector() {
        Rng rng = new Rng(5);
        for (int n : new int[] {0, 1, 15, 16, 17, 1003}) {
            org.ejml.data.FMatrixRMaj m = new org.ejml.data.FMatrixRMaj(1, n);
            double exact = 0;
            for (int i = 0; i < n; i++) {
                m.data[i] = (float) rng.gaussian();
                exact += (double) m.data[i] * m.data[i];
            }
            assertEquals(Math.sqrt(exact), Ops.norm(m), 1e-6 * Math.sqrt(exact) + 1e-30, "the norm of " + n + " entries");
        }
    }

    public static void main(String[] args) {
        bits().forEach(System.out::println);
    }

    /**
     * A training run's numbers must not depend on when the JIT compiles what: the kernels give the same bits in a
     * JVM that only interprets (where the Vector API runs its scalar fallback, lane by lane) as here after 20,000
     * calls (compiled by C2). The JDK's own vector EXP and TANH failed this: about 1 entry in 100 differed.
     */
    @Test
    void theKernelsGiveTheSameBitsInterpretedAsCompiled() throws IOException, InterruptedException {
        for (int i = 0; i < 20_000; i++) {
            bits();
        }
        List<String> compiled = bits();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xint", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), VectorKernelsTest.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> interpreted = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.waitFor(), "the interpreted JVM failed");
        String[] names = {"tanh", "sigmoid", "exp"};
        for (int f = 0; f < 3; f++) {
            String[] x = compiled.get(f).split(" ");
            String[] y = interpreted.get(f).split(" ");
            int differ = 0;
            int first = -1;
            for (int i = 0; i < x.length; i++) {
                if (!x[i].equals(y[i])) {
                    differ++;
                    first = first < 0 ? i : first;
                }
            }
            assertEquals(0, differ, names[f] + ": " + differ + " of " + x.length + " entries differ between interpreted"
                    + " and compiled code" + (first < 0 ? "" : " (first: input " + inputs()[first] + ")"));
        }
    }
}
