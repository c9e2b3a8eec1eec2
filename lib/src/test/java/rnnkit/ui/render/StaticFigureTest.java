package rnnkit.ui.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import rnnkit.plot.Plots;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.api.BoxPlot;
import tech.tablesaw.plotly.api.Histogram;
import tech.tablesaw.plotly.components.Figure;

class StaticFigureTest {

    /** The SVG parsed as XML: a malformed image fails here. */
    private static Document svg(Figure f) throws Exception {
        String svg = StaticFigure.svg(f, "t");
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> texts(Document d) {
        List<String> out = new ArrayList<>();
        NodeList n = d.getElementsByTagName("text");
        for (int i = 0; i < n.getLength(); i++) {
            out.add(n.item(i).getTextContent());
        }
        return out;
    }

    private static List<Element> elements(Document d, String tag) {
        List<Element> out = new ArrayList<>();
        NodeList n = d.getElementsByTagName(tag);
        for (int i = 0; i < n.getLength(); i++) {
            out.add((Element) n.item(i));
        }
        return out;
    }

    /** The plotted rectangles: those with a fill that is not the white background. */
    private static List<Element> filledRects(Document d) {
        List<Element> out = new ArrayList<>();
        for (Element r : elements(d, "rect")) {
            String fill = r.getAttribute("fill");
            if (!fill.isEmpty() && !fill.equals("#fff") && !fill.startsWith("url(")) {
                out.add(r);
            }
        }
        return out;
    }

    private static double[][] points(Element polyline) {
        String[] pairs = polyline.getAttribute("points").trim().split(" ");
        double[][] p = new double[pairs.length][];
        for (int i = 0; i < pairs.length; i++) {
            String[] xy = pairs[i].split(",");
            p[i] = new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])};
        }
        return p;
    }

    @Test
    void linesHaveOnePolylinePerSeriesWithTitlesTicksAndALegend() throws Exception {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("rising", new double[] {1, 2, 3, 4});
        series.put("falling", new double[] {4, 3, 2, 1});
        Document d = svg(Plots.lines("two curves", "step", "value", new double[] {0, 1, 2, 3}, series, false));
        List<Element> lines = elements(d, "polyline");
        assertEquals(2, lines.size());
        double[][] rising = points(lines.get(0));
        double[][] falling = points(lines.get(1));
        assertEquals(4, rising.length);
        assertTrue(rising[3][0] > rising[0][0] && rising[3][1] < rising[0][1], "rising goes up (SVG y points down)");
        assertTrue(falling[3][1] > falling[0][1], "falling goes down");
        assertEquals(rising[0][1], falling[3][1], 0.11, "the same value at the same height");
        List<String> texts = texts(d);
        for (String s : List.of("two curves", "step", "value", "rising", "falling")) {
            assertTrue(texts.contains(s), s + " in " + texts);
        }
        assertTrue(texts.contains("2") && texts.contains("3"), "tick labels: " + texts);
        assertEquals(PlotsSize.WIDTH, Double.parseDouble(d.getDocumentElement().getAttribute("width")), 0);
    }

    /** Plots' width, read back from the layout plotly receives. */
    private static final class PlotsSize {
        static final double WIDTH = ((Number) ((Map<?, ?>) JsLiteral.variable(Plots.bars("b", "y", List.of("a"),
                new double[] {1}).asJavascript("x"), "layout")).get("width")).doubleValue();
    }

    @Test
    void aLogAxisHasATickPerDecadeAndSkipsNonPositiveValues() throws Exception {
        Document d = svg(Plots.lines("errors", "h", "error", new double[] {1e-6, 1e-4, 1e-2, 1},
                Map.of("e", new double[] {1e-8, 1e-5, 0, 1e-1}), true, true));
        List<String> texts = texts(d);
        for (String tick : List.of("1e-6", "1e-4", "0.01", "1", "1e-8", "0.1")) {
            assertTrue(texts.contains(tick), tick + " in " + texts);
        }
        assertEquals(2, elements(d, "polyline").size(), "the zero breaks the curve into two pieces");
        assertEquals(3, elements(d, "circle").size(), "a marker for each positive value");
    }

    @Test
    void barsAreAsHighAsTheirValues() throws Exception {
        Document d = svg(Plots.bars("per tag", "accuracy", List.of("NOUN", "VERB", "ADJ"), new double[] {0.2, 0.8, 0.4}));
        List<Element> bars = filledRects(d);
        assertEquals(3, bars.size());
        double[] h = bars.stream().mapToDouble(r -> Double.parseDouble(r.getAttribute("height"))).toArray();
        assertEquals(4.0, h[1] / h[0], 0.05);
        assertEquals(2.0, h[2] / h[0], 0.05);
        assertTrue(texts(d).containsAll(List.of("NOUN", "VERB", "ADJ")), "category labels");
    }

    @Test
    void aHeatmapHasACellPerEntryColouredByValueAndAColourBar() throws Exception {
        DMatrixRMaj m = new DMatrixRMaj(new double[][] {{0, 1, 2}, {3, 4, 5}});
        Document d = svg(Plots.heatmap("confusion", m, List.of("a", "b"), List.of("x", "y", "z")));
        List<Element> cells = filledRects(d);
        assertEquals(6, cells.size());
        assertEquals(6, cells.stream().map(c -> c.getAttribute("fill")).distinct().count(), "six values, six colours");
        assertEquals(1, elements(d, "linearGradient").size(), "a colour bar");
        assertTrue(texts(d).containsAll(List.of("a", "b", "x", "y", "z")));
    }

    @Test
    void boxPlotsAndHistogramsAreDrawn() throws Exception {
        Table t = Table.create("t", StringColumn.create("site", "a", "a", "a", "a", "b", "b", "b"),
                DoubleColumn.create("words", 1, 2, 3, 40, 5, 6, 7));
        Document box = svg(BoxPlot.create("by site", t, "site", "words"));
        assertEquals(2, filledRects(box).size(), "a box per site");
        assertEquals(1, elements(box, "circle").size(), "40 is an outlier of site a");
        Document hist = svg(Histogram.create("words", t, "words"));
        double counted = filledRects(hist).stream().filter(r -> Double.parseDouble(r.getAttribute("height")) > 0).count();
        assertTrue(counted >= 2, "several bins");
    }

    @Test
    void textIsShownAsWrittenAndEscapedOnce() throws Exception {
        Document d = svg(Plots.lines("a < b & 'c'", "x", "y", new double[] {0, 1}, Map.of("s", new double[] {0, 1}), false));
        assertTrue(texts(d).contains("a < b & 'c'"), texts(d).toString());
    }

    @Test
    void theLiteralReaderTakesTablesawsSyntaxAndNamesWhereItFails() {
        Object v = JsLiteral.parse("{x: [\"1.0\", 2,], 'name': 'a\\'b', z: [[1,],], ok: true, n: null,}");
        assertEquals("{x=[1.0, 2.0], name=a'b, z=[[1.0]], ok=true, n=null}", v.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsLiteral.parse("{x: [1 2]}"));
        assertTrue(e.getMessage().contains("expected ',' or ']' at character 7"), e.getMessage());
    }

    @Test
    void aLongCurveKeepsItsExtremesInEachPixelColumn() {
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < 1000; i++) { // 100 points in each of 10 columns, zig-zagging
            points.add(new double[] {i / 100.0, i % 7 == 3 ? -5 - i : i % 2});
        }
        List<double[]> kept = StaticFigure.perColumn(points);
        assertTrue(kept.size() <= 40, kept.size() + " points");
        for (int column = 0; column < 10; column++) {
            final int c = column;
            double lowest = points.stream().filter(p -> (int) Math.floor(p[0]) == c).mapToDouble(p -> p[1]).min().orElseThrow();
            assertTrue(kept.stream().anyMatch(p -> (int) Math.floor(p[0]) == c && p[1] == lowest), "column " + c);
        }
        assertEquals(points.get(999)[1], kept.get(kept.size() - 1)[1], "the last point stays");
    }

    @Test
    void tickLabelsAreShort() {
        assertEquals("0.25", StaticFigure.number(0.25));
        assertEquals("1e-5", StaticFigure.number(1e-5));
        assertEquals("2.5e+6".replace("+", ""), StaticFigure.number(2.5e6));
        assertEquals("-3", StaticFigure.number(-3.0));
        assertFalse(StaticFigure.number(1.0 / 3).length() > 6);
    }
}
