package rnnkit.ui;

import java.util.Map;
import java.util.Optional;

/**
 * Where rich output goes when code runs inside a Jupyter notebook.
 *
 * <p>The kit's kernel installs one when it starts; anywhere else (a console, a unit test, the grader) there is
 * none, and callers fall back to plain text. The library therefore never depends on the kernel: it only sees this
 * interface. Bundles map MIME types ({@code text/plain}, {@code text/html}, ...) to their content.
 */
public interface RichDisplay {

    /** Shows a bundle as a new output of the running cell and returns its display id. */
    String show(Map<String, String> mimeBundle);

    /** Replaces, in place, the output that {@link #show} returned {@code displayId} for. */
    void replace(String displayId, Map<String, String> mimeBundle);

    /** Whether a cell is running right now, so that output has somewhere to go. */
    boolean active();

    /** The notebook's display while a cell runs; empty outside a notebook. */
    static Optional<RichDisplay> current() {
        RichDisplay d = Installed.display;
        return d != null && d.active() ? Optional.of(d) : Optional.empty();
    }

    /** Called once by the kernel at start-up ({@code null} removes it again). */
    static void install(RichDisplay display) {
        Installed.display = display;
    }

    /** Holder for the installed display; interfaces cannot have mutable static fields of their own. */
    final class Installed {
        private static volatile RichDisplay display;

        private Installed() {
        }
    }
}
