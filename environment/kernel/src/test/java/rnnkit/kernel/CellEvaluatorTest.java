package rnnkit.kernel;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import rnnkit.kernel.execution.SnippetExecutionControl;

class CellEvaluatorTest {

    private static CellEvaluator evaluator;
    private static int cellCount;

    @BeforeAll
    static void start() {
        evaluator = new CellEvaluator(System.getProperty("java.class.path"));
    }

    @AfterAll
    static void stop() {
        evaluator.close();
    }

    /** Runs code as the next cell, named In [n] like Jupyter does. */
    private static Object run(String code) throws CellError {
        evaluator.beginCell();
        Object value = evaluator.eval(new CellSource("In [" + (++cellCount) + "]", code), 0, code.length());
        evaluator.endCell();
        return value;
    }

    private static CellError fails(String code) {
        return assertThrows(CellError.class, () -> run(code), () -> "expected this cell to fail: " + code);
    }

    private static String traceback(CellError e) {
        return String.join("\n", e.traceback()).replaceAll("\u001b\\[[0-9;]*m", "");
    }

    @Test
    void theLastExpressionIsTheCellsValue() throws CellError {
        assertEquals(3, run("int a = 1;\nint b = 2;\na + b"));
    }

    @Test
    void aTrailingSemicolonHidesTheValue() throws CellError {
        assertSame(SnippetExecutionControl.NO_VALUE, run("Math.max(4, 5);"));
        assertEquals(5, run("Math.max(4, 5)"));
    }

    @Test
    void nullIsAValueNotTheAbsenceOfOne() throws CellError {
        assertEquals(null, run("String nothing = null;\nnothing"));
    }

    @Test
    void definitionsPersistAcrossCellsAndCanBeRedefined() throws CellError {
        run("int twice(int x) { return 2 * x; }");
        run("class Box { int v = 4; }");
        assertEquals(8, run("twice(new Box().v)"));
        run("int twice(int x) { return 3 * x; } // redefined");
        run("class Box { int v = 5; }");
        assertEquals(15, run("twice(new Box().v)"));
    }

