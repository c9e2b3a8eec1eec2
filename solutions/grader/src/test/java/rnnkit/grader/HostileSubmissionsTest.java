package rnnkit.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submissions written to cheat, to spy or to break the grader: every attack an independent red team used on the
 * earlier grader (the issue lists them), each in the 00-tour softmax exercise. Each earns nothing on that exercise,
 * says why in words an instructor can act on, costs the submission's next exercise nothing, leaves no process behind
 * and changes nothing outside. A batch of honest and hostile students graded two at a time gives every honest
 * student exactly the scores they get alone.
 */
class HostileSubmissionsTest {

    static final Path KIT = GraderTest.KIT;
    static Grader grader;
    /** Appears in the command line of every process an attack starts, so that a survivor can be found. */
    static final String MARKER = "rnnkit-hostile-8d1f";

    @BeforeAll
    static void prepare() throws IOException {
        grader = new Grader(KIT, new Grader.Limits(Duration.ofSeconds(5), Duration.ofMinutes(5), 64 * 1024, 256, Duration.ofSeconds(10)));
    }

    @AfterAll
    static void clean() {
        grader.close();
    }

    /** The softmax a forger falls back on, so that a leak or a forgery would show as points. */
    static final String REAL_SOFTMAX = String.join("\n",
            "double m = java.util.Arrays.stream(scores).max().orElse(0);",
            "double[] e = java.util.Arrays.stream(scores).map(v -> Math.exp(v - m)).toArray();",
            "double z = java.util.Arrays.stream(e).sum();");

    /** A report in which the softmax test passed, as a Java string literal for a cell. */
    static final String REPORT = "\"" + "{\"tests\":[{\"method\":\"softmaxIsADistribution\",\"passed\":true,\"message\":\"\"}],\"output\":\"\",\"outputDropped\":0}"
            .replace("\"", "\\\"") + "\"";

