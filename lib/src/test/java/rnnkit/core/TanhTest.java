package rnnkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The kit's own tanh against StrictMath's (fdlibm, itself within 1 ulp of the exact value): at most 2 ulps apart
 * everywhere, so at most about 3 from the exact value; lib/scripts/tanh_coefficients.py measures 1.31 against exact
 * values from mpmath.
 */
class TanhTest {

    private static final double MAX_ULPS = 2;

    @Test
    void tanhIsWithinTwoUlpsOfStrictMathOnSmallMediumAndLargeArguments() {
        SplittableRandom rng = new SplittableRandom(2026);
        for (int i = 0; i < 2_000_000; i++) {
            close(rng.nextDouble(-1, 1));                                          // the rational branch
            close(rng.nextDouble(-25, 25));                                        // mostly the exp branch
            close((rng.nextBoolean() ? 1 : -1) * Math.pow(10, rng.nextDouble(-20, 1.5)));  // every scale
        }
    }

    @Test
    void tanhIsRightAtTheBranchPointAndTheEdges() {
        for (double x : new double[]{Math.nextDown(1.0), 1.0, Math.nextUp(1.0), 0x1p-27, 0x1p-60, Double.MIN_VALUE,
                Double.MIN_NORMAL, 19, 19.1, 20, 22, 700, 710, 1e300, Double.MAX_VALUE}) {
            close(x);
            close(-x);
        }
        assertEquals(1.0, Activation.tanh(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Activation.tanh(Double.NEGATIVE_INFINITY));
        assertEquals(Double.NaN, Activation.tanh(Double.NaN));
        assertEquals(0.0, Activation.tanh(0.0));
        assertEquals(-0.0, Activation.tanh(-0.0), "tanh(-0) must keep its sign");
        assertEquals(Double.MIN_VALUE, Activation.tanh(Double.MIN_VALUE), "tanh(x) = x for tiny x");
    }

    @Test
    void tanhIsOddAndMonotoneAcrossTheBranchPoint() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            double x = rng.nextDouble(-30, 30);
            assertEquals(-Activation.tanh(x), Activation.tanh(-x), 0, "tanh(-x) = -tanh(x) at x = " + x);
        }
        double previous = Activation.tanh(0.999);
        for (double x = 0.999; x <= 1.001; x = Math.nextUp(x * 1.0000001)) {
            double y = Activation.tanh(x);
            if (y < previous) {
                fail("tanh decreases at x = " + x + ": " + previous + " then " + y);
            }
            previous = y;
        }
    }

    @Test
    void theTanhActivationIsTheKitsTanh() {
        for (double x = -5; x <= 5; x += 0.01) {
            assertEquals(Activation.tanh(x), Activation.TANH.apply(x), 0);
        }
    }

    private static void close(double x) {
        double kit = Activation.tanh(x);
        double strict = StrictMath.tanh(x);
        double ulps = Math.abs(kit - strict) / Math.ulp(strict);
        if (!(ulps <= MAX_ULPS)) {
            fail("tanh(" + x + ") = " + kit + " but StrictMath.tanh gives " + strict + ": " + ulps + " ulps apart (at most "
                    + MAX_ULPS + " allowed)");
        }
    }
}
