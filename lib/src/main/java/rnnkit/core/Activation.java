package rnnkit.core;

/**
 * The nonlinearities of the course, each with its derivative written in terms of its output y = f(a), which is
 * what backward passes have in their cache: tanh' = 1 - y^2, sigmoid' = y (1 - y), relu' = [y > 0].
 */
public enum Activation {
    TANH {
        @Override
        public double apply(double a) {
            return Math.tanh(a);
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

    /** Applies f to entries [from, to) of {@code a}, writing into the same places of {@code y}. */
    public void apply(double[] a, double[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] = apply(a[i]);
        }
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
