package rnnkit.ui.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.Test;
import rnnkit.core.Sequence;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.api.LinePlot;
import tech.tablesaw.plotly.components.Figure;

class MimeBundlesTest {

    private static String html(Object o) {
        return MimeBundles.of(o).get(MimeBundles.HTML).get();
    }

    private static String text(Object o) {
        return MimeBundles.of(o).get(MimeBundles.TEXT).get();
    }

    @Test
    void numbersAreShortAndExact() {
        assertEquals("3", Grid.number(3.0));
        assertEquals("-0", Grid.number(-0.0));
        assertEquals("0.25", Grid.number(0.25));
        assertEquals("0.333333", Grid.number(1.0 / 3));
        assertEquals("1.23457e-07", Grid.number(1.234567e-7));
        assertEquals("10.246", Grid.number(10.245999999999999));
        assertEquals("NaN", Grid.number(Double.NaN));
    }

    @Test
    void aSmallMatrixShowsEveryEntry() {
        DMatrixRMaj m = new DMatrixRMaj(new double[][]{{1, 2.5}, {-3, 4}});
        String html = html(m);
        assertTrue(html.contains("DMatrixRMaj 2 \u00d7 2"), html);
        for (String v : new String[]{">1<", ">2.5<", ">-3<", ">4<"}) {
            assertTrue(html.contains(v), v + " in " + html);
        }
        assertEquals("DMatrixRMaj 2 \u00d7 2\n    0    1\n0   1  2.5\n1  -3    4", text(m));
    }

    @Test
    void aSequenceShowsOneGridPerStepAndOnlyTheEndsOfALongOne() {
        Sequence short3 = Sequence.of(new DMatrixRMaj(new double[][]{{1, 2}}), new DMatrixRMaj(new double[][]{{3, 4}}),
                new DMatrixRMaj(new double[][]{{5, 6}}));
        assertEquals("Sequence: T = 3 steps of B \u00d7 D = 1 \u00d7 2\n"
                + "t = 0\n   0  1\n0  1  2\nt = 1\n   0  1\n0  3  4\nt = 2\n   0  1\n0  5  6", text(short3));
        assertTrue(html(short3).contains("t = 2") && html(short3).contains(">6<"), html(short3));

        Sequence long50 = new Sequence(50, 2, 3);
        for (int t = 0; t < 50; t++) {
            long50.at(t).fill(t);
        }
        String html = html(long50);
        for (int t : new int[]{0, 1, 2, 48, 49}) {
            assertTrue(html.contains(">t = " + t + "<"), "step " + t + " shown");
        }
        assertFalse(html.contains(">t = 3<") || html.contains(">t = 25<"), "the middle steps are left out");
        assertTrue(html.contains("45 steps left out") && text(long50).contains("45 steps left out"), text(long50));
    }

    @Test
    void aLargeMatrixShowsItsCornersOnly() {
        DMatrixRMaj m = new DMatrixRMaj(30, 40);
        for (int i = 0; i < m.getNumElements(); i++) {
            m.data[i] = i;
        }
        String html = html(m);
        assertTrue(html.contains("&vellip;") && html.contains("&hellip;"), html);
        assertTrue(html.contains(">0<") && html.contains(">" + (30 * 40 - 1) + "<"), "corners shown");
        assertFalse(html.contains(">" + (15 * 40 + 20) + "<"), "the middle is left out");
        long rows = html.split("<tr>", -1).length - 1;
        assertEquals(1 + Grid.HEAD_ROWS + 1 + Grid.TAIL_ROWS, rows, "header, head, ellipsis row, tail");
    }

    @Test
    void floatAndSimpleMatricesRenderToo() {
        assertTrue(html(new FMatrixRMaj(new float[][]{{1.5f}})).contains(">1.5<"));
        assertTrue(html(new SimpleMatrix(new double[][]{{7}})).contains(">7<"));
    }

    @Test
    void aLongTableShowsHeadAndTailWithItsSize() {
        Table t = Table.create("numbers", IntColumn.indexColumn("i", 100, 0),
                DoubleColumn.create("half", java.util.stream.IntStream.range(0, 100).mapToDouble(i -> i / 2.0)));
        String html = html(t);
        assertTrue(html.contains("numbers (100 rows \u00d7 2 columns)"), html);
        assertTrue(html.contains(">9<") && html.contains(">99<") && html.contains(">49.5<"), html);
        assertFalse(html.contains(">50<"), "row 50 is in the elided middle");
        assertTrue(text(t).contains("..."), text(t));
    }

    @Test
    void emptyTablesAndMatricesRenderAsTheirHeaders() {
        Table empty = Table.create("nothing yet", StringColumn.create("name"), DoubleColumn.create("value"));
        assertTrue(html(empty).contains("nothing yet (0 rows \u00d7 2 columns)"), html(empty));
        assertTrue(text(empty).contains("name") && text(empty).contains("value"), text(empty));
        assertTrue(text(new DMatrixRMaj(0, 3)).contains("0 \u00d7 3"), text(new DMatrixRMaj(0, 3)));
    }

