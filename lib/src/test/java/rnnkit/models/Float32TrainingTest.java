package rnnkit.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rnnkit.testing.Checks.assertClose;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import rnnkit.core.Parameter;
import rnnkit.core.Precision;
import rnnkit.core.Rng;
import rnnkit.layers.Bidirectional;
import rnnkit.layers.Gru;
import rnnkit.layers.Lstm;
import rnnkit.layers.Recurrent;
import rnnkit.layers.Rnn;
import rnnkit.layers.Stacked;
import rnnkit.testing.Fixtures;
import rnnkit.train.Clip;
import rnnkit.train.Optimizer;

/**
 * The float32 training path (LanguageModel.precision(FLOAT32), through the generated rnnkit.f32 twin): its loss and
 * gradients against PyTorch's in float32 and against the library's own float64 ones, and that switching precision
 * changes nothing else (parameters, masks, accumulation).
 */
class Float32TrainingTest {

    private static final Fixtures FIXTURES = Fixtures.load("torch_float32_lm.json");

    /**
     * float32 tolerance: entries may differ by 2e-5 of the largest entry of the reference (float's epsilon is 1.2e-7;
     * a gradient here sums a few hundred rounded products).
     */
    static double float32Tolerance(DMatrixRMaj reference) {
        double max = 0;
        for (double v : reference.data) {
            max = Math.max(max, Math.abs(v));
        }
        return 2e-5 * max + 1e-9;
    }

    static LanguageModel fixtureModel(Cell cell, Fixtures f) {
        LanguageModel lm = LanguageModel.of(cell, f.integer("V"), f.integer("E"), f.integer("H"), f.integer("layers"), new Rng(9));
        Fixtures w = f.get("weights");
        for (Parameter p : lm.parameters()) {
            p.value.setTo(w.matrix(p.name()));
        }
        assertEquals(w.names().size(), lm.parameters().size(), "every parameter comes from the fixture");
        return lm;
    }

    static double lossAndGradients(LanguageModel lm, Fixtures f) {
        lm.zeroGrad();
        int[][] mask01 = f.integers("mask");
        DMatrixRMaj mask = new DMatrixRMaj(mask01.length, mask01[0].length);
        for (int t = 0; t < mask01.length; t++) {
            for (int b = 0; b < mask01[t].length; b++) {
                mask.set(t, b, mask01[t][b]);
            }
        }
        double loss = lm.forward(f.integers("tokens"), f.integers("targets"), null, mask);
        lm.backward();
        return loss;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Cell.class)
    void theFloat32PathMatchesPyTorchInFloat32(Cell cell) {
        Fixtures f = FIXTURES.get(cell.name().toLowerCase(Locale.ROOT));
        LanguageModel lm = fixtureModel(cell, f).precision(Precision.FLOAT32);
        double loss = lossAndGradients(lm, f);
        assertEquals(f.number("loss32"), loss, 1e-6 * f.number("loss32"), "float32 loss");
        Fixtures g = f.get("grads32");
        for (Parameter p : lm.parameters()) {
            DMatrixRMaj expected = g.matrix(p.name());
            assertClose(expected, p.grad, float32Tolerance(expected), cell + " float32 gradient of " + p.name());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Cell.class)
    void theFloat64PathStillMatchesPyTorchInFloat64(Cell cell) {
        Fixtures f = FIXTURES.get(cell.name().toLowerCase(Locale.ROOT));
        LanguageModel lm = fixtureModel(cell, f);
        assertEquals(Precision.FLOAT64, lm.precision());
        assertEquals(f.number("loss64"), lossAndGradients(lm, f), 1e-12, "float64 loss");
        Fixtures g = f.get("grads64");
        for (Parameter p : lm.parameters()) {
            assertClose(g.matrix(p.name()), p.grad, 1e-10, cell + " float64 gradient of " + p.name());
        }
    }

    /** The float32 gradients against the float64 ones of the same model: close, and not identical (really float32). */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Cell.class)
    void float32GradientsAgreeWithFloat64GradientsToFloatPrecision(Cell cell) {
        Fixtures f = FIXTURES.get(cell.name().toLowerCase(Locale.ROOT));
        LanguageModel lm = fixtureModel(cell, f);
        double loss64 = lossAndGradients(lm, f);
        List<DMatrixRMaj> grads64 = grads(lm);
        double loss32 = lossAndGradients(lm.precision(Precision.FLOAT32), f);
        assertEquals(loss64, loss32, 1e-6 * loss64);
        assertNotEquals(loss64, loss32, "a float32 loss rounds differently from the float64 one");
        compare(grads64, lm, cell.toString());
    }

