package rnnkit.grader.runner;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
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
 * The JVM that runs the hidden tests of one submission's exercises against the student's compiled code, one
 * exercise after the other, each in a class loader of its own (the tests, the reference context and the student's
 * classes). The grader starts it with the library, JUnit and this runner on its class path, in a scratch folder,
 * with a memory cap, as an unprivileged user where there is one, and kills it when an exercise runs over its time.
 *
 * <pre>java ... rnnkit.grader.runner.ExerciseRunner</pre>
 *
 * <p>Protocol, one line each: on standard input a secret token, the hidden tests' jar (base64), then one
 * {@link Request} (JSON) per exercise; on
 * standard output, per request, the token, a space and its {@link Report} (JSON). Before any student code runs,
 * {@code System.out}, {@code System.err} and {@code System.in} are replaced (what the student prints is captured,
 * capped, into the report), so the real output stream and the token are out of reach of code that may only compute,
 * which is all the grader lets through ({@code AllowList}). The grader trusts nothing else in the report: test
 * weights and names come from its own reading of the hidden tests, and a test it expects but does not find here
 * has failed.
 */
public final class ExerciseRunner {

    /**
     * One exercise to run: the test class, the exercise's grade id, the folders of the student's classes, the
     * reference context's classes (name to bytes in base64: no file the JVM can read holds them), and the output cap.
     */
    public record Request(String testClass, String gradeId, List<String> classpath, Map<String, String> context, int outputCap,
                          List<HelperLines> helpers) {
    }

    /**
     * A helper the grader added to the exercise's class (README, "Helpers"): its lines there, and its name, cell and
     * first line in the notebook.
     */
    public record HelperLines(int first, int last, String name, int cell, int line) {
        /** Where line {@code n} of the generated file is in the notebook: "line 4" of the cell, or a helper's. */
        public static String where(List<HelperLines> helpers, int n) {
            for (HelperLines h : helpers) {
                if (n >= h.first() && n <= h.last()) {
                    return "cell " + h.cell() + ", line " + (h.line() + n - h.first()) + " (your helper '" + h.name() + "')";
                }
            }
            return "line " + Math.max(1, n - HEADER_LINES);
        }
    }

    /** One test's outcome: the test method's name, whether it passed, and the failure as a student should read it. */
    public record TestResult(String method, boolean passed, String message) {
    }

    /** Everything the runner reports about one exercise. */
    public record Report(List<TestResult> tests, String output, long outputDropped) {
    }

    /**
     * Lines a generated exercise class has before the cell's first line: its imports and class declaration, all on
     * line 1, so that line n of the file is line n - 1 of the cell (the grader's {@code Sources} writes them).
     */
    public static final int HEADER_LINES = 1;

    private ExerciseRunner() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream reports = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String token = requests.readLine();
        Map<String, byte[]> tests = classes(Base64.getDecoder().decode(requests.readLine()));
        System.setIn(new ByteArrayInputStream(new byte[0]));
        Check.verbose(false);
        Launcher launcher = LauncherFactory.create();
        Locale locale = Locale.getDefault();
        TimeZone zone = TimeZone.getDefault();
        for (String line = requests.readLine(); line != null; line = requests.readLine()) {
            Request request = Wire.request(line);
            Locale.setDefault(locale); // what an earlier exercise may have changed, as computation may
            TimeZone.setDefault(zone);
            Report report = run(request, tests, launcher);
            reports.println(token + " " + Wire.report(report));
        }
        System.exit(0); // the grader closed our input; threads an exercise left behind must not keep this JVM alive
    }

    /** The class files of a jar, by class name. */
    static Map<String, byte[]> classes(byte[] jar) throws java.io.IOException {
        Map<String, byte[]> out = new HashMap<>();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                if (e.getName().endsWith(".class")) {
                    out.put(e.getName().replaceFirst("\\.class$", "").replace('/', '.'), in.readAllBytes());
                }
            }
        }
        return out;
    }

    /** An exercise's classes: the hidden tests and the reference context from memory, then the student's classes. */
    static final class ExerciseLoader extends URLClassLoader {
        private final Map<String, byte[]> tests;

        ExerciseLoader(URL[] urls, Map<String, byte[]> tests, Map<String, String> context) {
            super(urls, ExerciseRunner.class.getClassLoader());
            this.tests = new HashMap<>(tests);
            context.forEach((name, bytes) -> this.tests.put(name, Base64.getDecoder().decode(bytes)));
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b = tests.get(name);
            return b != null ? defineClass(name, b, 0, b.length) : super.findClass(name);
        }
    }

    /** Runs one exercise's tests with the student's output captured. */
    static Report run(Request request, Map<String, byte[]> testClasses, Launcher launcher) throws Exception {
        CappedOutput captured = new CappedOutput(request.outputCap());
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        List<URL> urls = new ArrayList<>();
        for (String entry : request.classpath()) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        Map<String, TestResult> results = new ConcurrentHashMap<>();
        List<Method> methods = new ArrayList<>();
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new ExerciseLoader(urls.toArray(URL[]::new), testClasses, request.context())) {
            Thread.currentThread().setContextClassLoader(loader);
            Class<?> tests = Class.forName(request.testClass(), false, loader);
            for (Method m : tests.getDeclaredMethods()) {
                Graded g = m.getAnnotation(Graded.class);
                if (g != null && g.id().equals(request.gradeId())) {
                    methods.add(m);
                }
            }
            LauncherDiscoveryRequestBuilder builder = LauncherDiscoveryRequestBuilder.request();
            methods.forEach(m -> builder.selectors(DiscoverySelectors.selectMethod(tests, m)));
            LauncherDiscoveryRequest built = builder.build();
            launcher.execute(built, new TestExecutionListener() {
                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    if (id.isTest() && id.getSource().isPresent() && id.getSource().get() instanceof MethodSource source) {
                        boolean passed = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
                        String message = result.getThrowable().map(t -> describe(t, request.helpers())).orElse("");
                        results.put(source.getMethodName(), new TestResult(source.getMethodName(), passed, message));
                    }
                }
            });
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
            capture.flush();
        }
        List<TestResult> ordered = new ArrayList<>();
        for (Method m : methods) {
            ordered.add(results.getOrDefault(m.getName(), new TestResult(m.getName(), false, "did not run")));
        }
        return new Report(ordered, captured.text(), captured.dropped());
    }

    /** A failure as a student should read it: our assertion messages as they are, other errors named. */
    static String describe(Throwable t, List<HelperLines> helpers) {
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
        return name + (t.getMessage() == null ? "" : ": " + t.getMessage())
                + (where == null ? "" : " (in your " + where.getMethodName() + ", " + HelperLines.where(helpers, where.getLineNumber())
                .replaceFirst("^line (\\d+)$", "line $1 of the cell") + ")");
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
