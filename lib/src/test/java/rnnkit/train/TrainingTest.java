package rnnkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rnnkit.testing.Checks.assertClose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rnnkit.core.Trainable;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.models.Cell;
import rnnkit.models.LanguageModel;
import rnnkit.plot.Plots;
import tech.tablesaw.plotly.components.Figure;

class TrainingTest {

    @Test
    void theTrainerRecordsHistoryAndEarlyStoppingRestoresTheBestEpoch() {
        Parameter w = new Parameter("w", 1, 1);
        Trainable m = () -> List.of(w);
        double[] validation = {3, 2, 2.5, 2.6, 1.0};
        int[] epoch = {0};
        Trainer.EarlyStopping stop = new Trainer.EarlyStopping(m, 2);
        Trainer.History h = Trainer.epochs(5).label("test").callback(stop).fit(
                () -> List.of(1, 2, 3),
                batch -> {
                    w.value.set(0, 0, w.value.get(0, 0) + 1);
                    return batch;
                },
                () -> validation[epoch[0]++]);
        assertEquals(4, h.epochs().rowCount(), "stopped after epoch 4: two epochs without improving on epoch 2");
        assertEquals(2, stop.bestEpoch());
        assertEquals(6, w.value.get(0, 0), 0, "the parameters of epoch 2 (two epochs of three steps) are back");
        assertEquals(12, h.steps().rowCount());
        assertEquals(2.0, h.epochs().doubleColumn("train loss").get(0), 0, "mean of 1, 2, 3");
        Figure f = Plots.lossCurves(h.epochs(), "epoch", "train loss", "validation loss");
        assertTrue(f.asJavascript("d").contains("validation loss"));
    }

    @Test
    void aModelSurvivesSaveAndLoad(@TempDir Path dir) throws IOException {
        LanguageModel a = LanguageModel.of(Cell.LSTM, 5, 3, 4, 2, new Rng(1));
        LanguageModel b = LanguageModel.of(Cell.LSTM, 5, 3, 4, 2, new Rng(2));
        Path file = dir.resolve("lm.rnnkit");
        ModelFile.save(a, file);
        ModelFile.load(b, file);
        for (int i = 0; i < a.parameters().size(); i++) {
            assertClose(a.parameters().get(i).value, b.parameters().get(i).value, 0, a.parameters().get(i).name());
        }
    }

    @Test
    void aMismatchedOrDamagedFileSaysWhatIsWrongAndChangesNothing(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("lm.rnnkit");
        ModelFile.save(LanguageModel.of(Cell.LSTM, 5, 3, 4, 1, new Rng(1)), file);
        LanguageModel other = LanguageModel.of(Cell.LSTM, 5, 3, 6, 1, new Rng(2));
        DMatrixRMaj before = other.parameter("embedding.E").value.copy();
        IOException e = assertThrows(IOException.class, () -> ModelFile.load(other, file));
        assertTrue(e.getMessage().contains("rnn.layer0.Wxh") && e.getMessage().contains("3\u00d716"), e.getMessage());
        assertClose(before, other.parameter("embedding.E").value, 0, "unchanged after a failed load");

        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        IOException truncated = assertThrows(IOException.class, () -> ModelFile.load(other, file));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
        Files.writeString(file, "hello");
        assertTrue(assertThrows(IOException.class, () -> ModelFile.load(other, file)).getMessage().contains("not an rnnkit model"));
    }

    @Test
    void plotsUseLogAxesWhereAsked() {
        Figure f = Plots.gradientNorms("norms", Map.of("rnn", new double[]{1, 0.1, 0.01}));
        assertTrue(f.asJavascript("d").contains("type: 'log'"), f.asJavascript("d"));
        Figure heat = Plots.heatmap("h", new DMatrixRMaj(new double[][]{{1, 2}, {3, 4}}), List.of("a", "b"), List.of("x", "y"));
        assertTrue(heat.asJavascript("d").contains("heatmap"));
        assertTrue(Plots.bars("b", "count", List.of("p", "q"), new double[]{1, 2}).asJavascript("d").contains("bar"));
    }

    @Test
    void perStepCurvesEachRunOverTheirOwnSteps() {
        Map<String, double[]> series = new java.util.LinkedHashMap<>();
        series.put("short", new double[]{0.5, 0.25});
        series.put("long", new double[]{0.1, 0.2, 0.3, 0.4});
        String js = Plots.perStep("p", "t", "y", series, false).asJavascript("d").replaceAll("\\s", "");
        assertTrue(js.contains("x:[\"1.0\",\"2.0\"]") || js.contains("x:[1.0,2.0]"), "the short curve has x = 1, 2: " + js);
        assertTrue(js.contains("x:[\"1.0\",\"2.0\",\"3.0\",\"4.0\"]") || js.contains("x:[1.0,2.0,3.0,4.0]"), "the long curve has x = 1..4: " + js);
    }
}
