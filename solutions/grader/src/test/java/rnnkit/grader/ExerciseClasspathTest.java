package rnnkit.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exercise JVM's class path is the test kit module's runtime class path: the library and its dependencies, JUnit
 * and the test kit; nothing the grader or the kernel needs (README, "How it grades").
 */
class ExerciseClasspathTest {

    /** What the grader and the kernel bring that student code must not find: each a jar-name prefix. */
    private static final List<String> NOT_FOR_EXERCISES = List.of("rnnkit-grader", "rnnkit-kernel", "rnnkit-snippets",
            "gson", "commons-compress", "commons-io", "commons-lang3", "commons-codec", "asm", "jjava", "jeromq", "jnacl",
            "slf4j-jdk14");

    private static String name(Path entry) {
        Path p = entry.toAbsolutePath().normalize();
        // a build that was not packaged gives module/target/classes
        return p.endsWith("target/classes") ? p.getParent().getParent().getFileName().toString() : p.getFileName().toString();
    }

    @Test
    void theExerciseJvmGetsTheLibraryJUnitAndTheTestKitAndNothingOfTheGrader() throws IOException {
        List<String> names = new ArrayList<>();
        for (Path p : ExerciseClasspath.of(GraderTest.KIT)) {
            names.add(name(p));
        }
        assertTrue(names.contains("testkit"), "the test kit's classes: " + names);
        assertTrue(names.stream().anyMatch(n -> n.equals("lib") || n.startsWith("rnnkit-lib-")), "the library: " + names);
        for (String needed : List.of("junit-jupiter-engine-", "junit-jupiter-api-", "junit-platform-launcher-", "ejml-ddense-")) {
            assertTrue(names.stream().anyMatch(n -> n.startsWith(needed)), needed + " in " + names);
        }
        for (String n : names) {
            for (String forbidden : NOT_FOR_EXERCISES) {
                assertTrue(!n.startsWith(forbidden + "-"), n + " is the grader's or the kernel's, not the exercise JVM's");
            }
        }
        // the grader's own class path does have them: the exercise JVM's is not simply a copy of it
        assertTrue(System.getProperty("java.class.path").contains("gson-"), "the grader itself runs with Gson");
    }

    @Test
    void theExerciseJvmRunsWithCopiesOfExactlyThoseEntries() throws IOException {
        List<Path> declared = ExerciseClasspath.of(GraderTest.KIT);
        try (Grader g = new Grader(GraderTest.KIT, new Grader.Limits(Duration.ofSeconds(5), Duration.ofMinutes(1), 4096, 128))) {
            List<Path> used = g.exerciseClasspath();
            assertEquals(declared.size(), used.size(), used.toString());
            for (int i = 0; i < used.size(); i++) {
                assertTrue(!used.get(i).startsWith(GraderTest.KIT), used.get(i) + " points into the kit");
                if (Files.isRegularFile(declared.get(i))) {
                    assertEquals(declared.get(i).getFileName(), used.get(i).getFileName());
                }
            }
        }
    }

    @Test
    void aFolderNamedByThePropertyReplacesTheBuildsList(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("b.jar"), "");
        Files.writeString(dir.resolve("a.jar"), "");
        Files.writeString(dir.resolve("notes.txt"), "");
        System.setProperty(ExerciseClasspath.PROPERTY, dir.toString());
        try {
            assertEquals(List.of(dir.resolve("a.jar"), dir.resolve("b.jar")), ExerciseClasspath.of(dir.resolve("no-kit")));
        } finally {
            System.clearProperty(ExerciseClasspath.PROPERTY);
        }
    }

    @Test
    void aKitWhoseTestKitWasNotBuiltGetsAnErrorThatSaysHowToBuildIt(@org.junit.jupiter.api.io.TempDir Path dir) {
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ExerciseClasspath.of(dir));
        assertTrue(e.getMessage().contains("exercise-classpath.txt is missing") && e.getMessage().contains("./build.sh setup"),
                e.getMessage());
    }
}
