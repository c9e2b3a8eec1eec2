package rnnkit.ui.render;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tech.tablesaw.plotly.components.Figure;

/**
 * A static SVG image of a Tablesaw figure, drawn in Java when the figure is displayed, for what cannot run
 * plotly.js: viewers that strip scripts (a code host's notebook preview, nbviewer, nbconvert HTML without
 * JavaScript), printing, and the book's print view.
 *
 * <p>It reads the traces and the layout exactly as plotly.js receives them (Tablesaw's generated JavaScript, see
 * {@link JsLiteral}) and draws what the kit's figures use: scatter (lines, markers, both), bar, histogram, box and
 * heatmap traces; the title, axis titles, linear, log and category axes with ticks and grid lines, a legend, and a
 * colour bar for heatmaps. It is a faithful summary, not a pixel copy of plotly's rendering: plotly's default
 * colours, no hover, no zoom.
 */
final class StaticFigure {

    /** plotly.js's default trace colours, in order. */
    private static final String[] COLORWAY = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
            "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    /** plotly.js's default heatmap colour scale (RdBu): stop, red, green, blue. */
    private static final double[][] HEAT = {{0, 5, 10, 172}, {0.35, 106, 137, 247}, {0.5, 190, 190, 190},
            {0.6, 220, 170, 132}, {0.7, 230, 145, 90}, {1, 178, 10, 28}};
    private static final String FONT = "'Open Sans', verdana, arial, sans-serif";
    private static final double CHAR = 6.6; // average width of an 11 px character, for layout

    private final Map<String, Object> layout;
    private final List<Map<String, Object>> traces;
    private final String id;
    private final StringBuilder out = new StringBuilder();

    private StaticFigure(Map<String, Object> layout, List<Map<String, Object>> traces, String id) {
        this.layout = layout;
        this.traces = traces;
        this.id = id;
    }

    /** The figure as a self-contained SVG document; {@code id} makes its clip path unique within a page. */
    static String svg(Figure figure, String id) {
        String script = figure.asJavascript("rnnkit_static");
        Map<String, Object> layout = map(JsLiteral.variable(script, "layout"));
        List<Map<String, Object>> traces = new ArrayList<>();
        for (int i = 0; ; i++) {
            Object trace = JsLiteral.variable(script, "trace" + i);
            if (trace == null) {
                break;
            }
            traces.add(map(trace));
        }
        return new StaticFigure(layout, traces, id).draw();
    }

    // --- axes --------------------------------------------------------------------------------------------------

    /** One axis: categories (in order of appearance) or a numeric range, linear or log. */
    private static final class Axis {
        final String title;
        final boolean log;
        final boolean category;
        final List<String> categories;
        double lo;
        double hi;

        Axis(String title, boolean log, boolean category, List<String> categories, double lo, double hi) {
            this.title = title;
            this.log = log;
            this.category = category;
            this.categories = categories;
            this.lo = lo;
            this.hi = hi;
        }

        /** Where a value falls, 0 at the low end and 1 at the high end; NaN when it cannot be shown. */
        double fraction(Object value) {
            if (category) {
                int i = categories.indexOf(String.valueOf(label(value)));
                return i < 0 ? Double.NaN : (i + 0.5) / categories.size();
            }
            return fractionOf(number(value));
        }

        double fractionOf(double v) {
            if (log) {
                v = v > 0 ? Math.log10(v) : Double.NaN;
            }
            return (v - lo) / (hi - lo);
        }

        /** Width of one category slot, as a fraction of the axis. */
        double slot() {
            return category ? 1.0 / Math.max(1, categories.size()) : 0.8 / 10;
        }
    }

