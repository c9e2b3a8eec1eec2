package rnnkit.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rnnkit.testing.Checks.assertClose;
import static rnnkit.testing.Checks.random;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.testing.Fixtures;
import rnnkit.testing.Grads;
import rnnkit.train.GradCheck;

/**
 * Greff et al.'s LSTM variants ({@link Lstm.Variant}): each against PyTorch autograd of its equations (fixtures of
 * lib/scripts/make_lstm_variant_fixtures.py), with padding, and what each change means. The gradient check of every
 * variant without padding is {@code RecurrentLayersTest.lstmGradientsCheck}.
 */
class LstmVariantsTest {

    private static final Fixtures TORCH = Fixtures.load("torch_lstm_variants.json");
    private static final double TORCH_TOLERANCE = 1e-10;

    @ParameterizedTest
    @EnumSource(Lstm.Variant.class)
    void everyVariantMatchesPyTorchAutogradOfItsEquations(Lstm.Variant v) {
        Fixtures f = TORCH.get(v.name());
        Lstm lstm = new Lstm(f.integer("D"), f.integer("H"), v, new Rng(0));
        for (Parameter p : lstm.parameters()) {
            p.value.setTo(f.matrix(p.name()));
        }
        Sequence out = lstm.forward(f.sequence("x"), new State(f.matrix("h0"), f.matrix("c0")));
        assertClose(f.sequence("out"), out, TORCH_TOLERANCE, v + " h_t");
        assertClose(f.matrix("hT"), lstm.finalState().h, TORCH_TOLERANCE, v + " h_T");
        assertClose(f.matrix("cT"), lstm.finalState().c, TORCH_TOLERANCE, v + " c_T");
        lstm.zeroGrad();
        Sequence dx = lstm.backward(f.sequence("dout"), new State(f.matrix("dhT"), f.matrix("dcT")));
        assertClose(f.sequence("dx"), dx, TORCH_TOLERANCE, v + " dx");
        assertClose(f.matrix("dh0"), lstm.initialGradient().h, TORCH_TOLERANCE, v + " dh0");
        assertClose(f.matrix("dc0"), lstm.initialGradient().c, TORCH_TOLERANCE, v + " dc0");
        for (Parameter p : lstm.parameters()) {
            assertClose(f.matrix("d" + p.name()), p.grad, TORCH_TOLERANCE, v + " d" + p.name());
        }
    }

    @Test
    void theFixturesHaveExactlyTheLayersParameters() {
        for (Lstm.Variant v : Lstm.Variant.values()) {
            Fixtures f = TORCH.get(v.name());
            Lstm lstm = new Lstm(4, 6, v, new Rng(0));
            for (Parameter p : lstm.parameters()) {
                assertTrue(f.has(p.name()), v + ": the fixture has " + p.name());
            }
            for (String name : List.of("wci", "wcf", "wco", "Wgg")) {
                assertEquals(f.has(name), lstm.parameters().stream().anyMatch(p -> p.name().equals(name)),
                        v + ": " + name + " in the fixture and in the layer alike");
            }
        }
    }

    /** Greff's variants are V minus one change: all but NP (and the coupled NP) keep the peepholes they can. */
    @Test
    void everyVariantButTheStandardAndTheCoupledKeepsItsPeepholes() {
        for (Lstm.Variant v : Lstm.Variant.values()) {
            List<String> names = new Lstm(3, 4, v, new Rng(1)).parameters().stream().map(Parameter::name).toList();
            for (char gate : new char[]{'i', 'f', 'o'}) {
                boolean learnt = v.blocks().indexOf(gate) >= 0;
                boolean expected = learnt && v != Lstm.Variant.STANDARD && v != Lstm.Variant.COUPLED;
                assertEquals(expected, names.contains("wc" + gate), v + ": peephole of " + gate);
            }
            assertEquals(v == Lstm.Variant.FGR, names.contains("Wgg"), v + ": gate-to-gate weights");
        }
    }

    @ParameterizedTest
    @EnumSource(Lstm.Variant.class)
    void paddedVariantsGradientsCheck(Lstm.Variant v) {
        Rng rng = new Rng(3);
        DMatrixRMaj mask = new DMatrixRMaj(new double[][]{{1, 1, 1}, {1, 0, 1}, {1, 0, 0}, {1, 1, 0}});
        Lstm lstm = new Lstm(3, 4, v, rng);
        Sequence x = random(4, 3, 3, rng);
        Sequence w = random(4, 3, 4, rng);
        State wf = new State(random(3, 4, rng), random(3, 4, rng));
        GradCheck.Report report = Grads.check(lstm, () -> {
            Sequence h = lstm.forward(x, null, mask);
            State f = lstm.finalState();
            return dot(h, w) + dot(f.h, wf.h) + dot(f.c, wf.c);
        }, () -> {
            lstm.forward(x, null, mask);
            lstm.backward(w, wf);
        }, 300, rng);
        assertTrue(report.passes(1e-7), v + " with padding\n" + report);
    }

