package rnnkit.kernel.display;

import org.dflib.jjava.jupyter.kernel.display.Renderer;

/** Registers the kit's renderers; images ({@code BufferedImage} as PNG) come with the Jupyter base already. */
public final class Renderers {

    private Renderers() {
    }

    public static void registerAll(Renderer renderer) {
        MatrixRenderer.register(renderer);
        TableRenderer.register(renderer);
        FigureRenderer.register(renderer);
    }
}
