package rnnkit.kernel.display;

import org.dflib.jjava.jupyter.kernel.display.RenderContext;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.ejml.data.DMatrix;
import org.ejml.data.FMatrix;
import org.ejml.data.Matrix;
import org.ejml.simple.SimpleBase;

/**
 * Real EJML matrices ({@code DMatrixRMaj}, {@code FMatrixRMaj}, {@code SimpleMatrix}, ...) as HTML tables;
 * complex ones keep EJML's own text form.
 */
final class MatrixRenderer {

    private MatrixRenderer() {
    }

    static void register(Renderer renderer) {
        renderer.createRegistration(DMatrix.class)
                .preferring(MIMEType.TEXT_HTML)
                .register(MatrixRenderer::render);
        renderer.createRegistration(FMatrix.class)
                .preferring(MIMEType.TEXT_HTML)
                .register(MatrixRenderer::render);
        renderer.createRegistration(SimpleBase.class)
                .preferring(MIMEType.TEXT_HTML)
                .register((m, ctx) -> {
                    if (m.getMatrix() instanceof DMatrix || m.getMatrix() instanceof FMatrix) {
                        render(m.getMatrix(), ctx);
                    }
                });
    }

    static void render(Matrix m, RenderContext ctx) {
        Grid.Cells cells = cells(m);
        String caption = m.getClass().getSimpleName() + " " + m.getNumRows() + " \u00d7 " + m.getNumCols();
        ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> Grid.html(caption, m.getNumRows(), m.getNumCols(), null, cells, true));
        ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> Grid.text(caption, m.getNumRows(), m.getNumCols(), null, cells));
    }

    private static Grid.Cells cells(Matrix m) {
        if (m instanceof DMatrix) {
            DMatrix d = (DMatrix) m;
            return (r, c) -> Grid.number(d.get(r, c));
        }
        if (m instanceof FMatrix) {
            FMatrix f = (FMatrix) m;
            return (r, c) -> Grid.number(f.get(r, c));
        }
        throw new IllegalArgumentException("not a real matrix: " + m.getClass().getName());
    }
}
