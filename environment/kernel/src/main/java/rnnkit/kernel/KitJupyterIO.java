package rnnkit.kernel;

import java.nio.charset.Charset;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.JupyterIO;

/**
 * JJava's notebook streams, with the two steps {@link JavaKernel#handleExecuteRequest} takes around a cell made
 * reachable: {@link JupyterIO}'s own methods for them are protected. {@link JavaKernel}'s builder returns this class
 * from {@code buildJupyterIO}.
 */
final class KitJupyterIO extends JupyterIO {

    KitJupyterIO(Charset encoding) {
        super(encoding);
    }

    /** Routes {@code System.out}, {@code System.err}, {@code System.in} and displays to this request. */
    void attach(ShellReplyEnvironment env, boolean stdinAllowed) {
        setEnv(env);
        setJupyterInEnabled(stdinAllowed);
    }

    /** Ends that routing when the request is answered. */
    void detach(ShellReplyEnvironment env) {
        retractEnv(env);
    }
}
