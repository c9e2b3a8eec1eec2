package rnnkit.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the kit's folders (above all {@code datasets/}) wherever the code runs: in a notebook under
 * {@code notebooks/} or {@code solutions/notebooks/}, in a unit test, or in the grader.
 *
 * <p>The kit's root is, in this order: the system property {@code rnnkit.home} (the kernelspec sets it), the
 * environment variable {@code RNNKIT_HOME}, or the nearest folder at or above the working directory that holds
 * both {@code datasets/} and {@code lib/}.
 */
public final class KitPaths {

    private KitPaths() {
    }

    /** The kit's root folder. */
    public static Path home() {
        String configured = System.getProperty("rnnkit.home");
        String source = "system property rnnkit.home";
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("RNNKIT_HOME");
            source = "environment variable RNNKIT_HOME";
        }
        if (configured != null && !configured.isBlank()) {
            Path home = Path.of(configured).toAbsolutePath().normalize();
            if (!Files.isDirectory(home.resolve("datasets"))) {
                throw new IllegalStateException("The " + source + " points at " + home
                        + ", which has no datasets/ folder; point it at the root of the RNN course kit.");
            }
            return home;
        }
        Path start = Path.of("").toAbsolutePath().normalize();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("datasets")) && Files.isDirectory(p.resolve("lib"))) {
                return p;
            }
        }
        throw new IllegalStateException("Cannot find the RNN course kit from " + start
                + ": set the system property rnnkit.home or the environment variable RNNKIT_HOME to the kit's root"
                + " folder (the one holding datasets/ and lib/).");
    }

    /** A file or folder under {@code datasets/}, which must exist; e.g. {@code dataset("sentiment-labelled-sentences/yelp_labelled.txt")}. */
    public static Path dataset(String relative) {
        Path path = home().resolve("datasets").resolve(relative).normalize();
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("No dataset file " + path + " (asked for '" + relative
                    + "'); the shipped datasets are listed in datasets/README.md.");
        }
        return path;
    }
}
