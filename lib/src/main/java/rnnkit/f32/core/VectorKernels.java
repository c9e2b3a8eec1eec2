package rnnkit.f32.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The activations over a range of floats with the Vector API (loaded only when {@link Vectorized#ON}): the widest
 * vectors the CPU has, and the scalar function for the last few entries.
 *
 * <p>exp and tanh are computed here from additions, multiplications, fused multiply-adds and divisions only (Cephes'
 * expf and tanhf, within a few float ulps of the exact values: VectorKernelsTest), not with the Vector API's EXP
 * and TANH. Those run Intel's SVML once C2 has compiled the caller and the scalar Math functions lane by lane
 * before: about 1 entry in 100 differed in its last bits between the two, so a training run's numbers depended on
 * when the JIT compiled what (the same seed gave different losses from run to run). IEEE's basic operations give
 * the same bits compiled or not.
 */
final class VectorKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;                  // ln 2 = LN2_HI + LN2_LO, LN2_HI exact in 9 bits
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f;                      // 1.5 * 2^23: x + ROUND - ROUND rounds x to an integer
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND); // and x + ROUND's bits are ROUND's plus that integer
    private static final int SIGN = 0x80000000;

    private VectorKernels() {
    }

    /** What {@link #map} computes. */
    private static final int EXP = 0;
    private static final int SIGMOID = 1;
    private static final int TANH = 2;

    static void apply(Activation f, float[] a, float[] y, int from, int to) {
        int i = switch (f) {
            case TANH -> map(TANH, a, y, from, from, to, 0f);
            case SIGMOID -> map(SIGMOID, a, y, from, from, to, 0f);
            case RELU -> relu(a, y, from, to);
        };
        for (; i < to; i++) {
            y[i] = f.apply(a[i]);
        }
    }

    /** y = max(a, 0) over the whole vectors from {@code from}; returns where the scalar tail starts. */
    private static int relu(float[] a, float[] y, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            FloatVector.fromArray(S, a, i).max(0f).intoArray(y, i);
        }
        return i;
    }

    /** y[i] = e^a[i] over [from, to). */
    static void exp(float[] a, float[] y, int from, int to) {
        int i = map(EXP, a, y, from, from, to, 0f);
        for (; i < to; i++) {
            y[i] = (float) Math.exp(a[i]);
        }
    }

    /** The exponentials of a row of scores, for {@link #sumExp} (one per thread: no allocation per call). */
    private static final ThreadLocal<float[]> EXPS = ThreadLocal.withInitial(() -> new float[0]);

    /** The sum of e^(s[j] - shift) over n entries from off. */
    static float sumExp(float[] s, int off, int n, float shift) {
        float[] e = EXPS.get();
        if (e.length < n) {
            e = new float[n];
            EXPS.set(e);
        }
        int whole = map(EXP, s, e, 0, off, off + n, shift) - off;
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < whole; j += S.length()) {
            acc = acc.add(FloatVector.fromArray(S, e, j));
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (int j = whole; j < n; j++) {
            sum += (float) Math.exp(s[off + j] - shift);
        }
        return sum;
    }

    /**
     * y[yOff + i - from] = f(a[i] - shift) over the whole vectors of [from, to), where f is e^x ({@link #EXP}), the
     * sigmoid 1 / (1 + e^-x) ({@link #SIGMOID}; e^-x = inf gives 0, not NaN) or tanh ({@link #TANH}; shift 0 for
     * both); returns where the scalar tail starts.
     *
     * <p>exp and tanh are written out here, in the one method, rather than as methods on vectors: C2 keeps vectors in
     * registers only within one compilation, and where it did not inline such a method (past its node limit, which
     * depended on what the caller had inlined before) it passed every vector boxed: exp, then tanh, took 1.4-3% of
     * the float32 LSTM's step as methods of their own. Too large to be inlined itself, this method is compiled on its
     * own, always whole.
     *
     * <p>e^x: x = n ln 2 + r with |r| &lt;= ln 2 / 2, e^r by Cephes' degree-6 polynomial (expf), and 2^n as two powers
     * of two built from their exponent bits (so that e^x over- and underflows as a float does: inf above 88.72,
     * subnormal then 0 below -87.34). tanh as Cephes' tanhf: an odd polynomial for |x| &lt;= 0.625,
     * 1 - 2 / (e^{2|x|} + 1) with x's sign above.
     */
    private static int map(int f, float[] a, float[] y, int yOff, int from, int to, float shift) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            FloatVector ax = x.abs();
            FloatVector u = f == TANH ? ax.add(ax) : f == SIGMOID ? x.neg() : x.sub(shift);
            // e = e^u
            FloatVector uc = u.max(-110f).min(90f);
            FloatVector t = uc.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUND));
            FloatVector n = t.sub(ROUND);                               // u log2 e rounded to an integer
            IntVector k = t.reinterpretAsInts().sub(ROUND_BITS);        // the same integer from t's low bits
            FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), uc);
            r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = FloatVector.broadcast(S, 1.9875691500e-4f);
            p = p.fma(r, FloatVector.broadcast(S, 1.3981999507e-3f));
            p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
            p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
            p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
            p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
            FloatVector er = p.fma(r.mul(r), r).add(1f);               // e^r = 1 + r + r^2 p(r)
            IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
            IntVector k2 = k.sub(k1);
            FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = er.mul(s1).mul(s2);
            FloatVector out;
            if (f == EXP) {
                out = e;
            } else if (f == SIGMOID) {
                out = one.div(e.add(one));
            } else {
                FloatVector z = x.mul(x);
                FloatVector q = FloatVector.broadcast(S, -5.70498872745e-3f);
                q = q.fma(z, FloatVector.broadcast(S, 2.06390887954e-2f));
                q = q.fma(z, FloatVector.broadcast(S, -5.37397155531e-2f));
                q = q.fma(z, FloatVector.broadcast(S, 1.33314422036e-1f));
                q = q.fma(z, FloatVector.broadcast(S, -3.33332819422e-1f));
                IntVector small = q.mul(z).fma(x, x).reinterpretAsInts();  // x + x^3 q(x^2)
                IntVector large = one.sub(FloatVector.broadcast(S, 2f).div(e.add(one))).reinterpretAsInts()
                        .or(x.reinterpretAsInts().and(SIGN));               // with x's sign
                // all ones where |x| > 0.625 (0.625 - |x| negative), else zeros: a select in integer operations,
                // which C2 compiles where it did not always keep a compare-and-blend of floats (it recompiled it,
                // 2-16 times slower)
                IntVector above = FloatVector.broadcast(S, 0.625f).sub(ax).reinterpretAsInts()
                        .lanewise(VectorOperators.ASHR, 31);
                out = small.and(above.not()).or(large.and(above)).reinterpretAsFloats();
            }
            out.intoArray(y, yOff + i - from);
        }
        return i;
    }

    /**
     * The sum of a[i]^2 over [0, n): a partial sum per lane, then the lanes' (a different order from the scalar loop's,
     * for the norms of the gradients that {@code hiddenGradNorms} reports, which no computation reads back).
     */
    static float sumOfSquares(float[] a, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            acc = x.fma(x, acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[i] * a[i];
        }
        return s;
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
