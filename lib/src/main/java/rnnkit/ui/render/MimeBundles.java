package rnnkit.ui.render;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.ejml.data.DMatrix;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrix;
import org.ejml.data.Matrix;
import org.ejml.simple.SimpleBase;
import rnnkit.core.Sequence;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.NumberColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.plotly.components.Figure;

/**
 * How the kit shows its values in a notebook, whatever the kernel: EJML matrices and Tablesaw tables as HTML tables
 * (head and tail only when large), the library's {@link Sequence}s as a table per time step, Tablesaw jsplot figures as interactive Plotly charts that work offline.
 *
 * <p>Each value becomes a bundle of MIME type to content, HTML first, with the content computed only when a front
 * end asks for that type. The kit's kernel registers these with its renderer; under IJava or JJava a start-up
 * script does the same (see {@code ./build.sh classpath --ijava}), so every kernel shows the same outputs.
 */
public final class MimeBundles {

    public static final String HTML = "text/html";
    public static final String TEXT = "text/plain";
    public static final String SVG = "image/svg+xml";

    private static final AtomicBoolean PLOTLY_EMBEDDED = new AtomicBoolean();

    private MimeBundles() {
    }

    /** The classes this renders (and their subclasses): what a kernel registers. */
    public static List<Class<?>> types() {
        return List.of(DMatrix.class, FMatrix.class, SimpleBase.class, Table.class, Figure.class, Sequence.class);
    }

    /** {@code value}'s bundle, HTML first; empty when the kit has no rendering for it (the kernel's own applies). */
    public static Map<String, Supplier<String>> of(Object value) {
        if (value instanceof Figure) {
            return figure((Figure) value);
        }
        if (value instanceof Table) {
            return table((Table) value);
        }
        if (value instanceof SimpleBase) {
            Matrix m = ((SimpleBase<?>) value).getMatrix();
            return m instanceof DMatrix || m instanceof FMatrix ? matrix(m) : Map.of();
        }
        if (value instanceof DMatrix || value instanceof FMatrix) {
            return matrix((Matrix) value);
        }
        if (value instanceof Sequence) {
            return sequence((Sequence) value);
        }
        return Map.of();
    }

    private static Map<String, Supplier<String>> bundle(Supplier<String> html, Supplier<String> text) {
        Map<String, Supplier<String>> out = new LinkedHashMap<>();
        out.put(HTML, html);
        out.put(TEXT, text);
        return out;
    }

    // --- matrices ----------------------------------------------------------------------------------------------

    /** Real EJML matrices ({@code DMatrixRMaj}, {@code FMatrixRMaj}, ...); complex ones keep EJML's own text. */
    static Map<String, Supplier<String>> matrix(Matrix m) {
        Grid.Cells cells;
        if (m instanceof DMatrix) {
            DMatrix d = (DMatrix) m;
            cells = (r, c) -> Grid.number(d.get(r, c));
        } else if (m instanceof FMatrix) {
            FMatrix f = (FMatrix) m;
            cells = (r, c) -> Grid.number(f.get(r, c));
        } else {
            throw new IllegalArgumentException("not a real matrix: " + m.getClass().getName());
        }
        String caption = m.getClass().getSimpleName() + " " + m.getNumRows() + " \u00d7 " + m.getNumCols();
        return bundle(() -> Grid.html(caption, m.getNumRows(), m.getNumCols(), null, cells, true),
                () -> Grid.text(caption, m.getNumRows(), m.getNumCols(), null, cells));
    }

    // --- sequences ---------------------------------------------------------------------------------------------

    /** Steps shown of a long sequence: the first and the last ones, as a matrix shows its rows. */
    static final int MAX_STEPS = 6;
    static final int HEAD_STEPS = 3;
    static final int TAIL_STEPS = 2;

