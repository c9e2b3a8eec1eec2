package org.dflib.jjava.jupyter.kernel;

import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;

/**
 * Lets the rnnkit kernel, which replaces {@link BaseKernel}'s execute handler to report errors with their real
 * names and cell lines, attach the notebook's streams the way that handler does. {@link JupyterIO}'s methods for
 * this are protected, hence this one class in JJava's package.
 */
public final class KitIO {

    private KitIO() {
    }

    /** Routes {@code System.out}, {@code System.err}, {@code System.in} and displays to this request. */
    public static void attach(JupyterIO io, ShellReplyEnvironment env, boolean stdinAllowed) {
        io.setEnv(env);
        io.setJupyterInEnabled(stdinAllowed);
    }

    /** Ends that routing when the request is answered. */
    public static void detach(JupyterIO io, ShellReplyEnvironment env) {
        io.retractEnv(env);
    }
}
