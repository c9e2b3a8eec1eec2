package rnnkit.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grader against the kit's own notebooks: solutions get full marks, released notebooks zero, every mutation
 * in solutions/mutations/ loses points on its exercise only, hostile code costs only its exercise and changes
 * nothing outside its scratch folder, and malformed submissions get a clear error of their own.
 */
class GraderTest {

    static final Path KIT = Path.of("../..").toAbsolutePath().normalize();
    static Grader grader;

    @BeforeAll
    static void prepare() throws IOException {
        grader = new Grader(KIT, new Grader.Limits(Duration.ofSeconds(5), Duration.ofMinutes(5), 64 * 1024, 256));
    }

    @AfterAll
    static void clean() {
        grader.close();
    }

    static List<Path> solutionNotebooks() throws IOException {
        try (Stream<Path> files = Files.list(KIT.resolve("solutions/notebooks"))) {
            return files.filter(f -> f.toString().endsWith(".ipynb")).sorted().collect(Collectors.toList());
        }
    }

    static Map<String, Results.Exercise> byId(Results.Submission s) {
        Map<String, Results.Exercise> m = new TreeMap<>();
        s.exercises().forEach(e -> m.put(e.id(), e));
        return m;
    }

    @Test
    void everySolutionNotebookScoresFullMarks() throws IOException {
        for (Path p : solutionNotebooks()) {
            Results.Submission s = grader.grade(p, "solution");
            assertNull(s.error(), s.error());
            assertTrue(s.maxScore() > 0, p + " has exercises");
            assertEquals(s.maxScore(), s.score(), 1e-9, Reports.text(s));
            assertEquals(List.of(), s.notes(), "no notes on the solution itself");
        }
    }

    @Test
    void everyReleasedNotebookScoresZeroAndItsStubsCompile(@TempDir Path dir) throws IOException {
        List<Path> released = Release.release(KIT.resolve("solutions/notebooks"), dir);
        for (Path p : released) {
            Results.Submission s = grader.grade(p, "stub");
            assertNull(s.error(), s.error());
            assertEquals(0, s.score(), 0, Reports.text(s));
            for (Results.Exercise e : s.exercises()) {
                assertEquals(Results.Status.FAILED, e.status(), "a stub compiles and fails its tests: " + e.feedback());
                assertTrue(e.feedback().contains("not implemented yet"), e.feedback());
            }
            assertEquals(List.of(), s.notes(), "a fresh release has no tampering");
        }
    }

    /** One mutation: a find/replace in one exercise of a solution notebook. */
    record Mutation(String notebook, String exercise, String name, String find, String replace) {
    }

    static List<Mutation> mutations() throws IOException {
        List<Mutation> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(KIT.resolve("solutions/mutations"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted().collect(Collectors.toList())) {
                JsonObject o = JsonParser.parseString(Files.readString(f)).getAsJsonObject();
                for (var m : o.getAsJsonArray("mutations")) {
                    JsonObject j = m.getAsJsonObject();
                    out.add(new Mutation(o.get("notebook").getAsString(), j.get("exercise").getAsString(),
                            j.get("name").getAsString(), j.get("find").getAsString(), j.get("replace").getAsString()));
                }
            }
        }
        return out;
    }

    /** The solution notebook with {@code edit} applied to one exercise's cell, written to a file. */
    static Path variant(Path dir, String notebook, String exercise, java.util.function.UnaryOperator<String> edit, String name)
            throws IOException {
        Notebook nb = Notebook.read(KIT.resolve("solutions/notebooks/" + notebook + ".ipynb"));
        boolean found = false;
        for (Notebook.Cell c : nb.cells()) {
            if (exercise.equals(c.gradeId())) {
                c.setSource(edit.apply(c.source()));
                found = true;
            }
        }
        assertTrue(found, "no exercise " + exercise + " in " + notebook);
        Path file = dir.resolve(name.replaceAll("[^A-Za-z0-9_-]", "_") + ".ipynb");
        nb.write(file);
        return file;
    }

