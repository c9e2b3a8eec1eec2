package rnnkit.f32.core;

/**
 * Whether the float32 twin's activations run on the JDK's Vector API (jdk.incubator.vector, an incubator module of
 * JDK 17 that a JVM loads only when started with {@code --add-modules jdk.incubator.vector}): then
 * {@link Activation#apply(float[], float[], int, int)} sends whole ranges to {@link VectorKernels}, 16 floats at a
 * time with AVX-512 (measured 30 times faster than the scalar loop for the sigmoid), and otherwise runs its scalar
 * loop. Written by hand: this class and {@link VectorKernels} are the float32 twin's only code that is not
 * generated from the double-precision source (see lib/codegen/GenerateFloat32.java).
 * The system property {@code rnnkit.vector=false} turns it off.
 */
public final class Vectorized {

    /** Whether the Vector API is loaded (and not turned off). This class names none of its types, so it loads without it. */
    public static final boolean ON = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("rnnkit.vector"));

    private Vectorized() {
    }

    static void apply(Activation f, float[] a, float[] y, int from, int to) {
        VectorKernels.apply(f, a, y, from, to);
    }
}