    /** A padding step keeps the state, and for FGR also the gates the next real step sees. */
    @ParameterizedTest
    @EnumSource(Lstm.Variant.class)
    void aPaddingStepChangesNothingTheNextStepSees(Lstm.Variant v) {
        Rng rng = new Rng(4);
        Lstm lstm = new Lstm(3, 4, v, rng);
        Sequence x = random(3, 2, 3, rng);
        lstm.forward(x, null, new DMatrixRMaj(new double[][]{{1, 1}, {1, 0}, {1, 1}}));
        DMatrixRMaj padded = rowOf(lstm.finalState().h, 1);
        lstm.forward(Sequence.of(x.at(0), x.at(2)), null);
        assertClose(rowOf(lstm.finalState().h, 1), padded, 1e-15, v + ": row 1 skips its padding step");
    }

    /**
     * The 1997 LSTM's constant error carousel: without a forget gate, and with nothing else between the cells
     * (no recurrent weights, no peephole on i), c_T = c_0 + Σ i ⊙ g and dL/dc_0 is dL/dc_T exactly.
     */
    @Test
    void withoutAForgetGateTheCellGradientPassesUnchanged() {
        Rng rng = new Rng(5);
        Lstm nfg = new Lstm(3, 4, Lstm.Variant.NFG, rng);
        nfg.parameter("Whh").value.zero();                             // W_h = 0
        nfg.parameter("wci").value.zero();                             // w_ci = 0
        Sequence x = random(6, 2, 3, rng);
        nfg.forward(x, new State(random(2, 4, rng), random(2, 4, rng)));
        DMatrixRMaj dcT = random(2, 4, rng);
        nfg.backward(new Sequence(6, 2, 4), new State(new DMatrixRMaj(2, 4), dcT));
        assertClose(dcT, nfg.initialGradient().c, 0, "dL/dc_0 = dL/dc_T through six steps");
        for (int t = 1; t < 6; t++) {                                  // c_t - c_{t-1} = i ⊙ g: the cell only adds
            DMatrixRMaj gates = nfg.gatesAt(t);                          // blocks i, g, o
            for (int k = 0; k < 8; k++) {
                int r = k / 4;
                int j = k % 4;
                double added = nfg.stateAt(t).c.get(r, j) - nfg.stateAt(t - 1).c.get(r, j);
                assertEquals(gates.get(r, j) * gates.get(r, 4 + j), added, 1e-15, "t=" + t);
            }
        }
    }

    @Test
    void theConstantGatesAreOne() {
        Rng rng = new Rng(6);
        DMatrixRMaj x = random(2, 3, rng);
        State s0 = new State(random(2, 4, rng), random(2, 4, rng));
        // NOG: o = 1, so h = tanh(c); NOAF: h = o ⊙ c, |h| can exceed 1 where |c| does
        Lstm nog = new Lstm(3, 4, Lstm.Variant.NOG, rng);
        State after = nog.step(x, s0);
        DMatrixRMaj tanhC = after.c.copy();
        for (int k = 0; k < 8; k++) {
            tanhC.data[k] = Math.tanh(after.c.data[k]);
        }
        assertClose(tanhC, after.h, 1e-15, "NOG: h = tanh(c)");
        // NIAF: the candidate is the pre-activation itself, so it can leave (-1, 1)
        Lstm niaf = new Lstm(3, 4, Lstm.Variant.NIAF, rng);
        niaf.bh().fill(3);
        niaf.forward(Sequence.of(x), s0);
        assertTrue(niaf.gatesAt(0).get(0, 8) > 1, "NIAF: g = a_g, here above 1");
    }

    @Test
    void theCoupledGatesLearnTheForgetGateAndTakeAForgetBias() {
        for (Lstm.Variant v : List.of(Lstm.Variant.COUPLED, Lstm.Variant.CIFG)) {
            Lstm lstm = new Lstm(3, 4, v, new Rng(7)).forgetBias(2.0);
            assertEquals("fgo", v.blocks());
            assertEquals(2.0, lstm.bh().get(0, 0), v + ": f is the first block");
        }
        assertThrows(IllegalStateException.class, () -> new Lstm(3, 4, Lstm.Variant.NFG, new Rng(7)).forgetBias(1));
    }

    @ParameterizedTest
    @EnumSource(Lstm.Variant.class)
    void aStepIsTheFirstStepOfForwardButFgrHasNoStep(Lstm.Variant v) {
        Rng rng = new Rng(8);
        Lstm lstm = new Lstm(3, 4, v, rng);
        DMatrixRMaj x = random(2, 3, rng);
        State s0 = new State(random(2, 4, rng), random(2, 4, rng));
        if (v == Lstm.Variant.FGR) {
            assertThrows(UnsupportedOperationException.class, () -> lstm.step(x, s0));
            return;
        }
        State one = lstm.step(x, s0);
        lstm.forward(Sequence.of(x), s0);
        assertClose(lstm.finalState().h, one.h, 1e-15, v + " h");
        assertClose(lstm.finalState().c, one.c, 1e-15, v + " c");
    }

    private static DMatrixRMaj rowOf(DMatrixRMaj m, int r) {
        DMatrixRMaj row = new DMatrixRMaj(1, m.numCols);
        System.arraycopy(m.data, r * m.numCols, row.data, 0, m.numCols);
        return row;
    }

    private static double dot(Sequence a, Sequence b) {
        double s = 0;
        for (int t = 0; t < a.length(); t++) {
            s += dot(a.at(t), b.at(t));
        }
        return s;
    }

    private static double dot(DMatrixRMaj a, DMatrixRMaj b) {
        double s = 0;
        for (int i = 0; i < a.getNumElements(); i++) {
            s += a.data[i] * b.data[i];
        }
        return s;
    }
}