    /**
     * Every mutation is graded on its own exercise: exercises are graded independently, each against the reference
     * solutions of the ones before it (DependentExercisesTest), so a mutation cannot cost another exercise. The
     * first mutation of each notebook is graded as a whole submission, to check that end to end.
     */
    @Test
    void everyMutationLosesPointsOnItsExerciseAndOnNoOther(@TempDir Path dir) throws IOException {
        List<Mutation> all = mutations();
        Map<String, Integer> perExercise = new TreeMap<>();
        java.util.Set<String> wholeNotebookGraded = new java.util.HashSet<>();
        for (Mutation m : all) {
            Assignment a = grader.assignments().get(m.notebook());
            assertNotNull(a, "mutations for an unknown notebook " + m.notebook());
            Assignment.Exercise x = a.exercises().stream().filter(e -> e.id().equals(m.exercise())).findFirst()
                    .orElseThrow(() -> new AssertionError("no exercise " + m.exercise() + " in " + m.notebook()));
            int at = x.solution().indexOf(m.find());
            if (at < 0 || x.solution().indexOf(m.find(), at + 1) >= 0) {
                fail("mutation '" + m.name() + "': the text to replace must occur exactly once in " + m.exercise());
            }
            String mutated = x.solution().replace(m.find(), m.replace());
            if (wholeNotebookGraded.add(m.notebook())) {
                Path file = variant(dir, m.notebook(), m.exercise(), src -> mutated, m.exercise() + "-" + m.name());
                for (Results.Exercise e : grader.grade(file, m.name()).exercises()) {
                    if (!e.id().equals(m.exercise())) {
                        assertEquals(e.points(), e.score(), 0, "mutation '" + m.name() + "' of " + m.exercise()
                                + " must not cost " + e.id() + ": " + e.feedback());
                    }
                }
            }
            Results.Exercise e = grader.gradeExercise(a, x, mutated);
            assertTrue(e.score() < e.points(), "mutation '" + m.name() + "' must lose points on " + m.exercise()
                    + ", but scored " + e.score() + "/" + e.points());
            perExercise.merge(m.notebook() + "/" + m.exercise(), 1, Integer::sum);
        }
        for (Path p : solutionNotebooks()) {
            Assignment a = Assignment.load(p);
            for (Assignment.Exercise x : a.exercises()) {
                assertTrue(perExercise.getOrDefault(a.name() + "/" + x.id(), 0) >= 2,
                        "exercise " + x.id() + " of " + a.name() + " needs at least two mutations in solutions/mutations/");
            }
        }
    }

    @Test
    void everySolutionAndEveryMutationKeepsToWhatGradedCodeMayUse() throws IOException {
        // the allow-list must not refuse honest code: the reference solutions and the plausible mistakes
        List<String> refused = new ArrayList<>();
        for (Assignment a : grader.assignments().values()) {
            for (Assignment.Exercise x : a.exercises()) {
                Results.Exercise e = grader.gradeExercise(a, x, x.solution());
                if (e.status() == Results.Status.NOT_ALLOWED) {
                    refused.add(a.name() + "/" + x.id() + " (solution): " + e.feedback());
                }
            }
        }
        for (Mutation m : mutations()) {
            Assignment a = grader.assignments().get(m.notebook());
            Assignment.Exercise x = a.exercises().stream().filter(e -> e.id().equals(m.exercise())).findFirst().orElseThrow();
            Results.Exercise e = grader.gradeExercise(a, x, x.solution().replace(m.find(), m.replace()));
            if (e.status() == Results.Status.NOT_ALLOWED) {
                refused.add(m.notebook() + "/" + m.exercise() + " (mutation " + m.name() + "): " + e.feedback());
            }
        }
        assertEquals(List.of(), refused);
    }

