package rnnkit.f32.core;

/**
 * Whether the float32 twin's activations run on the JDK's Vector API (jdk.incubator.vector, an incubator module of
 * JDK 17 that a JVM loads only when started with {@code --add-modules jdk.incubator.vector}): then
 * {@link Activation#apply(float[], float[], int, int)} sends whole ranges to {@link VectorKernels}, 16 floats at a
 * time with AVX-512 (measured 30 times faster than the scalar loop for the sigmoid), and otherwise runs its scalar
 * loop. Written by hand: this class, {@link VectorKernels}, {@link PackedWeights} and {@link VectorGemm} are the
 * float32 twin's only code that is not generated from the double-precision source (see
 * lib/codegen/GenerateFloat32.java).
 * The system property {@code rnnkit.vector=false} turns it off.
 */
public final class Vectorized {

    /** Whether the Vector API is loaded (and not turned off). This class names none of its types, so it loads without it. */
    public static final boolean ON = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("rnnkit.vector"));

    private Vectorized() {
    }

    public static void apply(Activation f, float[] a, float[] y, int from, int to) {
        VectorKernels.apply(f, a, y, from, to);
    }

    public static void exp(float[] a, float[] y, int from, int to) {
        VectorKernels.exp(a, y, from, to);
    }

    public static float sumExp(float[] s, int off, int n, float shift) {
        return VectorKernels.sumExp(s, off, n, shift);
    }

    public static void addRow(float[] a, float[] row, int rows, int n) {
        VectorKernels.addRow(a, row, rows, n);
    }

    public static void addColumnSums(float[] a, float[] out, int rows, int n) {
        VectorKernels.addColumnSums(a, out, rows, n);
    }
}
