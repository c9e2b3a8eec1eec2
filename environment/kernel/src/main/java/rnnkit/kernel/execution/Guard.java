package rnnkit.kernel.execution;

/**
 * Called by notebook code after {@link Instrumenter} has rewritten it; not meant to be called by hand.
 *
 * <p>{@link #check()} runs at the start of every method and before every backward jump of cell code, so a
 * runaway loop notices an interrupt within microseconds on any JDK, without {@code Thread.stop}. The exit methods
 * stand in for {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt}, which would otherwise end the
 * kernel's own JVM and, with it, every variable of the session.
 */
public final class Guard {

    /** Set by the first interrupt of the session; until then {@link #check()} costs one volatile read. */
    private static volatile boolean stopsPending;

    private Guard() {
    }

    /** Throws {@link CellInterrupted} in a thread of a cell that the user has interrupted. */
    public static void check() {
        if (stopsPending) {
            ThreadGroup group = Thread.currentThread().getThreadGroup();
            if (group instanceof CellThreads && ((CellThreads) group).stopped) {
                throw new CellInterrupted();
            }
        }
    }

    /** Replaces {@code System.exit(status)}. */
    public static void exit(int status) {
        throw new ExitBlocked("System.exit", status);
    }

    /** Replaces {@code Runtime.getRuntime().exit(status)}. */
    public static void runtimeExit(Runtime runtime, int status) {
        throw new ExitBlocked("Runtime.exit", status);
    }

    /** Replaces {@code Runtime.getRuntime().halt(status)}. */
    public static void runtimeHalt(Runtime runtime, int status) {
        throw new ExitBlocked("Runtime.halt", status);
    }

    /** Makes every thread of this cell throw at its next check; other cells, later ones included, run on. */
    static void stop(CellThreads cell) {
        cell.stopped = true;
        stopsPending = true;
    }

    /** The threads of one cell run: a thread group that remembers whether it was told to stop. */
    static final class CellThreads extends ThreadGroup {
        volatile boolean stopped;

        CellThreads() {
            super("notebook-cell");
        }
    }
}
