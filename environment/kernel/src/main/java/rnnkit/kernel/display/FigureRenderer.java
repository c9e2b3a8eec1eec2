package rnnkit.kernel.display;

import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.dflib.jjava.jupyter.kernel.display.RenderContext;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import tech.tablesaw.plotly.components.Figure;

/**
 * Tablesaw jsplot figures as interactive Plotly charts. The first figure of a kernel session carries plotly.js
 * itself; later ones use it. Each figure waits (up to 10 s) for {@code window.Plotly}, and if it never comes (the
 * output that carried it was cleared), says how to get it back instead of failing silently.
 */
final class FigureRenderer {

    private static final AtomicBoolean PLOTLY_EMBEDDED = new AtomicBoolean();

    private FigureRenderer() {
    }

    static void register(Renderer renderer) {
        renderer.createRegistration(Figure.class)
                .preferring(MIMEType.TEXT_HTML)
                .register(FigureRenderer::render);
    }

    static void render(Figure figure, RenderContext ctx) {
        ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> html(figure));
        ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> describe(figure));
    }

    static String describe(Figure figure) {
        String title = figure.getLayout() == null ? null : figure.getLayout().getTitle();
        String traces = Arrays.stream(figure.getTraces())
                .map(t -> t.getClass().getSimpleName().replace("Trace", "").toLowerCase(java.util.Locale.ROOT))
                .collect(Collectors.joining(", "));
        return "Figure" + (title == null || title.isBlank() ? "" : " '" + title + "'") + " [" + traces + "]";
    }

    static String html(Figure figure) {
        // Tablesaw names a JavaScript variable after the div, so the id must be a valid identifier.
        String id = "rnnkit_plot_" + UUID.randomUUID().toString().replace("-", "");
        String draw = figure.asJavascript(id)
                .replaceFirst("^\\s*<script[^>]*>", "")
                .replaceFirst("</script>\\s*$", "");
        String library = PLOTLY_EMBEDDED.compareAndSet(false, true) ? PlotlyJs.scriptElement() : "";
        return library
                + "<div id=\"" + id + "\" class=\"rnnkit-plot\"></div>\n"
                + "<script type=\"text/javascript\">\n"
                + "(function () {\n"
                + "  var draw = function () {\n" + draw + "\n  };\n"
                + "  var tries = 0;\n"
                + "  (function wait() {\n"
                + "    if (window.Plotly) { draw(); return; }\n"
                + "    if (++tries < 100) { setTimeout(wait, 100); return; }\n"
                + "    document.getElementById('" + id + "').textContent = 'This plot needs plotly.js, which came with"
                + " the first plot of the kernel session, and that output is gone. Run the notebook again from the"
                + " top (Kernel > Restart & Run All).';\n"
                + "  })();\n"
                + "})();\n"
                + "</script>\n";
    }
}