    /** The variants beyond the standard cells run through the same generated code (peepholes, FGR, Cho's GRU, leaky and ReLU RNNs). */
    @Test
    void everyLayerVariantTrainsInFloat32LikeInFloat64() {
        Rng rng = new Rng(4);
        List<Recurrent> layers = new ArrayList<>();
        for (Lstm.Variant v : Lstm.Variant.values()) {
            layers.add(new Lstm(6, 6, v, rng));
        }
        layers.add(new Gru(6, 6, Gru.Variant.CHO, rng));
        layers.add(new Rnn(6, 6, rnnkit.core.Activation.RELU, rng).leakRate(0.3));
        layers.add(new Rnn(6, 6, rnnkit.core.Activation.SIGMOID, rng));
        for (Recurrent layer : layers) {
            LanguageModel lm = new LanguageModel(new rnnkit.layers.Embedding(9, 6, rng), Stacked.of(layer),
                    new rnnkit.layers.Affine(6, 9, "Why", "by", rng));
            int[][] x = tokens(5, 3, 9, new Rng(5));
            int[][] y = tokens(5, 3, 9, new Rng(6));
            lm.zeroGrad();
            double loss64 = lm.forward(x, y, null, null);
            lm.backward();
            List<DMatrixRMaj> grads64 = grads(lm);
            lm.precision(Precision.FLOAT32).zeroGrad();
            double loss32 = lm.forward(x, y, null, null);
            lm.backward();
            assertEquals(loss64, loss32, 1e-6 * loss64, layer + " loss");
            compare(grads64, lm, layer.toString() + " " + describe(layer));
        }
    }

    /** Dropout everywhere (between layers, at both ends, on the recurrent connection): the twin draws the same masks. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Cell.class)
    void theTwinDrawsTheSameDropoutMasks(Cell cell) {
        List<Double> losses = new ArrayList<>();
        List<List<DMatrixRMaj>> grads = new ArrayList<>();
        for (Precision precision : Precision.values()) {
            Rng rng = new Rng(11);
            List<Recurrent> layers = List.of(cell.layer(5, 7, rng), cell.layer(7, 7, rng));
            for (Recurrent l : layers) {
                if (l instanceof Rnn r) {
                    r.recurrentDropout(0.3, true, new Rng(12));
                } else if (l instanceof Lstm r) {
                    r.recurrentDropout(0.3, true, new Rng(12));
                } else {
                    ((Gru) l).recurrentDropout(0.3, true, new Rng(12));
                }
            }
            LanguageModel lm = new LanguageModel(new rnnkit.layers.Embedding(10, 5, rng),
                    new Stacked(layers).dropoutBetween(0.4, false, new Rng(13)), new rnnkit.layers.Affine(7, 10, "Why", "by", rng))
                    .dropout(0.25, false, new Rng(14))
                    .precision(precision);
            lm.zeroGrad();
            losses.add(lm.forward(tokens(8, 4, 10, new Rng(15)), tokens(8, 4, 10, new Rng(16)), null, null));
            lm.backward();
            grads.add(grads(lm));
        }
        assertEquals(losses.get(0), losses.get(1), 1e-6 * losses.get(0), "the same masks give the same loss");
        for (int k = 0; k < grads.get(0).size(); k++) {
            assertClose(grads.get(0).get(k), grads.get(1).get(k), float32Tolerance(grads.get(0).get(k)), cell + " gradient " + k);
        }
    }

    /** Thirty Adam steps in each precision from one seed: the same training curve to float precision, double parameters throughout. */
    @Test
    void trainingInFloat32FollowsTrainingInFloat64() {
        double[][] curves = new double[2][];
        for (Precision precision : Precision.values()) {
            LanguageModel lm = LanguageModel.of(Cell.LSTM, 12, 6, 16, 1, new Rng(21)).precision(precision);
            DMatrixRMaj before = lm.parameter("rnn.layer0.Whh").value;
            Optimizer adam = new Optimizer.Adam(lm.parameters(), 1e-2);
            int[][] x = tokens(10, 4, 12, new Rng(22));
            int[][] y = tokens(10, 4, 12, new Rng(23));
            double[] curve = new double[30];
            for (int s = 0; s < curve.length; s++) {
                lm.zeroGrad();
                curve[s] = lm.forward(x, y, null, null);
                lm.backward();
                Clip.byGlobalNorm(lm.parameters(), 5.0);
                adam.step();
            }
            assertSame(before, lm.parameter("rnn.layer0.Whh").value, "the parameters are the model's own matrices");
            curves[precision.ordinal()] = curve;
        }
        assertTrue(curves[0][29] < curves[0][0] - 0.3, "the model learns: " + curves[0][0] + " -> " + curves[0][29]);
        for (int s = 0; s < 30; s++) {
            assertEquals(curves[0][s], curves[1][s], 1e-4 * curves[0][s], "loss after " + s + " steps");
        }
    }

    /** TBPTT(4, 8) carries the state from inside a window (statesAt): in float32 it must be the twin's, not a stale one. */
    @Test
    void truncatedBpttInFloat32FollowsFloat64() {
        double[][] losses = new double[2][];
        for (Precision precision : Precision.values()) {
            LanguageModel lm = LanguageModel.of(Cell.LSTM, 10, 5, 8, 2, new Rng(51)).precision(precision);
            Optimizer sgd = new Optimizer.Sgd(lm.parameters(), 0.1);
            List<Double> seen = new ArrayList<>();
            rnnkit.train.Bptt.truncated(lm, tokens(40, 3, 10, new Rng(52)), tokens(40, 3, 10, new Rng(53)), 4, 8, null, loss -> {
                seen.add(loss);
                sgd.step();
            });
            losses[precision.ordinal()] = seen.stream().mapToDouble(Double::doubleValue).toArray();
            List<rnnkit.layers.State> s = lm.statesAt(2);
            assertEquals(2, s.size(), "one state per layer");
        }
        assertEquals(losses[0].length, losses[1].length);
        for (int k = 0; k < losses[0].length; k++) {
            assertEquals(losses[0][k], losses[1][k], 1e-5 * losses[0][k], "window " + k);
        }
    }