    @Test
    void tableCellsAreEscapedAndLongTextIsCut() {
        Table t = Table.create("t", StringColumn.create("s", "<b>bold</b>", "x".repeat(500)));
        String html = html(t);
        assertTrue(html.contains("&lt;b&gt;bold&lt;/b&gt;"), html);
        assertFalse(html.contains("x".repeat(Grid.MAX_HTML_CELL)), "cut at " + Grid.MAX_HTML_CELL);
    }

    @Test
    void figuresCarryPlotlyOnlyOnceAndNeverACdn() {
        Table curve = Table.create("c", IntColumn.create("step", 1, 2, 3), DoubleColumn.create("loss", 3, 2, 1));
        Figure f = LinePlot.create("loss", curve, "step", "loss");
        String first = MimeBundles.figureHtml(f);
        String second = MimeBundles.figureHtml(f);
        String library = "plotly.js " + PlotlyJs.VERSION;
        assertTrue(first.contains(library) || !second.contains(library),
                "plotly.js comes with the first figure of the session");
        assertFalse(second.contains(library), "and never again");
        assertTrue(PlotlyJs.scriptElement().length() > 1_000_000, "the whole bundle is inline");
        for (String html : new String[]{first.replace(PlotlyJs.scriptElement(), ""), second}) {
            assertFalse(html.contains("<script src") || html.contains("cdn"), "nothing loaded from elsewhere: " + html);
            assertFalse(html.contains("require(["), "no RequireJS");
        }
        assertTrue(second.contains("Plotly.newPlot"), second);
        assertTrue(second.contains("window.Plotly"), "waits for plotly.js to be there");
        assertEquals("Figure 'loss' [scatter]", text(f));
    }

    @Test
    void theBundleIgnoresRequireJs() {
        String script = PlotlyJs.scriptElement();
        assertTrue(script.contains("(function (define, module, exports) {"), "UMD globals shadowed");
        assertTrue(script.contains("})(undefined, undefined, undefined);"), script.substring(script.length() - 200));
        assertFalse(script.substring(script.indexOf('>') + 1, script.lastIndexOf("</script>")).contains("</script"),
                "nothing ends the inline script early");
    }

    @Test
    void otherValuesHaveNoBundleOfTheKits() {
        assertTrue(MimeBundles.of(java.util.List.of(1, 2)).isEmpty());
        assertTrue(MimeBundles.of(null).isEmpty());
    }

    @Test
    void htmlComesFirstAndIsComputedOnlyWhenAsked() {
        Table curve = Table.create("c", IntColumn.create("step", 1, 2), DoubleColumn.create("loss", 2, 1));
        java.util.Map<String, java.util.function.Supplier<String>> bundle =
                MimeBundles.of(LinePlot.create("loss", curve, "step", "loss"));
        assertEquals(java.util.List.of(MimeBundles.HTML, MimeBundles.SVG, MimeBundles.TEXT),
                java.util.List.copyOf(bundle.keySet()));
        assertEquals("Figure 'loss' [scatter]", bundle.get(MimeBundles.TEXT).get());
    }

    @Test
    void aFigureTheImageCannotReadStillPlotsAndSaysWhyItHasNoImage() {
        Table curve = Table.create("c", IntColumn.create("step", 1, 2), DoubleColumn.create("loss", 2, 1));
        Figure plotted = LinePlot.create("loss", curve, "step", "loss");
        Figure odd = new Figure(plotted.getLayout(), plotted.getTraces()) {
            @Override
            public String asJavascript(String divName) {
                return super.asJavascript(divName).replace("var layout = {", "var layout = {oops: [1 2],");
            }
        };
        java.util.Map<String, java.util.function.Supplier<String>> bundle = MimeBundles.of(odd);
        assertFalse(bundle.containsKey(MimeBundles.SVG), "no image entry");
        String html = bundle.get(MimeBundles.HTML).get();
        assertTrue(html.contains("Plotly.newPlot"), "the interactive plot is still there");
        assertTrue(html.contains("(no static image of this plot: plot data: expected ',' or ']'"), html.substring(0, 400));
    }

    @Test
    void aFigureCarriesItsStaticImageWhichItsScriptHidesBeforeDrawing() {
        Table curve = Table.create("c", IntColumn.create("step", 1, 2), DoubleColumn.create("loss", 2, 1));
        java.util.Map<String, java.util.function.Supplier<String>> bundle =
                MimeBundles.of(LinePlot.create("loss", curve, "step", "loss"));
        String svg = bundle.get(MimeBundles.SVG).get();
        assertTrue(svg.startsWith("<svg") && svg.contains("<polyline"), svg);
        String html = bundle.get(MimeBundles.HTML).get().replace(PlotlyJs.scriptElement(), "");
        String withoutScripts = html.replaceAll("(?s)<script.*?</script>", "");
        String image = "<img alt=\"loss (static image)\" src=\"data:image/svg+xml;base64,"
                + java.util.Base64.getEncoder().encodeToString(svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "\">";
        assertTrue(withoutScripts.contains(image), "the image stands where the plot is when scripts are stripped");
        assertFalse(withoutScripts.contains("<svg"), "as an image: sanitizers drop inline SVG but keep its text");
        int hide = html.indexOf("style.display = 'none'");
        assertTrue(hide > 0 && hide < html.indexOf("draw();"), "hidden only once plotly.js is there to draw");
    }
}
