package rnnkit.grader;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import rnnkit.grader.runner.ExerciseRunner;
import rnnkit.grader.testkit.GradedNotebook;

/**
 * Grades submissions against the solution notebooks and hidden tests of a kit.
 *
 * <p>Once, at start: every solution notebook's exercises are turned into reference classes, the hidden tests in
 * {@code solutions/tests/} are compiled against them, and everything the student's code may see (the library
 * and the tests, never the solutions) is copied into a folder outside the kit.
 *
 * <p>Then, per submission and exercise: the student's cell becomes a class, compiled against the library and the
 * reference solutions of the exercises before it (so that a mistake in one exercise does not cost the next), and
 * that exercise's hidden tests run in a fresh JVM of their own, in a scratch folder, with a memory cap, a time
 * limit, a cap on what it prints, and an empty environment. An infinite loop, System.exit, running out of memory
 * or a thread bomb costs only the exercise it happens in. The submission file is only ever read.
 */
public final class Grader implements AutoCloseable {

    /** Limits for student code. */
    public record Limits(Duration exercise, Duration submission, int outputBytes, int heapMegabytes) {
        public static Limits defaults() {
            return new Limits(Duration.ofSeconds(10), Duration.ofMinutes(10), 64 * 1024, 256);
        }
    }

    private final Path root;
    private final Path runtime;
    private final Path tests;
    private final Path testsJar;
    private final Limits limits;
    private final Sources sources = new Sources();
    private final Map<String, Assignment> assignments = new LinkedHashMap<>();
    private final Map<String, String> testClasses = new HashMap<>();
    private final List<Path> compileClasspath;
    private final String javaExecutable;
    private final String runAs;
    private final Path classArchive;

    /**
     * Prepares grading for the kit at {@code kit}: its {@code solutions/notebooks/*.ipynb} and
     * {@code solutions/tests/*.java}. Authoring errors (a reference solution or a hidden test that does not
     * compile) stop here, with javac's message.
     */
    public Grader(Path kit, Limits limits) throws IOException {
        this(kit, limits, null);
    }