    /** Replaces the solution region of an exercise with other code. */
    static String body(String cell, String code) {
        return cell.replaceAll("(?s)// BEGIN SOLUTION.*// END SOLUTION", java.util.regex.Matcher.quoteReplacement(code));
    }

    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (String dir : List.of("solutions/notebooks", "solutions/tests", "notebooks", "datasets")) {
            try (Stream<Path> files = Files.walk(root.resolve(dir))) {
                for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                    m.put(root.relativize(f).toString(), Assignment.checksum("file", Files.readString(f, StandardCharsets.ISO_8859_1)));
                }
            }
        }
        return m;
    }

    @Test
    void hostileCodeCostsOnlyItsOwnExerciseAndChangesNothingOutside(@TempDir Path dir) throws IOException {
        Map<String, String> hostile = new TreeMap<>();
        hostile.put("infinite loop", "while (true) { }");
        hostile.put("System.exit", "System.exit(0);\nreturn new double[0];");
        hostile.put("Runtime.halt", "Runtime.getRuntime().halt(1);\nreturn new double[0];");
        hostile.put("out of memory", "List<double[]> hog = new ArrayList<>();\nwhile (true) { hog.add(new double[1 << 20]); }");
        hostile.put("10000 threads", "for (int i = 0; i < 10_000; i++) {\n  Thread t = new Thread(() -> { try { Thread.sleep(600_000); } catch (InterruptedException e) { } });\n  t.start();\n}\nreturn new double[0];");
        hostile.put("100 MB of output", "String line = \"x\".repeat(999);\nfor (int i = 0; i < 100_000; i++) { System.out.println(line); }\nreturn new double[0];");
        hostile.put("deletes its working directory", "try (Stream<Path> s = Files.walk(Path.of(\".\").toAbsolutePath())) {\n"
                + "  s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());\n} catch (IOException e) { }\nreturn new double[0];");
        // Finds the solutions any way it can; if it did, it returns the right answer, so a pass means a leak.
        hostile.put("reads the solutions", String.join("\n",
                "List<Path> tries = new ArrayList<>(List.of(Path.of(\"solutions/notebooks/00-tour.ipynb\"),",
                "    Path.of(\"../solutions/notebooks/00-tour.ipynb\"), Path.of(\"../../solutions/notebooks/00-tour.ipynb\"),",
                "    Path.of(\"../../../solutions/notebooks/00-tour.ipynb\")));",
                "for (String e : (System.getProperty(\"java.class.path\") + \":\" + System.getenv(\"RNNKIT_HOME\") + \":\" + System.getProperty(\"rnnkit.home\")).split(\":\")) {",
                "  for (Path p = Path.of(e).toAbsolutePath(); p != null; p = p.getParent()) tries.add(p.resolve(\"solutions/notebooks/00-tour.ipynb\"));",
                "}",
                "for (Path p : tries) {",
                "  try { if (Files.readString(p).contains(\"BEGIN SOLUTION\")) {",
                "    double m = Arrays.stream(scores).max().orElse(0);",
                "    double[] e = Arrays.stream(scores).map(v -> Math.exp(v - m)).toArray();",
                "    double z = Arrays.stream(e).sum();",
                "    return Arrays.stream(e).map(v -> v / z).toArray();",
                "  } } catch (Exception e) { }",
                "}",
                "return new double[0];"));
        Map<String, String> before = snapshot(KIT);
        for (Map.Entry<String, String> h : hostile.entrySet()) {
            Path file = variant(dir, "00-tour", "tour_softmax", cell -> body(cell, h.getValue()), h.getKey());
            String submitted = Files.readString(file);
            Results.Submission s = grader.grade(file, h.getKey());
            Map<String, Results.Exercise> r = byId(s);
            assertEquals(0, r.get("tour_softmax").score(), 0, h.getKey() + ": " + r.get("tour_softmax").feedback());
            assertEquals(3, r.get("tour_affine").score(), 0, h.getKey() + " must not cost the next exercise: " + r.get("tour_affine").feedback());
            assertEquals(submitted, Files.readString(file), "the submission is never changed");
            assertTrue(r.get("tour_softmax").output().length() < 70 * 1024, "output is capped");
        }
        assertEquals(before, snapshot(KIT), "nothing in the kit changed");
    }

    @Test
    void malformedSubmissionsGetAClearErrorEach(@TempDir Path dir) throws IOException {
        String solution = Files.readString(KIT.resolve("solutions/notebooks/00-tour.ipynb"));
        Path truncated = dir.resolve("truncated.ipynb");
        Files.writeString(truncated, solution.substring(0, solution.length() / 2));
        Path v3 = dir.resolve("old.ipynb");
        Files.writeString(v3, "{\"nbformat\": 3, \"nbformat_minor\": 0, \"worksheets\": [{\"cells\": []}], \"cells\": []}");
        Path notJson = dir.resolve("plain.ipynb");
        Files.writeString(notJson, "hello, this is not a notebook");
        Path binary = dir.resolve("binary.ipynb");
        Files.write(binary, new byte[]{'{', (byte) 0xff, (byte) 0xfe, '}'});
        Path notNotebook = dir.resolve("data.ipynb");
        Files.writeString(notNotebook, "{\"name\": \"not a notebook\"}");
        Map<Path, String> expected = Map.of(truncated, "is not valid JSON", v3, "format 3", notJson, "is not valid JSON",
                binary, "is not UTF-8", notNotebook, "not a Jupyter notebook");
        for (Map.Entry<Path, String> e : expected.entrySet()) {
            Results.Submission s = grader.grade(e.getKey(), "x");
            assertNotNull(s.error(), e.getKey().toString());
            assertTrue(s.error().contains(e.getValue()) && s.error().contains(e.getKey().toString()), s.error());
            assertEquals(0, s.score(), 0);
        }
    }

    @Test
    void missingDuplicatedRetypedAndTamperedCellsAreReported(@TempDir Path dir) throws IOException {
        Notebook nb = Notebook.read(KIT.resolve("solutions/notebooks/00-tour.ipynb"));
        List<Notebook.Cell> cells = new ArrayList<>();
        for (Notebook.Cell c : nb.cells()) {
            if ("tour_affine".equals(c.gradeId())) {
                continue; // deleted
            }
            if ("tour_softmax".equals(c.gradeId())) {
                Notebook.Cell broken = c.copy();
                broken.setSource(body(c.source(), "return null;"));
                cells.add(broken); // a first, wrong copy
            }
            if ("tour_affine_check".equals(c.gradeId())) {
                c.json.addProperty("cell_type", "markdown"); // turned into text
            }
            if ("tour_softmax_check".equals(c.gradeId())) {
                c.setSource("// no more checks");
            }
            cells.add(c);
        }
        nb.setCells(cells);
        Path file = dir.resolve("edited.ipynb");
        nb.write(file);
        Results.Submission s = grader.grade(file, "edited");
        Map<String, Results.Exercise> r = byId(s);
        assertEquals(Results.Status.MISSING, r.get("tour_affine").status());
        assertEquals(2, r.get("tour_softmax").score(), 0, "the best of the two copies counts");
        String notes = String.join("\n", s.notes());
        assertTrue(notes.contains("'tour_softmax' appears 2 times"), notes);
        assertTrue(notes.contains("'tour_softmax_check' was changed"), notes);
        assertTrue(notes.contains("'tour_affine_check' was changed"), notes);

        Notebook retyped = Notebook.read(KIT.resolve("solutions/notebooks/00-tour.ipynb"));
        for (Notebook.Cell c : retyped.cells()) {
            if ("tour_softmax".equals(c.gradeId())) {
                c.json.addProperty("cell_type", "markdown");
            }
        }
        Path file2 = dir.resolve("retyped.ipynb");
        retyped.write(file2);
        Results.Exercise e = byId(grader.grade(file2, "retyped")).get("tour_softmax");
        assertEquals(0, e.score(), 0);
        assertTrue(e.feedback().contains("no longer a code cell"), e.feedback());
    }

    @Test
    void libraryCodeAnExerciseLeavesToTheStudentEarnsNothingHoweverItIsCalled(@TempDir Path dir) throws IOException {
        Map<String, String> ways = new TreeMap<>();
        ways.put("a call", "double[] p = scores.clone();\n"
                + "return rnnkit.layers.SoftmaxCrossEntropy.softmax(new org.ejml.data.DMatrixRMaj(1, p.length, true, p), null).data;");
        ways.put("a method reference", "java.util.function.BinaryOperator<org.ejml.data.DMatrixRMaj> f = rnnkit.layers.SoftmaxCrossEntropy::softmax;\n"
                + "return f.apply(new org.ejml.data.DMatrixRMaj(1, scores.length, true, scores), null).data;");
        ways.put("reflection", "try {\n"
                + "  Object m = Class.forName(\"rnnkit.layers.Soft\" + \"maxCrossEntropy\").getMethod(\"softmax\", org.ejml.data.DMatrixRMaj.class, org.ejml.data.DMatrixRMaj.class);\n"
                + "  return ((org.ejml.data.DMatrixRMaj) ((java.lang.reflect.Method) m).invoke(null, new org.ejml.data.DMatrixRMaj(1, scores.length, true, scores), null)).data;\n"
                + "} catch (Exception e) { throw new RuntimeException(e); }");
        Map<String, String> named = Map.of("a call", "line 4: calls rnnkit.layers.SoftmaxCrossEntropy.softmax",
                "a method reference", "line 3: refers to rnnkit.layers.SoftmaxCrossEntropy.softmax",
                "reflection", "line 4: calls java.lang.Class.forName");
        for (Map.Entry<String, String> w : ways.entrySet()) {
            Path file = variant(dir, "00-tour", "tour_softmax", cell -> body(cell, w.getValue()), w.getKey());
            Map<String, Results.Exercise> r = byId(grader.grade(file, w.getKey()));
            Results.Exercise e = r.get("tour_softmax");
            assertEquals(Results.Status.NOT_ALLOWED, e.status(), w.getKey() + ": " + e.feedback());
            assertEquals(0, e.score(), 0);
            assertTrue(e.feedback().contains(named.get(w.getKey())), w.getKey() + " is named with its cell line: " + e.feedback());
            assertEquals(3, r.get("tour_affine").score(), 0, "only the exercise with the rule is affected");
        }
    }

    @Test
    void aMalformedOffLimitsRuleIsAnErrorNamingTheExercise(@TempDir Path dir) throws IOException {
        Notebook nb = Notebook.read(KIT.resolve("solutions/notebooks/00-tour.ipynb"));
        for (Notebook.Cell c : nb.cells()) {
            if ("tour_affine".equals(c.gradeId())) {
                JsonObject kit = new JsonObject();
                JsonArray rules = new JsonArray();
                rules.add("Affine");
                kit.add("off_limits", rules);
                c.metadata().add("rnnkit", kit);
            }
        }
        Path file = dir.resolve("00-tour.ipynb");
        nb.write(file);
        NotebookException e = org.junit.jupiter.api.Assertions.assertThrows(NotebookException.class, () -> Assignment.load(file));
        assertTrue(e.getMessage().contains("'tour_affine'") && e.getMessage().contains("'Affine' is not a rule"), e.getMessage());
    }

    @Test
    void aCompileErrorCostsOnlyItsExerciseAndSaysWhichLine(@TempDir Path dir) throws IOException {
        Path file = variant(dir, "00-tour", "tour_softmax", cell -> body(cell, "double x = ;\nreturn scores;"), "compile");
        Map<String, Results.Exercise> r = byId(grader.grade(file, "compile"));
        assertEquals(Results.Status.COMPILE_ERROR, r.get("tour_softmax").status());
        assertTrue(r.get("tour_softmax").feedback().contains("line 3:"), r.get("tour_softmax").feedback());
        assertEquals(3, r.get("tour_affine").score(), 0);
    }

    @Test
    void gradescopeResultsHaveTheFieldsGradescopeReads() throws IOException {
        Results.Submission s = grader.grade(KIT.resolve("solutions/notebooks/00-tour.ipynb"), "alice");
        JsonObject g = JsonParser.parseString(Reports.gradescope(s)).getAsJsonObject();
        assertEquals(5.0, g.get("score").getAsDouble(), 0);
        assertTrue(g.has("execution_time") && g.has("output"));
        JsonArray tests = g.getAsJsonArray("tests");
        assertEquals(2, tests.size());
        for (var t : tests) {
            for (String field : List.of("name", "score", "max_score", "status", "output", "visibility")) {
                assertTrue(t.getAsJsonObject().has(field), field + " in " + t);
            }
        }
        assertTrue(Reports.csv(List.of(s)).startsWith("student,notebook,score,max_score,tour_softmax,tour_affine,error\nalice,00-tour,5,5,2,3,\n"));
    }
}
