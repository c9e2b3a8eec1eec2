package rnnkit.core;

import java.util.SplittableRandom;

/**
 * The one source of randomness in the kit: seeded, and the same numbers for the same seed on every JDK and
 * machine ({@link SplittableRandom}'s algorithm is specified; Gaussians use Box-Muller here rather than a JDK
 * method whose algorithm may change).
 */
public final class Rng {

    private final SplittableRandom random;
    private double spareGaussian = Double.NaN;

    public Rng(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Uniform in [0, 1). */
    public double uniform() {
        return random.nextDouble();
    }

    /** Uniform in [lo, hi). */
    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    /** Standard normal. */
    public double gaussian() {
        if (!Double.isNaN(spareGaussian)) {
            double g = spareGaussian;
            spareGaussian = Double.NaN;
            return g;
        }
        double u1;
        do {
            u1 = random.nextDouble();
        } while (u1 == 0);
        double u2 = random.nextDouble();
        double r = Math.sqrt(-2 * Math.log(u1));
        spareGaussian = r * Math.sin(2 * Math.PI * u2);
        return r * Math.cos(2 * Math.PI * u2);
    }

    /** Uniform in {0, ..., n-1}. */
    public int nextInt(int n) {
        return random.nextInt(n);
    }

    /** True with probability p. */
    public boolean bernoulli(double p) {
        return random.nextDouble() < p;
    }

    /** Shuffles in place (Fisher-Yates). */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** 0, 1, ..., n-1 in random order. */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p);
        return p;
    }

    /** An index drawn with the given (unnormalised, non-negative) weights. */
    public int categorical(double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double u = random.nextDouble() * total;
        double cumulative = 0;
        for (int i = 0; i < weights.length; i++) {
            cumulative += weights[i];
            if (u < cumulative) {
                return i;
            }
        }
        for (int i = weights.length - 1; i >= 0; i--) { // u rounded up to the total: the last possible index
            if (weights[i] > 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("categorical: all weights are zero");
    }

    /** A new generator seeded from this one, for a component that needs its own stream. */
    public Rng split() {
        return new Rng(random.nextLong());
    }
}