    /**
     * A {@link Sequence}, time-major as the library keeps it: one grid per step t, each B rows (the batch) by D
     * columns, the middle steps of a long sequence left out.
     */
    static Map<String, Supplier<String>> sequence(Sequence s) {
        String caption = "Sequence: T = " + s.length() + " steps of B \u00d7 D = " + s.batch() + " \u00d7 " + s.dim();
        List<Integer> steps = Grid.shown(s.length(), MAX_STEPS, HEAD_STEPS, TAIL_STEPS);
        int left = s.length() - (steps.size() - 1);
        return bundle(() -> {
            StringBuilder sb = new StringBuilder("<div class=\"rnnkit-sequence\"><div>").append(Html.escape(caption)).append("</div>");
            for (int t : steps) {
                if (t < 0) {
                    sb.append("<div>&vellip; ").append(left).append(" steps left out</div>");
                } else {
                    DMatrixRMaj m = s.at(t);
                    sb.append(Grid.html("t = " + t, m.numRows, m.numCols, null, (r, c) -> Grid.number(m.get(r, c)), true));
                }
            }
            return sb.append("</div>").toString();
        }, () -> {
            List<String> parts = new ArrayList<>(List.of(caption));
            for (int t : steps) {
                DMatrixRMaj m = t < 0 ? null : s.at(t);
                parts.add(t < 0 ? "\u22ee " + left + " steps left out"
                        : Grid.text("t = " + t, m.numRows, m.numCols, null, (r, c) -> Grid.number(m.get(r, c))));
            }
            return String.join("\n", parts);
        });
    }

    // --- tables ------------------------------------------------------------------------------------------------

    static Map<String, Supplier<String>> table(Table t) {
        List<String> headers = t.columnNames();
        String caption = (t.name() == null || t.name().isBlank() ? "Table" : t.name())
                + " (" + t.rowCount() + " rows \u00d7 " + t.columnCount() + " columns)";
        boolean numeric = t.columns().stream().allMatch(MimeBundles::isNumeric);
        Grid.Cells cells = (r, c) -> cell(t.column(c), r);
        return bundle(() -> Grid.html(caption, t.rowCount(), t.columnCount(), headers, cells, numeric),
                () -> Grid.text(caption, t.rowCount(), t.columnCount(), headers, cells));
    }

    /** Floating-point cells as the matrix grids show numbers (10.246, not 10.245999999999999). */
    private static String cell(Column<?> column, int row) {
        if (column.isMissing(row)) {
            return "";
        }
        if (column instanceof NumberColumn && (column.type().equals(ColumnType.DOUBLE) || column.type().equals(ColumnType.FLOAT))) {
            return Grid.number(((NumberColumn<?, ?>) column).getDouble(row));
        }
        return column.getString(row);
    }

    private static boolean isNumeric(Column<?> c) {
        ColumnType type = c.type();
        return type.equals(ColumnType.DOUBLE) || type.equals(ColumnType.INTEGER) || type.equals(ColumnType.LONG)
                || type.equals(ColumnType.FLOAT) || type.equals(ColumnType.SHORT);
    }

    // --- figures -----------------------------------------------------------------------------------------------

    /**
     * A Plotly chart. The first figure of a kernel session carries plotly.js itself; later ones use it. Each figure
     * waits (up to 10 s) for {@code window.Plotly}, and if it never comes (the output that carried it was cleared),
     * says how to get it back instead of failing silently.
     *
     * <p>The static image comes twice, because front ends choose differently. JupyterLab 4 and Notebook 7 (rank
     * {@code text/html} before {@code image/svg+xml}), classic Notebook 6 ({@code display_order}) and nbconvert's
     * HTML export ({@code display_data_priority}) all pick the HTML, so the interactive plot wins there; inside that
     * HTML the image (an {@code <img>}) stands next to the plot's empty box and the plot's script hides it before
     * drawing, so a viewer that strips scripts (or an untrusted notebook, whose HTML JupyterLab sanitizes) still shows
     * a figure. The
     * separate {@code image/svg+xml} entry is for tools that skip HTML (nbconvert's LaTeX and PDF export, plain
     * image viewers).
     */
    static Map<String, Supplier<String>> figure(Figure figure) {
        // Tablesaw names a JavaScript variable after the div, so the id must be a valid identifier.
        String id = "rnnkit_plot_" + UUID.randomUUID().toString().replace("-", "");
        String svg = staticImage(figure, id);
        Map<String, Supplier<String>> out = new LinkedHashMap<>();
        out.put(HTML, () -> figureHtml(figure, id, svg));
        if (svg.startsWith("<svg")) {
            out.put(SVG, () -> svg);
        }
        out.put(TEXT, () -> describe(figure));
        return out;
    }

