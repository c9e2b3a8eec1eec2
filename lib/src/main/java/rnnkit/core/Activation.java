package rnnkit.core;

/**
 * The nonlinearities of the course, each with its derivative written in terms of its output y = f(a), which is
 * what backward passes have in their cache: tanh' = 1 - y^2, sigmoid' = y (1 - y), relu' = [y > 0].
 */
public enum Activation {
    TANH {
        @Override
        public double apply(double a) {
            return tanh(a);
        }

        @Override
        public double derivativeFromOutput(double y) {
            return 1 - y * y;
        }
    },
    SIGMOID {
        @Override
        public double apply(double a) {
            return sigmoid(a);
        }

        @Override
        public double derivativeFromOutput(double y) {
            return y * (1 - y);
        }
    },
    RELU {
        @Override
        public double apply(double a) {
            return a > 0 ? a : 0;
        }

        @Override
        public double derivativeFromOutput(double y) {
            return y > 0 ? 1 : 0;
        }
    };

    public abstract double apply(double a);

    /** f'(a) given y = f(a). */
    public abstract double derivativeFromOutput(double y);

    /** Applies f to entries [from, to) of {@code a}, writing into the same places of {@code y} (which may be {@code a}). */
    public void apply(double[] a, double[] y, int from, int to) {
        //f32: if (Vectorized.ON) { Vectorized.apply(this, a, y, from, to); return; }
        switch (this) {                    // the switch outside the loop, so that each loop inlines its function
            case TANH -> {
                for (int i = from; i < to; i++) {
                    y[i] = tanh(a[i]);
                }
            }
            case SIGMOID -> {
                for (int i = from; i < to; i++) {
                    y[i] = sigmoid(a[i]);
                }
            }
            case RELU -> {
                for (int i = from; i < to; i++) {
                    y[i] = a[i] > 0 ? a[i] : 0;
                }
            }
        }
    }

    /**
     * tanh in plain Java, measured within 1.3 ulps of the exact value (Math.tanh's contract allows 2.5), because JDK
     * 17's {@code Math.tanh} is a slow native call (the measurements are in bench/README.md);
     * lib/scripts/tanh_coefficients.py derives the coefficients and measures the error.
     *
     * <p>Below 1: Lambert's continued fraction tanh x = x / (1 + x²/(3 + x²/(5 + ... + x²/17))) multiplied out,
     * tanh x = x - x u S(u)/Q(u) with u = x² (its truncation error is under a quarter of an ulp there; written as x
     * minus a correction of at most a quarter of x, so the rounding of S/Q hardly shows). From 1 on:
     * 1 - 2/(e^{2|x|} + 1), where nothing cancels; it is exactly 1 beyond 19.1 and at infinity, and NaN stays NaN.
     */
    public static double tanh(double a) {
        double x = Math.abs(a);
        double z;
        if (x < 1) {
            double u = x * x;
            double s = 11486475 + u * (810810 + u * (12870 + u * 44));
            double q = 34459425 + u * (16216200 + u * (945945 + u * (13860 + u * 45)));
            z = x - x * u * s / q;
        } else {
            z = 1 - 2 / (Math.exp(2 * x) + 1);
        }
        return Math.copySign(z, a);                  // odd, and tanh(-0) = -0
    }

    /** A numerically safe logistic function: it never computes exp of a large positive number. */
    public static double sigmoid(double a) {
        if (a >= 0) {
            return 1 / (1 + Math.exp(-a));
        }
        double e = Math.exp(a);
        return e / (1 + e);
    }
}
