package rnnkit.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;
import rnnkit.grader.runner.ExerciseRunner;
import rnnkit.grader.testkit.GradedNotebook;

/**
 * Grades submissions against the solution notebooks and hidden tests of a kit.
 *
 * <p>Once, at start: every solution notebook's exercises are turned into reference classes, the hidden tests in
 * {@code solutions/tests/} are compiled against them, and the library the student's code runs with is copied into
 * a folder outside the kit.
 *
 * <p>Then, per notebook: its exercise cells (with the helpers they need, see {@link Sources}) become classes,
 * compiled in a {@link CompileWorker} against the library and the reference solutions of the exercises before each
 * (so that a mistake in one exercise does not cost the next); each exercise's classes are checked against the
 * {@link AllowList} (only computation) and its off-limits rules, and its hidden tests run in the student's test JVM
 * ({@link RunnerProcess}, one per {@link Session}), which gets the tests over its input and reports over its output
 * behind a secret token; scores come from the grader's own reading of the tests' weights. An infinite loop or
 * running out of memory costs only the exercise it happens in. The submission file is only ever read. README.md,
 * "Threat model", says what a submission can and cannot do.
 */
public final class Grader implements AutoCloseable {

    private static final String PACKAGE_PATH = Sources.PACKAGE + "/";

    /** One hidden test: its method, the name students see, and its weight. */
    record TestSpec(String method, String name, double weight) {
    }

    /** Limits for student code. */
    public record Limits(Duration exercise, Duration submission, int outputBytes, int heapMegabytes, Duration compile) {
        public Limits(Duration exercise, Duration submission, int outputBytes, int heapMegabytes) {
            this(exercise, submission, outputBytes, heapMegabytes, Duration.ofSeconds(30));
        }

        public static Limits defaults() {
            return new Limits(Duration.ofSeconds(10), Duration.ofMinutes(10), 64 * 1024, 256);
        }
    }