    /**
     * The static image; if the figure holds something the SVG renderer cannot read, a note saying so instead (the
     * interactive plot is unaffected, so this never fails the cell).
     */
    static String staticImage(Figure figure, String id) {
        try {
            return StaticFigure.svg(figure, id);
        } catch (RuntimeException e) {
            return "<p class=\"rnnkit-plot-note\">(no static image of this plot: "
                    + Html.escape(String.valueOf(e.getMessage())) + ")</p>";
        }
    }

    /**
     * The static image as HTML: an {@code <img>} with the SVG as a data URI, because sanitizers that strip inline
     * {@code <svg>} (JupyterLab's, for untrusted notebooks, would leave its loose text) keep images.
     */
    private static String fallbackImage(Figure figure, String svg) {
        if (!svg.startsWith("<svg")) {
            return svg; // the note that says why there is no image
        }
        String title = figure.getLayout() == null ? null : figure.getLayout().getTitle();
        String alt = Html.escape(title == null || title.isBlank() ? "plot" : title) + " (static image)";
        return "<img alt=\"" + alt + "\" src=\"data:" + SVG + ";base64,"
                + Base64.getEncoder().encodeToString(svg.getBytes(StandardCharsets.UTF_8)) + "\">";
    }

    static String describe(Figure figure) {
        String title = figure.getLayout() == null ? null : figure.getLayout().getTitle();
        String traces = Arrays.stream(figure.getTraces())
                .map(t -> t.getClass().getSimpleName().replace("Trace", "").toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        return "Figure" + (title == null || title.isBlank() ? "" : " '" + title + "'") + " [" + traces + "]";
    }

    static String figureHtml(Figure figure) {
        String id = "rnnkit_plot_" + UUID.randomUUID().toString().replace("-", "");
        return figureHtml(figure, id, staticImage(figure, id));
    }

    static String figureHtml(Figure figure, String id, String svg) {
        String draw = figure.asJavascript(id)
                .replaceFirst("^\\s*<script[^>]*>", "")
                .replaceFirst("</script>\\s*$", "");
        String library = PLOTLY_EMBEDDED.compareAndSet(false, true) ? PlotlyJs.scriptElement() : "";
        String fallback = "<div id=\"" + id + "_static\" class=\"rnnkit-plot-fallback\">" + fallbackImage(figure, svg)
                + "</div>\n";
        return library
                + "<div id=\"" + id + "\" class=\"rnnkit-plot\"></div>\n"
                + fallback
                + "<script type=\"text/javascript\">\n"
                + "(function () {\n"
                + "  var draw = function () {\n" + draw + "\n  };\n"
                + "  var tries = 0;\n"
                + "  (function wait() {\n"
                + "    if (window.Plotly) {\n"
                + "      var still = document.getElementById('" + id + "_static');\n"
                + "      if (still) { still.style.display = 'none'; }\n"
                + "      draw(); return;\n"
                + "    }\n"
                + "    if (++tries < 100) { setTimeout(wait, 100); return; }\n"
                + "    document.getElementById('" + id + "').textContent = 'This plot needs plotly.js, which came with"
                + " the first plot of the kernel session, and that output is gone. Run the notebook again from the"
                + " top (Kernel > Restart & Run All).';\n"
                + "  })();\n"
                + "})();\n"
                + "</script>\n";
    }
}
