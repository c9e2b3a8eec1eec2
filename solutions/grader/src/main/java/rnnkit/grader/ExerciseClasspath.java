package rnnkit.grader;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The exercise JVM's class path, by declaration: the test kit module ({@code solutions/testkit}) and its runtime
 * dependencies, which are the library with its own, and JUnit. Nothing of the grader's class path (Gson, Commons
 * Compress, the grader itself) is on it. Its build writes the list ({@code target/exercise-classpath.txt}, in every
 * Maven build); the Gradescope bundle carries the same jars in a folder named by {@link #PROPERTY}.
 */
final class ExerciseClasspath {

    /** A folder holding exactly the exercise JVM's jars, used instead of the build's list (the Gradescope bundle). */
    static final String PROPERTY = "rnnkit.exercise.classpath";

    private ExerciseClasspath() {
    }

    /** The entries (jars or class folders) for the kit at {@code kit}; an error says how to build them when missing. */
    static List<Path> of(Path kit) throws IOException {
        String folder = System.getProperty(PROPERTY);
        if (folder != null) {
            try (Stream<Path> files = Files.list(Path.of(folder))) {
                List<Path> jars = files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
                if (jars.isEmpty()) {
                    throw new IllegalStateException(PROPERTY + "=" + folder + " holds no jars");
                }
                return jars;
            }
        }
        Path target = kit.resolve("solutions/testkit/target");
        Path list = target.resolve("exercise-classpath.txt");
        if (!Files.isRegularFile(list)) {
            throw new IllegalStateException(list + " is missing: build the test kit first (./build.sh setup)");
        }
        List<Path> out = new ArrayList<>(List.of(target.resolve("classes")));
        for (String entry : Files.readString(list, StandardCharsets.UTF_8).strip().split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                out.add(Path.of(entry));
            }
        }
        for (Path p : out) {
            if (!Files.exists(p)) {
                throw new IllegalStateException(p + " (on the exercise JVM's class path, from " + list
                        + ") is missing: build the kit again (./build.sh setup)");
            }
        }
        return out;
    }
}
