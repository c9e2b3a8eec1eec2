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

    /** y[i] = e^a[i] over [from, to). */
    static void exp(float[] a, float[] y, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            FloatVector.fromArray(S, a, i).lanewise(VectorOperators.EXP).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = (float) Math.exp(a[i]);
        }
    }

    /** The sum of e^(s[j] - shift) over n entries from off. */
    static float sumExp(float[] s, int off, int n, float shift) {
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += S.length()) {
            acc = acc.add(FloatVector.fromArray(S, s, off + j).sub(shift).lanewise(VectorOperators.EXP));
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            sum += (float) Math.exp(s[off + j] - shift);
        }
        return sum;
    }

    /** a[r, :] += row for each of the rows (n columns). */
    static void addRow(float[] a, float[] row, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            addInto(row, 0, a, r * n, n);
        }
    }

    /** out[0, :] += the sums of the columns of a (rows x n). */
    static void addColumnSums(float[] a, float[] out, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            addInto(a, r * n, out, 0, n);
        }
    }

    /** y[yOff + j] += x[xOff + j] for j in [0, n). */
    static void addInto(float[] x, int xOff, float[] y, int yOff, int n) {
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += S.length()) {
            FloatVector.fromArray(S, y, yOff + j).add(FloatVector.fromArray(S, x, xOff + j)).intoArray(y, yOff + j);
        }
        for (; j < n; j++) {
            y[yOff + j] += x[xOff + j];
        }
    }
}
