package rnnkit.kernel.display;

import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import rnnkit.ui.render.MimeBundles;

/**
 * Registers the library's renderings ({@link MimeBundles}: matrices, tables, figures) with the kernel's renderer;
 * images ({@code BufferedImage} as PNG) come with the Jupyter base already. The start-up script for IJava and JJava
 * ({@code rnnkit/kernel/compat/startup.jshell}) registers the same renderings there.
 */
public final class Renderers {

    private Renderers() {
    }

    public static void registerAll(Renderer renderer) {
        MimeBundles.types().forEach(type -> register(renderer, type));
    }

    private static <T> void register(Renderer renderer, Class<T> type) {
        renderer.createRegistration(type)
                // a type is rendered only when requested: the SVG is a figure's static image (other bundles lack it)
                .preferring(MIMEType.TEXT_HTML, MIMEType.IMAGE_SVG)
                .register((value, ctx) -> MimeBundles.of(value)
                        .forEach((mime, content) -> ctx.renderIfRequested(MIMEType.parse(mime), () -> content.get())));
    }
}
