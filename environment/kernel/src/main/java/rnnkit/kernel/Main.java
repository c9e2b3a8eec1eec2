package rnnkit.kernel;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/**
 * Starts the kernel: {@code java -cp <kernel jars> rnnkit.kernel.Main <connection file>}, as the kernelspec that
 * {@code ./build.sh} installs does.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -cp <kernel jars> rnnkit.kernel.Main <Jupyter connection file>");
            System.exit(2);
        }
        Logger.getLogger("").setLevel(Level.WARNING); // JJava and JeroMQ log every socket at INFO
        String connection = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);

        JavaKernel kernel = JavaKernel.create(System.getProperty("java.class.path"));
        JupyterConnection jupyter = new KernelConnection(KernelConnectionProperties.parse(connection));
        kernel.becomeHandlerForConnection(jupyter);
        kernel.onStartup();
        jupyter.connect();
        exitWithParent();
        jupyter.waitUntilClose();
        System.exit(0); // threads a cell started must not keep an orphaned kernel alive
    }

    /** Jupyter names its own process in JPY_PARENT_PID; if that dies without shutting us down, go too. */
    private static void exitWithParent() {
        String pid = System.getenv("JPY_PARENT_PID");
        if (pid == null || !pid.matches("\\d+")) {
            return;
        }
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(0)));
    }
}
