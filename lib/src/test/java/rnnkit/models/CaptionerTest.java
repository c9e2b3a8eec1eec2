package rnnkit.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rnnkit.testing.Checks.assertClose;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import rnnkit.core.Init;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.decode.StepModel;
import rnnkit.layers.SoftmaxCrossEntropy;
import rnnkit.testing.Grads;
import rnnkit.text.TeacherForcing;
import rnnkit.train.GradCheck;

class CaptionerTest {

    /** As in ModelsTest: gradients reaching the embeddings through several steps are tiny, so whole models use 1e-5. */
    private static final double MODEL_TOLERANCE = 1e-5;

    private static TeacherForcing batch() {
        return TeacherForcing.of(List.of(new int[]{4, 5, 6}, new int[]{7}, new int[0], new int[]{5, 5}), 0, 2, 3);
    }

    @ParameterizedTest
    @EnumSource(Captioner.Conditioning.class)
    void everyParameterOfEveryConditioningPassesAGradientCheck(Captioner.Conditioning conditioning) {
        for (Cell cell : Cell.values()) {
            Captioner model = new Captioner(conditioning, cell, 8, 3, 4, 5, new Rng(1));
            DMatrixRMaj v = Init.uniform(4, 4, 1.5, 2);
            TeacherForcing tf = batch();
            GradCheck.Report r = Grads.check(model, () -> model.forward(v, tf), () -> {
                model.forward(v, tf);
                model.backward();
            }, 40, new Rng(3));
            assertTrue(r.passes(MODEL_TOLERANCE), conditioning + ", " + cell + ": worst relative error " + r.maxRelativeError());
        }
    }

    @Test
    void theImageChangesTheLossOnlyWhereTheModelReadsIt() {
        DMatrixRMaj v = Init.uniform(4, 4, 1.5, 2);
        DMatrixRMaj other = Init.uniform(4, 4, 1.5, 9);
        for (Captioner.Conditioning c : Captioner.Conditioning.values()) {
            Captioner model = new Captioner(c, Cell.RNN, 8, 3, 4, 5, new Rng(1));
            boolean differs = model.forward(v, batch()) != model.forward(other, batch());
            assertEquals(c != Captioner.Conditioning.NONE, differs, c + ": the loss depends on the image iff the model reads it");
        }
    }