    @Test
    void statementsRunInOrderAndPrint() throws CellError {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            run("for (int i = 0; i < 3; i++) {\n  System.out.println(\"line \" + i);\n}\nSystem.out.println(\"done\");");
        } finally {
            System.setOut(original);
        }
        assertEquals("line 0\nline 1\nline 2\ndone\n", captured.toString(StandardCharsets.UTF_8));
    }

    @Test
    void defaultImportsAreThere() throws CellError {
        assertEquals(java.util.List.of(1, 2), run("List<Integer> xs = new ArrayList<>(List.of(1, 2));\nxs"));
    }

    @Test
    void theDefaultImportsAreIJavasSoThatNotebooksRunThereToo() {
        // IJava 1.3's ijava-jshell-init.jshell imports exactly these (JJava 1.0 these and java.time): a notebook
        // that leans on another default of the kit's kernel fails in IJava with "cannot find symbol"
        assertEquals(java.util.Set.of("java.util.*", "java.io.*", "java.math.*", "java.net.*", "java.util.concurrent.*",
                "java.util.prefs.*", "java.util.regex.*"), java.util.Set.copyOf(Snippets.DEFAULT_IMPORTS));
        String tb = traceback(fails("Path p = Path.of(\"x\");"));
        assertTrue(tb.contains("cannot find symbol"), tb);
        assertDoesNotThrow(() -> run("import java.nio.file.*;\nPath q = Path.of(\"x\");"));
    }

    @Test
    void aCompileErrorNamesTheCellLineAndMarksTheCode() {
        CellError e = fails("int ok = 1;\n\nint y = undefinedName + 1;");
        assertEquals("CompileError", e.ename());
        String tb = traceback(e);
        assertTrue(e.evalue().contains("line 3"), e.evalue());
        assertTrue(tb.contains("line 3, column 9"), tb);
        assertTrue(tb.contains("cannot find symbol"), tb);
        assertTrue(tb.contains(" 3 | int y = undefinedName + 1;"), tb);
        assertTrue(tb.contains("   |         ^^^^^^^^^^^^^"), tb);
    }

    @Test
    void anUnfinishedCellSaysWhatIsMissing() {
        CellError e = fails("for (int i = 0; i < 3; i++) {\n  int k = i;");
        assertEquals("CompileError", e.ename());
        assertTrue(traceback(e).contains("reached end of file"), traceback(e));
        assertTrue(e.evalue().contains("line 2"), e.evalue());
    }

    @Test
    void aMissingSemicolonBetweenStatementsIsAnErrorOnTheRightLine() {
        CellError e = fails("int p = 1\nint q = 2;");
        assertTrue(e.evalue().contains("line 1"), e.evalue());
        assertTrue(traceback(e).contains("';' expected"), traceback(e));
    }

    @Test
    void exceptionsKeepTheirNameAndPointAtCellLines() throws CellError {
        run("int divide(int a, int b) {\n  int q = a / b;\n  return q;\n}");
        String definedIn = "In [" + cellCount + "]";
        CellError e = fails("int x = 1;\ndivide(x, 0)");
        assertEquals("ArithmeticException", e.ename(), e.evalue());
        assertEquals("/ by zero", e.evalue());
        String tb = traceback(e);
        assertTrue(tb.startsWith("java.lang.ArithmeticException: / by zero"), tb);
        assertTrue(tb.contains("at divide (" + definedIn + ", line 2)"), tb);
        assertTrue(tb.contains("at In [" + cellCount + "], line 2"), tb);
    }

    @Test
    void causesAreShownToo() {
        CellError e = fails("throw new RuntimeException(\"outer\", new IllegalStateException(\"inner\"));");
        String tb = traceback(e);
        assertEquals("RuntimeException", e.ename());
        assertTrue(tb.contains("Caused by: java.lang.IllegalStateException: inner"), tb);
    }

    @Test
    void aDefinitionWithAnUnknownNameFailsWhereTheNameIs() {
        CellError e = fails("double area(double r) {\n  double k = 2;\n  return PIE * r * r;\n}");
        String tb = traceback(e);
        assertEquals("CompileError", e.ename());
        assertTrue(e.evalue().contains("line 3") && e.evalue().contains("variable PIE"), e.evalue());
        assertTrue(tb.contains("method area(double) was defined, but it cannot be used until variable PIE exists"), tb);
        assertTrue(tb.contains("|   return PIE * r * r;"), tb);
    }

    @Test
    void aHelperDefinedBelowItsCallerInTheSameCellIsFound() throws CellError {
        // ordinary Java order: the method first, the helper it calls below it
        assertEquals(2.5, run("double scaled(double x) {\n  return half(x) + 2;\n}\n"
                + "double half(double x) {\n  return x / 2;\n}\nscaled(1.0)"));
        assertEquals(3.0, run("scaled(2.0)"), "the caller stays usable in later cells");
        assertEquals(7, run("class Outer { Inner make() { return new Inner(); } }\nclass Inner { int v = 7; }\nnew Outer().make().v"));
    }

    @Test
    void aCallerWhoseHelperNeverComesIsAnErrorWhereTheHelperIsCalled() {
        CellError e = fails("double loss(double sig) {\n  double y = sig * 2;\n  return sigmoid(y) + 1;\n}\nint unrelated = 3;");
        String tb = traceback(e);
        assertEquals("CompileError", e.ename());
        assertTrue(e.evalue().contains("line 3") && e.evalue().contains("method sigmoid(double)"), e.evalue());
        assertTrue(tb.contains("|   return sigmoid(y) + 1;"), tb);
        assertTrue(tb.contains("method loss(double) was defined, but it cannot be used until method sigmoid(double) exists"), tb);
        // the rest of the cell ran, and defining the helper later makes the caller usable, as in JShell and IJava
        assertDoesNotThrow(() -> assertEquals(3, run("unrelated")));
        assertDoesNotThrow(() -> run("double sigmoid(double x) { return x; }"));
        assertDoesNotThrow(() -> assertEquals(5.0, run("loss(2.0)")));
    }

    @Test
    void aDefinitionCallingAMethodWithTheWrongArgumentsShowsJavacsMessage() {
        assertDoesNotThrow(() -> run("class Sums { static double of(double a, double b) { return a + b; } }"));
        CellError e = fails("double twice(double x) {\n  return Sums.of(x);\n}");
        String tb = traceback(e);
        assertEquals("CompileError", e.ename());
        assertTrue(e.evalue().contains("line 2") && e.evalue().contains("cannot be applied to given types"), e.evalue());
        assertTrue(tb.contains("|   return Sums.of(x);"), tb);
    }

    @Test
    void systemExitIsAnErrorAndTheSessionLivesOn() throws CellError {
        run("int survivor = 42;");
        for (String exit : new String[]{"System.exit(0);", "Runtime.getRuntime().halt(1);", "Runtime.getRuntime().exit(2);",
                "java.util.function.IntConsumer quit = System::exit;\nquit.accept(3);"}) {
            CellError e = fails(exit);
            assertEquals("ExitBlocked", e.ename(), exit);
            assertTrue(e.evalue().contains("a notebook kernel must keep running"), e.evalue());
        }
        assertEquals(42, run("survivor"));
    }

    @Test
    void anInterruptStopsARunawayLoopAndTheNextCellRuns() throws Exception {
        assertInterrupts("long spins = 0;\nwhile (true) { spins++; }");
        assertEquals(2, run("1 + 1"));
    }

    @Test
    void anInterruptEndsASleep() throws Exception {
        assertInterrupts("Thread.sleep(600_000);");
    }

    @Test
    void anInterruptStopsCodeThatSwallowsEveryThrowable() throws Exception {
        assertInterrupts("while (true) {\n  try { Thread.sleep(5); } catch (Throwable t) { }\n}");
        assertEquals(3, run("1 + 2"));
    }

    @Test
    void anInterruptBetweenCellsDoesNotStopTheNextOne() throws CellError {
        evaluator.interrupt();
        assertEquals(4, run("2 + 2"));
    }

    private static void assertInterrupts(String code) throws Exception {
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                run(code);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Thread.sleep(500);
        long start = System.nanoTime();
        evaluator.interrupt();
        Throwable t = outcome.get(10, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(t instanceof CellError && ((CellError) t).ename().equals("Interrupted"), "outcome: " + t);
        assertTrue(took.toSeconds() < 5, "stopping took " + took);
    }

    @Test
    void completionOffersMembersAndTheRangeToReplace() throws CellError {
        run("String word = \"abc\";");
        String code = "int x = 1;\nword.len";
        CellEvaluator.Completion c = evaluator.complete(code, code.length());
        assertTrue(c.options().contains("length()"), c.options().toString());
        assertEquals(code.length() - 3, c.start());
        assertEquals(code.length(), c.end());
        CellEvaluator.Completion types = evaluator.complete("Syst", 4);
        assertTrue(types.options().contains("System"), types.options().toString());
    }

    @Test
    void inspectionShowsTheSignature() {
        String onTheName = evaluator.inspect("Math.max(1, 2)", 7);
        assertTrue(onTheName != null && onTheName.contains("max(int"), String.valueOf(onTheName));
        String inTheCall = evaluator.inspect("Math.abs(-3)", 9);
        assertTrue(inTheCall != null && inTheCall.contains("abs(int"), String.valueOf(inTheCall));
    }

    @Test
    void completenessGuidesConsoles() {
        assertEquals("    ", evaluator.indentIfIncomplete("for (int i = 0; i < 3; i++) {"));
        assertEquals(null, evaluator.indentIfIncomplete("int done = 1;"));
    }
}