    /** Dropout configured after precision(FLOAT32), and eval mode set before it, reach the twin. */
    @Test
    void settingsMadeAfterChoosingFloat32ReachTheTwin() {
        double[] losses = new double[2];
        for (Precision precision : Precision.values()) {
            LanguageModel lm = LanguageModel.of(Cell.GRU, 10, 5, 8, 1, new Rng(61)).precision(precision);
            lm.dropout(0.5, false, new Rng(62));
            losses[precision.ordinal()] = lm.forward(tokens(6, 3, 10, new Rng(63)), tokens(6, 3, 10, new Rng(64)), null, null);
        }
        assertEquals(losses[0], losses[1], 1e-6 * losses[0], "the same dropout masks in both precisions");
        LanguageModel plain = LanguageModel.of(Cell.GRU, 10, 5, 8, 1, new Rng(61));
        double noDropout = plain.forward(tokens(6, 3, 10, new Rng(63)), tokens(6, 3, 10, new Rng(64)), null, null);
        assertNotEquals(noDropout, losses[1], 1e-3, "dropout is on in the float32 twin");

        LanguageModel evaluating = LanguageModel.of(Cell.GRU, 10, 5, 8, 1, new Rng(61)).dropout(0.5, false, new Rng(62));
        evaluating.train(false);
        evaluating.precision(Precision.FLOAT32);
        double inEval = evaluating.forward(tokens(6, 3, 10, new Rng(63)), tokens(6, 3, 10, new Rng(64)), null, null);
        assertEquals(noDropout, inEval, 1e-6 * noDropout, "a twin made in eval mode starts in eval mode (no dropout)");
    }

    @Test
    void gradientsAccumulateAcrossBackwardPassesAsInFloat64() {
        LanguageModel lm = LanguageModel.of(Cell.GRU, 8, 4, 5, 1, new Rng(31)).precision(Precision.FLOAT32);
        int[][] x = tokens(4, 2, 8, new Rng(32));
        lm.zeroGrad();
        lm.forward(x, x, null, null);
        lm.backward();
        List<DMatrixRMaj> once = grads(lm);
        lm.forward(x, x, null, null);
        lm.backward();
        for (int k = 0; k < once.size(); k++) {
            DMatrixRMaj twice = once.get(k).copy();
            org.ejml.dense.row.CommonOps_DDRM.scale(2, twice);
            assertClose(twice, lm.parameters().get(k).grad, 1e-12 + float32Tolerance(twice), "accumulated gradient " + k);
        }
    }

    @Test
    void aLayerWithoutAFloat32TwinIsRefusedWithAClearMessage() {
        Rng rng = new Rng(41);
        LanguageModel lm = new LanguageModel(new rnnkit.layers.Embedding(8, 4, rng),
                Stacked.of(new Bidirectional(new Gru(4, 3, rng), new Gru(4, 3, rng))), new rnnkit.layers.Affine(6, 8, rng));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> lm.precision(Precision.FLOAT32));
        assertTrue(e.getMessage().contains("Bidirectional") && e.getMessage().contains("FLOAT64"), e.getMessage());
        assertEquals(Precision.FLOAT64, lm.precision(), "the model stays as it was");
    }

    private static void compare(List<DMatrixRMaj> grads64, LanguageModel lm, String what) {
        boolean anyDifferent = false;
        for (int k = 0; k < grads64.size(); k++) {
            Parameter p = lm.parameters().get(k);
            assertClose(grads64.get(k), p.grad, float32Tolerance(grads64.get(k)), what + " gradient of " + p.name());
            anyDifferent |= !org.ejml.dense.row.MatrixFeatures_DDRM.isIdentical(grads64.get(k), p.grad, 0);
        }
        assertTrue(anyDifferent, what + ": the float32 gradients are bit-identical to the float64 ones, so float32 did not run");
    }

    private static List<DMatrixRMaj> grads(LanguageModel lm) {
        List<DMatrixRMaj> out = new ArrayList<>();
        for (Parameter p : lm.parameters()) {
            out.add(p.grad.copy());
        }
        return out;
    }

    private static String describe(Recurrent layer) {
        return layer instanceof Lstm l ? l.variant().toString() : layer instanceof Gru g ? g.variant().toString() : "";
    }

    static int[][] tokens(int T, int B, int V, Rng rng) {
        int[][] t = new int[T][B];
        for (int[] row : t) {
            for (int b = 0; b < B; b++) {
                row[b] = rng.nextInt(V);
            }
        }
        return t;
    }
}
