package rnnkit.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a small kit made here: exercise B uses exercise A. A student's wrong A must not cost B (B is compiled against
 * the reference A), and a student's B must still get B's points when A is missing altogether.
 */
class DependentExercisesTest {

    private static String notebook(String twiceBody, String quadrupleBody) {
        return "{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}, \"cells\": ["
                + markdown("intro", "Two exercises; the second uses the first.") + ","
                + exercise("deps_twice", 1, "int twice(int x) {\\n    // BEGIN SOLUTION\\n    " + twiceBody + "\\n    // END SOLUTION\\n}") + ","
                + exercise("deps_quadruple", 2, "import java.util.function.IntUnaryOperator;\\n\\nint quadruple(int x) {\\n    // BEGIN SOLUTION\\n    "
                + quadrupleBody + "\\n    // END SOLUTION\\n}\\nSystem.out.println(quadruple(3)); // a statement: not graded") + "]}";
    }

    private static String markdown(String id, String text) {
        return "{\"cell_type\": \"markdown\", \"metadata\": {\"nbgrader\": {\"grade_id\": \"" + id + "\", \"locked\": true,"
                + " \"solution\": false, \"grade\": false, \"schema_version\": 3}}, \"source\": \"" + text + "\"}";
    }

    private static String exercise(String id, int points, String code) {
        return "{\"cell_type\": \"code\", \"execution_count\": null, \"outputs\": [], \"metadata\": {\"nbgrader\": {\"grade_id\": \""
                + id + "\", \"solution\": true, \"grade\": false, \"locked\": false, \"points\": " + points
                + ", \"schema_version\": 3}}, \"source\": \"" + code + "\"}";
    }

    private static final String TESTS = String.join("\n",
            "package exercises;",
            "import org.junit.jupiter.api.Test;",
            "import rnnkit.grader.testkit.Graded;",
            "import rnnkit.grader.testkit.GradedNotebook;",
            "import rnnkit.ui.Check;",
            "@GradedNotebook(\"99-deps\")",
            "class Nb99Test {",
            "  @Test @Graded(id = \"deps_twice\") void twice() { Check.close(\"twice(21)\", 42, Ex_deps_twice.twice(21), 0, null); }",
            "  @Test @Graded(id = \"deps_quadruple\") void quadruple() { Check.close(\"quadruple(5)\", 20, Ex_deps_quadruple.quadruple(5), 0, null); }",
            "}");

    private static Path kit(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("solutions/notebooks"));
        Files.createDirectories(dir.resolve("solutions/tests"));
        Files.writeString(dir.resolve("solutions/notebooks/99-deps.ipynb"), notebook("return 2 * x;", "return twice(twice(x));"));
        Files.writeString(dir.resolve("solutions/tests/Nb99Test.java"), TESTS);
        // the exercise JVM's class path comes from the kit's test kit build: this kit borrows the real one
        Files.createDirectories(dir.resolve("solutions/testkit"));
        Files.createSymbolicLink(dir.resolve("solutions/testkit/target"), GraderTest.KIT.resolve("solutions/testkit/target"));
        return dir;
    }

    private static Map<String, Double> scores(Results.Submission s) {
        Map<String, Double> m = new TreeMap<>();
        s.exercises().forEach(e -> m.put(e.id(), e.score()));
        return m;
    }

    @Test
    void aWrongEarlierExerciseDoesNotCostTheOneBuiltOnIt(@TempDir Path dir) throws IOException {
        Path kit = kit(dir.resolve("kit"));
        try (Grader g = new Grader(kit, new Grader.Limits(Duration.ofSeconds(10), Duration.ofMinutes(2), 4096, 128))) {
            Path full = kit.resolve("solutions/notebooks/99-deps.ipynb");
            assertEquals(Map.of("deps_quadruple", 2.0, "deps_twice", 1.0), scores(g.grade(full, "solution")));

            Path wrongA = dir.resolve("wrong-a.ipynb");
            Files.writeString(wrongA, notebook("return x + 1;", "return twice(twice(x));"));
            assertEquals(Map.of("deps_quadruple", 2.0, "deps_twice", 0.0), scores(g.grade(wrongA, "wrong-a")),
                    "quadruple uses the reference twice, not the student's");

            Path wrongB = dir.resolve("wrong-b.ipynb");
            Files.writeString(wrongB, notebook("return 2 * x;", "return twice(x);"));
            assertEquals(Map.of("deps_quadruple", 0.0, "deps_twice", 1.0), scores(g.grade(wrongB, "wrong-b")));
        }
    }

    @Test
    void authoringMistakesAreCaughtWhenTheGraderStarts(@TempDir Path dir) throws IOException {
        Path kit = kit(dir.resolve("kit"));
        Files.writeString(kit.resolve("solutions/tests/Nb99Test.java"), TESTS.replace("Ex_deps_twice.twice", "Ex_deps_twice.thrice"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Grader(kit, Grader.Limits.defaults()).close());
        assertTrue(e.getMessage().contains("hidden tests do not compile") && e.getMessage().contains("thrice"), e.getMessage());
        assertTrue(e.getMessage().contains("Nb99Test.java, line 8: "), "the test file and line: " + e.getMessage());
    }

    @Test
    void aReferenceSolutionThatDoesNotCompileIsNamedByNotebookCellAndLine(@TempDir Path dir) throws IOException {
        Path kit = kit(dir.resolve("kit"));
        Files.writeString(kit.resolve("solutions/notebooks/99-deps.ipynb"), notebook("return 2 * x;", "return twice(twice(y));"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Grader(kit, Grader.Limits.defaults()).close());
        assertTrue(e.getMessage().startsWith("the reference solutions do not compile:\n- "), e.getMessage());
        // the third cell, line 5 of it: where the author fixes it, not a generated class
        assertTrue(e.getMessage().contains("99-deps.ipynb, cell 3 ('deps_quadruple'), line 5: cannot find symbol"), e.getMessage());
    }
}