    /** Attack name to the whole cell made from the solution cell. */
    static Map<String, UnaryOperator<String>> attacks() {
        Map<String, UnaryOperator<String>> a = new LinkedHashMap<>();
        String forge = String.join("\n",
                "for (String arg : ProcessHandle.current().info().arguments().orElse(new String[0])) {",
                "  if (arg.endsWith(\".json\")) {",
                "    try { java.nio.file.Files.writeString(java.nio.file.Path.of(arg),",
                "        \"{\\\"tests\\\":[{\\\"name\\\":\\\"all\\\",\\\"weight\\\":WEIGHT,\\\"passed\\\":true,\\\"message\\\":\\\"\\\"}],\\\"output\\\":\\\"\\\",\\\"outputDropped\\\":0}\");",
                "    } catch (java.io.IOException e) { }",
                "    Runtime.getRuntime().halt(0);",
                "  }",
                "}",
                "return new double[0];");
        a.put("forges the report file and halts", body(forge.replace("WEIGHT", "1.0")));
        a.put("forges a report with weights 1000 and -999", body(forge.replace("WEIGHT", "1000").replace("\"}],", "\"},{\\\"name\\\":\\\"x\\\",\\\"weight\\\":-999,\\\"passed\\\":false,\\\"message\\\":\\\"\\\"}],")));
        a.put("writes a report line to the JVM's real output and halts", body(String.join("\n",
                "var out = new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);",
                "out.println(" + REPORT + ");",
                "Runtime.getRuntime().halt(0);",
                "return null;")));
        a.put("prints a report (no way out but the captured console)", body(String.join("\n",
                "System.out.println(" + REPORT + ");",
                "return new double[0];")));
        a.put("reaches the test runner by reflection", body(String.join("\n",
                "try {",
                "  Class<?> runner = Class.forName(\"rnnkit.grader.runner.ExerciseRunner\");",
                "  for (var f : runner.getDeclaredFields()) { f.setAccessible(true); System.out.println(f.get(null)); }",
                "  Class<?> listener = Class.forName(\"org.junit.platform.launcher.TestExecutionListener\");",
                "  System.out.println(listener);",
                "} catch (Exception e) { }",
                "return new double[0];")));
        a.put("unicode-escaped reflection", body("try { \\u0043lass.forName(\"java.lang.Runtime\"); } catch (Exception e) { }\nreturn new double[0];"));
        a.put("loads the reference solution's class", body(String.join("\n",
                "try {",
                "  Class<?> ref = Class.forName(\"exercises.Ex_tour_softmax\", true, Thread.currentThread().getContextClassLoader());",
                "  return (double[]) ref.getMethod(\"softmax\", double[].class).invoke(null, (Object) scores);",
                "} catch (Exception e) { return new double[0]; }")));
        a.put("calls an off-limits method through ClassLoader and java.beans.Expression", body(String.join("\n",
                "try {",
                "  Class<?> ops = ClassLoader.getSystemClassLoader().loadClass(\"rnnkit.core.Activation\");",
                "  return (double[]) new java.beans.Expression(ops, \"softmax\", new Object[]{scores}).getValue();",
                "} catch (Exception e) { return new double[0]; }")));
        a.put("prints the hidden tests' bytecode in base64", body(String.join("\n",
                "try (var in = ClassLoader.getSystemResourceAsStream(\"exercises/Nb00TourTest.class\")) {",
                "  System.out.println(java.util.Base64.getEncoder().encodeToString(in.readAllBytes()));",
                "} catch (Exception e) { }",
                "try (var in = Object.class.getResourceAsStream(\"/exercises/Ex_tour_softmax.class\")) {",
                "  System.out.println(java.util.Base64.getEncoder().encodeToString(in.readAllBytes()));",
                "} catch (Exception e) { }",
                "return new double[0];")));
        a.put("reads the grader's command line and environment in /proc", body(String.join("\n",
                "long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);",
                "try {",
                "  System.out.println(java.nio.file.Files.readString(java.nio.file.Path.of(\"/proc/\" + parent + \"/cmdline\")));",
                "  System.out.println(java.nio.file.Files.readString(java.nio.file.Path.of(\"/proc/\" + parent + \"/environ\")));",
                "} catch (java.io.IOException e) { }",
                "return new double[0];")));
        a.put("starts a shell that outlives the exercise", body(String.join("\n",
                "try { new ProcessBuilder(\"sh\", \"-c\", \"sleep 60; echo " + MARKER + "\").start(); } catch (java.io.IOException e) { }",
                "try { Runtime.getRuntime().exec(new String[]{\"sleep\", \"61\", \"" + MARKER + "\"}); } catch (java.io.IOException e) { }",
                "return new double[0];")));
        a.put("writes into the output and scratch folders", body(String.join("\n",
                "try {",
                "  for (var p : java.nio.file.Files.list(java.nio.file.Path.of(\"..\").toAbsolutePath()).toList()) {",
                "    java.nio.file.Files.writeString(p.resolve(\"other.json\"), \"{}\");",
                "  }",
                "} catch (Exception e) { }",
                "return new double[0];")));
        a.put("kills every other process it can", body("ProcessHandle.allProcesses().forEach(ProcessHandle::destroyForcibly);\nreturn new double[0];"));
        a.put("kills the grader", body("ProcessHandle.current().parent().ifPresent(ProcessHandle::destroyForcibly);\nreturn new double[0];"));
        a.put("150 MB to the raw output descriptor", body(String.join("\n",
                "try (var out = new java.io.FileOutputStream(java.io.FileDescriptor.out)) {",
                "  byte[] b = new byte[1 << 20];",
                "  for (int i = 0; i < 150; i++) out.write(b);",
                "} catch (java.io.IOException e) { }",
                "return new double[0];")));
        a.put("a shutdown hook", body(String.join("\n",
                "Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println(\"" + MARKER + "\")));",
                "return new double[0];")));
        a.put("a static initializer that forges", cell -> body("return Forge.ANSWER;").apply(cell) + String.join("\n", "",
                "class Forge {",
                "  static double[] ANSWER = new double[0];",
                "  static { Runtime.getRuntime().halt(0); }",
                "}"));
        a.put("a static initializer that never ends", cell -> body("return Forever.ANSWER;").apply(cell) + String.join("\n", "",
                "class Forever {",
                "  static double[] ANSWER = new double[0];",
                "  static { while (ANSWER != null) { } }",
                "}"));
        a.put("sets the JVM's properties", body("System.setProperty(\"rnnkit.home\", \"/\");\nreturn new double[0];"));
        a.put("20,000 nested parentheses", body("return new double[]{" + "(".repeat(20_000) + "1" + ")".repeat(20_000) + "};"));
        a.put("nested generic ternaries (javac's inference explodes)", body(nestedTernaries(11)));
        return a;
    }

