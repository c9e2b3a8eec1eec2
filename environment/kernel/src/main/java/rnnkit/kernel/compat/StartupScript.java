package rnnkit.kernel.compat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Java code that gives IJava 1.3 and JJava 1.0 the kit's rich output: the kit's renderings registered with their
 * renderer, and a {@link rnnkit.ui.RichDisplay} for progress bars. Both kernels descend from the same Jupyter base
 * (its packages renamed in JJava), so one template serves both. IJava runs it as a start-up script
 * ({@code IJAVA_STARTUP_SCRIPTS_PATH}); JJava through {@link JJavaExtension}.
 */
public final class StartupScript {

    /** Per kernel: its Jupyter base package and how user code reaches the running kernel. */
    private static final Map<String, String[]> KERNELS = Map.of(
            "ijava", new String[]{"IJava", "io.github.spencerpark.jupyter.kernel",
                    "io.github.spencerpark.ijava.IJava.getKernelInstance()"},
            "jjava", new String[]{"JJava", "org.dflib.jjava.jupyter.kernel",
                    "org.dflib.jjava.jupyter.kernel.BaseKernel.notebookKernel()"});

    private StartupScript() {
    }

    /** The script for {@code kernel}, "ijava" or "jjava". */
    public static String forKernel(String kernel) {
        String[] k = KERNELS.get(kernel);
        if (k == null) {
            throw new IllegalArgumentException("no start-up script for kernel '" + kernel + "'; there are: " + KERNELS.keySet());
        }
        try (InputStream in = StartupScript.class.getResourceAsStream("startup.jshell")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@NAME@", k[0]).replace("@name@", kernel).replace("@JUPYTER@", k[1]).replace("@KERNEL@", k[2]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code StartupScript ijava|jjava FILE}: writes the script, for a kernelspec's environment to point at. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: StartupScript ijava|jjava FILE");
            System.exit(2);
        }
        Path file = Path.of(args[1]);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, forKernel(args[0]), StandardCharsets.UTF_8);
    }
}
