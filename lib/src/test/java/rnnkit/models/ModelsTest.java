package rnnkit.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rnnkit.testing.Checks.assertClose;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.layers.State;
import rnnkit.testing.Grads;
import rnnkit.text.LmStream;
import rnnkit.train.Bptt;
import rnnkit.train.GradCheck;

class ModelsTest {

    /**
     * Every layer passes gradient checks at 1e-7 on its own (see the layers' tests). In whole models some
     * gradients that reach the first layer through several steps and layers are as small as 1e-9, and a centered
     * difference resolves a gradient only to about 1e-13 in absolute terms (the rounding of a loss of order 1),
     * so such entries show relative errors up to about 1e-5 although the code is right. A wiring mistake between
     * the layers shows at 1e-2 or more, so 1e-5 still catches it.
     */
    private static final double MODEL_TOLERANCE = 1e-5;

    private static int[][] tokens(int T, int B, int V, Rng rng) {
        int[][] x = new int[T][B];
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                x[t][b] = rng.nextInt(V);
            }
        }
        return x;
    }

    @Test
    void aLanguageModelsGradientsCheck() {
        for (Cell cell : Cell.values()) {
            Rng rng = new Rng(1);
            LanguageModel lm = LanguageModel.of(cell, 7, 4, 5, 2, rng);
            int[][] x = tokens(5, 3, 7, rng);
            int[][] y = tokens(5, 3, 7, rng);
            DMatrixRMaj mask = new DMatrixRMaj(new double[][]{{1, 1, 1}, {1, 1, 0}, {1, 1, 0}, {1, 0, 0}, {1, 0, 0}});
            List<State> start = lm.zeroStates(3);
            start.set(0, new State(rnnkit.testing.Checks.random(3, 5, rng), cell == Cell.LSTM ? rnnkit.testing.Checks.random(3, 5, rng) : null));
            GradCheck.Report r = Grads.check(lm, () -> lm.forward(x, y, start, mask), () -> {
                lm.forward(x, y, start, mask);
                lm.backward();
            }, 40, rng);
            assertTrue(r.passes(MODEL_TOLERANCE), cell + " language model\n" + r);
        }
    }

    /** Every loss evaluation must see the same masks: each forward re-seeds the dropout with a fresh Rng(7). */
    @Test
    void aLanguageModelWithDropoutAtBothEndsAndOnTheStateGradientsCheck() {
        for (boolean perSequence : new boolean[]{false, true}) {
            Rng rng = new Rng(5);
            LanguageModel lm = LanguageModel.of(Cell.LSTM, 7, 4, 5, 1, rng);
            int[][] x = tokens(5, 3, 7, rng);
            int[][] y = tokens(5, 3, 7, rng);
            Runnable reseed = () -> {
                lm.dropout(0.3, perSequence, new Rng(7));
                ((rnnkit.layers.Lstm) lm.rnn().layer(0)).recurrentDropout(0.3, perSequence, new Rng(8));
            };
            GradCheck.Report r = Grads.check(lm, () -> {
                reseed.run();
                return lm.forward(x, y, null, null);
            }, () -> {
                reseed.run();
                lm.forward(x, y, null, null);
                lm.backward();
            }, 40, rng);
            assertTrue(r.passes(MODEL_TOLERANCE), "dropout, one mask per sequence: " + perSequence + "\n" + r);
        }
    }

    @Test
    void dropoutChangesTrainingLossesOnlyAndEvaluationSwitchesItOff() {
        Rng rng = new Rng(6);
        LanguageModel plain = LanguageModel.of(Cell.GRU, 7, 4, 5, 1, new Rng(9));
        LanguageModel dropped = LanguageModel.of(Cell.GRU, 7, 4, 5, 1, new Rng(9)).dropout(0.5, true, new Rng(3));
        int[][] x = tokens(6, 2, 7, rng);
        int[][] y = tokens(6, 2, 7, rng);
        double clean = plain.forward(x, y, null, null);
        assertTrue(Math.abs(dropped.forward(x, y, null, null) - clean) > 1e-6, "dropout must change the training loss");
        dropped.train(false);
        assertEquals(clean, dropped.forward(x, y, null, null), 0.0, "in eval mode the model is the plain one");
        dropped.train(true);
        assertTrue(Math.abs(dropped.forward(x, y, null, null) - clean) > 1e-6, "train(true) switches dropout back on");
    }

    @Test
    void anEncoderDecodersGradientsCheckWithPaddedSourcesAndTargets() {
        Rng rng = new Rng(2);
        EncoderDecoder model = EncoderDecoder.of(Cell.LSTM, 6, 5, 3, 4, 1, rng);
        int[][] src = tokens(4, 2, 6, rng);
        DMatrixRMaj srcMask = new DMatrixRMaj(new double[][]{{1, 1}, {1, 1}, {1, 0}, {1, 0}});
        int[][] tgtIn = tokens(3, 2, 5, rng);
        int[][] tgtOut = tokens(3, 2, 5, rng);
        DMatrixRMaj tgtMask = new DMatrixRMaj(new double[][]{{1, 1}, {1, 1}, {0, 1}});
        GradCheck.Report r = Grads.check(model, () -> model.forward(src, srcMask, tgtIn, tgtOut, tgtMask), () -> {
            model.forward(src, srcMask, tgtIn, tgtOut, tgtMask);
            model.backward();
        }, 40, rng);
        assertTrue(r.passes(MODEL_TOLERANCE), r.toString());
    }

    @Test
    void anUntrainedUniformModelHasPerplexityV() {
        LanguageModel lm = LanguageModel.of(Cell.RNN, 9, 3, 4, 1, new Rng(3));
        lm.output().parameters().forEach(p -> p.value.zero()); // all scores 0: the uniform model
        int[] data = new int[200];
        for (int i = 0; i < data.length; i++) {
            data[i] = i % 9;
        }
        assertEquals(9, Math.exp(lm.evaluate(new LmStream(data, 4, 10))), 1e-10);
    }

    private static List<DMatrixRMaj> grads(LanguageModel lm) {
        List<DMatrixRMaj> g = new ArrayList<>();
        for (Parameter p : lm.parameters()) {
            g.add(p.grad.copy());
        }
        return g;
    }

    @Test
    void tbpttWithWholeWindowsIsFullBptt() {
        Rng rng = new Rng(4);
        LanguageModel lm = LanguageModel.of(Cell.GRU, 6, 3, 4, 1, rng);
        int[][] x = tokens(12, 2, 6, rng);
        int[][] y = tokens(12, 2, 6, rng);
        List<List<DMatrixRMaj>> seen = new ArrayList<>();
        Bptt.truncated(lm, x, y, 12, 12, null, loss -> seen.add(grads(lm)));
        assertEquals(1, seen.size());
        lm.zeroGrad();
        lm.forward(x, y, null, null);
        lm.backward();
        List<DMatrixRMaj> full = grads(lm);
        for (int i = 0; i < full.size(); i++) {
            assertClose(full.get(i), seen.get(0).get(i), 1e-15, lm.parameters().get(i).name());
        }
    }

    @Test
    void tbpttLearnsFromK1PredictionsThroughK2Steps() {
        Rng rng = new Rng(5);
        LanguageModel lm = LanguageModel.of(Cell.LSTM, 6, 3, 4, 1, rng);
        int N = 14;
        int[][] x = tokens(N, 2, 6, rng);
        int[][] y = tokens(N, 2, 6, rng);
        List<List<DMatrixRMaj>> seen = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        Bptt.truncated(lm, x, y, 3, 5, null, loss -> {
            seen.add(grads(lm));
            losses.add(loss);
        });
        assertEquals(5, seen.size(), "ceil(14 / 3) updates");
        // The third update learns from predictions 6..8, backpropagated from step 8 back to step 4 (k2 = 5).
        lm.forward(slice(x, 0, 4), slice(y, 0, 4), null, null);
        List<State> at4 = lm.finalStates();
        DMatrixRMaj mask = new DMatrixRMaj(5, 2);
        for (int t = 2; t < 5; t++) {
            mask.set(t, 0, 1);
            mask.set(t, 1, 1);
        }
        lm.zeroGrad();
        double loss = lm.forward(slice(x, 4, 9), slice(y, 4, 9), at4, mask);
        lm.backward();
        assertEquals(loss, losses.get(2), 1e-15);
        List<DMatrixRMaj> expected = grads(lm);
        for (int i = 0; i < expected.size(); i++) {
            assertClose(expected.get(i), seen.get(2).get(i), 1e-14, "update 3, " + lm.parameters().get(i).name());
        }
    }

    private static int[][] slice(int[][] a, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from, to);
    }

    @Test
    void scheduledSamplingWithEpsilonOneIsTeacherForcing() {
        Rng rng = new Rng(6);
        EncoderDecoder model = EncoderDecoder.of(Cell.GRU, 6, 5, 3, 4, 1, rng);
        int[][] src = tokens(4, 3, 6, rng);
        int[][] tgtIn = tokens(5, 3, 5, rng);
        int[][] tgtOut = tokens(5, 3, 5, rng);
        double teacher = model.forward(src, null, tgtIn, tgtOut, null);
        assertEquals(teacher, model.forwardScheduled(src, null, tgtIn, tgtOut, null, 1.0, new Rng(1)), 1e-15);
        double own = model.forwardScheduled(src, null, tgtIn, tgtOut, null, 0.0, new Rng(1));
        assertTrue(Math.abs(own - teacher) > 1e-6, "fed its own samples, the model sees other inputs");
        assertEquals(own, model.forwardScheduled(src, null, tgtIn, tgtOut, null, 0.0, new Rng(1)), 0, "same seed, same samples");
        model.zeroGrad();
        model.backward(); // the cached pass is the scheduled one; backward runs on it
        assertTrue(rnnkit.train.Clip.globalNorm(model.parameters()) > 0);
    }

    @Test
    void theClassifiersAndTheTaggerGradientsCheck() {
        Rng rng = new Rng(7);
        rnnkit.text.PaddedBatch batch = rnnkit.text.PaddedBatch.of(List.of(new int[]{1, 4, 2}, new int[]{3}, new int[]{5, 5}), 0, 0);
        int[] labels = {1, 0, 1};
        BagOfEmbeddings bag = new BagOfEmbeddings(6, 3, 2, rng);
        GradCheck.Report r = Grads.check(bag, () -> rnnkit.layers.SoftmaxCrossEntropy.loss(bag.scores(batch), labels, null, null), () -> {
            DMatrixRMaj d = new DMatrixRMaj(1, 1);
            rnnkit.layers.SoftmaxCrossEntropy.loss(bag.scores(batch), labels, null, d);
            bag.backward(d);
        }, 40, rng);
        assertTrue(r.passes(1e-7), "bag of embeddings\n" + r);
        for (Cell cell : Cell.values()) {
            RnnClassifier c = RnnClassifier.of(cell, 6, 3, 4, 2, rng);
            GradCheck.Report rc = Grads.check(c, () -> rnnkit.layers.SoftmaxCrossEntropy.loss(c.scores(batch), labels, null, null), () -> {
                DMatrixRMaj d = new DMatrixRMaj(1, 1);
                rnnkit.layers.SoftmaxCrossEntropy.loss(c.scores(batch), labels, null, d);
                c.backward(d);
            }, 40, rng);
            assertTrue(rc.passes(MODEL_TOLERANCE), cell + " classifier\n" + rc);
            Tagger t = Tagger.of(cell, 6, 3, 4, 5, rng);
            int[][] tags = {{1, 2, 3}, {4, 0, 1}, {2, 0, 0}};
            GradCheck.Report rt = Grads.check(t, () -> t.loss(batch, tags), () -> {
                t.loss(batch, tags);
                t.backward();
            }, 40, rng);
            assertTrue(rt.passes(MODEL_TOLERANCE), cell + " tagger\n" + rt);
        }
    }
}
