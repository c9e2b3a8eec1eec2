package rnnkit.grader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import rnnkit.ui.ProgressBar;

/**
 * The grader's command line, behind {@code ./build.sh grade}, {@code release} and {@code gradescope}:
 * <pre>
 *   grade SUBMISSION.ipynb... | DIR [--out DIR] [--format text|json|gradescope|csv] [--jobs N] [--timeout S]
 *         [--submission-timeout S] [--force] [--feedback]
 *   release [DIR] [--bundle [ZIP]]
 *   check-release
 *   gradescope [OUT.zip]
 *   autograde [--root /autograder]
 *   bench [--students N] [--jobs J] [--seed S]     (a made-up class, timed: GradingBench)
 *   make-class DIR [--students N] [--seed S]       (the same class, written out)
 * </pre>
 * Every command takes {@code --kit PATH}, the kit's root (build.sh passes it).
 */
public final class Main {

    /** What {@code grade --format} writes; the usage message lists them from here. */
    enum Format {
        TEXT, JSON, GRADESCOPE, CSV;

        static Format parse(String name) {
            for (Format f : values()) {
                if (f.label().equals(name)) {
                    return f;
                }
            }
            List<String> labels = java.util.Arrays.stream(values()).map(Format::label).toList();
            throw new UsageException("--format must be " + String.join(", ", labels.subList(0, labels.size() - 1)) + " or "
                    + labels.get(labels.size() - 1) + ", not '" + name + "'");
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The feedback notebooks --feedback writes next to the results; never graded as submissions. */
    private static final String FEEDBACK_SUFFIX = ".feedback" + NotebookFiles.SUFFIX;

    private Main() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        } catch (IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    /** A wrong command line; the message says what to write instead. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    static int run(String[] args) throws IOException {
        Options o = Options.parse(args);
        Path kit = Path.of(o.value("--kit", ".")).toAbsolutePath().normalize();
        switch (o.command) {
            case "grade":
                return grade(kit, o);
            case "release": {
                if (o.flags.contains("--bundle")) {
                    Path zip = o.has("--bundle") ? Path.of(o.value("--bundle", null)).toAbsolutePath()
                            : kit.resolve("target/rnn-course-kit-student.zip");
                    Release.bundle(kit, zip);
                    System.out.println("wrote the student bundle " + zip + " (no solutions, no hidden tests)");
                    return 0;
                }
                Path out = o.positional.isEmpty() ? kit.resolve("notebooks") : Path.of(o.positional.get(0));
                for (Path p : Release.release(kit.resolve("solutions/notebooks"), out)) {
                    System.out.println("released " + p);
                }
                return 0;
            }
            case "check-release": {
                List<String> problems = Release.outdated(kit.resolve("solutions/notebooks"), kit.resolve("notebooks"));
                problems.forEach(p -> System.err.println("out of date: " + p));
                if (!problems.isEmpty()) {
                    System.err.println("notebooks/ must be regenerated from solutions/notebooks/: run ./build.sh release");
                }
                return problems.isEmpty() ? 0 : 1;
            }
            case "gradescope": {
                Path target = o.positional.isEmpty() ? kit.resolve("target/rnnkit-gradescope.zip")
                        : Path.of(o.positional.get(0)).toAbsolutePath();
                Gradescope.bundle(kit, target);
                System.out.println("wrote the Gradescope autograder " + target);
                return 0;
            }
            case "bench":
                return bench(kit, o);
            case "make-class": {
                if (o.positional.isEmpty()) {
                    throw new UsageException("make-class needs a folder to write the made-up class into");
                }
                int n = GradingBench.makeClass(kit, Path.of(o.positional.get(0)), o.number("--students", 300), o.number("--seed", 1));
                System.out.println("wrote " + n + " notebooks into " + o.positional.get(0));
                return 0;
            }
            case "autograde":
                return Gradescope.autograde(kit, Path.of(o.value("--root", "/autograder")));
            default:
                throw new UsageException("unknown command '" + o.command + "'; the commands are grade, release, check-release, gradescope, autograde");
        }
    }

    private static int grade(Path kit, Options o) throws IOException {
        if (o.positional.isEmpty()) {
            throw new UsageException("grade needs submissions: ./build.sh grade SUBMISSION.ipynb... or a folder of them");
        }
        Format format = Format.parse(o.value("--format", "text"));
        int jobs = o.number("--jobs", 1);
        Grader.Limits limits = new Grader.Limits(Duration.ofSeconds(o.number("--timeout", 10)),
                Duration.ofSeconds(o.number("--submission-timeout", 600)), 64 * 1024, 256);
        Path out = o.has("--out") ? Path.of(o.value("--out", null)) : null;
        boolean force = o.flags.contains("--force");
        boolean feedback = o.flags.contains("--feedback");
        Map<String, Path> submissions = submissions(o.positional);
        if (submissions.isEmpty()) {
            throw new UsageException("no .ipynb files in " + o.positional);
        }
        if (feedback && out == null) {
            throw new UsageException("--feedback needs --out DIR, where the feedback notebooks go");
        }
        List<Results.Submission> results = gradeBatch(kit, limits, submissions, jobs, out, force, feedback);
        switch (format) { // every format handled, or this does not compile
            case JSON -> {
                System.out.print(Reports.json(results));
                if (out != null) {
                    Reports.write(out.resolve("results.json"), Reports.json(results));
                }
            }
            case GRADESCOPE -> {
                for (Results.Submission s : results) {
                    if (out != null) {
                        Reports.write(out.resolve(fileName(s.student()) + ".gradescope.json"), Reports.gradescope(s));
                    }
                    if (results.size() == 1) {
                        System.out.print(Reports.gradescope(s));
                    }
                }
            }
            case CSV -> {
                System.out.print(Reports.csv(results));
                if (out != null) {
                    Reports.write(out.resolve("gradebook.csv"), Reports.csv(results));
                }
            }
            case TEXT -> results.forEach(s -> System.out.print(Reports.text(s)));
        }
        return 0;
    }

    /** Grades submissions (student id to file), {@code jobs} students at a time, with a progress bar on the console. */
    static List<Results.Submission> gradeBatch(Path kit, Grader.Limits limits, Map<String, Path> submissions, int jobs, Path out,
                                               boolean force, boolean feedback) throws IOException {
        // A student's notebooks (the files of one folder) share one test JVM, one after the other; students in parallel.
        Map<String, List<Map.Entry<String, Path>>> byStudent = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : submissions.entrySet()) {
            int slash = e.getKey().lastIndexOf('/');
            byStudent.computeIfAbsent(slash < 0 ? e.getKey() : e.getKey().substring(0, slash), k -> new ArrayList<>()).add(e);
        }
        List<Results.Submission> results = new ArrayList<>();
        try (Grader grader = new Grader(kit, limits)) {
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs));
            List<Future<List<Results.Submission>>> futures = new ArrayList<>();
            for (List<Map.Entry<String, Path>> files : byStudent.values()) {
                futures.add(pool.submit(() -> {
                    List<Results.Submission> graded = new ArrayList<>();
                    try (Grader.Session session = grader.session()) {
                        for (Map.Entry<String, Path> e : files) {
                            graded.add(gradeOne(grader, session, e.getKey(), e.getValue(), out, force, feedback));
                        }
                    }
                    return graded;
                }));
            }
            try (ProgressBar bar = ProgressBar.start("grading", submissions.size()).unit("submission")) {
                for (Future<List<Results.Submission>> f : futures) {
                    List<Results.Submission> graded = f.get();
                    results.addAll(graded);
                    bar.step(graded.size());
                }
            } catch (Exception e) {
                throw new IllegalStateException("grading failed: " + e, e);
            } finally {
                pool.shutdownNow();
            }
        }
        return results;
    }

    /** {@code bench --students N --jobs J --seed S}: grades a made-up class (GradingBench) and records the time. */
    private static int bench(Path kit, Options o) throws IOException {
        int students = o.number("--students", 300);
        int jobs = o.number("--jobs", 2);
        Path dir = Files.createTempDirectory("rnnkit-class-");
        try {
            int notebooks = GradingBench.makeClass(kit, dir.resolve("class"), students, o.number("--seed", 1));
            System.out.println("made " + students + " students' full courses (" + notebooks + " notebooks) in " + dir.resolve("class"));
            long start = System.nanoTime();
            List<Results.Submission> results = gradeBatch(kit, Grader.Limits.defaults(), submissions(List.of(dir.resolve("class").toString())),
                    jobs, dir.resolve("out"), false, false);
            double seconds = (System.nanoTime() - start) / 1e9;
            int exercises = results.stream().mapToInt(r -> r.exercises().size()).sum();
            long errors = results.stream().filter(r -> r.error() != null).count();
            long full = results.stream().filter(r -> r.score() == r.maxScore()).count();
            GradingBench.record(kit, students, notebooks, exercises, jobs, seconds);
            System.out.printf(java.util.Locale.ROOT, "graded %d notebooks (%d exercises; %d with full marks, %d errors) in %.1f s with --jobs %d:"
                    + " %.2f s per student; recorded in bench/grading.csv%n", results.size(), exercises, full, errors, seconds, jobs, seconds / students);
            return errors == 0 ? 0 : 1;
        } finally {
            FileTrees.delete(dir);
        }
    }

    private static Results.Submission gradeOne(Grader grader, Grader.Session session, String student, Path file, Path out,
                                               boolean force, boolean feedback) throws IOException {
        Path saved = out == null ? null : out.resolve(fileName(student) + ".json");
        if (saved != null && !force && Files.exists(saved)) {
            return Reports.fromJson(Files.readString(saved)); // graded by an earlier run: resume
        }
        Results.Submission s = grader.grade(file, student, session);
        if (saved != null) {
            Reports.write(saved, Reports.json(s));
            if (feedback && s.error() == null) {
                Reports.feedback(file, s).write(out.resolve(fileName(student) + FEEDBACK_SUFFIX));
            }
        }
        return s;
    }

    /** Student id to submission file: a file's id is its name; in a folder, its path inside the folder. */
    static Map<String, Path> submissions(List<String> paths) throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String arg : paths) {
            Path p = Path.of(arg);
            if (Files.isDirectory(p)) {
                for (Path f : NotebookFiles.walk(p)) {
                    if (!f.toString().endsWith(FEEDBACK_SUFFIX)) {
                        // two folders with the same names in them: the folder's name tells them apart
                        putUnique(out, NotebookFiles.strip(p.relativize(f).toString()), p.toAbsolutePath().getFileName(), f);
                    }
                }
            } else if (Files.isRegularFile(p)) {
                // two files of the same name: their folder's name tells them apart
                putUnique(out, NotebookFiles.name(p), p.toAbsolutePath().getParent().getFileName(), p);
            } else {
                throw new UsageException("no such file or folder: " + p);
            }
        }
        return out;
    }

    /** Adds {@code file} under {@code id}; an id already taken gets {@code folder}'s name in front, then ~2, ~3, ... */
    private static void putUnique(Map<String, Path> out, String id, Path folder, Path file) {
        if (out.containsKey(id) && folder != null) {
            id = folder + "/" + id;
        }
        for (int n = 2; out.containsKey(id); n++) {
            id = id.replaceFirst("~\\d+$", "") + "~" + n;
        }
        out.put(id, file);
    }

    private static String fileName(String student) {
        return student.replace('/', '_').replace('\\', '_');
    }

    /** The command line: a command, positional arguments, --name value options and --flags. */
    static final class Options {
        String command;
        final List<String> positional = new ArrayList<>();
        final Map<String, String> values = new LinkedHashMap<>();
        final List<String> flags = new ArrayList<>();
        private static final List<String> WITH_VALUE = List.of("--kit", "--out", "--format", "--jobs", "--timeout",
                "--submission-timeout", "--root", "--students", "--seed");
        private static final List<String> FLAGS = List.of("--force", "--feedback", "--bundle");

        static Options parse(String[] args) {
            Options o = new Options();
            if (args.length == 0) {
                throw new UsageException("no command; the commands are grade, release, check-release, gradescope, autograde");
            }
            o.command = args[0];
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (WITH_VALUE.contains(a)) {
                    if (i + 1 >= args.length) {
                        throw new UsageException(a + " needs a value");
                    }
                    o.values.put(a, args[++i]);
                } else if (FLAGS.contains(a)) {
                    o.flags.add(a);
                    if (a.equals("--bundle") && i + 1 < args.length && !args[i + 1].startsWith("--")) {
                        o.values.put(a, args[++i]);
                    }
                } else if (a.startsWith("--")) {
                    throw new UsageException("unknown option " + a);
                } else {
                    o.positional.add(a);
                }
            }
            return o;
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        String value(String name, String fallback) {
            return values.getOrDefault(name, fallback);
        }

        int number(String name, int fallback) {
            String v = values.get(name);
            if (v == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(v);
                if (n <= 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new UsageException(name + " needs a positive whole number, got '" + v + "'");
            }
        }
    }
}
