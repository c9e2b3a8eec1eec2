package rnnkit.kernel.execution;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.stream.Stream;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs cells in the kernel's own JVM (so {@code display} and {@code System.out} reach Jupyter directly), each on
 * a fresh thread that an interrupt can stop.
 *
 * <p>Stopping escalates: first {@link Guard} makes instrumented cell code throw {@link CellInterrupted} at its next
 * loop iteration and every thread of the cell is interrupted (which ends {@code sleep} and blocking I/O); if the
 * cell is still running after a grace period, for instance inside a long library call, {@code Thread.stop} is
 * tried where the JDK still has it (up to 19); if even that fails, the cell's thread is abandoned to finish in the
 * background and the kernel answers again.
 *
 * <p>The value of the last expression is kept as an object, so the kernel can render it (a matrix as a table,
 * a figure as a plot) instead of using JShell's text form.
 */
public final class SnippetExecutionControl extends DirectExecutionControl {

    /** Marks "no value", as opposed to a value that is {@code null}. */
    public static final Object NO_VALUE = new Object();

    private static final long GRACE_MILLIS = 1500;

    private final SnippetLoaderDelegate loader;
    private volatile Thread cellThread;
    private volatile boolean stopRequested;
    private volatile boolean abandoned;
    private Object lastValue = NO_VALUE;

    private SnippetExecutionControl(SnippetLoaderDelegate loader) {
        super(loader);
        this.loader = loader;
    }

    /** A control whose cell classes see everything {@code parent} sees. */
    public static SnippetExecutionControl create(ClassLoader parent) {
        return new SnippetExecutionControl(new SnippetLoaderDelegate(parent));
    }

    /** Hands this control to JShell's builder. */
    public ExecutionControlProvider provider() {
        SnippetExecutionControl control = this;
        return new ExecutionControlProvider() {
            @Override
            public String name() {
                return "rnnkit";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return control;
            }
        };
    }

    /** The class loader of cell code, for context class loaders and reflection. */
    public ClassLoader cellClassLoader() {
        return loader.classLoader();
    }

    @Override
    public void load(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException, EngineTerminationException {
        super.load(Stream.of(cbcs)
                .map(cbc -> new ClassBytecodes(cbc.name(), Instrumenter.instrument(cbc.bytecodes())))
                .toArray(ClassBytecodes[]::new));
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        stopRequested = false;
        abandoned = false;
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(new Guard.CellThreads(), () -> {
            try {
                result[0] = doit.invoke(null);
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "notebook-cell");
        thread.setContextClassLoader(loader.classLoader());
        thread.setDaemon(true); // an abandoned cell must not keep the JVM alive at shutdown
        cellThread = thread;
        thread.start();
        try {
            while (thread.isAlive() && !abandoned) {
                thread.join(50);
            }
        } finally {
            cellThread = null;
        }
        if (stopRequested) {
            throw new StoppedException();
        }
        Throwable t = failure[0];
        if (t instanceof InvocationTargetException && t.getCause() instanceof CellInterrupted) {
            throw new StoppedException();
        }
        if (t instanceof Exception) {
            throw (Exception) t; // DirectExecutionControl turns InvocationTargetException into the user's exception
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        lastValue = result[0];
        return ""; // the kernel renders lastValue itself; JShell's toString() of a large matrix would be wasted
    }

    @Override
    public String varValue(String className, String varName) throws RunException, EngineTerminationException, InternalException {
        try {
            lastValue = findClass(className).getField(varName).get(null);
            return "";
        } catch (ReflectiveOperationException e) {
            return super.varValue(className, varName);
        }
    }

    /** The value of the last snippet run, or {@link #NO_VALUE}; reading it clears it. */
    public Object takeLastValue() {
        Object v = lastValue;
        lastValue = NO_VALUE;
        return v;
    }

    /** Whether the last snippet run was stopped by {@link #stop()}; reading it clears it. */
    public boolean takeStopped() {
        boolean stopped = stopRequested;
        stopRequested = false;
        return stopped;
    }

    /** Whether the stopped cell's thread would not end and still runs in the background. */
    public boolean wasAbandoned() {
        return abandoned;
    }

    /** Whether a cell is running right now. */
    public boolean running() {
        return cellThread != null;
    }

    /** Asks the running cell, if any, to stop; returns at once and escalates in the background. */
    @Override
    public void stop() {
        Thread thread = cellThread;
        if (thread == null) {
            return;
        }
        stopRequested = true;
        ThreadGroup group = thread.getThreadGroup();
        if (group instanceof Guard.CellThreads) {
            Guard.stop((Guard.CellThreads) group);
        }
        interruptAll(group);
        Thread escalation = new Thread(() -> escalate(thread), "notebook-cell-stopper");
        escalation.setDaemon(true);
        escalation.start();
    }

    @SuppressWarnings({"removal", "deprecation"})
    private void escalate(Thread thread) {
        if (joined(thread)) {
            return;
        }
        try {
            thread.stop();
        } catch (UnsupportedOperationException e) {
            // JDK 20+: Thread.stop is gone; only the instrumented checks and interrupts remain
        }
        if (!joined(thread)) {
            abandoned = true;
        }
    }

    private static boolean joined(Thread thread) {
        try {
            thread.join(GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    private static void interruptAll(ThreadGroup group) {
        if (group == null) {
            return;
        }
        Thread[] threads = new Thread[group.activeCount() + 8];
        int n = group.enumerate(threads);
        for (int i = 0; i < n; i++) {
            threads[i].interrupt();
        }
    }
}