    /** The fixture's cases, computed by lib/scripts/make_captioner_fixtures.py with PyTorch autograd. */
    private static List<JsonObject> torchCases() {
        try (var in = new InputStreamReader(CaptionerTest.class.getResourceAsStream("/rnnkit/fixtures/torch_captioner.json"),
                StandardCharsets.UTF_8)) {
            List<JsonObject> out = new ArrayList<>();
            JsonParser.parseReader(in).getAsJsonObject().getAsJsonArray("cases").forEach(e -> out.add(e.getAsJsonObject()));
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static DMatrixRMaj matrix(JsonElement e) {
        JsonArray rows = e.getAsJsonArray();
        DMatrixRMaj m = new DMatrixRMaj(rows.size(), rows.get(0).getAsJsonArray().size());
        for (int r = 0; r < m.numRows; r++) {
            for (int c = 0; c < m.numCols; c++) {
                m.set(r, c, rows.get(r).getAsJsonArray().get(c).getAsDouble());
            }
        }
        return m;
    }

    private static int[][] ints(JsonElement e) {
        DMatrixRMaj m = matrix(e);
        int[][] out = new int[m.numRows][m.numCols];
        for (int r = 0; r < m.numRows; r++) {
            for (int c = 0; c < m.numCols; c++) {
                out[r][c] = (int) m.get(r, c);
            }
        }
        return out;
    }

    @Test
    void lossAndGradientsMatchPyTorchAutogradForEveryConditioningWithRnnAndLstm() {
        List<JsonObject> cases = torchCases();
        assertEquals(8, cases.size());
        for (JsonObject k : cases) {
            String where = k.get("conditioning").getAsString() + ", " + k.get("cell").getAsString();
            Captioner model = new Captioner(Captioner.Conditioning.valueOf(k.get("conditioning").getAsString()),
                    Cell.valueOf(k.get("cell").getAsString()), k.get("V").getAsInt(), k.get("E").getAsInt(), k.get("F").getAsInt(),
                    k.get("H").getAsInt(), new Rng(0));
            JsonObject values = k.getAsJsonObject("values");
            assertEquals(values.keySet().size(), model.parameters().size(), where + ": the same parameters");
            for (Parameter p : model.parameters()) {
                assertTrue(values.has(p.name()), where + ": the fixture has " + p.name());
                p.value.setTo(matrix(values.get(p.name())));
            }
            TeacherForcing tf = new TeacherForcing(ints(k.get("inputs")), ints(k.get("targets")), matrix(k.get("mask")));
            model.zeroGrad();
            double loss = model.forward(matrix(k.get("features")), tf);
            model.backward();
            assertEquals(k.get("loss").getAsDouble(), loss, 1e-12, where + ": the loss");
            for (Parameter p : model.parameters()) {
                assertClose(matrix(k.getAsJsonObject("grads").get(p.name())), p.grad, 1e-10, where + ": d" + p.name());
            }
        }
    }

    @Test
    void theConditionedStepIsTheLecturesEquation() {
        DMatrixRMaj x = Init.uniform(3, 2, 1, 1), v = Init.uniform(3, 4, 1, 2), hPrev = Init.uniform(3, 5, 1, 3);
        DMatrixRMaj Wxh = Init.uniform(2, 5, 0.5, 4), Wih = Init.uniform(4, 5, 0.5, 5), Whh = Init.uniform(5, 5, 0.5, 6), bh = Init.uniform(1, 5, 0.5, 7);
        DMatrixRMaj a = CommonOps_DDRM.mult(x, Wxh, null);
        CommonOps_DDRM.multAdd(v, Wih, a);
        CommonOps_DDRM.multAdd(hPrev, Whh, a);
        DMatrixRMaj want = new DMatrixRMaj(3, 5);
        for (int r = 0; r < 3; r++) {
            for (int j = 0; j < 5; j++) {
                want.set(r, j, Math.tanh(a.get(r, j) + bh.get(0, j)));   // h = tanh(x W_xh + v W_ih + h W_hh + b_h)
            }
        }
        DMatrixRMaj h = Captioner.stepForward(x, v, hPrev, Wxh, Wih, Whh, bh);
        assertClose(want, h, 1e-14, "h_t");
        DMatrixRMaj dh = Init.uniform(3, 5, 1, 8);
        Captioner.StepGradients g = Captioner.stepBackward(dh, x, v, hPrev, h, Wxh, Wih, Whh);
        java.util.function.Function<DMatrixRMaj[], Double> loss = in -> CommonOps_DDRM.elementSum(
                CommonOps_DDRM.elementMult(dh, Captioner.stepForward(in[0], in[1], in[2], in[3], in[4], in[5], in[6]), null));
        DMatrixRMaj[] inputs = {x, v, hPrev, Wxh, Wih, Whh, bh};
        DMatrixRMaj[] grads = {g.dx(), g.dv(), g.dhPrev(), g.dWxh(), g.dWih(), g.dWhh(), g.dbh()};
        String[] names = {"x", "v", "hPrev", "Wxh", "Wih", "Whh", "bh"};
        for (int i = 0; i < inputs.length; i++) {
            int at = i;
            GradCheck.Report r = GradCheck.check(names[i], inputs[i].copy(), m -> {
                DMatrixRMaj[] in = inputs.clone();
                in[at] = m;
                return loss.apply(in);
            }, grads[i]);
            assertTrue(r.passes(1e-7), "d" + names[i] + ": worst relative error " + r.maxRelativeError());
        }
    }

    @ParameterizedTest
    @EnumSource(Captioner.Conditioning.class)
    void theStepModelGivesTheSameLogProbabilitiesAsTheTrainingPass(Captioner.Conditioning conditioning) {
        for (Cell cell : Cell.values()) {
            Captioner model = new Captioner(conditioning, cell, 8, 3, 4, 5, new Rng(11));
            DMatrixRMaj v = Init.uniform(4, 4, 1.5, 12);
            TeacherForcing tf = batch();
            double loss = model.forward(v, tf);
            // the same loss, one word at a time through the step model
            StepModel<Captioner.DecoderState> stepper = model.stepper();
            Captioner.DecoderState state = model.start(v);
            double sum = 0;
            double count = 0;
            for (int t = 0; t < tf.steps(); t++) {
                StepModel.Step<Captioner.DecoderState> step = stepper.next(state, tf.inputs()[t]);
                for (int b = 0; b < tf.batch(); b++) {
                    sum -= tf.mask().get(t, b) * step.logProbs().get(b, tf.targets()[t][b]);
                    count += tf.mask().get(t, b);
                }
                state = step.state();
            }
            assertEquals(loss, sum / count, 1e-12, conditioning + ", " + cell);
        }
    }

    @Test
    void selectReordersTheImageRowsWithTheirStates() {
        Captioner model = new Captioner(Captioner.Conditioning.EVERY_STEP, Cell.LSTM, 8, 3, 4, 5, new Rng(13));
        DMatrixRMaj v = Init.uniform(3, 4, 1, 14);
        Captioner.DecoderState s = model.stepper().next(model.start(v), new int[]{2, 5, 6}).state();
        Captioner.DecoderState picked = model.stepper().select(s, new int[]{2, 0});
        assertClose(CommonOps_DDRM.extract(v, 2, 3, 0, 4), CommonOps_DDRM.extract(picked.features(), 0, 1, 0, 4), 0, "row 0 is image 2");
        assertClose(CommonOps_DDRM.extract(s.rnn().c, 0, 1, 0, 5), CommonOps_DDRM.extract(picked.rnn().c, 1, 2, 0, 5), 0, "row 1 is state 0");
        DMatrixRMaj logProbs = model.stepper().next(picked, new int[]{4, 4}).logProbs();
        DMatrixRMaj alone = model.stepper().next(model.stepper().select(s, new int[]{0}), new int[]{4}).logProbs();
        assertClose(alone, CommonOps_DDRM.extract(logProbs, 1, 2, 0, 8), 1e-15, "a selected row decodes as it would alone");
        assertClose(SoftmaxCrossEntropy.logSoftmax(CommonOps_DDRM.extract(logProbs, 0, 1, 0, 8)), CommonOps_DDRM.extract(logProbs, 0, 1, 0, 8),
                1e-12, "log-probabilities are normalized");
    }

    @Test
    void featuresOfTheWrongShapeAreRefusedWithTheShapes() {
        Captioner model = new Captioner(Captioner.Conditioning.EVERY_STEP, Cell.RNN, 8, 3, 4, 5, new Rng(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.forward(new DMatrixRMaj(4, 3), batch()));
        assertTrue(e.getMessage().contains("image features"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.start(new DMatrixRMaj(2, 5)));
    }

    @Test
    void theSameSeedGivesTheSameModel() {
        Captioner a = new Captioner(Captioner.Conditioning.INITIAL_STATE, Cell.GRU, 8, 3, 4, 5, new Rng(21));
        Captioner b = new Captioner(Captioner.Conditioning.INITIAL_STATE, Cell.GRU, 8, 3, 4, 5, new Rng(21));
        for (int i = 0; i < a.parameters().size(); i++) {
            assertClose(a.parameters().get(i).value, b.parameters().get(i).value, 0, a.parameters().get(i).name());
        }
    }
}