    private final Path root;
    private final Path runtime;
    private final Path tests;
    private final Path testsJar;
    private final String testsBase64;
    private final Map<String, Map<String, String>> contexts = new java.util.concurrent.ConcurrentHashMap<>();
    private final Limits limits;
    private final Sources sources = new Sources();
    private final Map<String, Assignment> assignments = new LinkedHashMap<>();
    private final Map<String, String> testClasses = new HashMap<>();
    /** Per notebook and exercise, its hidden tests as the grader itself read them: the only source of test weights. */
    private final Map<String, Map<String, List<TestSpec>>> testSpecs = new HashMap<>();
    private final List<Path> compileClasspath;
    private final String javaExecutable;
    private final String runAs;
    private final Path classArchive;
    private final List<String> compilerCommand;
    /** One compile worker per grading thread; all of them, to stop at the end. */
    private final ThreadLocal<CompilerProcess> compiler;
    private final List<CompilerProcess> compilers = java.util.Collections.synchronizedList(new ArrayList<>());

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
        this.compilerCommand = List.of(javaExecutable, "-Xss4m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"), CompileWorker.class.getName(), kit.toString());
        this.compiler = ThreadLocal.withInitial(() -> {
            CompilerProcess c = new CompilerProcess(compilerCommand, root.resolve("compiler.log"));
            compilers.add(c);
            return c;
        });
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
            Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
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
        this.testsBase64 = java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(testsJar));
        findTestClasses(reference);
        if (runAs != null) { // the test JVMs get the tests over their input; they need the contexts, never the solutions
            for (Path p : List.of(reference, tests, testsJar)) {
                Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwx------" : "rw-------"));
            }
        }
        this.classArchive = archiveRunnerClasses();
        Runtime.getRuntime().addShutdownHook(new Thread(this::close)); // also when the grader is stopped
        for (Assignment a : assignments.values()) {
            if (!a.exercises().isEmpty() && !testClasses.containsKey(a.name())) {
                throw new IllegalStateException("no hidden test class has @GradedNotebook(\"" + a.name() + "\")");
            }
            for (Assignment.Exercise x : a.exercises()) {
                if (testSpecs.getOrDefault(a.name(), Map.of()).getOrDefault(x.id(), List.of()).isEmpty()) {
                    throw new IllegalStateException("exercise '" + x.id() + "' of " + a.name() + " has no hidden tests (@Graded(id = \"" + x.id() + "\"))");
                }
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
        if (runAs != null && Files.isDirectory(root.resolve("context"))) { // they reach the test JVMs over their input
            Files.setPosixFilePermissions(root.resolve("context"), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
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
                        testSpecs.put(notebook, specs(c));
                    }
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot inspect the hidden tests: " + e, e);
        }
    }

    /** The @Graded test methods of a hidden test class, by exercise, in declaration order. */
    private static Map<String, List<TestSpec>> specs(Class<?> tests) throws ReflectiveOperationException {
        Map<String, List<TestSpec>> out = new LinkedHashMap<>();
        for (java.lang.reflect.Method m : tests.getDeclaredMethods()) {
            String id = null;
            double weight = 1;
            String name = m.getName() + "()";
            for (java.lang.annotation.Annotation an : m.getAnnotations()) {
                String type = an.annotationType().getName();
                if (type.equals(rnnkit.grader.testkit.Graded.class.getName())) {
                    id = (String) an.annotationType().getMethod("id").invoke(an);
                    weight = (Double) an.annotationType().getMethod("weight").invoke(an);
                } else if (type.equals("org.junit.jupiter.api.DisplayName")) {
                    name = (String) an.annotationType().getMethod("value").invoke(an);
                }
            }
            if (id != null) {
                if (!(weight > 0) || Double.isInfinite(weight)) {
                    throw new IllegalStateException(tests.getName() + "." + m.getName() + ": a test's weight must be positive, not " + weight);
                }
                out.computeIfAbsent(id, k -> new ArrayList<>()).add(new TestSpec(m.getName(), name, weight));
            }
        }
        return out;
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
        Path archive = root.resolve("runner.jsa");
        Map.Entry<String, String> any = testClasses.entrySet().iterator().next();
        Assignment.Exercise exercise = assignments.get(any.getKey()).exercises().get(0);
        try {
            Path scratch = Files.createDirectories(root.resolve("archive-run"));
            List<String> command = new ArrayList<>(List.of(javaExecutable, "-XX:ArchiveClassesAtExit=" + archive,
                    "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
            command.addAll(runnerOptions());
            command.addAll(List.of("-cp", fixedClasspath(), ExerciseRunner.class.getName()));
            try (RunnerProcess trial = new RunnerProcess(command, scratch, scratch.resolve("jvm.log"), testsBase64)) {
                trial.run(new ExerciseRunner.Request(any.getValue(), exercise.id(),
                        List.of(root.resolve("reference").toString()), Map.of(), 1024, List.of()), Duration.ofSeconds(60));
                trial.finish(Duration.ofSeconds(60));
            }
            return Files.exists(archive) ? archive : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The JVM options of every exercise JVM. */
    private List<String> runnerOptions() {
        return List.of("-Xmx" + limits.heapMegabytes() + "m", "-Xss4m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData", "-Djava.awt.headless=true");
    }

    /**
     * The class path of every test JVM: library, JUnit, the runner. The hidden tests, the reference context and the
     * student's classes go into a class loader per exercise.
     */
    private String fixedClasspath() {
        return compileClasspath.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
    }

    /** The command that starts a test JVM: as the unprivileged user where there is one, with class-data sharing. */
    private List<String> runnerCommand() {
        List<String> command = new ArrayList<>();
        if (runAs != null) {
            command.addAll(List.of("runuser", "-u", runAs, "--"));
        }
        command.add(javaExecutable);
        if (classArchive != null) {
            command.addAll(List.of("-XX:SharedArchiveFile=" + classArchive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        }
        command.addAll(runnerOptions());
        command.addAll(List.of("-cp", fixedClasspath(), ExerciseRunner.class.getName()));
        return command;
    }

    /** The environment of a test JVM: nothing about the kit's location reaches the student's code. */
    static void studentEnvironment(ProcessBuilder pb, Path scratch) {
        Map<String, String> env = pb.environment();
        String path = env.getOrDefault("PATH", "/usr/bin:/bin");
        env.clear();
        env.put("PATH", path);
        env.put("HOME", scratch.toString());
        env.put("LANG", "C.UTF-8");
        env.put("OPENBLAS_NUM_THREADS", "1"); // the library's products: one BLAS thread, as in the kernel
    }

    public Map<String, Assignment> assignments() {
        return assignments;
    }

    /** Grades one submission; never throws for anything wrong with the submission itself. */
    public Results.Submission grade(Path file, String student) {
        try (Session session = new Session()) {
            return grade(file, student, session);
        }
    }

    /**
     * One student's test JVM and scratch folder, for the notebooks of their course graded one after the other (one
     * JVM start instead of one per notebook). Nothing in it is shared with another student's session.
     */
    public final class Session implements AutoCloseable {
        private final Path work = submissionFolder();
        private final RunnerProcess runner = runner(work);

        @Override
        public void close() {
            runner.close();
            deleteTree(work);
        }
    }

    /** A session for one student's notebooks ({@link #grade(Path, String, Session)}). */
    public Session session() {
        return new Session();
    }

    /** Grades one notebook of a student in the student's session; never throws for anything wrong with the submission. */
    public Results.Submission grade(Path file, String student, Session session) {
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
        Path work = null;
        try {
            work = Files.createTempDirectory(session.work, "notebook-");
            if (runAs != null) {
                Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
            }
            session.runner.start(); // the JVM boots (if it is not running yet) while the exercises compile
            gradeExercises(a, nb, byId, start, session.runner, work, notes, results);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (work != null) {
                deleteTree(work);
            }
        }
        double score = results.stream().mapToDouble(Results.Exercise::score).sum();
        return new Results.Submission(student, file.toString(), a.name(), round(score), a.maxScore(), results, notes, null, seconds(start));
    }

    private void gradeExercises(Assignment a, Notebook nb, Map<String, List<Notebook.Cell>> byId, long start, RunnerProcess runner,
                                Path work, List<String> notes, List<Results.Exercise> results) {
        // Every exercise cell of the notebook compiles in one request (and one javac run) while the test JVM boots.
        List<CompileWorker.Unit> units = new ArrayList<>();
        Map<Notebook.Cell, Integer> unitOf = new java.util.IdentityHashMap<>();
        for (Assignment.Exercise x : a.exercises()) {
            for (Notebook.Cell c : byId.getOrDefault(x.id(), List.of())) {
                if (c.isCode()) {
                    unitOf.put(c, units.size());
                    units.add(new CompileWorker.Unit(x.id(), c.source(), helperCells(a, nb, c),
                            work.resolve("exercise-" + units.size()).resolve("classes").toString()));
                }
            }
        }
        List<CompileWorker.Compiled> compiled = compile(a, units, work);
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
                Results.Exercise r;
                if (c.isCode()) {
                    int u = unitOf.get(c);
                    r = gradeCompiled(a, x, compiled.get(u), Path.of(units.get(u).out()), runner);
                } else {
                    r = new Results.Exercise(x.id(), x.points(), 0, Results.Status.MISSING,
                            "exercise '" + x.id() + "' is no longer a code cell (it is " + c.type() + ")", List.of(), "");
                }
                if (best == null || r.score() > best.score()) {
                    best = r;
                }
            }
            results.add(best);
        }
    }

    /**
     * The cells of the student's notebook before {@code cell} whose declarations the exercise may use as helpers, as
     * the notebook's JShell has them when the cell runs: the student's own cells and the exercise cells.
     */
    private static List<Sources.HelperCell> helperCells(Assignment a, Notebook nb, Notebook.Cell cell) {
        List<Sources.HelperCell> out = new ArrayList<>();
        for (Notebook.Cell c : nb.cells()) {
            if (c.index() >= cell.index()) {
                break;
            }
            if (!c.isCode()) {
                continue;
            }
            if (c.isLocked() && !c.isExercise()) { // read-only cells count as their originals
                a.locked().stream().filter(l -> l.id().equals(c.gradeId()) && l.type().equals("code")).findFirst()
                        .ifPresent(l -> out.add(new Sources.HelperCell(c.index() + 1, l.source(), null)));
                continue;
            }
            boolean exercise = c.gradeId() != null && a.exercises().stream().anyMatch(x -> x.id().equals(c.gradeId()));
            out.add(new Sources.HelperCell(c.index() + 1, c.source(), exercise ? c.gradeId() : null));
        }
        return out;
    }

    /**
     * Compiles units in the submission's compile worker: all at once, and when that fails (a time-out, a compiler
     * crash), one at a time, so that only the unit that makes the compiler fail loses its points.
     */
    private List<CompileWorker.Compiled> compile(Assignment a, List<CompileWorker.Unit> units, Path work) {
        if (units.isEmpty()) {
            return List.of();
        }
        List<String> classpath = new ArrayList<>(compileClasspath.stream().map(Path::toString).toList());
        for (Assignment.Exercise x : a.exercises()) {
            classpath.add(root.resolve("context").resolve(a.name()).resolve(x.id()).toString());
        }
        CompileWorker.Response all = compiler.get().compile(new CompileWorker.Request(a.name(), units, classpath,
                work.resolve("batch").toString()), limits.compile());
        if (all.failure() == null || units.size() == 1) {
            return all.failure() == null ? all.units() : List.of(CompileWorker.Compiled.failed(all.failure()));
        }
        List<CompileWorker.Compiled> out = new ArrayList<>();
        for (CompileWorker.Unit u : units) {
            CompileWorker.Response one = compiler.get().compile(new CompileWorker.Request(a.name(), List.of(u), classpath,
                    work.resolve("batch").toString()), limits.compile());
            out.add(one.failure() == null ? one.units().get(0) : CompileWorker.Compiled.failed(one.failure()));
        }
        return out;
    }

    /** The reference context of an exercise (class name to bytes in base64), for its test JVM. */
    private Map<String, String> contextClasses(Assignment a, Assignment.Exercise x) {
        return contexts.computeIfAbsent(a.name() + "/" + x.id(), k -> {
            Map<String, String> out = new HashMap<>();
            Path dir = root.resolve("context").resolve(a.name()).resolve(x.id()).resolve(Sources.PACKAGE);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    out.put(Sources.PACKAGE + "." + f.getFileName().toString().replaceFirst("\\.class$", ""),
                            java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(f)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        });
    }

    private static Results.Exercise withNotes(Results.Exercise r, List<String> notes) {
        if (notes.isEmpty()) {
            return r;
        }
        return new Results.Exercise(r.id(), r.points(), r.score(), r.status(), String.join("\n", notes) + "\n" + r.feedback(), r.tests(), r.output());
    }

    /** A folder of its own for one submission's compiled exercises and its test JVM's scratch folder. */
    private Path submissionFolder() {
        try {
            Path work = Files.createTempDirectory(root, "submission-");
            Path scratch = Files.createDirectories(work.resolve("scratch"));
            if (runAs != null) {
                // the test JVM finds its folders by their (random) names; it cannot list those of other submissions
                Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
                Files.setOwner(scratch, work.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(runAs));
            }
            return work;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RunnerProcess runner(Path work) {
        return new RunnerProcess(runnerCommand(), work.resolve("scratch"), work.resolve("jvm.log"), testsBase64);
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

    /** Compiles one exercise's code (no helpers) and runs its hidden tests in a test JVM of its own. */
    Results.Exercise gradeExercise(Assignment a, Assignment.Exercise x, String code) {
        Path work = submissionFolder();
        try (RunnerProcess runner = runner(work)) {
            CompileWorker.Unit unit = new CompileWorker.Unit(x.id(), code, List.of(), work.resolve("exercise").resolve("classes").toString());
            return gradeCompiled(a, x, compile(a, List.of(unit), work).get(0), Path.of(unit.out()), runner);
        } finally {
            deleteTree(work);
        }
    }

    /**
     * Checks what a compiled exercise uses, and runs its hidden tests in the submission's test JVM; the compiler's notes
     * (helpers left out) head the feedback.
     */
    private Results.Exercise gradeCompiled(Assignment a, Assignment.Exercise x, CompileWorker.Compiled compiled, Path classes,
                                           RunnerProcess runner) {
        return withNotes(checkAndRun(a, x, compiled, classes, runner), compiled.notes());
    }

    private Results.Exercise checkAndRun(Assignment a, Assignment.Exercise x, CompileWorker.Compiled compiled, Path classes,
                                         RunnerProcess runner) {
        try {
            if (compiled.failure() != null) {
                return new Results.Exercise(x.id(), x.points(), 0, Results.Status.COMPILE_ERROR,
                        "your code for '" + x.id() + "' could not be compiled: " + compiled.failure(), List.of(), "");
            }
            List<Javac.Problem> problems = compiled.problems();
            if (!problems.isEmpty()) {
                String text = problems.stream().limit(5)
                        .map(p -> compiled.where((int) p.line()) + ": " + p.message().replace("\n", " "))
                        .collect(Collectors.joining("\n"));
                return new Results.Exercise(x.id(), x.points(), 0, Results.Status.COMPILE_ERROR,
                        "your code for '" + x.id() + "' does not compile:\n" + text, List.of(), "");
            }
            Files.createDirectories(classes);
            Uses.Scan uses = Uses.of(classes);
            List<String> forbidden = AllowList.defaults().with(List.of(PACKAGE_PATH + Sources.exerciseClass(x.id()),
                    PACKAGE_PATH + Sources.contextClass(x.id()))).violations(uses, compiled::where);
            if (!forbidden.isEmpty()) {
                return new Results.Exercise(x.id(), x.points(), 0, Results.Status.NOT_ALLOWED,
                        "your code for '" + x.id() + "' uses what graded code may not (files, processes, threads, reflection,"
                                + " class loading, the JVM's controls, the environment, the grader's classes), so it was not run"
                                + " and earns no points; keep to computation:\n" + forbidden.stream().limit(5).map(v -> "- " + v)
                                .collect(Collectors.joining("\n")), List.of(), "");
            }
            List<String> offLimits = OffLimits.violations(uses, x.offLimits(), compiled::where);
            if (!offLimits.isEmpty()) {
                return new Results.Exercise(x.id(), x.points(), 0, Results.Status.NOT_ALLOWED,
                        "'" + x.id() + "' asks you to write this yourself, but your code uses library code this exercise"
                                + " leaves to you, so it earns no points:\n" + offLimits.stream().limit(5).map(v -> "- " + v)
                                .collect(Collectors.joining("\n")), List.of(), "");
            }
            RunnerProcess.Outcome outcome = runner.run(new ExerciseRunner.Request(testClasses.get(a.name()), x.id(),
                    List.of(classes.toString()), contextClasses(a, x), limits.outputBytes(), compiled.helpers()), limits.exercise());
            return score(a, x, outcome);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The exercise's score from a test report: each hidden test the grader knows of counts with its own weight, passed
     * only if the report says so; names in the report the grader does not know count for nothing. So the score lies
     * between 0 and the exercise's points, whatever a report says.
     */
    private Results.Exercise score(Assignment a, Assignment.Exercise x, RunnerProcess.Outcome outcome) {
        if (outcome.report() == null) {
            return new Results.Exercise(x.id(), x.points(), 0, outcome.failure(), outcome.detail(), List.of(), "");
        }
        Map<String, ExerciseRunner.TestResult> reported = new HashMap<>();
        for (ExerciseRunner.TestResult t : outcome.report().tests()) {
            reported.putIfAbsent(t.method(), t);
        }
        double total = 0;
        double passed = 0;
        List<Results.TestResult> tests = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (TestSpec spec : testSpecs.get(a.name()).get(x.id())) {
            ExerciseRunner.TestResult r = reported.get(spec.method());
            boolean ok = r != null && r.passed();
            String message = ok ? "" : r == null ? "did not run" : r.message();
            total += spec.weight();
            passed += ok ? spec.weight() : 0;
            tests.add(new Results.TestResult(spec.name(), spec.weight(), ok, message));
            if (!ok) {
                failures.add("- " + spec.name() + ": " + message);
            }
        }
        double score = round(x.points() * passed / total);
        Results.Status status = passed == total ? Results.Status.PASSED : passed > 0 ? Results.Status.PARTIAL : Results.Status.FAILED;
        String feedback = failures.isEmpty() ? "all " + tests.size() + " tests passed"
                : (int) Math.round(passed) + " of " + (int) Math.round(total) + " test weight passed:\n" + String.join("\n", failures);
        ExerciseRunner.Report report = outcome.report();
        String output = report.output() + (report.outputDropped() > 0 ? "\n[... " + report.outputDropped() + " more bytes of output dropped]" : "");
        return new Results.Exercise(x.id(), x.points(), score, status, feedback, tests, output);
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    private static double seconds(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 1e7) / 100.0;
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
        compilers.forEach(CompilerProcess::close);
        deleteTree(root);
    }
}
