package rnnkit.grader.runner;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import rnnkit.grader.testkit.Graded;
import rnnkit.ui.Check;

/**
 * The child JVM that runs one exercise's hidden tests against a student's compiled code. It never runs in the
 * grader's process: the grader starts it with a class path of the library, the tests, the exercise's reference
 * context and the student's classes only, in a scratch folder, with a memory cap, and kills it when it runs over
 * its time. Whatever the student's code prints is kept up to a cap; the results go to a JSON file.
 *
 * <pre>java ... rnnkit.grader.runner.ExerciseRunner TEST_CLASS GRADE_ID RESULT_FILE OUTPUT_CAP_BYTES</pre>
 */
public final class ExerciseRunner {

    /** One test's outcome, as the grader reads it back. */
    public record TestResult(String name, double weight, boolean passed, String message) {
    }

    /** Everything the runner reports. */
    public record Report(List<TestResult> tests, String output, long outputDropped) {
    }

    private ExerciseRunner() {
    }

    public static void main(String[] args) throws Exception {
        String testClass = args[0];
        String gradeId = args[1];
        Path resultFile = Path.of(args[2]);
        int cap = Integer.parseInt(args[3]);

        CappedOutput captured = new CappedOutput(cap);
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        Check.verbose(false);

        Class<?> tests = Class.forName(testClass);
        List<Method> methods = new ArrayList<>();
        for (Method m : tests.getDeclaredMethods()) {
            Graded g = m.getAnnotation(Graded.class);
            if (g != null && g.id().equals(gradeId)) {
                methods.add(m);
            }
        }
        Map<String, TestResult> results = new ConcurrentHashMap<>();
        Launcher launcher = LauncherFactory.create();
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        methods.forEach(m -> request.selectors(DiscoverySelectors.selectMethod(tests, m)));
        LauncherDiscoveryRequest built = request.build();
        launcher.execute(built, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest() || id.getSource().isEmpty() || !(id.getSource().get() instanceof MethodSource)) {
                    return;
                }
                MethodSource source = (MethodSource) id.getSource().get();
                double weight = 1;
                for (Method m : methods) {
                    if (m.getName().equals(source.getMethodName())) {
                        weight = m.getAnnotation(Graded.class).weight();
                    }
                }
                boolean passed = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
                String message = result.getThrowable().map(ExerciseRunner::describe).orElse("");
                results.put(source.getMethodName(), new TestResult(id.getDisplayName(), weight, passed, message));
            }
        });
        List<TestResult> ordered = new ArrayList<>();
        for (Method m : methods) {
            TestResult r = results.get(m.getName());
            ordered.add(r != null ? r : new TestResult(m.getName() + "()", m.getAnnotation(Graded.class).weight(), false,
                    "did not run"));
        }
        capture.flush();
        Gson gson = new GsonBuilder().disableHtmlEscaping().create();
        Path tmp = resultFile.resolveSibling(resultFile.getFileName() + ".tmp");
        Files.writeString(tmp, gson.toJson(new Report(ordered, captured.text(), captured.dropped())), StandardCharsets.UTF_8);
        Files.move(tmp, resultFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Runtime.getRuntime().halt(0); // threads the exercise left behind must not keep this JVM alive
    }

    /** A failure as a student should read it: our assertion messages as they are, other errors named. */
    static String describe(Throwable t) {
        if (t instanceof AssertionError && t.getMessage() != null && t.getMessage().startsWith("\u2717")) {
            return t.getMessage();
        }
        if (t instanceof NoSuchMethodError || t instanceof NoClassDefFoundError || t instanceof AbstractMethodError) {
            return "your code does not define what the exercise asks for (" + t.getMessage()
                    + "); keep the name and signature given in the exercise";
        }
        if (t instanceof OutOfMemoryError) {
            return "ran out of memory (" + t.getMessage() + "): the grader gives each exercise " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB";
        }
        if (t instanceof StackOverflowError) {
            return "stack overflow: a recursion that never ends?";
        }
        StackTraceElement where = null;
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("exercises.Ex_")) {
                where = e;
                break;
            }
        }
        String name = t.getClass().getName().replace("java.lang.", "");
        // Generated exercise classes keep the cell's line numbers one line down (the header is line 1).
        return name + (t.getMessage() == null ? "" : ": " + t.getMessage())
                + (where == null ? "" : " (in your " + where.getMethodName() + ", line " + (where.getLineNumber() - 1) + " of the cell)");
    }

    /** Keeps the first {@code cap} bytes written and counts the rest. */
    static final class CappedOutput extends OutputStream {
        private final byte[] buf;
        private int size;
        private long dropped;

        CappedOutput(int cap) {
            this.buf = new byte[cap];
        }

        @Override
        public synchronized void write(int b) {
            if (size < buf.length) {
                buf[size++] = (byte) b;
            } else {
                dropped++;
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int n = Math.min(len, buf.length - size);
            System.arraycopy(b, off, buf, size, n);
            size += n;
            dropped += len - n;
        }

        synchronized String text() {
            return new String(buf, 0, size, StandardCharsets.UTF_8);
        }

        synchronized long dropped() {
            return dropped;
        }
    }
}
