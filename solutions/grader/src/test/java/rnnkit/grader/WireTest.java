package rnnkit.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.Gson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import rnnkit.grader.runner.ExerciseRunner;
import rnnkit.grader.runner.Wire;

/** The exercise JVM's JSON (written without a JSON library) and the grader's (Gson) agree, whatever the text holds. */
class WireTest {

    private static final String AWKWARD = "quote \" backslash \\ newline \n tab \t return \r bell \u0007 nul \u0000"
            + " line separator \u2028 <html> & 'apostrophe' = é 漢字 😀 /slash";

    @Test
    void aReportTheRunnerWritesIsTheReportTheGraderReads() {
        ExerciseRunner.Report report = new ExerciseRunner.Report(List.of(
                new ExerciseRunner.TestResult("shapes", true, ""),
                new ExerciseRunner.TestResult("values", false, AWKWARD),
                new ExerciseRunner.TestResult("nothing", false, null)), AWKWARD, 12_345_678_901L);
        String line = Wire.report(report);
        assertEquals(-1, line.indexOf('\n'), "one line");
        assertEquals(report, new Gson().fromJson(line, ExerciseRunner.Report.class));
    }

    @Test
    void aRequestTheGraderWritesIsTheRequestTheRunnerReads() {
        ExerciseRunner.Request request = new ExerciseRunner.Request("tests.Nb05Test", "gru_step " + AWKWARD,
                List.of("/tmp/a b/classes", AWKWARD), Map.of("exercises.Ctx_x", "yv66vg==", "exercises.Ctx_x$1", "AAEC+/="),
                65_536, List.of(new ExerciseRunner.HelperLines(12, 14, "sigmoid", 3, 2)));
        assertEquals(request, Wire.request(new Gson().toJson(request)));
        ExerciseRunner.Request empty = new ExerciseRunner.Request("T", "x", List.of(), Map.of(), 0, List.of());
        assertEquals(empty, Wire.request(new Gson().toJson(empty)));
    }

    @Test
    void aBrokenRequestSaysWhereItBreaks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Wire.request("{\"testClass\": \"T\","));
        assertEquals("request is not valid JSON at character 18: a name expected", e.getMessage());
    }
}
