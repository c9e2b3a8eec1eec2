package rnnkit.kernel.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.ejml.data.DMatrixRMaj;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

/** The kernel shows the library's renderings (rnnkit.ui.render.MimeBundlesTest tests what they look like). */
class RenderersTest {

    private static Renderer renderer;

    @BeforeAll
    static void register() {
        renderer = new Renderer();
        Renderers.registerAll(renderer);
    }

    @Test
    void matricesAndTablesComeAsHtmlWithATextTwin() {
        for (Object value : new Object[]{new DMatrixRMaj(new double[][]{{1, 2.5}}), new SimpleMatrix(new double[][]{{7}}),
                Table.create("t", DoubleColumn.create("x", 1.5))}) {
            DisplayData d = renderer.render(value);
            assertTrue(((String) d.getData(MIMEType.TEXT_HTML)).contains("<table"), value.getClass().getName());
            assertTrue(d.getData(MIMEType.TEXT_PLAIN) != null, value.getClass().getName());
        }
    }

    @Test
    void figuresComeAsAnInteractivePlotWithAStaticImage() {
        Table curve = Table.create("c", DoubleColumn.create("step", 1, 2), DoubleColumn.create("loss", 2, 1));
        DisplayData d = renderer.render(tech.tablesaw.plotly.api.LinePlot.create("loss", curve, "step", "loss"));
        assertTrue(((String) d.getData(MIMEType.TEXT_HTML)).contains("Plotly.newPlot"));
        assertTrue(((String) d.getData(MIMEType.IMAGE_SVG)).startsWith("<svg"), "the static image is in the bundle");
        assertEquals("Figure 'loss' [scatter]", d.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void otherObjectsFallBackToText() {
        DisplayData d = renderer.render(java.util.List.of(1, 2));
        assertEquals("[1, 2]", d.getData(MIMEType.TEXT_PLAIN));
    }
}