    private Axis axis(String name, List<Object> values, boolean includeZero, boolean padded) {
        Map<String, Object> spec = map(layout.get(name));
        String title = text(spec.get("title"));
        String type = spec.get("type") instanceof String ? (String) spec.get("type") : "";
        boolean numeric = values.stream().allMatch(v -> v == null || !Double.isNaN(number(v)) || isNaNText(v));
        if ("category".equals(type) || !numeric) {
            Set<String> cats = new LinkedHashSet<>();
            values.forEach(v -> cats.add(label(v)));
            return new Axis(title, false, true, new ArrayList<>(cats), 0, 1);
        }
        boolean log = "log".equals(type);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Object v : values) {
            double d = number(v);
            if (log) {
                d = d > 0 ? Math.log10(d) : Double.NaN;
            }
            if (Double.isFinite(d)) {
                lo = Math.min(lo, d);
                hi = Math.max(hi, d);
            }
        }
        if (includeZero && !log) {
            lo = Math.min(lo, 0);
            hi = Math.max(hi, 0);
        }
        if (lo > hi) { // no finite value at all
            lo = 0;
            hi = 1;
        }
        if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
            double half = log ? 0.5 : Math.max(Math.abs(hi) * 0.1, 0.5);
            lo -= half;
            hi += half;
        } else if (padded) {
            double pad = 0.05 * (hi - lo);
            if (!(includeZero && lo == 0)) {
                lo -= pad;
            }
            hi += pad;
        }
        return new Axis(title, log, false, null, lo, hi);
    }

    /** Tick positions (as fractions) and labels. */
    private static List<Object[]> ticks(Axis a, int maxTicks) {
        List<Object[]> ticks = new ArrayList<>();
        if (a.category) {
            int n = a.categories.size();
            int every = Math.max(1, (int) Math.ceil(n / (double) Math.max(1, maxTicks)));
            for (int i = 0; i < n; i += every) {
                ticks.add(new Object[] {(i + 0.5) / n, shorten(a.categories.get(i), 24)});
            }
            return ticks;
        }
        if (a.log && a.hi - a.lo >= 1) {
            int first = (int) Math.ceil(a.lo - 1e-9);
            int last = (int) Math.floor(a.hi + 1e-9);
            int every = Math.max(1, (int) Math.ceil((last - first + 1) / (double) maxTicks));
            for (int k = first; k <= last; k += every) {
                ticks.add(new Object[] {(k - a.lo) / (a.hi - a.lo), number(Math.pow(10, k))});
            }
            return ticks;
        }
        double lo = a.log ? Math.pow(10, a.lo) : a.lo;
        double hi = a.log ? Math.pow(10, a.hi) : a.hi;
        double step = niceStep((hi - lo) / Math.max(2, maxTicks - 1));
        for (double v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
            double t = Math.abs(v) < step * 1e-9 ? 0 : v;
            ticks.add(new Object[] {a.fractionOf(t), number(t)});
        }
        return ticks;
    }

    private static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double m = raw / p;
        return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
    }

    // --- drawing -----------------------------------------------------------------------------------------------

    private String draw() {
        double width = positive(layout.get("width"), 700);
        double height = positive(layout.get("height"), 450);
        String title = text(layout.get("title"));

        List<Object> xs = new ArrayList<>();
        List<Object> ys = new ArrayList<>();
        boolean bars = false;
        Map<String, Object> heat = null;
        for (Map<String, Object> t : traces) {
            String type = type(t);
            List<Object> y = list(t.get("y"));
            List<Object> x = t.containsKey("x") ? list(t.get("x")) : indices(y.size());
            switch (type) {
                case "histogram":
                    double[][] bins = histogram(x);
                    for (double[] b : bins) {
                        xs.add(b[0]);
                        xs.add(b[1]);
                        ys.add(b[2]);
                    }
                    bars = true;
                    break;
                case "heatmap":
                    heat = t;
                    xs.addAll(x.isEmpty() ? indices(width(t)) : x);
                    ys.addAll(y.isEmpty() ? indices(list(t.get("z")).size()) : y);
                    break;
                case "box":
                    xs.addAll(t.containsKey("x") ? x : List.of(traceName(t, traces.indexOf(t))));
                    ys.addAll(y);
                    break;
                default:
                    xs.addAll(x);
                    ys.addAll(y);
                    bars |= "bar".equals(type);
            }
        }
        // markers at the ends of a numeric x axis would be cut in half without a margin (plotly pads then too)
        boolean markers = traces.stream().anyMatch(t -> "scatter".equals(type(t)) && mode(t).contains("markers"));
        Axis xa = axis("xaxis", xs, false, markers);
        Axis ya = axis("yaxis", ys, bars, true);
        if (heat != null) { // cells fill the plot: categories on both axes
            xa = forceCategory(xa, xs);
            ya = forceCategory(ya, ys);
        }

        List<String> legend = new ArrayList<>();
        Object show = layout.get("showlegend");
        boolean legendShown = show instanceof Boolean ? (Boolean) show : traces.size() > 1;
        if (legendShown) {
            for (int i = 0; i < traces.size(); i++) {
                if (!"heatmap".equals(type(traces.get(i))) && !Boolean.FALSE.equals(traces.get(i).get("showlegend"))) {
                    legend.add(traceName(traces.get(i), i));
                }
            }
        }
        List<Object[]> yTicks = ticks(ya, Math.max(2, (int) (height / (ya.category ? 16 : 60))));
        double yLabelWidth = yTicks.stream().mapToDouble(t -> ((String) t[1]).length() * CHAR).max().orElse(0);
        double left = 20 + yLabelWidth + (ya.title.isEmpty() ? 0 : 22);
        double legendWidth = legend.isEmpty() ? 0
                : Math.min(width / 3, 36 + legend.stream().mapToInt(String::length).max().orElse(0) * CHAR);
        double right = 20 + legendWidth + (heat != null ? 70 : 0);
        double top = title.isEmpty() ? 20 : 56;
        double plotWidth = Math.max(50, width - left - right);
        int maxXTicks = Math.max(2, (int) (plotWidth / 80));
        List<Object[]> xTicks = ticks(xa, xa.category ? 60 : maxXTicks);
        double longest = xTicks.stream().mapToDouble(t -> ((String) t[1]).length() * CHAR).max().orElse(0);
        boolean rotate = xa.category && longest + 6 > plotWidth / Math.max(1, xTicks.size());
        double bottom = 24 + (rotate ? longest * 0.72 + 8 : 16) + (xa.title.isEmpty() ? 0 : 22);
        double plotHeight = Math.max(50, height - top - bottom);
        Frame f = new Frame(left, top, plotWidth, plotHeight, xa, ya);

        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"rnnkit-plot-static\" width=\"").append(num(width))
                .append("\" height=\"").append(num(height)).append("\" viewBox=\"0 0 ").append(num(width)).append(' ')
                .append(num(height)).append("\" font-family=\"").append(FONT).append("\" font-size=\"11\">\n");
        out.append("<title>").append(xml(title.isEmpty() ? "plot" : title)).append(" (static image)</title>\n");
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
        out.append("<defs><clipPath id=\"").append(id).append("_clip\"><rect x=\"").append(num(left)).append("\" y=\"")
                .append(num(top)).append("\" width=\"").append(num(plotWidth)).append("\" height=\"")
                .append(num(plotHeight)).append("\"/></clipPath></defs>\n");

        // grid lines and tick labels
        for (Object[] t : xTicks) {
            double px = f.x((Double) t[0]);
            if (!xa.category) {
                line(px, top, px, top + plotHeight, "#eee", 1);
            }
            double py = top + plotHeight + 14;
            if (rotate) {
                out.append("<text x=\"").append(num(px)).append("\" y=\"").append(num(py - 4))
                        .append("\" text-anchor=\"end\" fill=\"#444\" transform=\"rotate(-45 ").append(num(px))
                        .append(' ').append(num(py - 4)).append(")\">").append(xml((String) t[1])).append("</text>\n");
            } else {
                text(px, py, "middle", 11, "#444", (String) t[1]);
            }
        }
        for (Object[] t : yTicks) {
            double py = f.y((Double) t[0]);
            if (!ya.category) {
                line(left, py, left + plotWidth, py, "#eee", 1);
            }
            text(left - 6, py + 4, "end", 11, "#444", (String) t[1]);
        }
        line(left, top + plotHeight, left + plotWidth, top + plotHeight, "#444", 1);
        line(left, top, left, top + plotHeight, "#444", 1);

        out.append("<g clip-path=\"url(#").append(id).append("_clip)\">\n");
        int bar = 0;
        int barCount = (int) traces.stream().filter(t -> "bar".equals(type(t)) || "histogram".equals(type(t))).count();
        int box = 0;
        int boxCount = (int) traces.stream().filter(t -> "box".equals(type(t))).count();
        for (int i = 0; i < traces.size(); i++) {
            Map<String, Object> t = traces.get(i);
            String color = color(t, i);
            String opacity = opacity(t);
            if (!opacity.isEmpty()) {
                out.append("<g opacity=\"").append(opacity).append("\">\n");
            }
            switch (type(t)) {
                case "heatmap": heatmap(f, t); break;
                case "bar": bars(f, t, color, bar++, barCount); break;
                case "histogram": histogramBars(f, t, color, bar++, barCount); break;
                case "box": box(f, t, i, color, box++, boxCount); break;
                default: scatter(f, t, color);
            }
            if (!opacity.isEmpty()) {
                out.append("</g>\n");
            }
        }
        out.append("</g>\n");

        if (!title.isEmpty()) {
            text(width / 2, 30, "middle", 16, "#222", title, width - 20);
        }
        if (!xa.title.isEmpty()) {
            text(left + plotWidth / 2, height - 10, "middle", 12, "#222", xa.title);
        }
        if (!ya.title.isEmpty()) {
            double cx = 16;
            double cy = top + plotHeight / 2;
            out.append("<text x=\"").append(num(cx)).append("\" y=\"").append(num(cy))
                    .append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"#222\" transform=\"rotate(-90 ")
                    .append(num(cx)).append(' ').append(num(cy)).append(")\">").append(xml(ya.title)).append("</text>\n");
        }
        double lx = left + plotWidth + (heat != null ? 90 : 16);
        for (int i = 0, row = 0; i < traces.size(); i++) {
            Map<String, Object> t = traces.get(i);
            if (!legendShown || "heatmap".equals(type(t)) || Boolean.FALSE.equals(t.get("showlegend"))) {
                continue;
            }
            double ly = top + 10 + 20 * row++;
            String color = color(t, i);
            if ("scatter".equals(type(t)) && mode(t).contains("lines")) {
                line(lx, ly, lx + 24, ly, color, 2);
            } else {
                out.append("<rect x=\"").append(num(lx + 6)).append("\" y=\"").append(num(ly - 6))
                        .append("\" width=\"12\" height=\"12\" fill=\"").append(color).append("\"/>\n");
            }
            text(lx + 30, ly + 4, "start", 11, "#222",
                    shorten(traceName(t, i), (int) Math.round((legendWidth - 36) / CHAR)));
        }
        if (heat != null) {
            colorBar(left + plotWidth + 16, top, plotHeight, heat);
        }
        out.append("</svg>\n");
        return out.toString();
    }

    /** The plot area in pixels. */
    private static final class Frame {
        final double left;
        final double top;
        final double width;
        final double height;
        final Axis xa;
        final Axis ya;

        Frame(double left, double top, double width, double height, Axis xa, Axis ya) {
            this.left = left;
            this.top = top;
            this.width = width;
            this.height = height;
            this.xa = xa;
            this.ya = ya;
        }

        double x(double fraction) {
            return left + fraction * width;
        }

        double y(double fraction) {
            return top + (1 - fraction) * height;
        }
    }

    private void scatter(Frame f, Map<String, Object> t, String color) {
        List<Object> y = list(t.get("y"));
        List<Object> x = t.containsKey("x") ? list(t.get("x")) : indices(y.size());
        int n = Math.min(x.size(), y.size());
        String mode = mode(t);
        Map<String, Object> line = map(t.get("line"));
        double lineWidth = positive(line.get("width"), 2);
        String dash = "dash".equals(line.get("dash")) ? " stroke-dasharray=\"6,4\""
                : "dot".equals(line.get("dash")) ? " stroke-dasharray=\"2,3\"" : "";
        double[] px = new double[n];
        double[] py = new double[n];
        for (int i = 0; i < n; i++) {
            px[i] = f.x(f.xa.fraction(x.get(i)));
            py[i] = f.y(f.ya.fraction(y.get(i)));
        }
        if (mode.contains("lines")) {
            List<double[]> piece = new ArrayList<>();
            for (int i = 0; i <= n; i++) {
                if (i < n && Double.isFinite(px[i]) && Double.isFinite(py[i])) {
                    piece.add(new double[] {px[i], py[i]});
                } else if (!piece.isEmpty()) { // a gap (NaN, or a non-positive value on a log axis) ends a piece
                    List<double[]> kept = perColumn(piece);
                    boolean whole = kept.size() > 200; // long curves: whole pixels are as good and a third shorter
                    StringBuilder points = new StringBuilder();
                    for (double[] p : kept) {
                        points.append(points.length() == 0 ? "" : " ").append(whole ? Long.toString(Math.round(p[0])) : num(p[0]))
                                .append(',').append(whole ? Long.toString(Math.round(p[1])) : num(p[1]));
                    }
                    out.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"")
                            .append(num(lineWidth)).append('"').append(dash).append(" stroke-linejoin=\"round\" points=\"")
                            .append(points).append("\"/>\n");
                    piece.clear();
                }
            }
        }
        if (mode.contains("markers")) {
            double r = positive(map(t.get("marker")).get("size"), 6) / 2;
            out.append("<g fill=\"").append(color).append("\">");
            for (int i = 0; i < n; i++) {
                if (Double.isFinite(px[i]) && Double.isFinite(py[i])) {
                    out.append("<circle cx=\"").append(num(px[i])).append("\" cy=\"").append(num(py[i]))
                            .append("\" r=\"").append(num(r)).append("\"/>");
                }
            }
            out.append("</g>\n");
        }
    }

    /**
     * A curve of many points as it is drawn: within each pixel column only its first, lowest, highest and last point
     * matter, so a training curve of thousands of steps keeps at most four points per column and looks the same.
     */
    static List<double[]> perColumn(List<double[]> points) {
        if (points.size() < 16) {
            return new ArrayList<>(points);
        }
        List<double[]> kept = new ArrayList<>();
        for (int first = 0; first < points.size(); ) {
            long column = (long) Math.floor(points.get(first)[0]);
            int last = first;
            int low = first;
            int high = first;
            while (last + 1 < points.size() && (long) Math.floor(points.get(last + 1)[0]) == column) {
                last++;
                if (points.get(last)[1] < points.get(low)[1]) {
                    low = last;
                }
                if (points.get(last)[1] > points.get(high)[1]) {
                    high = last;
                }
            }
            for (int k : new java.util.TreeSet<>(List.of(first, low, high, last))) {
                kept.add(points.get(k));
            }
            first = last + 1;
        }
        return kept;
    }

    private void bars(Frame f, Map<String, Object> t, String color, int k, int count) {
        List<Object> y = list(t.get("y"));
        List<Object> x = t.containsKey("x") ? list(t.get("x")) : indices(y.size());
        double slot = f.xa.slot() * 0.8;
        double zero = f.y(Math.max(0, Math.min(1, f.ya.fractionOf(f.ya.log ? 1 : 0))));
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            double c = f.xa.fraction(x.get(i)) - slot / 2 + slot * (k + 0.5) / count;
            double top = f.y(f.ya.fraction(y.get(i)));
            rect(f.x(c - slot / count / 2), Math.min(top, zero), f.width * slot / count, Math.abs(zero - top), color);
        }
    }

    private void histogramBars(Frame f, Map<String, Object> t, String color, int k, int count) {
        for (double[] b : histogram(t.containsKey("x") ? list(t.get("x")) : List.of())) {
            double x0 = f.x(f.xa.fractionOf(b[0]));
            double x1 = f.x(f.xa.fractionOf(b[1]));
            double w = (x1 - x0) / count;
            double top = f.y(f.ya.fractionOf(b[2]));
            rect(x0 + w * k, top, Math.max(0, w - 0.5), f.y(f.ya.fractionOf(0)) - top, color);
        }
    }

    private void box(Frame f, Map<String, Object> t, int index, String color, int k, int count) {
        List<Object> y = list(t.get("y"));
        List<Object> x = t.containsKey("x") ? list(t.get("x")) : null;
        Map<String, List<Double>> groups = new LinkedHashMap<>();
        for (int i = 0; i < y.size(); i++) {
            String g = x == null ? traceName(t, index) : label(x.get(i));
            double v = number(y.get(i));
            if (Double.isFinite(v)) {
                groups.computeIfAbsent(g, key -> new ArrayList<>()).add(v);
            }
        }
        double slot = f.xa.slot() * 0.6 / count;
        for (Map.Entry<String, List<Double>> e : groups.entrySet()) {
            double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double q1 = quantile(v, 0.25);
            double median = quantile(v, 0.5);
            double q3 = quantile(v, 0.75);
            double iqr = q3 - q1;
            double lowWhisker = Arrays.stream(v).filter(d -> d >= q1 - 1.5 * iqr).min().orElse(q1);
            double highWhisker = Arrays.stream(v).filter(d -> d <= q3 + 1.5 * iqr).max().orElse(q3);
            double c = f.xa.fraction(e.getKey()) - f.xa.slot() * 0.3 + slot * (k + 0.5);
            double cx = f.x(c);
            double half = f.width * slot * 0.45;
            double yq1 = f.y(f.ya.fractionOf(q1));
            double yq3 = f.y(f.ya.fractionOf(q3));
            out.append("<rect x=\"").append(num(cx - half)).append("\" y=\"").append(num(yq3)).append("\" width=\"")
                    .append(num(2 * half)).append("\" height=\"").append(num(Math.max(0.5, yq1 - yq3)))
                    .append("\" fill=\"").append(color).append("\" fill-opacity=\"0.5\" stroke=\"").append(color)
                    .append("\" stroke-width=\"2\"/>\n");
            double ym = f.y(f.ya.fractionOf(median));
            line(cx - half, ym, cx + half, ym, color, 2);
            line(cx, yq3, cx, f.y(f.ya.fractionOf(highWhisker)), color, 2);
            line(cx, yq1, cx, f.y(f.ya.fractionOf(lowWhisker)), color, 2);
            out.append("<g fill=\"").append(color).append("\">");
            for (double d : v) {
                if (d < lowWhisker || d > highWhisker) {
                    out.append("<circle cx=\"").append(num(cx)).append("\" cy=\"").append(num(f.y(f.ya.fractionOf(d))))
                            .append("\" r=\"3\"/>");
                }
            }
            out.append("</g>\n");
        }
    }

    private void heatmap(Frame f, Map<String, Object> t) {
        List<Object> z = list(t.get("z"));
        double[] range = zRange(t);
        int rows = z.size();
        for (int r = 0; r < rows; r++) {
            List<Object> row = list(z.get(r));
            for (int c = 0; c < row.size(); c++) {
                double v = number(row.get(c));
                if (!Double.isFinite(v)) {
                    continue;
                }
                double x0 = f.x((double) c / f.xa.categories.size());
                double x1 = f.x((double) (c + 1) / f.xa.categories.size());
                double y0 = f.y((double) (r + 1) / f.ya.categories.size());
                double y1 = f.y((double) r / f.ya.categories.size());
                rect(x0, y0, x1 - x0 + 0.3, y1 - y0 + 0.3, heat((v - range[0]) / (range[1] - range[0])));
            }
        }
    }

    private void colorBar(double x, double top, double height, Map<String, Object> t) {
        double[] range = zRange(t);
        out.append("<defs><linearGradient id=\"").append(id).append("_scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">");
        for (double[] stop : HEAT) {
            out.append("<stop offset=\"").append(num(stop[0])).append("\" stop-color=\"").append(heat(stop[0]))
                    .append("\"/>");
        }
        out.append("</linearGradient></defs>\n");
        out.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(top)).append("\" width=\"14\" height=\"")
                .append(num(height)).append("\" fill=\"url(#").append(id).append("_scale)\"/>\n");
        Axis scale = new Axis("", false, false, null, range[0], range[1]);
        for (Object[] tick : ticks(scale, 5)) {
            double fr = (Double) tick[0];
            if (fr >= -1e-9 && fr <= 1 + 1e-9) {
                text(x + 18, top + (1 - fr) * height + 4, "start", 11, "#444", (String) tick[1]);
            }
        }
    }

    private static double[] zRange(Map<String, Object> t) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Object row : list(t.get("z"))) {
            for (Object v : list(row)) {
                double d = number(v);
                if (Double.isFinite(d)) {
                    lo = Math.min(lo, d);
                    hi = Math.max(hi, d);
                }
            }
        }
        if (!(lo < hi)) {
            lo = Double.isFinite(lo) ? lo - 0.5 : 0;
            hi = lo + 1;
        }
        return new double[] {lo, hi};
    }

    private static String heat(double fraction) {
        double p = Math.max(0, Math.min(1, Double.isNaN(fraction) ? 0.5 : fraction));
        for (int i = 1; i < HEAT.length; i++) {
            if (p <= HEAT[i][0]) {
                double w = (p - HEAT[i - 1][0]) / (HEAT[i][0] - HEAT[i - 1][0]);
                int[] rgb = new int[3];
                for (int c = 0; c < 3; c++) {
                    rgb[c] = (int) Math.round(HEAT[i - 1][c + 1] + w * (HEAT[i][c + 1] - HEAT[i - 1][c + 1]));
                }
                return String.format(Locale.ROOT, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
            }
        }
        return "#b20a1c";
    }

    /** Plotly-like automatic bins: about the square root of the count, at a round width. Rows: start, end, count. */
    private static double[][] histogram(List<Object> values) {
        double[] v = values.stream().mapToDouble(StaticFigure::number).filter(Double::isFinite).sorted().toArray();
        if (v.length == 0) {
            return new double[0][];
        }
        double lo = v[0];
        double hi = v[v.length - 1];
        double size = hi > lo ? niceStep((hi - lo) / Math.max(5, Math.min(40, Math.sqrt(v.length)))) : 1;
        double start = Math.floor(lo / size) * size;
        int n = Math.max(1, (int) Math.floor((hi - start) / size) + 1);
        double[][] bins = new double[n][];
        for (int i = 0; i < n; i++) {
            bins[i] = new double[] {start + i * size, start + (i + 1) * size, 0};
        }
        for (double d : v) {
            bins[Math.min(n - 1, (int) Math.floor((d - start) / size))][2]++;
        }
        return bins;
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        return i + 1 < sorted.length ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
    }

    private static Axis forceCategory(Axis a, List<Object> values) {
        if (a.category) {
            return a;
        }
        Set<String> cats = new LinkedHashSet<>();
        values.forEach(v -> cats.add(label(v)));
        return new Axis(a.title, false, true, new ArrayList<>(cats), 0, 1);
    }

    // --- SVG primitives ----------------------------------------------------------------------------------------

    private void line(double x1, double y1, double x2, double y2, String color, double width) {
        out.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"").append(num(x2))
                .append("\" y2=\"").append(num(y2)).append("\" stroke=\"").append(color).append("\" stroke-width=\"")
                .append(num(width)).append("\"/>\n");
    }

    private void rect(double x, double y, double w, double h, String fill) {
        out.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"")
                .append(num(Math.max(0, w))).append("\" height=\"").append(num(Math.max(0, h))).append("\" fill=\"")
                .append(fill).append("\"/>\n");
    }

    private void text(double x, double y, String anchor, int size, String color, String s) {
        text(x, y, anchor, size, color, s, Double.NaN);
    }

    /** Text; squeezed to {@code maxWidth} when its estimated width is larger (long titles). */
    private void text(double x, double y, String anchor, int size, String color, String s, double maxWidth) {
        out.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" text-anchor=\"")
                .append(anchor).append('"');
        if (size != 11) {
            out.append(" font-size=\"").append(size).append('"');
        }
        if (s.length() * CHAR * size / 11 > maxWidth) {
            out.append(" textLength=\"").append(num(maxWidth)).append("\" lengthAdjust=\"spacingAndGlyphs\"");
        }
        out.append(" fill=\"").append(color).append("\">").append(xml(s)).append("</text>\n");
    }

    // --- values ------------------------------------------------------------------------------------------------

    private static String type(Map<String, Object> t) {
        return t.get("type") instanceof String ? (String) t.get("type") : "scatter";
    }

    private static String mode(Map<String, Object> t) {
        if (t.get("mode") instanceof String) {
            return (String) t.get("mode");
        }
        return list(t.get("y")).size() < 20 ? "lines+markers" : "lines"; // plotly's default
    }

    private static String traceName(Map<String, Object> t, int i) {
        String name = text(t.get("name"));
        return name.isEmpty() ? "trace " + i : name;
    }

    private static String color(Map<String, Object> t, int i) {
        for (String part : new String[] {"line", "marker"}) {
            Object c = map(t.get(part)).get("color");
            if (c instanceof String && ((String) c).matches("#?[A-Za-z0-9(), .]+")) {
                return (String) c;
            }
        }
        return COLORWAY[i % COLORWAY.length];
    }

    private static String opacity(Map<String, Object> t) {
        double o = number(t.get("opacity"));
        return Double.isFinite(o) && o < 1 ? num(Math.max(0, o)) : "";
    }

    private static int width(Map<String, Object> heat) {
        List<Object> z = list(heat.get("z"));
        return z.isEmpty() ? 0 : list(z.get(0)).size();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o instanceof List ? (List<Object>) o : List.of();
    }

    private static List<Object> indices(int n) {
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add((double) i);
        }
        return out;
    }

    /** A number, or NaN; Tablesaw writes many numbers as strings ("1.0"). */
    static double number(Object o) {
        if (o instanceof Number) {
            return ((Number) o).doubleValue();
        }
        if (o instanceof String) {
            try {
                return Double.parseDouble(((String) o).trim());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    private static boolean isNaNText(Object o) {
        return o instanceof String && ((String) o).matches("\\s*(NaN|-?Infinity|null)?\\s*")
                || o instanceof Double && ((Double) o).isNaN();
    }

    private static String label(Object o) {
        if (o instanceof Double) {
            double d = (Double) o;
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
        return o == null ? "" : text(o);
    }

    private static double positive(Object o, double fallback) {
        double d = number(o);
        return Double.isFinite(d) && d > 0 ? d : fallback;
    }

    /** A tick label: at most four significant digits, powers of ten as 1e-5. */
    static String number(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e5 || a < 1e-3) {
            String s = String.format(Locale.ROOT, "%.2e", v);
            String[] parts = s.split("e");
            String mantissa = parts[0].contains(".") ? parts[0].replaceAll("0+$", "").replaceAll("\\.$", "") : parts[0];
            int exponent = Integer.parseInt(parts[1]);
            return mantissa + "e" + exponent;
        }
        String s = String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
        return s;
    }

    private static String num(double v) {
        long r = Math.round(v * 10);
        return r % 10 == 0 ? Long.toString(r / 10) : String.format(Locale.ROOT, "%.1f", r / 10.0);
    }

    /** Plotly text: Tablesaw escapes HTML into it, and plotly reads a little HTML ({@code <br>}); plain text here. */
    static String text(Object o) {
        if (!(o instanceof String)) {
            return o instanceof Map ? text(((Map<?, ?>) o).get("text")) : "";
        }
        String s = ((String) o).replaceAll("(?i)<br\\s*/?>", " ").replaceAll("<[^>]*>", "");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int end = c == '&' ? s.indexOf(';', i) : -1;
            if (end > i && end - i <= 10) {
                String entity = s.substring(i + 1, end);
                String decoded = entity(entity);
                if (decoded != null) {
                    sb.append(decoded);
                    i = end;
                    continue;
                }
            }
            sb.append(c);
        }
        return sb.toString().trim();
    }

    private static String entity(String e) {
        switch (e) {
            case "lt": return "<";
            case "gt": return ">";
            case "amp": return "&";
            case "quot": return "\"";
            case "apos": return "'";
            case "nbsp": return "\u00a0";
            default:
                try {
                    if (e.startsWith("#x") || e.startsWith("#X")) {
                        return new String(Character.toChars(Integer.parseInt(e.substring(2), 16)));
                    }
                    if (e.startsWith("#")) {
                        return new String(Character.toChars(Integer.parseInt(e.substring(1))));
                    }
                } catch (IllegalArgumentException ignored) {
                    // not an entity: keep the text as it is
                }
                return null;
        }
    }

    private static String shorten(String s, int max) {
        return s.length() <= Math.max(4, max) ? s : s.substring(0, Math.max(3, max - 1)) + "\u2026";
    }

    private static String xml(String s) {
        return Html.escape(s).replace("'", "&#39;");
    }
}
