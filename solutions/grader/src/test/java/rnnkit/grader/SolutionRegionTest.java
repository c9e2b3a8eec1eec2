package rnnkit.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Solution regions: found and stubbed as before, and every authoring mistake named with its cell and line. */
class SolutionRegionTest {

    private static final String WHERE = "nb.ipynb, cell 4 ('x')";

    private static String error(String source, boolean exercise) {
        return assertThrows(NotebookException.class, () -> SolutionRegion.parse(source, exercise, WHERE)).getMessage();
    }

    @Test
    void regionsAreFoundWithTheirLinesAndIndentation() {
        String cell = "double f(double x) {\n    // BEGIN SOLUTION\n    return x;\n    // END SOLUTION\n}\n"
                + "int g() {\n\t// BEGIN SOLUTION (one line)\n\treturn 1;\n\t// END SOLUTION\n}";
        assertEquals(List.of(new SolutionRegion(2, 4, "    "), new SolutionRegion(7, 9, "\t")),
                SolutionRegion.parse(cell, true, WHERE));
        assertEquals("double f(double x) {\n    // YOUR CODE HERE\n"
                        + "    throw new UnsupportedOperationException(\"not implemented yet: exercise x\");\n}\n"
                        + "int g() {\n\t// YOUR CODE HERE\n\tthrow new UnsupportedOperationException(\"not implemented yet: exercise x\");\n}",
                SolutionRegion.stub(cell, "x", WHERE));
    }

    @Test
    void nestedUnterminatedAndStrayMarkersAreErrorsNamingCellAndLine() {
        assertEquals(WHERE + ", line 3: '// BEGIN SOLUTION' inside the region opened at line 1 (regions do not nest)",
                error("// BEGIN SOLUTION\nint a;\n  // BEGIN SOLUTION\n// END SOLUTION\n// END SOLUTION", true));
        assertEquals(WHERE + ", line 2: '// BEGIN SOLUTION' is never closed by '// END SOLUTION'",
                error("int f() {\n// BEGIN SOLUTION\nreturn 1;\n}", true));
        assertEquals(WHERE + ", line 2: '// END SOLUTION' without a '// BEGIN SOLUTION' before it",
                error("int a;\n// END SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION", true));
        assertEquals(WHERE + ", line 1: '// BEGIN SOLUTION' on the cell's last line: the region is never closed",
                error("// BEGIN SOLUTION", true));
        assertEquals(WHERE + ", line 2: a solution marker must start its line (only indentation before it)",
                error("// BEGIN SOLUTION\nreturn 1; // END SOLUTION\n", true));
        assertEquals(WHERE + ", line 1: the exercise has no // BEGIN SOLUTION ... // END SOLUTION region",
                error("int f() { return 1; }", true));
        assertTrue(error("// BEGIN SOLUTION\nint a;\n// END SOLUTION", false).startsWith(WHERE + ", line 1: a solution marker outside an exercise cell"));
        assertEquals(List.of(), SolutionRegion.parse("int a = 1; // no markers here", false, WHERE));
    }

    /** The regular expression the release used before regions were parsed: the stubs must not change. */
    private static final Pattern OLD_REGION = Pattern.compile(
            "(?m)^([ \\t]*)// BEGIN SOLUTION[^\\n]*\\n(?s:.*?)^[ \\t]*// END SOLUTION[^\\n]*(\\n|$)");

    @Test
    void everySolutionNotebookIsStubbedExactlyAsBefore() throws IOException {
        int regions = 0;
        for (Path p : NotebookFiles.solutions(GraderTest.KIT)) {
            Notebook nb = Notebook.read(p);
            for (Notebook.Cell c : nb.cells()) {
                if (c.isExercise()) {
                    Matcher m = OLD_REGION.matcher(c.source());
                    StringBuilder old = new StringBuilder();
                    while (m.find()) {
                        regions++;
                        m.appendReplacement(old, Matcher.quoteReplacement(m.group(1) + "// YOUR CODE HERE\n" + m.group(1)
                                + "throw new UnsupportedOperationException(\"not implemented yet: exercise " + c.gradeId() + "\");" + m.group(2)));
                    }
                    m.appendTail(old);
                    assertEquals(old.toString(), SolutionRegion.stub(c.source(), c.gradeId(), p + ", cell " + (c.index() + 1)));
                }
            }
        }
        assertTrue(regions > 20, "the solution notebooks have " + regions + " regions");
    }
}
