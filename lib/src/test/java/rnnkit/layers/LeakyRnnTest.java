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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import rnnkit.core.Activation;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.testing.Fixtures;
import rnnkit.testing.Grads;
import rnnkit.train.GradCheck;

/** The RNN with leaky units, h_t = (1 - α) h_{t-1} + α f(a_t): against PyTorch autograd, and gradient-checked. */
class LeakyRnnTest {

    private static final Fixtures TORCH = Fixtures.load("torch_leaky_rnn.json");

    /** Forward and backward against lib/scripts/make_leaky_rnn_fixture.py (autograd of the equations). */
    @ParameterizedTest
    @ValueSource(strings = {"leak_0.3", "leak_0.05"})
    void matchesPyTorchAutogradOfTheEquations(String name) {
        Fixtures f = TORCH.get(name);
        Rnn rnn = new Rnn(f.integer("D"), f.integer("H"), new Rng(0)).leakRate(f.matrix("alpha").get(0, 0));
        for (Parameter p : rnn.parameters()) {
            p.value.setTo(f.matrix(p.name()));
        }
        Sequence out = rnn.forward(f.sequence("x"), new State(f.matrix("h0")));
        assertClose(f.sequence("out"), out, 1e-12, name + " h_t");
        assertClose(f.matrix("hT"), rnn.finalState().h, 1e-12, name + " h_T");
        rnn.zeroGrad();
        Sequence dx = rnn.backward(f.sequence("dout"), new State(f.matrix("dhT")));
        assertClose(f.sequence("dx"), dx, 1e-12, name + " dx");
        assertClose(f.matrix("dh0"), rnn.initialGradient().h, 1e-12, name + " dh0");
        for (Parameter p : rnn.parameters()) {
            assertClose(f.matrix("d" + p.name()), p.grad, 1e-12, name + " d" + p.name());
        }
    }

    /** L = sum_t <h_t, W_t> + <h_T, V>, checked numerically for every parameter, the inputs and h_0. */
    private static GradCheck.Report check(Rnn rnn, DMatrixRMaj mask, Rng dropoutSeed) {
        Rng rng = new Rng(42);
        int T = 5, B = 3;
        Sequence x = random(T, B, rnn.inputSize(), rng);
        DMatrixRMaj h0value = random(B, rnn.hiddenSize(), rng);
        Sequence w = random(T, B, rnn.hiddenSize(), rng);
        DMatrixRMaj v = random(B, rnn.hiddenSize(), rng);
        Parameter xs = new Parameter("x", x.stack(new DMatrixRMaj(1, 1)));
        Parameter h0 = new Parameter("h0", h0value);
        List<Parameter> targets = new ArrayList<>(rnn.parameters());
        targets.add(xs);
        targets.add(h0);
        Runnable forward = () -> {
            if (dropoutSeed != null) {
                rnn.recurrentDropout(0.3, false, new Rng(7));   // the same masks at every evaluation
            }
            x.unstack(xs.value);
            rnn.forward(x, new State(h0.value), mask);
        };
        return Grads.check(targets, () -> {
            forward.run();
            double l = 0;
            for (int t = 0; t < T; t++) {
                l += dot(rnn.stateAt(t).h, w.at(t));
            }
            return l + dot(rnn.finalState().h, v);
        }, () -> {
            forward.run();
            xs.grad.setTo(rnn.backward(w, new State(v)).stack(new DMatrixRMaj(1, 1)));
            h0.grad.setTo(rnn.initialGradient().h);
        }, 200, rng);
    }

    private static double dot(DMatrixRMaj a, DMatrixRMaj b) {
        double s = 0;
        for (int i = 0; i < a.getNumElements(); i++) {
            s += a.data[i] * b.data[i];
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.7, 0.2, 0.01})
    void gradientsCheck(double alpha) {
        for (Activation f : Activation.values()) {
            GradCheck.Report r = check(new Rnn(3, 4, f, new Rng(1)).leakRate(alpha), null, null);
            assertTrue(r.passes(1e-7), "leaky RNN " + f + ", α = " + alpha + "\n" + r);
        }
    }

    @Test
    void gradientsCheckWithRecurrentDropoutAndPadding() {
        GradCheck.Report dropout = check(new Rnn(3, 4, new Rng(2)).leakRate(0.4), null, new Rng(7));
        assertTrue(dropout.passes(1e-7), "leaky RNN with recurrent dropout\n" + dropout);
        DMatrixRMaj mask = new DMatrixRMaj(new double[][] {{1, 1, 1}, {1, 1, 1}, {1, 0, 1}, {1, 0, 0}, {1, 0, 0}});
        GradCheck.Report padded = check(new Rnn(3, 4, new Rng(3)).leakRate(0.4), mask, null);
        assertTrue(padded.passes(1e-7), "leaky RNN on a padded batch\n" + padded);
    }

    /** A padding row keeps its state, as without the leak. */
    @Test
    void paddingKeepsTheState() {
        Rnn rnn = new Rnn(2, 3, new Rng(4)).leakRate(0.5);
        Sequence x = random(4, 2, 2, new Rng(5));
        rnn.forward(x, null, new DMatrixRMaj(new double[][] {{1, 1}, {1, 0}, {1, 0}, {1, 0}}));
        for (int j = 0; j < 3; j++) {
            assertEquals(rnn.stateAt(0).h.get(1, j), rnn.finalState().h.get(1, j), 0.0);
        }
    }

    @Test
    void leakRateOneIsThePlainRnn() {
        Sequence x = random(6, 2, 3, new Rng(6));
        Rnn plain = new Rnn(3, 4, new Rng(8));
        Rnn leaky = new Rnn(3, 4, new Rng(8)).leakRate(0.3).leakRate(1);
        assertClose(plain.forward(x, null), leaky.forward(x, null), 0, "h_t");
        Sequence dh = random(6, 2, 4, new Rng(9));
        assertClose(plain.backward(dh, null), leaky.backward(dh, null), 0, "dx");
        for (int i = 0; i < 3; i++) {
            assertClose(plain.parameters().get(i).grad, leaky.parameters().get(i).grad, 0, plain.parameters().get(i).name());
        }
    }

    /** step(), which sampling uses, computes what the layer computes. */
    @Test
    void stepMatchesTheLayer() {
        Rnn rnn = new Rnn(3, 4, new Rng(10)).leakRate(0.25);
        Sequence x = random(5, 2, 3, new Rng(11));
        DMatrixRMaj h0 = random(2, 4, new Rng(12));
        rnn.forward(x, new State(h0));
        State s = new State(h0);
        for (int t = 0; t < 5; t++) {
            s = rnn.step(x.at(t), s);
            assertClose(rnn.stateAt(t).h, s.h, 1e-15, "h at step " + t);
        }
    }

    @Test
    void leakRateOutsideZeroToOneIsRefused() {
        Rnn rnn = new Rnn(2, 2, new Rng(0));
        assertThrows(IllegalArgumentException.class, () -> rnn.leakRate(0));
        assertThrows(IllegalArgumentException.class, () -> rnn.leakRate(1.5));
        assertThrows(IllegalArgumentException.class, () -> rnn.leakRate(Double.NaN));
    }
}
