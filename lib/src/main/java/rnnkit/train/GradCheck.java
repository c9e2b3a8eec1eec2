package rnnkit.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Module;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Numerical gradient checking: every analytic gradient compared with the centered difference
 * {@code (L(θ + h) - L(θ - h)) / 2h}, whose error is O(h^2), through the relative error
 * {@code |a - n| / max(1e-8, |a| + |n|)}. In double precision a correct backward pass gives about 1e-10 or less;
 * 1e-7 is the usual pass mark, and 1e-2 means a real bug.
 *
 * <p>It works on any module (its parameters), on inputs (wrap them as {@link Parameter}s holding the analytic
 * gradient), or on a plain function of one matrix. Large parameters are checked on a seeded random sample of
 * their entries.
 */
public final class GradCheck {

    /** The step h. */
    public static final double STEP = 1e-5;

    private GradCheck() {
    }

    /** |a - n| / max(1e-8, |a| + |n|). */
    public static double relativeError(double analytic, double numeric) {
        return Math.abs(analytic - numeric) / Math.max(1e-8, Math.abs(analytic) + Math.abs(numeric));
    }

    /** The centered difference of f at entry i of x (x is restored afterwards). */
    public static double numericalGradient(DMatrixRMaj x, int i, DoubleSupplier f) {
        double old = x.data[i];
        x.data[i] = old + STEP;
        double plus = f.getAsDouble();
        x.data[i] = old - STEP;
        double minus = f.getAsDouble();
        x.data[i] = old;
        return (plus - minus) / (2 * STEP);
    }

    /**
     * Checks a module's parameters: {@code loss} computes the loss (forward only) and {@code forwardBackward}
     * runs forward and backward, accumulating gradients. Checks every entry of parameters with at most
     * {@code maxEntries} entries, and a random sample of that many of larger ones.
     */
    public static Report check(Module module, DoubleSupplier loss, Runnable forwardBackward, int maxEntries, Rng rng) {
        return check(module.parameters(), loss, forwardBackward, maxEntries, rng);
    }

    /** As {@link #check(Module, DoubleSupplier, Runnable, int, Rng)}, for any list of value/gradient pairs. */
    public static Report check(List<Parameter> targets, DoubleSupplier loss, Runnable forwardBackward, int maxEntries, Rng rng) {
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
                double numeric = numericalGradient(p.value, i, loss);
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
        Parameter target = new Parameter(name, x);
        return check(List.of(target), () -> f.applyAsDouble(x), () -> target.grad.setTo(analytic), Integer.MAX_VALUE, new Rng(0));
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
