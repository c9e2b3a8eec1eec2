package rnnkit.plot;

import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.traces.BarTrace;
import tech.tablesaw.plotly.traces.HeatmapTrace;
import tech.tablesaw.plotly.traces.ScatterTrace;
import tech.tablesaw.plotly.traces.Trace;

/**
 * The course's plots as Tablesaw jsplot figures: show one with {@code display(figure)} in a notebook (the kit's
 * kernel draws it with Plotly, offline). Each takes plain arrays or a Tablesaw table.
 */
public final class Plots {

    private static final int WIDTH = 760;
    private static final int HEIGHT = 420;

    private Plots() {
    }

    /** Curves y(x), one per entry of {@code series} (in its iteration order), optionally on a log y axis. */
    public static Figure lines(String title, String xTitle, String yTitle, double[] x, Map<String, double[]> series, boolean logY) {
        return lines(title, xTitle, yTitle, x, series, false, logY);
    }

    /**
     * Curves y(x) with a choice of log axes: a log x axis spreads values that span orders of magnitude (step sizes
     * h = 1e-12 ... 1e-1), which a linear axis squeezes against 0.
     */
    public static Figure lines(String title, String xTitle, String yTitle, double[] x, Map<String, double[]> series,
                               boolean logX, boolean logY) {
        // markers on a short log-x curve show where the samples are; the linear-axis curves stay as they were
        ScatterTrace.Mode mode = logX && x.length <= 30 ? ScatterTrace.Mode.LINE_AND_MARKERS : ScatterTrace.Mode.LINE;
        Trace[] traces = series.entrySet().stream()
                .map(e -> ScatterTrace.builder(x, e.getValue()).mode(mode).name(e.getKey()).build())
                .toArray(Trace[]::new);
        return new Figure(layout(title, xTitle, yTitle, logX, logY, series.size() > 1), traces);
    }

    /**
     * A result per setting and seed, for comparisons over seeds: one thin line per seed through the settings (so a
     * paired comparison reads as the slope of each line) and the mean over seeds as a thick one.
     * {@code bySeed.get(seed)[j]} is the result of setting {@code settings.get(j)} with that seed.
     */
    public static Figure seeds(String title, String yTitle, List<String> settings, Map<String, double[]> bySeed) {
        tech.tablesaw.api.StringColumn x = tech.tablesaw.api.StringColumn.create("setting", settings);
        double[] mean = new double[settings.size()];
        java.util.List<Trace> traces = new java.util.ArrayList<>();
        for (Map.Entry<String, double[]> e : bySeed.entrySet()) {
            if (e.getValue().length != settings.size()) {
                throw new IllegalArgumentException("seed " + e.getKey() + " has " + e.getValue().length
                        + " results for " + settings.size() + " settings");
            }
            for (int j = 0; j < settings.size(); j++) {
                mean[j] += e.getValue()[j] / bySeed.size();
            }
            traces.add(ScatterTrace.builder(x, tech.tablesaw.api.DoubleColumn.create("seed " + e.getKey(), e.getValue())).mode(ScatterTrace.Mode.LINE_AND_MARKERS)
                    .name("seed " + e.getKey()).opacity(0.45).build());
        }
        traces.add(ScatterTrace.builder(x, tech.tablesaw.api.DoubleColumn.create("mean", mean)).mode(ScatterTrace.Mode.LINE_AND_MARKERS).name("mean")
                .line(tech.tablesaw.plotly.components.Line.builder().width(4).color("black").build()).build());
        Layout layout = Layout.builder().title(title).width(WIDTH).height(HEIGHT).showLegend(true)
                .xAxis(Axis.builder().type(Axis.Type.CATEGORY).build())
                .yAxis(Axis.builder().title(yTitle).build()).build();
        return new Figure(layout, traces.toArray(Trace[]::new));
    }

