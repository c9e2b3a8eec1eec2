package rnnkit.f32.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The activations over a range of floats with the Vector API (loaded only when {@link Vectorized#ON}): the widest
 * vectors the CPU has, and the scalar function for the last few entries. exp and tanh are the JDK's vector
 * intrinsics (Intel's SVML on x86), within a few float ulps of the exact values (checked by VectorKernelsTest).
 */
final class VectorKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorKernels() {
    }

    static void apply(Activation f, float[] a, float[] y, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        switch (f) {
            case TANH -> {
                for (; i < bound; i += S.length()) {
                    FloatVector.fromArray(S, a, i).lanewise(VectorOperators.TANH).intoArray(y, i);
                }
            }
            case SIGMOID -> {                                    // 1 / (1 + e^-a): e^-a = inf gives 0, not NaN
                for (; i < bound; i += S.length()) {
                    FloatVector e = FloatVector.fromArray(S, a, i).neg().lanewise(VectorOperators.EXP);
                    FloatVector.broadcast(S, 1f).div(e.add(1f)).intoArray(y, i);
                }
            }
            case RELU -> {
                for (; i < bound; i += S.length()) {
                    FloatVector.fromArray(S, a, i).max(0f).intoArray(y, i);
                }
            }
        }
        for (; i < to; i++) {
            y[i] = f.apply(a[i]);
        }
    }
}
