package rnnkit.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Students write helpers: in a cell of their own, or next to an exercise's answer, and use them in later exercises.
 * The notebook runs them (JShell keeps every cell's declarations), so the grade must count them too. Notebook 05:
 * its four step exercises use a sigmoid, which the solutions take from the library.
 */
class HelpersTest {

    static final Path KIT = GraderTest.KIT;
    static Grader grader;

    @BeforeAll
    static void prepare() throws IOException {
        grader = new Grader(KIT, new Grader.Limits(Duration.ofSeconds(20), Duration.ofMinutes(5), 64 * 1024, 256));
    }

    @AfterAll
    static void clean() {
        grader.close();
    }

    static final List<String> USES_SIGMOID = List.of("nb05_lstm_step", "nb05_gru_step", "nb05_gru_backward", "nb05_gru_cho");

    /**
     * Notebook 05's solution with a new code cell (no metadata, as a student adds it) after the cell of grade id
     * {@code after}, and {@code edit} applied to the named exercise cells.
     */
    static Path notebook(Path dir, String name, String after, String newCell, List<String> exercises, UnaryOperator<String> edit)
            throws IOException {
        Notebook nb = Notebook.read(KIT.resolve("solutions/notebooks/05-lstm-gru.ipynb"));
        List<Notebook.Cell> cells = new ArrayList<>();
        for (Notebook.Cell c : nb.cells()) {
            if (c.gradeId() != null && exercises.contains(c.gradeId())) {
                c.setSource(edit.apply(c.source()));
            }
            cells.add(c);
            if (newCell != null && after.equals(c.gradeId())) {
                JsonObject o = new JsonObject();
                o.addProperty("cell_type", "code");
                o.add("metadata", new JsonObject());
                o.add("outputs", new JsonArray());
                o.add("execution_count", null);
                o.addProperty("source", newCell);
                cells.add(new Notebook.Cell(o, -1));
            }
        }
        nb.setCells(cells);
        Path file = dir.resolve(name + ".ipynb");
        nb.write(file);
        return file;
    }

    static Map<String, Results.Exercise> grade(Path file) {
        Results.Submission s = grader.grade(file, file.getFileName().toString());
        assertEquals(null, s.error());
        Map<String, Results.Exercise> m = new TreeMap<>();
        s.exercises().forEach(e -> m.put(e.id(), e));
        return m;
    }

    static void assertFullMarks(Map<String, Results.Exercise> r) {
        r.values().forEach(e -> assertEquals(e.points(), e.score(), 0, e.id() + ": " + e.feedback()));
    }

    @Test
    void aHelperInACellOfItsOwnCountsForEveryExerciseThatUsesIt(@TempDir Path dir) throws IOException {
        Path file = notebook(dir, "own-cell", "nb05_setup_02",
                "/** σ, my way. */\ndouble sig(double v) {\n    return 1 / (1 + Math.exp(-v));\n}\nsig(0.5); // tried it out\n",
                USES_SIGMOID, cell -> cell.replace("Activation.sigmoid(", "sig("));
        assertFullMarks(grade(file));
    }

    @Test
    void aHelperNextToTheFirstExerciseServesTheThird(@TempDir Path dir) throws IOException {
        Path file = notebook(dir, "from-exercise-1", "-", null, USES_SIGMOID, cell -> cell.contains("lstmStepForward(")
                ? cell.replace("Activation.sigmoid(", "sig(") + "\n\nstatic double sig(double v) { return 1 / (1 + Math.exp(-v)); }\n"
                + "final double LIMIT = 1e-12;\nclass Counter { int n; }\n"
                : cell.replace("Activation.sigmoid(", "sig(").replace("return h;", "Counter k = new Counter(); k.n += LIMIT > 0 ? 1 : 0;\n    return h;"));
        Map<String, Results.Exercise> r = grade(file);
        assertFullMarks(r);
    }

    @Test
    void aWrongHelperCostsOnlyTheExercisesThatUseIt(@TempDir Path dir) throws IOException {
        Path file = notebook(dir, "wrong-helper", "nb05_lstm_backward", "double sig(double v) { return v; }",
                List.of("nb05_gru_step"), cell -> cell.replace("Activation.sigmoid(", "sig("));
        Map<String, Results.Exercise> r = grade(file);
        assertEquals(0, r.get("nb05_gru_step").score(), 0, "the wrong σ is used");
        r.values().stream().filter(e -> !e.id().equals("nb05_gru_step"))
                .forEach(e -> assertEquals(e.points(), e.score(), 0, e.id() + ": " + e.feedback()));
    }

    @Test
    void aHelperThatDoesNotCompileIsNamedInTheFeedbackOfTheExerciseThatNeedsIt(@TempDir Path dir) throws IOException {
        Path file = notebook(dir, "broken-helper", "nb05_setup_02",
                "double fine(double v) { return v; }\n\ndouble sig(double v) {\n    return 1 / (1 + Math.exp(-v))\n}\n",
                List.of("nb05_gru_step"), cell -> cell.replace("Activation.sigmoid(", "sig("));
        Map<String, Results.Exercise> r = grade(file);
        Results.Exercise gru = r.get("nb05_gru_step");
        assertEquals(Results.Status.COMPILE_ERROR, gru.status(), gru.feedback());
        assertTrue(gru.feedback().contains("your helper 'sig' (cell 3 of the notebook, line 3) does not compile (line 4 of its cell"),
                "the feedback names the helper, its cell and the line of the error:\n" + gru.feedback());
        r.values().stream().filter(e -> !e.id().equals("nb05_gru_step"))
                .forEach(e -> assertEquals(e.points(), e.score(), 0, e.id() + ": " + e.feedback()));
    }

    @Test
    void aHelperThatReachesOutsideIsRefusedWhereItIs(@TempDir Path dir) throws IOException {
        Path file = notebook(dir, "helper-reads-files", "nb05_setup_02",
                "double sig(double v) {\n    try { java.nio.file.Files.readString(java.nio.file.Path.of(\"/etc/hostname\")); }\n"
                        + "    catch (java.io.IOException e) { }\n    return 1 / (1 + Math.exp(-v));\n}\n",
                List.of("nb05_gru_step"), cell -> cell.replace("Activation.sigmoid(", "sig("));
        Results.Exercise gru = grade(file).get("nb05_gru_step");
        assertEquals(Results.Status.NOT_ALLOWED, gru.status(), gru.feedback());
        assertTrue(gru.feedback().contains("cell 3, line 2 (your helper 'sig'): calls java.nio.file.Files.readString"),
                "the feedback points at the helper's own cell and line:\n" + gru.feedback());
    }

    @Test
    void aHelperThatThrowsIsNamedWithItsCellAndLine(@TempDir Path dir) throws IOException {
        Path file = notebook(dir, "helper-throws", "nb05_setup_02",
                "double sig(double v) {\n    throw new IllegalStateException(\"not yet\");\n}\n",
                List.of("nb05_gru_step"), cell -> cell.replace("Activation.sigmoid(", "sig("));
        Results.Exercise gru = grade(file).get("nb05_gru_step");
        assertEquals(0, gru.score(), 0, gru.feedback());
        assertTrue(gru.feedback().contains("IllegalStateException: not yet (in your sig, cell 3, line 2 (your helper 'sig'))"),
                "the failure points at the helper's own cell and line:\n" + gru.feedback());
    }

    @Test
    void aHelperDefinedAfterTheExerciseIsNotUsedByIt(@TempDir Path dir) throws IOException {
        // Run All would fail at the exercise's check too: JShell has no sig yet when the cell after the exercise runs.
        Path file = notebook(dir, "helper-after", "nb05_gru_cho", "double sig(double v) { return 1 / (1 + Math.exp(-v)); }",
                List.of("nb05_gru_step"), cell -> cell.replace("Activation.sigmoid(", "sig("));
        Results.Exercise gru = grade(file).get("nb05_gru_step");
        assertEquals(Results.Status.COMPILE_ERROR, gru.status(), gru.feedback());
        assertTrue(gru.feedback().contains("cannot find symbol"), gru.feedback());
    }

    @Test
    void anExercisesOwnAnswerIsNotAHelperLaterExercisesGradeWith(@TempDir Path dir) throws IOException {
        // A wrong lstmStepForward (it throws) costs its exercise; a later exercise that calls it gets the
        // reference's, and the variables of the read-only setup cell it passes are the notebook's.
        Path file = notebook(dir, "wrong-answer-reused", "-", null, List.of("nb05_lstm_step", "nb05_forget_bias"),
                cell -> cell.contains("lstmStepForward(") ? GraderTest.body(cell, "throw new IllegalStateException(\"not yet\");")
                        : cell.replace("int H = b.numCols / 4;", "int H = b.numCols / 4 + 0 * lstmStepForward(x, hPrev, cPrev, lstmWx, lstmWh, lstmB).c().numCols;"));
        Map<String, Results.Exercise> r = grade(file);
        assertEquals(0, r.get("nb05_lstm_step").score(), 0, r.get("nb05_lstm_step").feedback());
        assertEquals(r.get("nb05_forget_bias").points(), r.get("nb05_forget_bias").score(), 0, r.get("nb05_forget_bias").feedback());
    }
}
