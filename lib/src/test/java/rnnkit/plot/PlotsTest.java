package rnnkit.plot;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlotsTest {

    @Test
    void aLogXAxisIsALogAxisAndTheDefaultStaysLinear() {
        Map<String, double[]> series = Map.of("error", new double[] {1e-3, 1e-7, 1e-5});
        double[] h = {1e-1, 1e-5, 1e-9};
        String logX = Plots.lines("t", "h", "error", h, series, true, true).asJavascript("d");
        String linear = Plots.lines("t", "h", "error", h, series, false).asJavascript("d");
        assertTrue(logX.matches("(?s).*xaxis:\\s*\\{[^}]*type: 'log'.*"), "the x axis should be a log axis:\n" + logX);
        assertTrue(!linear.matches("(?s).*xaxis:\\s*\\{[^}]*type: 'log'.*"), "lines(..., logY) keeps a linear x axis:\n" + linear);
    }

    @Test
    void seedsDrawOneLinePerSeedAndTheirMean() {
        Map<String, double[]> bySeed = new LinkedHashMap<>();
        bySeed.put("1", new double[] {1, 4});
        bySeed.put("2", new double[] {3, 8});
        String js = Plots.seeds("t", "accuracy", List.of("a", "b"), bySeed).asJavascript("d");
        assertTrue(js.contains("seed 1") && js.contains("seed 2"), "one trace per seed:\n" + js);
        assertTrue(js.matches("(?s).*\"?2\\.0\"?,\\s*\"?6\\.0\"?.*"), "the mean of (1, 3) and (4, 8) is (2, 6):\n" + js);
    }

    @Test
    void seedsRefuseASeedWithTheWrongNumberOfResults() {
        Map<String, double[]> bySeed = Map.of("7", new double[] {1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Plots.seeds("t", "y", List.of("a", "b"), bySeed));
        assertTrue(e.getMessage().contains("seed 7 has 1 results for 2 settings"), e.getMessage());
    }
}
