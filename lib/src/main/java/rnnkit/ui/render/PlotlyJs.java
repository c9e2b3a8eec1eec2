package rnnkit.ui.render;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * plotly.js for offline notebooks: the vendored cartesian bundle of plotly.js 2.35.3 (MIT; scatter, bar, box,
 * heatmap, histogram, contour, pie, violin, image; see {@code lib/VENDORED.md}), inlined as a
 * script so that no CDN is ever needed.
 *
 * <p>The bundle is a UMD module: where RequireJS is on the page (classic Notebook 6 and nbconvert's HTML
 * templates load it) it would register itself as an AMD module and never set {@code window.Plotly}. Running it
 * with {@code define}, {@code module} and {@code exports} shadowed makes it take the plain-browser branch
 * everywhere.
 */
final class PlotlyJs {

    static final String VERSION = "2.35.3";
    private static final String RESOURCE = "plotly-cartesian-" + VERSION + ".min.js";
    private static volatile String script;

    private PlotlyJs() {
    }

    /** The {@code <script>} element that defines {@code window.Plotly}. */
    static String scriptElement() {
        String s = script;
        if (s == null) {
            String bundle = read();
            if (bundle.contains("</script")) { // would end the inline script early
                bundle = bundle.replace("</script", "<\\/script");
            }
            s = "<script type=\"text/javascript\">\n"
                    + "/* plotly.js " + VERSION + " (cartesian bundle, MIT licence, (c) Plotly, Inc.),"
                    + " embedded once per kernel session by the rnnkit library */\n"
                    + "window.PlotlyConfig = {MathJaxConfig: 'local'};\n"
                    + "(function (define, module, exports) {\n" + bundle + "\n})(undefined, undefined, undefined);\n"
                    + "</script>\n";
            script = s;
        }
        return s;
    }

    private static String read() {
        try (InputStream in = PlotlyJs.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the library jar lacks " + RESOURCE + "; rebuild it with ./build.sh");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