    /** {@code List.of(...)} in ternaries nested n deep: javac's inference takes minutes on such code. */
    static String nestedTernaries(int n) {
        String e = "java.util.List.of(1)";
        for (int i = 0; i < n; i++) {
            e = "(scores.length > " + i + " ? java.util.List.of(" + e + ", " + e + ") : java.util.List.of(" + e + "))";
        }
        return "Object o = " + e + ";\nreturn new double[0];";
    }

    static UnaryOperator<String> body(String code) {
        return cell -> GraderTest.body(cell, code);
    }

    static List<String> survivors() {
        return ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse("")).filter(c -> c.contains(MARKER)).toList();
    }

    @Test
    void everyAttackEarnsNothingAndCostsNothingElse(@TempDir Path dir) throws IOException {
        Map<String, String> before = GraderTest.snapshot(KIT);
        Map<String, String> why = new TreeMap<>();
        for (Map.Entry<String, UnaryOperator<String>> attack : attacks().entrySet()) {
            Path file = GraderTest.variant(dir, "00-tour", "tour_softmax", attack.getValue(), attack.getKey());
            String submitted = Files.readString(file);
            long start = System.nanoTime();
            Results.Submission s = grader.grade(file, attack.getKey());
            Map<String, Results.Exercise> r = GraderTest.byId(s);
            Results.Exercise softmax = r.get("tour_softmax");
            assertEquals(0, softmax.score(), 0, attack.getKey() + " earned points: " + softmax.feedback());
            assertEquals(3, r.get("tour_affine").score(), 0, attack.getKey() + " must not cost the next exercise: " + r.get("tour_affine").feedback());
            assertEquals(s.maxScore(), 5, 0);
            assertTrue(s.score() <= s.maxScore());
            assertEquals(submitted, Files.readString(file), "the submission is never changed");
            assertTrue(softmax.output().length() < 70 * 1024, "output is capped");
            assertFalse(softmax.output().contains("yv66vg"), attack.getKey() + ": class files leaked into the feedback"); // 0xCAFEBABE
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 60, attack.getKey() + " held the grader up");
            assertEquals(List.of(), survivors(), attack.getKey() + " left a process behind");
            why.put(attack.getKey(), softmax.status() + ": " + softmax.feedback());
        }
        assertEquals(before, GraderTest.snapshot(KIT), "nothing in the kit changed");
        // The reasons, as the instructor reads them: the call and its line where the code was refused.
        assertTrue(why.get("forges the report file and halts").matches("(?s)NOT_ALLOWED.*line \\d+: calls java\\.lang\\.ProcessHandle\\.current.*"), why.toString());
        assertTrue(why.get("reaches the test runner by reflection").contains("java.lang.Class.forName"), why.toString());
        assertTrue(why.get("unicode-escaped reflection").contains("java.lang.Class.forName"), why.toString());
        assertTrue(why.get("a static initializer that forges").contains("java.lang.Runtime.halt"), why.toString());
        assertTrue(why.get("a static initializer that never ends").startsWith("TIMEOUT"), why.toString());
        assertTrue(why.get("prints a report (no way out but the captured console)").startsWith("FAILED"), why.toString());
        assertTrue(why.get("20,000 nested parentheses").contains("nested too deeply"), why.toString());
        assertTrue(why.get("nested generic ternaries (javac's inference explodes)").contains("took longer than 10 s"), why.toString());
        for (String refused : List.of("forges a report with weights 1000 and -999", "writes a report line to the JVM's real output and halts",
                "loads the reference solution's class", "calls an off-limits method through ClassLoader and java.beans.Expression",
                "prints the hidden tests' bytecode in base64", "reads the grader's command line and environment in /proc",
                "starts a shell that outlives the exercise", "writes into the output and scratch folders", "kills every other process it can",
                "kills the grader", "150 MB to the raw output descriptor", "a shutdown hook", "sets the JVM's properties")) {
            assertTrue(why.get(refused).startsWith("NOT_ALLOWED") && why.get(refused).contains("line "), refused + ": " + why.get(refused));
        }
    }

    @Test
    void aBatchGivesHonestStudentsTheScoresTheyGetAlone(@TempDir Path dir) throws Exception {
        Path mutated = GraderTest.variant(dir, "00-tour", "tour_softmax", cell -> cell.replace("p[i] /= sum;", "p[i] /= 1;"), "mutated");
        Path solution = KIT.resolve("solutions/notebooks/00-tour.ipynb");
        Path wrongAffine = GraderTest.variant(dir, "00-tour", "tour_affine", cell -> GraderTest.body(cell, "return new double[0];"), "wrong-affine");
        Path class_ = Files.createDirectories(dir.resolve("class"));
        Map<String, Path> honest = Map.of("honest-a", solution, "honest-b", mutated, "honest-c", wrongAffine);
        for (Map.Entry<String, Path> h : honest.entrySet()) {
            Files.copy(h.getValue(), Files.createDirectories(class_.resolve(h.getKey())).resolve("00-tour.ipynb"));
        }
        int n = 0;
        for (Map.Entry<String, UnaryOperator<String>> attack : attacks().entrySet()) {
            if (attack.getKey().contains("nested")) {
                continue; // slow by design; they are graded alone above
            }
            Path file = GraderTest.variant(dir, "00-tour", "tour_softmax", attack.getValue(), "attack-" + n);
            Files.move(file, Files.createDirectories(class_.resolve("hostile-" + n++)).resolve("00-tour.ipynb"));
        }
        Path out = dir.resolve("out");
        PrintStream stdout = System.out;
        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(csv, true, StandardCharsets.UTF_8));
            assertEquals(0, Main.run(new String[]{"grade", class_.toString(), "--out", out.toString(), "--jobs", "2", "--format", "csv",
                    "--timeout", "5", "--kit", KIT.toString()}));
        } finally {
            System.setOut(stdout);
        }
        for (Map.Entry<String, Path> h : honest.entrySet()) {
            Results.Submission alone = grader.grade(h.getValue(), h.getKey() + "/00-tour");
            Results.Submission inBatch = Reports.fromJson(Files.readString(out.resolve(h.getKey() + "_00-tour.json")));
            assertNull(inBatch.error());
            assertEquals(scores(alone), scores(inBatch), h.getKey() + " graded in the batch");
        }
        String gradebook = Files.readString(out.resolve("gradebook.csv"));
        assertTrue(gradebook.contains("honest-a/00-tour,00-tour,5,5"), gradebook);
        assertEquals(List.of(), survivors());
    }

    static Map<String, Double> scores(Results.Submission s) {
        Map<String, Double> m = new TreeMap<>();
        s.exercises().forEach(e -> m.put(e.id() + " " + e.status(), e.score()));
        return m;
    }
}
