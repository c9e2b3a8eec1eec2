package rnnkit.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rnnkit.testing.Checks.assertClose;
import static rnnkit.testing.Checks.random;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.testing.Grads;
import rnnkit.train.GradCheck;

class LayersTest {

    private static final double TOL = 1e-7;
    private final Rng rng = new Rng(5);

    private static double dot(DMatrixRMaj a, DMatrixRMaj b) {
        double s = 0;
        for (int i = 0; i < a.getNumElements(); i++) {
            s += a.data[i] * b.data[i];
        }
        return s;
    }

    private static double dot(Sequence a, Sequence b) {
        double s = 0;
        for (int t = 0; t < a.length(); t++) {
            s += dot(a.at(t), b.at(t));
        }
        return s;
    }

    private static void assertChecks(GradCheck.Report r, String what) {
        assertTrue(r.passes(TOL), what + "\n" + r);
    }

    @Test
    void embeddingLooksUpRowsAndScatterAddsRepeatedTokens() {
        Embedding emb = new Embedding(5, 3, rng);
        int[][] ids = {{1, 4}, {1, 1}}; // token 1 three times
        Sequence x = emb.forward(ids);
        assertClose(rowOf(emb.E(), 4), rowOf(x.at(0), 1), 0, "x_0[1] is row 4 of E");
        Sequence dx = random(2, 2, 3, rng);
        emb.zeroGrad();
        emb.backward(dx);
        DMatrixRMaj grad = emb.parameter("E").grad;
        for (int j = 0; j < 3; j++) {
            double expected = dx.at(0).get(0, j) + dx.at(1).get(0, j) + dx.at(1).get(1, j);
            assertEquals(expected, grad.get(1, j), 1e-15, "the three uses of token 1 add up");
            assertEquals(0, grad.get(0, j), 0, "unused token 0 gets nothing");
        }
        assertChecks(Grads.check(emb, () -> dot(emb.forward(ids), dx), () -> emb.backward(dx), 100, rng), "embedding");
    }

