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

    /**
     * The least -XX:PerMethodTrapLimit with which C2 compiled the kernels well in every run (bench/README.md, 11);
     * the bench's kit JVMs are started with it.
     */
    public static final long TRAP_LIMIT = 10_000;

    static {
        String warning = ON ? trapLimitWarning(trapLimit()) : null;
        if (warning != null) {
            System.err.println(warning);
        }
    }

    private Vectorized() {
    }

    /**
     * What to tell the user when this JVM's PerMethodTrapLimit is below {@link #TRAP_LIMIT}, else null. Below it, C2
     * gave up its type checks inside the large vector kernels in about half of the JVMs started (which ones depends
     * on timing), and compiled them 5-50 times slower for the JVM's whole life.
     */
    static String trapLimitWarning(long limit) {
        if (limit < 0 || limit >= TRAP_LIMIT) {
            return null;
        }
        return "rnnkit: this JVM runs with -XX:PerMethodTrapLimit=" + limit + "; float32 training may then run 5-50 times"
                + " slower for the whole session. Start Java with -XX:PerMethodTrapLimit=" + TRAP_LIMIT
                + " (the kit's kernel does; see the README, \"Performance\").";
    }

    /** This JVM's PerMethodTrapLimit, or -1 where the JVM does not say (not HotSpot). */
    static long trapLimit() {
        try {
            return Long.parseLong(java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("PerMethodTrapLimit").getValue());
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
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

    public static float sumOfSquares(float[] a, int n) {
        return VectorKernels.sumOfSquares(a, n);
    }

    public static void addRow(float[] a, float[] row, int rows, int n) {
        VectorKernels.addRow(a, row, rows, n);
    }

    public static void addColumnSums(float[] a, float[] out, int rows, int n) {
        VectorKernels.addColumnSums(a, out, rows, n);
    }
}
