package rnnkit.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Trainable;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Numerical gradient checking: every analytic gradient compared with a centered difference, through the
 * relative error {@code |a - n| / max(1e-8, |a| + |n|)}. 1e-7 is the usual pass mark; 1e-2 means a real bug.
 *
 * <p>Two centered differences are available. {@link Stencil#TWO_POINT} is the lecture's
 * {@code (L(θ + h) - L(θ - h)) / 2h} with h = 1e-5: its error is O(h^2) from truncation plus about
 * {@code ε|L|/h} ≈ 1e-11 from rounding, which is a relative error of 1e-7 or more on gradient entries smaller than
 * about 1e-4. {@link Stencil#FOUR_POINT}, {@code (L(θ-2h) - 8L(θ-h) + 8L(θ+h) - L(θ+2h)) / 12h} with h = 1e-3,
 * has truncation error O(h^4) and, thanks to the larger h, a hundred times less rounding error, so it checks
 * small entries to 1e-7 too; the library's own tests use it.
 *
 * <p>It works on any module (its parameters), on inputs (wrap them as {@link Parameter}s holding the analytic
 * gradient), or on a plain function of one matrix. Large parameters are checked on a seeded random sample of
 * their entries.
 */
public final class GradCheck {

    /** Which centered difference estimates the gradient, and with what step h. */
    public enum Stencil {
        /** (L(θ + h) - L(θ - h)) / 2h, h = 1e-5: the lecture's formula. */
        TWO_POINT(1e-5),
        /** (L(θ - 2h) - 8 L(θ - h) + 8 L(θ + h) - L(θ + 2h)) / 12h, h = 1e-3: accurate to about 1e-12. */
        FOUR_POINT(1e-3);

        public final double step;

        Stencil(double step) {
            this.step = step;
        }
    }

    /** The lecture's step h for the two-point difference. */
    public static final double STEP = Stencil.TWO_POINT.step;

    private GradCheck() {
    }

    /** |a - n| / max(1e-8, |a| + |n|). */
    public static double relativeError(double analytic, double numeric) {
        return Math.abs(analytic - numeric) / Math.max(1e-8, Math.abs(analytic) + Math.abs(numeric));
    }

    /** The two-point centered difference of f at entry i of x (x is restored afterwards). */
    public static double numericalGradient(DMatrixRMaj x, int i, DoubleSupplier f) {
        return numericalGradient(x, i, f, Stencil.TWO_POINT);
    }

    /** The centered difference of f at entry i of x with the given stencil (x is restored afterwards). */
    public static double numericalGradient(DMatrixRMaj x, int i, DoubleSupplier f, Stencil stencil) {
        double old = x.data[i];
        double h = stencil.step;
        double plus = at(x, i, old + h, f);
        double minus = at(x, i, old - h, f);
        double estimate;
        if (stencil == Stencil.TWO_POINT) {
            estimate = (plus - minus) / (2 * h);
        } else {
            double plus2 = at(x, i, old + 2 * h, f);
            double minus2 = at(x, i, old - 2 * h, f);
            estimate = (8 * (plus - minus) - (plus2 - minus2)) / (12 * h); // differences first: exactly 0 when L is flat
        }
        x.data[i] = old;
        return estimate;
    }

    private static double at(DMatrixRMaj x, int i, double value, DoubleSupplier f) {
        x.data[i] = value;
        return f.getAsDouble();
    }

    /**
     * Checks a module's parameters: {@code loss} computes the loss (forward only) and {@code forwardBackward}
     * runs forward and backward, accumulating gradients. Checks every entry of parameters with at most
     * {@code maxEntries} entries, and a random sample of that many of larger ones.
     */
    public static Report check(Trainable module, DoubleSupplier loss, Runnable forwardBackward, int maxEntries, Rng rng) {
        return check(module.parameters(), loss, forwardBackward, maxEntries, rng);
    }

    /** As {@link #check(Trainable, DoubleSupplier, Runnable, int, Rng)}, for any list of value/gradient pairs. */
    public static Report check(List<Parameter> targets, DoubleSupplier loss, Runnable forwardBackward, int maxEntries, Rng rng) {
        return check(targets, loss, forwardBackward, maxEntries, rng, Stencil.TWO_POINT);
    }

    /** As {@link #check(List, DoubleSupplier, Runnable, int, Rng)}, with a choice of centered difference. */
    public static Report check(List<Parameter> targets, DoubleSupplier loss, Runnable forwardBackward, int maxEntries,
                               Rng rng, Stencil stencil) {
        for (Parameter p : targets) {
            p.zeroGrad();
        }
        forwardBackward.run();
        List<Entry> entries = new ArrayList<>();
        List<Summary> summaries = new ArrayList<>();
        for (Parameter p : targets) {
            DMatrixRMaj analytic = p.grad.copy();
            int[] chosen = choose(p.size(), maxEntries, rng);
            List<Entry> mine = new ArrayList<>();
            for (int i : chosen) {
                double numeric = numericalGradient(p.value, i, loss, stencil);
                mine.add(new Entry(p.describe(), i / p.value.numCols, i % p.value.numCols, analytic.data[i], numeric));
            }
            mine.sort(Comparator.comparingDouble(Entry::relativeError).reversed());
            entries.addAll(mine);
            summaries.add(new Summary(p.describe(), chosen.length, p.size(), mine.isEmpty() ? 0 : mine.get(0).relativeError()));
        }
        return new Report(summaries, entries);
    }

    /** Checks the analytic gradient of a plain function of one matrix at x. */
    public static Report check(String name, DMatrixRMaj x, ToDoubleFunction<DMatrixRMaj> f, DMatrixRMaj analytic) {
        return check(name, x, f, analytic, Stencil.TWO_POINT);
    }

    /** As {@link #check(String, DMatrixRMaj, ToDoubleFunction, DMatrixRMaj)}, with a choice of centered difference. */
    public static Report check(String name, DMatrixRMaj x, ToDoubleFunction<DMatrixRMaj> f, DMatrixRMaj analytic,
                               Stencil stencil) {
        Parameter target = new Parameter(name, x);
        return check(List.of(target), () -> f.applyAsDouble(x), () -> target.grad.setTo(analytic), Integer.MAX_VALUE,
                new Rng(0), stencil);
    }

    private static int[] choose(int size, int max, Rng rng) {
        if (size <= max) {
            int[] all = new int[size];
            for (int i = 0; i < size; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] p = rng.permutation(size);
        int[] out = new int[max];
        System.arraycopy(p, 0, out, 0, max);
        java.util.Arrays.sort(out);
        return out;
    }

    /** One checked entry. */
    public record Entry(String parameter, int row, int col, double analytic, double numeric) {
        public double relativeError() {
            return GradCheck.relativeError(analytic, numeric);
        }
    }

    /** One parameter: how many entries were checked, of how many, and the worst relative error. */
    public record Summary(String parameter, int checked, int size, double maxRelativeError) {
    }

    /** The result of a check: per parameter, and every checked entry (worst first within a parameter). */
    public static final class Report {
        private final List<Summary> summaries;
        private final List<Entry> entries;

        Report(List<Summary> summaries, List<Entry> entries) {
            this.summaries = List.copyOf(summaries);
            this.entries = List.copyOf(entries);
        }

        public List<Summary> summaries() {
            return summaries;
        }

        public List<Entry> entries() {
            return entries;
        }

        /** The worst relative error over everything checked. */
        public double maxRelativeError() {
            return summaries.stream().mapToDouble(Summary::maxRelativeError).max().orElse(0);
        }

        /** Whether every entry is below {@code tolerance}. */
        public boolean passes(double tolerance) {
            return maxRelativeError() < tolerance;
        }

        /** One row per parameter with its worst entry: what a notebook shows. */
        public Table table() {
            StringColumn name = StringColumn.create("parameter");
            IntColumn checked = IntColumn.create("checked");
            DoubleColumn worst = DoubleColumn.create("max rel. error");
            StringColumn at = StringColumn.create("worst entry");
            DoubleColumn analytic = DoubleColumn.create("analytic");
            DoubleColumn numeric = DoubleColumn.create("numeric");
            for (Summary s : summaries) {
                Entry e = worstOf(s.parameter());
                name.append(s.parameter());
                checked.append(s.checked());
                worst.append(s.maxRelativeError());
                at.append(e == null ? "" : "(" + e.row() + ", " + e.col() + ")");
                analytic.append(e == null ? Double.NaN : e.analytic());
                numeric.append(e == null ? Double.NaN : e.numeric());
            }
            return Table.create("gradient check", name, checked, worst, at, analytic, numeric);
        }

        /** The k worst entries of one parameter. */
        public List<Entry> worst(String parameter, int k) {
            return entries.stream().filter(e -> e.parameter().equals(parameter)).limit(k).toList();
        }

        private Entry worstOf(String parameter) {
            return entries.stream().filter(e -> e.parameter().equals(parameter)).findFirst().orElse(null);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("gradient check, relative error |a-n|/max(1e-8,|a|+|n|):\n");
            for (Summary s : summaries) {
                sb.append(String.format(Locale.ROOT, "  %-18s %9.2e  (%d of %d entries)%n", s.parameter(),
                        s.maxRelativeError(), s.checked(), s.size()));
                for (Entry e : worst(s.parameter(), 3)) {
                    sb.append(String.format(Locale.ROOT, "      (%d, %d) analytic % .10e numeric % .10e rel %.2e%n",
                            e.row(), e.col(), e.analytic(), e.numeric(), e.relativeError()));
                }
            }
            return sb.toString();
        }
    }
}