    @Test
    void embeddingRejectsUnknownIdsClearly() {
        Embedding emb = new Embedding(5, 3, rng);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> emb.forward(new int[][]{{0, 7}}));
        assertTrue(e.getMessage().contains("token id 7"), e.getMessage());
    }

    private static DMatrixRMaj rowOf(DMatrixRMaj m, int r) {
        DMatrixRMaj row = new DMatrixRMaj(1, m.numCols);
        System.arraycopy(m.data, r * m.numCols, row.data, 0, m.numCols);
        return row;
    }

    @Test
    void affineOnBatchesAndSequencesChecks() {
        Affine a = new Affine(4, 3, rng);
        DMatrixRMaj x = random(5, 4, rng);
        DMatrixRMaj dy = random(5, 3, rng);
        Parameter xp = new Parameter("x", x);
        List<Parameter> targets = new ArrayList<>(a.parameters());
        targets.add(xp);
        assertChecks(Grads.check(targets, () -> dot(a.forward(x), dy), () -> {
            a.forward(x);
            xp.grad.setTo(a.backward(dy));
        }, 100, rng), "affine");
        Sequence xs = random(3, 2, 4, rng);
        Sequence dys = random(3, 2, 3, rng);
        assertChecks(Grads.check(a, () -> dot(a.forward(xs), dys), () -> {
            a.forward(xs);
            a.backward(dys);
        }, 100, rng), "temporal affine");
        Sequence ys = a.forward(xs);
        assertClose(a.forward(xs.at(1)), ys.at(1), 1e-14, "temporal affine = affine per step");
    }

    @Test
    void softmaxCrossEntropyOfUniformScoresIsLogV() {
        DMatrixRMaj scores = new DMatrixRMaj(3, 7);
        DMatrixRMaj d = new DMatrixRMaj(1, 1);
        assertEquals(Math.log(7), SoftmaxCrossEntropy.loss(scores, new int[]{0, 3, 6}, null, d), 1e-15);
        assertEquals(1.0 / 7 / 3, d.get(0, 1), 1e-15, "dL/ds = (softmax - onehot) / N");
        assertEquals((1.0 / 7 - 1) / 3, d.get(1, 3), 1e-15);
    }

    @Test
    void softmaxCrossEntropyIsStableForHugeScores() {
        DMatrixRMaj scores = new DMatrixRMaj(new double[][]{{1000, 0, -1000}});
        assertEquals(0, SoftmaxCrossEntropy.loss(scores, new int[]{0}, null, null), 1e-12);
        assertEquals(1000, SoftmaxCrossEntropy.loss(scores, new int[]{1}, null, null), 1e-9);
    }

    @Test
    void softmaxCrossEntropyGradientsCheckWithWeightsAndMasks() {
        DMatrixRMaj s = random(4, 5, rng);
        int[] y = {0, 4, 2, 2};
        double[] w = {1, 0, 1, 1};
        DMatrixRMaj d = new DMatrixRMaj(1, 1);
        SoftmaxCrossEntropy.loss(s, y, w, d);
        assertChecks(Grads.check("scores", s, m -> SoftmaxCrossEntropy.loss(m, y, w, null), d), "softmax CE");
        assertEquals(0, d.get(1, 3), 0, "a row with weight 0 gets no gradient");

        Sequence scores = random(3, 2, 4, rng);
        int[][] targets = {{0, 1}, {3, 2}, {1, 0}};
        DMatrixRMaj mask = new DMatrixRMaj(new double[][]{{1, 1}, {1, 0}, {1, 0}});
        Sequence ds = new Sequence(3, 2, 4);
        double loss = SoftmaxCrossEntropy.sequenceLoss(scores, targets, mask, ds);
        double manual = 0;
        for (int[] tb : new int[][]{{0, 0}, {0, 1}, {1, 0}, {2, 0}}) {
            double[] logp = SoftmaxCrossEntropy.logSoftmax(scores.at(tb[0]), tb[1]);
            manual -= logp[targets[tb[0]][tb[1]]];
        }
        assertEquals(manual / 4, loss, 1e-14, "the mean over the 4 real tokens");
        DMatrixRMaj stacked = scores.stack(new DMatrixRMaj(1, 1));
        assertChecks(Grads.check("scores", stacked, m -> {
            Sequence q = new Sequence(3, 2, 4);
            q.unstack(m);
            return SoftmaxCrossEntropy.sequenceLoss(q, targets, mask, null);
        }, ds.stack(new DMatrixRMaj(1, 1))), "dense softmax CE");
    }

    @Test
    void poolingLosesOrderAndChecks() {
        Embedding emb = new Embedding(3, 4, rng);
        int dog = 0;
        int eats = 1;
        int cat = 2;
        DMatrixRMaj w = Pooling.meanWeights(null, 3, 1);
        DMatrixRMaj a = Pooling.forward(emb.forward(new int[][]{{dog}, {eats}, {cat}}), w);
        DMatrixRMaj b = Pooling.forward(emb.forward(new int[][]{{cat}, {eats}, {dog}}), w);
        assertClose(a, b, 1e-15, "'dog eats cat' and 'cat eats dog' pool to the same vector");

        Sequence x = random(4, 2, 3, rng);
        DMatrixRMaj mask = new DMatrixRMaj(new double[][]{{1, 1}, {1, 1}, {1, 0}, {0, 0}});
        DMatrixRMaj mean = Pooling.forward(x, Pooling.meanWeights(mask, 4, 2));
        assertEquals((x.at(0).get(1, 2) + x.at(1).get(1, 2)) / 2, mean.get(1, 2), 1e-15, "mean of the 2 real steps");
        DMatrixRMaj dy = random(2, 3, rng);
        for (DMatrixRMaj weights : List.of(Pooling.meanWeights(mask, 4, 2), Pooling.sumWeights(mask, 4, 2), random(4, 2, rng))) {
            DMatrixRMaj xs = x.stack(new DMatrixRMaj(1, 1));
            assertChecks(Grads.check("x", xs, m -> {
                Sequence q = new Sequence(4, 2, 3);
                q.unstack(m);
                return dot(Pooling.forward(q, weights), dy);
            }, Pooling.backward(dy, weights).stack(new DMatrixRMaj(1, 1))), "pooling");
        }
    }

    @Test
    void layerNormNormalizesEachRowAndChecks() {
        LayerNorm ln = new LayerNorm(6);
        Sequence x = random(3, 2, 6, rng);
        Sequence y = ln.forward(x);
        double mean = 0;
        double sq = 0;
        for (int j = 0; j < 6; j++) {
            mean += y.at(1).get(0, j);
            sq += y.at(1).get(0, j) * y.at(1).get(0, j);
        }
        assertEquals(0, mean / 6, 1e-12, "mean 0");
        assertEquals(1, sq / 6, 1e-4, "variance 1 (up to ε)");
        ln.parameter("gamma").value.setTo(random(1, 6, rng));
        ln.parameter("beta").value.setTo(random(1, 6, rng));
        Sequence dy = random(3, 2, 6, rng);
        Parameter xp = new Parameter("x", x.stack(new DMatrixRMaj(1, 1)));
        List<Parameter> targets = new ArrayList<>(ln.parameters());
        targets.add(xp);
        assertChecks(Grads.check(targets, () -> {
            x.unstack(xp.value);
            return dot(ln.forward(x), dy);
        }, () -> {
            x.unstack(xp.value);
            ln.forward(x);
            xp.grad.setTo(ln.backward(dy).stack(new DMatrixRMaj(1, 1)));
        }, 100, rng), "layer norm");
    }

    @Test
    void aPaddedSequenceEndsInTheStateAfterItsLastToken() {
        for (RecurrentLayer layer : List.<RecurrentLayer>of(new Rnn(3, 4, rng), new Lstm(3, 4, rng), new Gru(3, 4, rng))) {
            Sequence x = random(5, 2, 3, rng);
            DMatrixRMaj mask = new DMatrixRMaj(new double[][]{{1, 1}, {1, 1}, {1, 0}, {1, 0}, {1, 0}});
            layer.forward(x, null, mask);
            State padded = layer.finalState();
            layer.forward(Sequence.of(x.at(0), x.at(1)), null);
            State shortOne = layer.finalState();
            assertClose(rowOf(shortOne.h, 1), rowOf(padded.h, 1), 1e-15, layer + ": row 1 stops after 2 tokens");
        }
    }

    @Test
    void maskedLayersGradientsCheck() {
        DMatrixRMaj mask = new DMatrixRMaj(new double[][]{{1, 1, 1}, {1, 0, 1}, {1, 0, 0}, {1, 0, 0}});
        for (RecurrentLayer layer : List.<RecurrentLayer>of(new Rnn(3, 4, rng), new Lstm(3, 4, rng), new Gru(3, 4, rng))) {
            Sequence x = random(4, 3, 3, rng);
            Sequence w = random(4, 3, 4, rng);
            State wf = new State(random(3, 4, rng), layer.hasCell() ? random(3, 4, rng) : null);
            assertChecks(Grads.check(layer, () -> {
                Sequence h = layer.forward(x, null, mask);
                State f = layer.finalState();
                return dot(h, w) + dot(f.h, wf.h) + (f.c == null ? 0 : dot(f.c, wf.c));
            }, () -> {
                layer.forward(x, null, mask);
                layer.backward(w, wf);
            }, 200, rng), layer + " with padding");
        }
    }

    @Test
    void bidirectionalAndStackedLayersCheck() {
        Bidirectional bi = new Bidirectional(new Lstm(3, 4, rng), new Lstm(3, 2, rng));
        Sequence x = random(4, 2, 3, rng);
        Sequence w = random(4, 2, 6, rng);
        Sequence out = bi.forward(x, null);
        assertEquals(6, out.dim());
        assertChecks(Grads.check(bi, () -> dot(bi.forward(x, null), w), () -> {
            bi.forward(x, null);
            bi.backward(w, null);
        }, 100, rng), "bidirectional");

        Stacked stack = new Stacked(List.of(new Gru(3, 5, rng), new Lstm(5, 4, rng)));
        Sequence w2 = random(4, 2, 4, rng);
        assertChecks(Grads.check(stack, () -> dot(stack.forward(x, null, null), w2), () -> {
            stack.forward(x, null, null);
            stack.backward(w2, null);
        }, 100, rng), "stacked GRU + LSTM");
        List<State> steps = stack.step(x.at(0), stack.zeroStates(2));
        stack.forward(Sequence.of(x.at(0)), null, null);
        assertClose(stack.finalStates().get(1).h, steps.get(1).h, 1e-15, "step() = first step of forward");
    }

    /** Zaremba et al.: dropout between layers (new mask each step), none on the recurrent connections. */
    @Test
    void dropoutBetweenLayersTouchesOnlyTheConnectionsBetweenThem() {
        Stacked plain = new Stacked(List.of(new Lstm(3, 4, new Rng(1)), new Lstm(4, 4, new Rng(2))));
        Stacked dropped = new Stacked(List.of(new Lstm(3, 4, new Rng(1)), new Lstm(4, 4, new Rng(2))))
                .dropoutBetween(0.5, false, new Rng(3));
        Sequence x = random(5, 2, 3, rng);
        plain.forward(x, null, null);
        dropped.forward(x, null, null);
        assertClose(plain.layer(0).finalState().h, dropped.layer(0).finalState().h, 0, "the first layer's recurrence is untouched");
        assertTrue(Math.abs(plain.finalStates().get(1).h.get(0, 0) - dropped.finalStates().get(1).h.get(0, 0)) > 1e-6,
                "the second layer sees dropped inputs");
        dropped.train(false);
        dropped.forward(x, null, null);
        assertClose(plain.finalStates().get(1).h, dropped.finalStates().get(1).h, 1e-15, "no dropout when evaluating");
    }
}