    /**
     * Curves over steps t = 1, 2, ..., one per entry of {@code series}, each as long as its own array; points are
     * marked on short curves only (on long ones markers hide the lines).
     */
    public static Figure perStep(String title, String xTitle, String yTitle, Map<String, double[]> series, boolean logY) {
        boolean marked = series.values().stream().allMatch(v -> v.length <= 30);
        Trace[] traces = series.entrySet().stream().map(e -> {
            double[] t = new double[e.getValue().length];
            for (int i = 0; i < t.length; i++) {
                t[i] = i + 1;
            }
            ScatterTrace.Mode mode = marked ? ScatterTrace.Mode.LINE_AND_MARKERS : ScatterTrace.Mode.LINE;
            return ScatterTrace.builder(t, e.getValue()).mode(mode).name(e.getKey()).build();
        }).toArray(Trace[]::new);
        return new Figure(layout(title, xTitle, yTitle, logY, series.size() > 1), traces);
    }

    /**
     * Loss curves from a history table: one curve per y column (e.g. "train loss", "validation loss") against the
     * x column (e.g. "epoch").
     */
    public static Figure lossCurves(Table history, String xColumn, String... yColumns) {
        double[] x = ((NumericColumn<?>) history.column(xColumn)).asDoubleArray();
        Map<String, double[]> series = new java.util.LinkedHashMap<>();
        for (String y : yColumns) {
            series.put(y, ((NumericColumn<?>) history.column(y)).asDoubleArray());
        }
        return lines(history.name(), xColumn, "loss (nats)", x, series, false);
    }

    /**
     * ||dL/dh_t|| against the time step t, on a log scale, one curve per series: where gradients vanish the curves
     * fall in straight lines, where they explode they rise.
     */
    public static Figure gradientNorms(String title, Map<String, double[]> normsByName) {
        int T = normsByName.values().iterator().next().length;
        double[] t = new double[T];
        for (int i = 0; i < T; i++) {
            t[i] = i;
        }
        return lines(title, "time step t", "||dL/dh_t||", t, normsByName, true);
    }

    /** A heatmap of a matrix (hidden states over time, gate values, a confusion matrix); row 0 at the top. */
    public static Figure heatmap(String title, DMatrixRMaj m, List<String> rowLabels, List<String> columnLabels) {
        int rows = m.numRows;
        int cols = m.numCols;
        double[][] z = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                z[rows - 1 - r][c] = m.get(r, c); // Plotly draws row 0 at the bottom; flip so it reads like a table
            }
        }
        Object[] y = new Object[rows];
        for (int r = 0; r < rows; r++) {
            y[rows - 1 - r] = rowLabels == null ? String.valueOf(r) : rowLabels.get(r);
        }
        Object[] x = new Object[cols];
        for (int c = 0; c < cols; c++) {
            x[c] = columnLabels == null ? String.valueOf(c) : columnLabels.get(c);
        }
        Layout layout = Layout.builder().title(title).width(WIDTH).height(Math.max(HEIGHT, 22 * rows + 120))
                .xAxis(Axis.builder().type(Axis.Type.CATEGORY).build())
                .yAxis(Axis.builder().type(Axis.Type.CATEGORY).build()).build();
        return new Figure(layout, HeatmapTrace.builder(x, y, z).build());
    }

    /** A bar chart of values by label. */
    public static Figure bars(String title, String yTitle, List<String> labels, double[] values) {
        return new Figure(layout(title, "", yTitle, false, false), BarTrace.builder(labels.toArray(), values).build());
    }

    private static Layout layout(String title, String xTitle, String yTitle, boolean logY, boolean legend) {
        return layout(title, xTitle, yTitle, false, logY, legend);
    }

    private static Layout layout(String title, String xTitle, String yTitle, boolean logX, boolean logY, boolean legend) {
        return Layout.builder().title(title).width(WIDTH).height(HEIGHT).showLegend(legend)
                .xAxis(Axis.builder().title(xTitle).type(logX ? Axis.Type.LOG : Axis.Type.LINEAR).build())
                .yAxis(Axis.builder().title(yTitle).type(logY ? Axis.Type.LOG : Axis.Type.LINEAR).build())
                .build();
    }
}
