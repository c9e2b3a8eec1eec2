package rnnkit.grader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Gradescope autograder: {@link #bundle} builds the zip Gradescope expects, and {@link #autograde} is what
 * its {@code run_autograder} calls to grade {@code /autograder/submission} into
 * {@code /autograder/results/results.json}. The root is configurable, so the whole path can be run locally.
 *
 * <p>In the zip: {@code setup.sh} (installs a JDK 17 and creates the unprivileged user {@code rnnkit-student}),
 * {@code run_autograder}, {@code grader/jars/} (the grader, the library and their dependencies),
 * {@code grader/exercise-jars/} (the exercise JVM's class path: the library, JUnit and the test kit), and
 * {@code kit/solutions/} (solution notebooks and hidden tests). {@code run_autograder} makes the source folder
 * readable by root only and runs each exercise's JVM as {@code rnnkit-student}, so student code cannot read
 * the solutions or the tests' sources even by absolute path; and it writes a valid results file even if the
 * grader crashes.
 */
public final class Gradescope {

    static final String STUDENT_USER = "rnnkit-student";
    /** Where the bundle keeps the exercise JVM's jars ({@link ExerciseClasspath#PROPERTY}). */
    private static final String EXERCISE_JARS = "grader/exercise-jars/";

    private Gradescope() {
    }

    /** Builds the autograder zip for the kit at {@code kit}. The grader must have been built (build.sh does it). */
    public static void bundle(Path kit, Path zip) throws IOException {
        Path jars = kit.resolve("solutions/grader/target/jars");
        if (!Files.isDirectory(jars)) {
            throw new IllegalStateException(jars + " is missing: build the grader first (./build.sh)");
        }
        try (Zip z = new Zip(zip)) {
            z.add("setup.sh", SETUP.getBytes(StandardCharsets.UTF_8), true);
            z.add("run_autograder", RUN.getBytes(StandardCharsets.UTF_8), true);
            try (Stream<Path> files = Files.list(jars)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".jar")).sorted().collect(Collectors.toList())) {
                    z.add("grader/jars/" + f.getFileName(), f);
                }
            }
            // the exercise JVM's class path, and nothing else: a folder of its own, named to the grader by a property
            for (Path p : ExerciseClasspath.of(kit)) {
                if (Files.isDirectory(p)) { // the test kit's classes, in a build that was not packaged
                    Path jar = Files.createTempFile("rnnkit-testkit-", ".jar");
                    try {
                        FileTrees.jar(p, jar);
                        z.add(EXERCISE_JARS + "rnnkit-testkit-classes.jar", jar);
                    } finally {
                        Files.deleteIfExists(jar);
                    }
                } else {
                    z.add(EXERCISE_JARS + p.getFileName(), p);
                }
            }
            for (String dir : List.of("solutions/notebooks", "solutions/tests")) {
                try (Stream<Path> files = Files.list(kit.resolve(dir))) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
                        z.add("kit/" + dir + "/" + f.getFileName(), f);
                    }
                }
            }
        }
    }

    /**
     * Grades the notebooks in {@code root/submission} into {@code root/results/results.json}. Never fails
     * without writing a results file that says what happened.
     */
    public static int autograde(Path kit, Path root) throws IOException {
        Path results = root.resolve("results/results.json");
        try {
            List<Path> notebooks = NotebookFiles.walk(root.resolve("submission"));
            if (notebooks.isEmpty()) {
                Reports.write(results, failure("No notebook (.ipynb file) was found in your submission. Upload the"
                        + " notebook you worked in, e.g. 02-vanilla-rnn.ipynb."));
                return 0;
            }
            List<Results.Submission> graded = new ArrayList<>();
            try (Grader grader = new Grader(kit, Grader.Limits.defaults(), runAs())) {
                for (Path nb : notebooks) {
                    graded.add(grader.grade(nb, NotebookFiles.name(nb)));
                }
            }
            Reports.write(results, Reports.gradescope(merge(graded)));
            return 0;
        } catch (Exception | Error e) {
            Reports.write(results, failure("The autograder failed (" + e + "). Your submission was not graded; please tell"
                    + " your instructor."));
            return 1;
        }
    }

    /** Each exercise's JVM runs as the unprivileged user when setup.sh made it and we are root. */
    private static String runAs() {
        try {
            boolean root = "root".equals(System.getProperty("user.name"));
            Process id = new ProcessBuilder("id", "-u", STUDENT_USER).redirectErrorStream(true).start();
            return root && id.waitFor() == 0 ? STUDENT_USER : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static Results.Submission merge(List<Results.Submission> graded) {
        if (graded.size() == 1) {
            return graded.get(0);
        }
        List<Results.Exercise> exercises = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        double score = 0;
        double max = 0;
        double seconds = 0;
        StringBuilder errors = new StringBuilder();
        for (Results.Submission s : graded) {
            exercises.addAll(s.exercises());
            notes.addAll(s.notes());
            score += s.score();
            max += s.maxScore();
            seconds += s.seconds();
            if (s.error() != null) {
                errors.append(s.error()).append('\n');
            }
        }
        return new Results.Submission(graded.get(0).student(), "several", "several", score, max, exercises, notes,
                errors.length() == 0 ? null : errors.toString().strip(), seconds);
    }

    private static String failure(String message) {
        return Reports.gradescope(Results.Submission.unreadable("?", "?", message, 0));
    }

    private static final String SETUP = String.join("\n",
            "#!/usr/bin/env bash",
            "# Gradescope runs this once, as root, when it builds the autograder image.",
            "set -euo pipefail",
            "apt-get update -q",
            "DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jdk-headless",
            "id -u " + STUDENT_USER + " >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin " + STUDENT_USER,
            "");

    private static final String RUN = String.join("\n",
            "#!/usr/bin/env bash",
            "# Gradescope runs this for every submission. RNNKIT_AUTOGRADER_ROOT replaces /autograder for local tests.",
            "ROOT=\"${RNNKIT_AUTOGRADER_ROOT:-/autograder}\"",
            "SOURCE=\"$ROOT/source\"",
            "mkdir -p \"$ROOT/results\"",
            "chmod 700 \"$SOURCE\" 2>/dev/null  # student code runs as " + STUDENT_USER + " and cannot look inside",
            "JAVA=java",
            "[ -n \"${JAVA_HOME:-}\" ] && JAVA=\"$JAVA_HOME/bin/java\"",
            "\"$JAVA\" -D" + ExerciseClasspath.PROPERTY + "=\"$SOURCE/" + EXERCISE_JARS + "\" -cp \"$SOURCE/grader/jars/*\" rnnkit.grader.Main autograde --kit \"$SOURCE/kit\" --root \"$ROOT\"",
            "if [ ! -s \"$ROOT/results/results.json\" ]; then",
            "  printf '%s\\n' '{\"score\": 0, \"output\": \"The autograder could not run. Your submission was not graded; please tell your instructor.\", \"tests\": []}' > \"$ROOT/results/results.json\"",
            "fi",
            "");
}