    /**
     * As {@link #Grader(Path, Limits)}, running each exercise's JVM as the (unprivileged) user {@code runAs}
     * (null: as ourselves). Needs root; then student code cannot read what that user may not, such as a kit
     * folder readable by root only.
     */
    public Grader(Path kit, Limits limits, String runAs) throws IOException {
        this.limits = limits;
        this.runAs = runAs;
        this.root = Files.createTempDirectory("rnnkit-grading-");
        this.runtime = Files.createDirectories(root.resolve("runtime"));
        this.tests = Files.createDirectories(root.resolve("tests"));
        this.testsJar = root.resolve("tests.jar");
        this.javaExecutable = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The student's JVM gets copies of the library, JUnit and the test kit: nothing on its class path points
        // back into the kit, where the solutions are.
        List<Path> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isRegularFile(p)) {
                Path copy = runtime.resolve(p.getFileName().toString());
                Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
                jars.add(copy);
            } else if (Files.isDirectory(p)) {
                // a folder of classes (when run from a build): jarred, since class-data sharing takes jars only
                Path jar = runtime.resolve("classes-" + jars.size() + ".jar");
                jar(p, jar);
                jars.add(jar);
            }
        }
        this.compileClasspath = jars;
        if (runAs != null) {
            Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        try (Stream<Path> files = Files.list(kit.resolve("solutions/notebooks"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".ipynb")).sorted().collect(Collectors.toList())) {
                Assignment a = Assignment.load(p);
                assignments.put(a.name(), a);
            }
        }
        Path reference = Files.createDirectories(root.resolve("reference"));
        List<Sources.Generated> all = new ArrayList<>();
        for (Assignment a : assignments.values()) {
            for (Assignment.Exercise x : a.exercises()) {
                all.add(sources.context(a, x));
                all.add(sources.exercise(a, x, x.solution()));
            }
        }
        List<Javac.Problem> problems = Javac.compile(all, compileClasspath, reference);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the reference solutions do not compile: " + problems);
        }
        List<Path> testSources;
        try (Stream<Path> files = Files.list(kit.resolve("solutions/tests"))) {
            testSources = files.filter(f -> f.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
        List<Path> testClasspath = new ArrayList<>(compileClasspath);
        testClasspath.add(reference);
        problems = Javac.compileFiles(testSources, testClasspath, tests);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the hidden tests do not compile: " + problems);
        }
        jar(tests, testsJar);
        findTestClasses(reference);
        this.classArchive = archiveRunnerClasses();
        Runtime.getRuntime().addShutdownHook(new Thread(this::close)); // also when the grader is stopped
        for (Assignment a : assignments.values()) {
            if (!a.exercises().isEmpty() && !testClasses.containsKey(a.name())) {
                throw new IllegalStateException("no hidden test class has @GradedNotebook(\"" + a.name() + "\")");
            }
            for (Assignment.Exercise x : a.exercises()) {
                Path dir = Files.createDirectories(root.resolve("context").resolve(a.name()).resolve(x.id()));
                String ctx = Sources.contextClass(x.id());
                try (Stream<Path> classes = Files.list(reference.resolve(Sources.PACKAGE))) {
                    Files.createDirectories(dir.resolve(Sources.PACKAGE));
                    for (Path c : classes.filter(c -> c.getFileName().toString().equals(ctx + ".class")
                            || c.getFileName().toString().startsWith(ctx + "$")).collect(Collectors.toList())) {
                        Files.copy(c, dir.resolve(Sources.PACKAGE).resolve(c.getFileName()));
                    }
                }
            }
        }
    }

    private void findTestClasses(Path reference) throws IOException {
        List<URL> urls = new ArrayList<>();
        urls.add(tests.toUri().toURL());
        urls.add(reference.toUri().toURL());
        for (Path p : compileClasspath) {
            urls.add(p.toUri().toURL());
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), null);
             Stream<Path> files = Files.walk(tests)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".class") && !f.toString().contains("$")).collect(Collectors.toList())) {
                String name = tests.relativize(f).toString().replace(java.io.File.separatorChar, '.').replaceFirst("\\.class$", "");
                Class<?> c = Class.forName(name, false, loader);
                for (java.lang.annotation.Annotation an : c.getAnnotations()) {
                    if (an.annotationType().getName().equals(GradedNotebook.class.getName())) {
                        String notebook = (String) an.annotationType().getMethod("value").invoke(an);
                        testClasses.put(notebook, name);
                    }
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot inspect the hidden tests: " + e, e);
        }
    }

    /**
     * A class-data-sharing archive of what every exercise JVM loads (JUnit, the library, the test kit), made by one
     * trial run: later JVMs map it instead of loading those classes one by one, which makes each start faster.
     * The archive is made from the class path's fixed part; each exercise's own folders are appended to it.
     * Null when it could not be made (the JVMs then simply start without it).
     */
    private Path archiveRunnerClasses() {
        if (testClasses.isEmpty()) {
            return null;
        }
        try {
            Path archive = root.resolve("runner.jsa");
            Map.Entry<String, String> any = testClasses.entrySet().iterator().next();
            String exercise = assignments.get(any.getKey()).exercises().get(0).id(); // its tests fail here, but load JUnit
            Path scratch = Files.createDirectories(root.resolve("archive-run"));
            List<String> command = new ArrayList<>(List.of(javaExecutable, "-XX:ArchiveClassesAtExit=" + archive,
                    "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
            command.addAll(runnerOptions());
            command.addAll(List.of("-cp", fixedClasspath(), ExerciseRunner.class.getName(), any.getValue(), exercise,
                    scratch.resolve("result.json").toString(), "1024"));
            Process p = new ProcessBuilder(command).directory(scratch.toFile()).redirectErrorStream(true)
                    .redirectOutput(scratch.resolve("log").toFile()).start();
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            return done && Files.exists(archive) ? archive : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    /** The JVM options of every exercise JVM. */
    private List<String> runnerOptions() {
        return List.of("-Xmx" + limits.heapMegabytes() + "m", "-Xss4m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData", "-Djava.awt.headless=true");
    }

    /** The part of an exercise JVM's class path that is the same for every exercise: library, JUnit, compiled tests. */
    private String fixedClasspath() {
        List<String> cp = new ArrayList<>();
        compileClasspath.forEach(p -> cp.add(p.toString()));
        cp.add(testsJar.toString());
        return String.join(java.io.File.pathSeparator, cp);
    }

    public Map<String, Assignment> assignments() {
        return assignments;
    }

    /** Grades one submission; never throws for anything wrong with the submission itself. */
    public Results.Submission grade(Path file, String student) {
        long start = System.nanoTime();
        Notebook nb;
        try {
            nb = Notebook.read(file);
        } catch (NotebookException e) {
            return new Results.Submission(student, file.toString(), "?", 0, 0, List.of(), List.of(), e.getMessage(), seconds(start));
        }
        Assignment a = identify(nb, file);
        if (a == null) {
            return new Results.Submission(student, file.toString(), "?", 0, 0, List.of(), List.of(),
                    file + ": cannot tell which notebook of the course this is (no rnnkit metadata, no known file name,"
                            + " no known exercise ids)", seconds(start));
        }
        List<String> notes = new ArrayList<>();
        Map<String, List<Notebook.Cell>> byId = new HashMap<>();
        for (Notebook.Cell c : nb.cells()) {
            if (c.gradeId() != null) {
                byId.computeIfAbsent(c.gradeId(), k -> new ArrayList<>()).add(c);
            }
        }
        for (Assignment.Locked l : a.locked()) {
            List<Notebook.Cell> found = byId.getOrDefault(l.id(), List.of());
            if (found.isEmpty()) {
                notes.add("read-only cell '" + l.id() + "' is missing (it was deleted); graded with the original");
            } else if (!found.get(0).type().equals(l.type()) || !Assignment.checksum(found.get(0).type(), found.get(0).source()).equals(l.checksum())) {
                notes.add("read-only cell '" + l.id() + "' was changed; graded with the original");
            }
        }
        List<Results.Exercise> results = new ArrayList<>();
        for (Assignment.Exercise x : a.exercises()) {
            List<Notebook.Cell> cells = byId.getOrDefault(x.id(), List.of());
            if (cells.size() > 1) {
                notes.add("exercise '" + x.id() + "' appears " + cells.size() + " times; each copy was graded and the best counts");
            }
            if (Duration.ofNanos(System.nanoTime() - start).compareTo(limits.submission()) > 0) {
                results.add(new Results.Exercise(x.id(), x.points(), 0, Results.Status.NOT_GRADED,
                        "not graded: the submission's time limit of " + limits.submission().toSeconds() + " s ran out", List.of(), ""));
                continue;
            }
            Results.Exercise best = null;
            if (cells.isEmpty()) {
                best = new Results.Exercise(x.id(), x.points(), 0, Results.Status.MISSING,
                        "exercise '" + x.id() + "' is missing: its cell was deleted or its nbgrader metadata removed", List.of(), "");
            }
            for (Notebook.Cell c : cells) {
                Results.Exercise r = c.isCode() ? gradeExercise(a, x, c.source())
                        : new Results.Exercise(x.id(), x.points(), 0, Results.Status.MISSING,
                        "exercise '" + x.id() + "' is no longer a code cell (it is " + c.type() + ")", List.of(), "");
                if (best == null || r.score() > best.score()) {
                    best = r;
                }
            }
            results.add(best);
        }
        double score = results.stream().mapToDouble(Results.Exercise::score).sum();
        return new Results.Submission(student, file.toString(), a.name(), round(score), a.maxScore(), results, notes, null, seconds(start));
    }

    private Assignment identify(Notebook nb, Path file) {
        var meta = nb.metadata().getAsJsonObject("rnnkit");
        if (meta != null && meta.has("notebook") && assignments.containsKey(meta.get("notebook").getAsString())) {
            return assignments.get(meta.get("notebook").getAsString());
        }
        String name = file.getFileName().toString();
        for (Assignment a : assignments.values()) {
            if (name.contains(a.name())) {
                return a;
            }
        }
        Assignment best = null;
        long bestOverlap = 0;
        for (Assignment a : assignments.values()) {
            long overlap = nb.cells().stream().map(Notebook.Cell::gradeId)
                    .filter(id -> id != null && a.exercises().stream().anyMatch(x -> x.id().equals(id))).count();
            if (overlap > bestOverlap) {
                best = a;
                bestOverlap = overlap;
            }
        }
        return best;
    }

    /** Compiles one exercise's code and runs its hidden tests in a fresh JVM. */
    Results.Exercise gradeExercise(Assignment a, Assignment.Exercise x, String code) {
        Path work = null;
        try {
            work = Files.createTempDirectory(root, "exercise-");
            Path classes = Files.createDirectories(work.resolve("classes"));
            Path scratch = Files.createDirectories(work.resolve("scratch"));
            Path out = Files.createDirectories(work.resolve("out"));
            if (runAs != null) {
                Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
                var user = work.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(runAs);
                Files.setOwner(scratch, user);
                Files.setOwner(out, user);
            }
            Path context = root.resolve("context").resolve(a.name()).resolve(x.id());
            List<Path> cp = new ArrayList<>(compileClasspath);
            cp.add(context);
            List<Javac.Problem> problems = Javac.compile(List.of(sources.exercise(a, x, code)), cp, classes);
            if (!problems.isEmpty()) {
                String text = problems.stream().limit(5)
                        .map(p -> "line " + Math.max(1, p.line() - 1) + ": " + p.message().replace("\n", " "))
                        .collect(Collectors.joining("\n"));
                return new Results.Exercise(x.id(), x.points(), 0, Results.Status.COMPILE_ERROR,
                        "your code for '" + x.id() + "' does not compile:\n" + text, List.of(), "");
            }
            List<String> offLimits = OffLimits.violations(classes, x.offLimits(), 1);
            if (!offLimits.isEmpty()) {
                return new Results.Exercise(x.id(), x.points(), 0, Results.Status.NOT_ALLOWED,
                        "'" + x.id() + "' asks you to write this yourself, but your code uses library code this exercise"
                                + " leaves to you, so it earns no points:\n" + offLimits.stream().limit(5).map(v -> "- " + v)
                                .collect(Collectors.joining("\n")), List.of(), "");
            }
            return run(a, x, classes, context, scratch, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (work != null) {
                deleteTree(work);
            }
        }
    }

    private Results.Exercise run(Assignment a, Assignment.Exercise x, Path classes, Path context, Path scratch, Path work)
            throws IOException {
        Path result = work.resolve("result.json");
        List<String> command = new ArrayList<>();
        if (runAs != null) {
            command.addAll(List.of("runuser", "-u", runAs, "--"));
        }
        String cp = fixedClasspath() + java.io.File.pathSeparator + context + java.io.File.pathSeparator + classes;
        command.add(javaExecutable);
        if (classArchive != null) {
            command.addAll(List.of("-XX:SharedArchiveFile=" + classArchive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        }
        command.addAll(runnerOptions());
        command.addAll(List.of("-cp", cp, ExerciseRunner.class.getName(), testClasses.get(a.name()), x.id(),
                result.toString(), String.valueOf(limits.outputBytes())));
        Path log = work.resolveSibling("jvm.log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(scratch.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        String path = env.getOrDefault("PATH", "/usr/bin:/bin");
        env.clear(); // nothing about the kit's location reaches the student's code
        env.put("PATH", path);
        env.put("HOME", scratch.toString());
        env.put("LANG", "C.UTF-8");
        env.put("OPENBLAS_NUM_THREADS", "1"); // the library's products: one BLAS thread, as in the kernel
        Process p = pb.start();
        boolean finished;
        try {
            finished = p.waitFor(limits.exercise().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Results.Exercise(x.id(), x.points(), 0, Results.Status.TIMEOUT,
                    "stopped after the time limit of " + limits.exercise().toSeconds() + " s: an infinite loop, or far too much work?",
                    List.of(), "");
        }
        if (!Files.exists(result)) {
            String jvm = Files.exists(log) ? tail(Files.readString(log), 600) : "";
            String why = p.exitValue() == 0
                    ? "your code ended the test JVM (System.exit or Runtime.halt) before the tests finished"
                    : "the test JVM ended with exit code " + p.exitValue() + " before the tests finished"
                    + " (System.exit, Runtime.halt, or a crash)";
            return new Results.Exercise(x.id(), x.points(), 0, Results.Status.CRASHED, why + (jvm.isBlank() ? "" : ":\n" + jvm),
                    List.of(), "");
        }
        ExerciseRunner.Report report = new Gson().fromJson(Files.readString(result, StandardCharsets.UTF_8), ExerciseRunner.Report.class);
        double total = 0;
        double passed = 0;
        List<String> failures = new ArrayList<>();
        for (ExerciseRunner.TestResult t : report.tests()) {
            total += t.weight();
            if (t.passed()) {
                passed += t.weight();
            } else {
                failures.add("- " + t.name() + ": " + t.message());
            }
        }
        if (report.tests().isEmpty()) {
            throw new IllegalStateException("exercise '" + x.id() + "' of " + a.name() + " has no hidden tests");
        }
        double score = round(x.points() * passed / total);
        Results.Status status = passed == total ? Results.Status.PASSED : passed > 0 ? Results.Status.PARTIAL : Results.Status.FAILED;
        String feedback = failures.isEmpty() ? "all " + report.tests().size() + " tests passed"
                : (int) Math.round(passed) + " of " + (int) Math.round(total) + " test weight passed:\n" + String.join("\n", failures);
        String output = report.output() + (report.outputDropped() > 0 ? "\n[... " + report.outputDropped() + " more bytes of output dropped]" : "");
        return new Results.Exercise(x.id(), x.points(), score, status, feedback, report.tests(), output);
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    private static double seconds(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 1e7) / 100.0;
    }

    private static String tail(String s, int n) {
        return s.length() <= n ? s.strip() : "..." + s.substring(s.length() - n).strip();
    }

    /** A jar of every file under {@code dir}. */
    private static void jar(Path dir, Path jar) throws IOException {
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
                out.putNextEntry(new java.util.jar.JarEntry(dir.relativize(f).toString().replace(java.io.File.separatorChar, '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    // a file the exercise made unreadable; the temporary folder goes at exit anyway
                }
            });
        } catch (IOException e) {
            // as above
        }
    }

    @Override
    public void close() {
        deleteTree(root);
    }
}
