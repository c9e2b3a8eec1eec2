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

    private static final String OWNER_ONLY_DIR = "rwx------";
    private static final String OWNER_ONLY_FILE = "rw-------";
    /** Others may enter (to reach a path they were given) but not list. */
    private static final String PASS_THROUGH_DIR = "rwx--x--x";

    private final Path root;
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
    /** The exercise JVM's class path (copies outside the kit); student code compiles against it too. */
    private final List<Path> compileClasspath;
    private final String runAs;
    private final ExerciseJvm exerciseJvm;
    private final List<String> compilerCommand;
    /** One compile worker per grading thread; all of them, to stop at the end. */
    private final ThreadLocal<CompilerProcess> compiler;
    private final List<CompilerProcess> compilers = java.util.Collections.synchronizedList(new ArrayList<>());

    /**
     * Prepares grading for the kit at {@code kit}: its {@code solutions/notebooks/*.ipynb} and
     * {@code solutions/tests/*.java}. Authoring errors (a reference solution or a hidden test that does not
     * compile, an exercise without tests) stop here, naming the notebook, cell and line, or the test file and line.
     */
    public Grader(Path kit, Limits limits) throws IOException {
        this(kit, limits, null);
    }

    /**
     * As {@link #Grader(Path, Limits)}, running each exercise's JVM as the (unprivileged) user {@code runAs}
     * (null: as ourselves). Needs root; then student code cannot read what that user may not, such as a kit
     * folder readable by root only.
     *
     * <p>The phases, in order: a grading folder; the exercise JVM's class path copied into it; the solution notebooks
     * read; the reference solutions compiled; the hidden tests compiled and read (which test is whose, with what
     * weight); every exercise checked to have tests; each exercise's reference context laid out; and a class-data
     * archive for the exercise JVMs made by one trial run.
     */
    public Grader(Path kit, Limits limits, String runAs) throws IOException {
        this.limits = limits;
        this.runAs = runAs;
        this.root = Files.createTempDirectory("rnnkit-grading-");
        this.tests = Files.createDirectories(root.resolve("tests"));
        this.testsJar = root.resolve("tests.jar");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.compilerCommand = List.of(javaBin, "-Xss4m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"), CompileWorker.class.getName(), kit.toString());
        this.compiler = ThreadLocal.withInitial(() -> {
            CompilerProcess c = new CompilerProcess(compilerCommand, root.resolve("compiler.log"));
            compilers.add(c);
            return c;
        });
        if (runAs != null) {
            permit(root, PASS_THROUGH_DIR);
        }
        this.compileClasspath = copyExerciseClasspath(ExerciseClasspath.of(kit));
        ExerciseJvm jvm = new ExerciseJvm(javaBin, compileClasspath, limits.heapMegabytes(), runAs, null);
        loadAssignments(kit);
        Path reference = compileReferences();
        compileHiddenTests(kit, reference);
        this.testsBase64 = java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(testsJar));
        readHiddenTests(reference);
        requireTestsForEveryExercise();
        layOutContexts(reference);
        if (runAs != null) { // the test JVMs get tests and contexts over their input; they need no file of them
            for (Path p : List.of(reference, tests, testsJar, root.resolve("context"))) {
                if (Files.exists(p)) {
                    permit(p, Files.isDirectory(p) ? OWNER_ONLY_DIR : OWNER_ONLY_FILE);
                }
            }
        }
        this.exerciseJvm = withClassArchive(jvm);
        Runtime.getRuntime().addShutdownHook(new Thread(this::close)); // also when the grader is stopped
    }

    private static void permit(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
    }

    /** The exercise JVM's class path as it is on this machine; for checks. */
    List<Path> exerciseClasspath() {
        return compileClasspath;
    }

    /**
     * Copies the exercise JVM's class path into the grading folder: nothing on it points back into the kit, where the
     * solutions are. A folder of classes (a build that was not packaged) is jarred, since class-data sharing takes
     * jars only.
     */
    private List<Path> copyExerciseClasspath(List<Path> entries) throws IOException {
        Path runtime = Files.createDirectories(root.resolve("runtime"));
        List<Path> jars = new ArrayList<>();
        for (Path p : entries) {
            if (Files.isRegularFile(p)) {
                Path copy = runtime.resolve(p.getFileName().toString());
                Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
                jars.add(copy);
            } else if (Files.isDirectory(p)) {
                Path jar = runtime.resolve("classes-" + jars.size() + ".jar");
                FileTrees.jar(p, jar);
                jars.add(jar);
            }
        }
        return List.copyOf(jars);
    }

    private void loadAssignments(Path kit) throws IOException {
        for (Path p : NotebookFiles.solutions(kit)) {
            Assignment a = Assignment.load(p);
            assignments.put(a.name(), a);
        }
    }

    /** Every exercise's reference solution and context, compiled into {@code reference/}; the folder. */
    private Path compileReferences() throws IOException {
        Path reference = Files.createDirectories(root.resolve("reference"));
        List<Sources.Generated> all = new ArrayList<>();
        Map<String, String> owners = new HashMap<>(); // generated class to where its code comes from
        for (Assignment a : assignments.values()) {
            for (Assignment.Exercise x : a.exercises()) {
                all.add(sources.context(a, x));
                all.add(sources.exercise(a, x, x.solution()));
                owners.put(Sources.exerciseClass(x.id()), Assignment.cellWhere(a.notebook(), a.notebook().cells().get(x.cell())));
                owners.put(Sources.contextClass(x.id()), a.notebook().where() + ", the reference solutions before exercise '" + x.id() + "'");
            }
        }
        List<Javac.Problem> problems = Javac.compile(all, compileClasspath, reference);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the reference solutions do not compile:\n" + problems.stream()
                    .sorted(Comparator.comparing((Javac.Problem q) -> !q.className().startsWith("Ex_"))) // cells first
                    .limit(10).map(q -> referenceProblem(q, owners)).collect(Collectors.joining("\n")));
        }
        return reference;
    }

    /** A compile error in a reference class, where the author fixes it: the exercise cell and its line. */
    private static String referenceProblem(Javac.Problem q, Map<String, String> owners) {
        String owner = owners.getOrDefault(q.className(), q.className());
        String message = q.message().replace("\n", " ");
        if (q.className().startsWith("Ex_")) {
            return "- " + owner + ", line " + Math.max(1, q.line() - ExerciseRunner.HEADER_LINES) + ": " + message;
        }
        return "- " + owner + " (generated class " + q.className() + ", line " + q.line() + "): " + message;
    }

    /** The hidden tests of {@code solutions/tests/}, compiled against the references and jarred. */
    private void compileHiddenTests(Path kit, Path reference) throws IOException {
        List<Path> testSources;
        try (Stream<Path> files = Files.list(kit.resolve("solutions/tests"))) {
            testSources = files.filter(f -> f.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
        List<Path> testClasspath = new ArrayList<>(compileClasspath);
        testClasspath.add(reference);
        List<Javac.Problem> problems = Javac.compileFiles(testSources, testClasspath, tests);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the hidden tests do not compile:\n" + problems.stream().limit(10)
                    .map(q -> "- " + q.className() + ", line " + q.line() + ": " + q.message().replace("\n", " "))
                    .collect(Collectors.joining("\n")));
        }
        FileTrees.jar(tests, testsJar);
    }

    /** Every notebook with exercises has a test class, and every exercise at least one test. */
    private void requireTestsForEveryExercise() {
        for (Assignment a : assignments.values()) {
            if (!a.exercises().isEmpty() && !testClasses.containsKey(a.name())) {
                throw new IllegalStateException("no hidden test class has @GradedNotebook(\"" + a.name() + "\")");
            }
            for (Assignment.Exercise x : a.exercises()) {
                if (testSpecs.getOrDefault(a.name(), Map.of()).getOrDefault(x.id(), List.of()).isEmpty()) {
                    throw new IllegalStateException("exercise '" + x.id() + "' of " + a.name() + " has no hidden tests (@Graded(id = \"" + x.id() + "\"))");
                }
            }
        }
    }

    /** Each exercise's reference context (Ctx_X and its nested classes) in a folder of its own: context/notebook/X. */
    private void layOutContexts(Path reference) throws IOException {
        for (Assignment a : assignments.values()) {
            for (Assignment.Exercise x : a.exercises()) {
                Path dir = Files.createDirectories(contextFolder(a, x).resolve(Sources.PACKAGE));
                String ctx = Sources.contextClass(x.id());
                try (Stream<Path> classes = Files.list(reference.resolve(Sources.PACKAGE))) {
                    for (Path c : classes.filter(c -> c.getFileName().toString().equals(ctx + ".class")
                            || c.getFileName().toString().startsWith(ctx + "$")).collect(Collectors.toList())) {
                        Files.copy(c, dir.resolve(c.getFileName()));
                    }
                }
            }
        }
    }

    private Path contextFolder(Assignment a, Assignment.Exercise x) {
        return root.resolve("context").resolve(a.name()).resolve(x.id());
    }

    /** Which hidden test class is whose notebook's, and its @Graded methods with their weights. */
    private void readHiddenTests(Path reference) throws IOException {
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

    /** The exercise JVM, with a class-data archive made by running the first notebook's first exercise's tests. */
    private ExerciseJvm withClassArchive(ExerciseJvm jvm) {
        if (testClasses.isEmpty()) {
            return jvm;
        }
        Map.Entry<String, String> any = testClasses.entrySet().iterator().next();
        Assignment.Exercise exercise = assignments.get(any.getKey()).exercises().get(0);
        return jvm.withClassArchive(root.resolve("runner.jsa"), root.resolve("archive-run"), new ExerciseRunner.Request(
                any.getValue(), exercise.id(), List.of(root.resolve("reference").toString()), Map.of(), 1024, List.of()), testsBase64);
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
            FileTrees.delete(work);
        }
    }

    /** A session for one student's notebooks ({@link #grade(Path, String, Session)}). */
    public Session session() {
        return new Session();
    }

    /**
     * Grades one notebook of a student in the student's session; never throws for anything wrong with the submission.
     * The phases: read the file, tell which notebook of the course it is, compare its read-only cells with the
     * originals, then compile and test its exercises ({@link #gradeExercises}).
     */
    public Results.Submission grade(Path file, String student, Session session) {
        long start = System.nanoTime();
        Notebook nb;
        try {
            nb = Notebook.read(file);
        } catch (NotebookException e) {
            return Results.Submission.unreadable(student, file.toString(), e.getMessage(), seconds(start));
        }
        Assignment a = identify(nb, file);
        if (a == null) {
            return Results.Submission.unreadable(student, file.toString(), file + ": cannot tell which notebook of the course"
                    + " this is (no rnnkit metadata, no known file name, no known exercise ids)", seconds(start));
        }
        Map<String, List<Notebook.Cell>> byId = cellsByGradeId(nb);
        List<String> notes = lockedCellNotes(a, byId);
        List<Results.Exercise> results = new ArrayList<>();
        Path work = null;
        try {
            work = Files.createTempDirectory(session.work, "notebook-");
            if (runAs != null) {
                permit(work, PASS_THROUGH_DIR);
            }
            session.runner.start(); // the JVM boots (if it is not running yet) while the exercises compile
            gradeExercises(a, nb, byId, start, session.runner, work, notes, results);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (work != null) {
                FileTrees.delete(work);
            }
        }
        double score = results.stream().mapToDouble(Results.Exercise::score).sum();
        return new Results.Submission(student, file.toString(), a.name(), round(score), a.maxScore(), results, notes, null, seconds(start));
    }

    /** The submission's cells by grade id; a deleted cell has none, a duplicated one several. */
    private static Map<String, List<Notebook.Cell>> cellsByGradeId(Notebook nb) {
        Map<String, List<Notebook.Cell>> byId = new HashMap<>();
        for (Notebook.Cell c : nb.cells()) {
            if (c.gradeId() != null) {
                byId.computeIfAbsent(c.gradeId(), k -> new ArrayList<>()).add(c);
            }
        }
        return byId;
    }

    /** A note for each read-only cell that was deleted or changed: it is graded as released either way. */
    private static List<String> lockedCellNotes(Assignment a, Map<String, List<Notebook.Cell>> byId) {
        List<String> notes = new ArrayList<>();
        for (Assignment.Locked l : a.locked()) {
            List<Notebook.Cell> found = byId.getOrDefault(l.id(), List.of());
            if (found.isEmpty()) {
                notes.add("read-only cell '" + l.id() + "' is missing (it was deleted); graded with the original");
            } else if (!found.get(0).type().equals(l.type())
                    || !Assignment.checksum(found.get(0).type(), found.get(0).source()).equals(l.checksum())) {
                notes.add("read-only cell '" + l.id() + "' was changed; graded with the original");
            }
        }
        return notes;
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
                results.add(Results.Exercise.zero(x, Results.Status.NOT_GRADED,
                        "not graded: the submission's time limit of " + limits.submission().toSeconds() + " s ran out"));
                continue;
            }
            Results.Exercise best = null;
            if (cells.isEmpty()) {
                best = Results.Exercise.zero(x, Results.Status.MISSING,
                        "exercise '" + x.id() + "' is missing: its cell was deleted or its nbgrader metadata removed");
            }
            for (Notebook.Cell c : cells) {
                Results.Exercise r;
                if (c.isCode()) {
                    int u = unitOf.get(c);
                    r = gradeCompiled(a, x, compiled.get(u), Path.of(units.get(u).out()), runner);
                } else {
                    r = Results.Exercise.zero(x, Results.Status.MISSING,
                            "exercise '" + x.id() + "' is no longer a code cell (it is " + c.type() + ")");
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
            classpath.add(contextFolder(a, x).toString());
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
            Path dir = contextFolder(a, x).resolve(Sources.PACKAGE);
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

    /** A folder of its own for one submission's compiled exercises and its test JVM's scratch folder. */
    private Path submissionFolder() {
        try {
            Path work = Files.createTempDirectory(root, "submission-");
            Path scratch = Files.createDirectories(work.resolve("scratch"));
            if (runAs != null) {
                // the test JVM finds its folders by their (random) names; it cannot list those of other submissions
                permit(work, PASS_THROUGH_DIR);
                Files.setOwner(scratch, work.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(runAs));
            }
            return work;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RunnerProcess runner(Path work) {
        return new RunnerProcess(exerciseJvm.command(), work.resolve("scratch"), work.resolve("jvm.log"), testsBase64);
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
            FileTrees.delete(work);
        }
    }

    /**
     * Checks what a compiled exercise uses, and runs its hidden tests in the submission's test JVM; the compiler's notes
     * (helpers left out) head the feedback.
     */
    private Results.Exercise gradeCompiled(Assignment a, Assignment.Exercise x, CompileWorker.Compiled compiled, Path classes,
                                           RunnerProcess runner) {
        return checkAndRun(a, x, compiled, classes, runner).withNotes(compiled.notes());
    }

    private Results.Exercise checkAndRun(Assignment a, Assignment.Exercise x, CompileWorker.Compiled compiled, Path classes,
                                         RunnerProcess runner) {
        try {
            if (compiled.failure() != null) {
                return Results.Exercise.zero(x, Results.Status.COMPILE_ERROR,
                        "your code for '" + x.id() + "' could not be compiled: " + compiled.failure());
            }
            List<Javac.Problem> problems = compiled.problems();
            if (!problems.isEmpty()) {
                String text = problems.stream().limit(5)
                        .map(p -> compiled.where((int) p.line()) + ": " + p.message().replace("\n", " "))
                        .collect(Collectors.joining("\n"));
                return Results.Exercise.zero(x, Results.Status.COMPILE_ERROR, "your code for '" + x.id() + "' does not compile:\n" + text);
            }
            Files.createDirectories(classes);
            Uses.Scan uses = Uses.of(classes);
            List<String> forbidden = AllowList.defaults().with(List.of(PACKAGE_PATH + Sources.exerciseClass(x.id()),
                    PACKAGE_PATH + Sources.contextClass(x.id()))).violations(uses, compiled::where);
            if (!forbidden.isEmpty()) {
                return Results.Exercise.zero(x, Results.Status.NOT_ALLOWED,
                        "your code for '" + x.id() + "' uses what graded code may not (files, processes, threads, reflection,"
                                + " class loading, the JVM's controls, the environment, the grader's classes), so it was not run"
                                + " and earns no points; keep to computation:\n" + forbidden.stream().limit(5).map(v -> "- " + v)
                                .collect(Collectors.joining("\n")));
            }
            List<String> offLimits = OffLimits.violations(uses, x.offLimits(), compiled::where);
            if (!offLimits.isEmpty()) {
                return Results.Exercise.zero(x, Results.Status.NOT_ALLOWED,
                        "'" + x.id() + "' asks you to write this yourself, but your code uses library code this exercise"
                                + " leaves to you, so it earns no points:\n" + offLimits.stream().limit(5).map(v -> "- " + v)
                                .collect(Collectors.joining("\n")));
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
            return Results.Exercise.zero(x, outcome.failure(), outcome.detail());
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

    @Override
    public void close() {
        compilers.forEach(CompilerProcess::close);
        FileTrees.delete(root);
    }
}
