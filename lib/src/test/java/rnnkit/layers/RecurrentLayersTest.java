package rnnkit.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static rnnkit.testing.Checks.assertClose;
import static rnnkit.testing.Checks.random;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import rnnkit.core.Activation;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.testing.Fixtures;
import rnnkit.testing.Grads;
import rnnkit.train.GradCheck;

class RecurrentLayersTest {

    private static final Fixtures TORCH = Fixtures.load("torch_recurrent.json");
    private static final double TORCH_TOLERANCE = 1e-10;
    private static final double GRADCHECK_TOLERANCE = 1e-7;

    /** Loads PyTorch's weights into a layer, runs forward and backward, and compares everything. */
    private static void matchesPyTorch(String name, RecurrentLayer layer, String... params) {
        Fixtures f = TORCH.get(name);
        for (Parameter p : layer.parameters()) {
            p.value.setTo(f.matrix(p.name()));
        }
        Sequence x = f.sequence("x");
        State s0 = new State(f.matrix("h0"), layer.hasCell() ? f.matrix("c0") : null);
        Sequence out = layer.forward(x, s0);
        assertClose(f.sequence("out"), out, TORCH_TOLERANCE, name + " output h_t");
        assertClose(f.matrix("hT"), layer.finalState().h, TORCH_TOLERANCE, name + " final h");
        if (layer.hasCell()) {
            assertClose(f.matrix("cT"), layer.finalState().c, TORCH_TOLERANCE, name + " final c");
        }
        layer.zeroGrad();
        State dFinal = new State(f.matrix("dhT"), layer.hasCell() ? f.matrix("dcT") : null);
        Sequence dx = layer.backward(f.sequence("dout"), dFinal);
        assertClose(f.sequence("dx"), dx, TORCH_TOLERANCE, name + " dx");
        assertClose(f.matrix("dh0"), layer.initialGradient().h, TORCH_TOLERANCE, name + " dh0");
        if (layer.hasCell()) {
            assertClose(f.matrix("dc0"), layer.initialGradient().c, TORCH_TOLERANCE, name + " dc0");
        }
        for (Parameter p : layer.parameters()) {
            assertClose(f.matrix("d" + p.name()), p.grad, TORCH_TOLERANCE, name + " d" + p.name());
        }
    }

    @Test
    void theTanhRnnMatchesPyTorch() {
        matchesPyTorch("rnn_tanh", new Rnn(4, 6, Activation.TANH, new Rng(0)));
    }

    @Test
    void theReluRnnMatchesPyTorch() {
        matchesPyTorch("rnn_relu", new Rnn(4, 6, Activation.RELU, new Rng(0)));
    }

    @Test
    void theLstmMatchesPyTorch() {
        matchesPyTorch("lstm", new Lstm(4, 6, new Rng(0)));
    }

    @Test
    void theGruMatchesPyTorch() {
        matchesPyTorch("gru", new Gru(4, 6, new Rng(0)));
    }

    /**
     * Checks every parameter, the inputs and the initial state of a layer numerically, through
     * L = sum_t <h_t, W_t> + <h_T, V> (+ <c_T, U>) with fixed random W, V, U.
     */
    private static GradCheck.Report gradCheck(Supplier<RecurrentLayer> make, int T, int B,
                                              java.util.function.Consumer<RecurrentLayer> beforeForward) {
        Rng rng = new Rng(42);
        RecurrentLayer layer = make.get();
        int D = layer.inputSize();
        int H = layer.hiddenSize();
        Sequence x = random(T, B, D, rng);
        State s0 = new State(random(B, H, rng), layer.hasCell() ? random(B, H, rng) : null);
        Sequence w = random(T, B, H, rng);
        State wFinal = new State(random(B, H, rng), layer.hasCell() ? random(B, H, rng) : null);
        Parameter xs = new Parameter("x", stack(x));
        Parameter h0 = new Parameter("h0", s0.h);
        Parameter c0 = layer.hasCell() ? new Parameter("c0", s0.c) : null;
        List<Parameter> targets = new ArrayList<>(layer.parameters());
        targets.add(xs);
        targets.add(h0);
        if (c0 != null) {
            targets.add(c0);
        }
        Runnable forward = () -> {
            beforeForward.accept(layer);
            x.unstack(xs.value);
            layer.forward(x, s0);
        };
        return Grads.check(targets, () -> {
            forward.run();
            return loss(layer, w, wFinal);
        }, () -> {
            forward.run();
            Sequence dx = layer.backward(w, wFinal);
            xs.grad.setTo(stack(dx));
            h0.grad.setTo(layer.initialGradient().h);
            if (c0 != null) {
                c0.grad.setTo(layer.initialGradient().c);
            }
        }, 200, rng);
    }

    private static double loss(Recurrent layer, Sequence w, State wFinal) {
        double l = 0;
        for (int t = 0; t < w.length(); t++) {
            l += dot(layer.stateAt(t).h, w.at(t));
        }
        State last = layer.finalState();
        l += dot(last.h, wFinal.h);
        if (last.c != null) {
            l += dot(last.c, wFinal.c);
        }
        return l;
    }

    private static double dot(DMatrixRMaj a, DMatrixRMaj b) {
        double s = 0;
        for (int i = 0; i < a.getNumElements(); i++) {
            s += a.data[i] * b.data[i];
        }
        return s;
    }

    private static DMatrixRMaj stack(Sequence s) {
        return s.stack(new DMatrixRMaj(1, 1));
    }

    private static void assertGradientsCheck(String what, Supplier<RecurrentLayer> make) {
        assertGradientsCheck(what, make, layer -> { });
    }

    private static void assertGradientsCheck(String what, Supplier<RecurrentLayer> make,
                                             java.util.function.Consumer<RecurrentLayer> beforeForward) {
        assertGradientsCheck(what, make, beforeForward, GRADCHECK_TOLERANCE);
    }

    private static void assertGradientsCheck(String what, Supplier<RecurrentLayer> make,
                                             java.util.function.Consumer<RecurrentLayer> beforeForward, double tolerance) {
        GradCheck.Report report = gradCheck(make, 4, 3, beforeForward);
        assertTrue(report.passes(tolerance), what + "\n" + report);
    }



    @ParameterizedTest
    @EnumSource(Activation.class)
    void rnnGradientsCheck(Activation f) {
        assertGradientsCheck("RNN " + f, () -> new Rnn(3, 5, f, new Rng(1)));
    }

    @ParameterizedTest
    @EnumSource(Lstm.Variant.class)
    void lstmGradientsCheck(Lstm.Variant v) {
        assertGradientsCheck("LSTM " + v, () -> new Lstm(3, 5, v, new Rng(2)));
    }

    @ParameterizedTest
    @EnumSource(Gru.Variant.class)
    void gruGradientsCheck(Gru.Variant v) {
        assertGradientsCheck("GRU " + v, () -> new Gru(3, 5, v, new Rng(3)));
    }

    /** With recurrent dropout every loss evaluation must see the same masks, so each forward gets a fresh Rng(7). */
    @Test
    void recurrentDropoutGradientsCheck() {
        for (boolean perSequence : new boolean[]{false, true}) {
            assertGradientsCheck("RNN, recurrent dropout, one mask per sequence: " + perSequence,
                    () -> new Rnn(3, 5, new Rng(4)), l -> l.recurrentDropout(0.3, perSequence, new Rng(7)));
            assertGradientsCheck("LSTM, recurrent dropout, one mask per sequence: " + perSequence,
                    () -> new Lstm(3, 5, new Rng(5)), l -> l.recurrentDropout(0.3, perSequence, new Rng(7)));
            for (Gru.Variant v : Gru.Variant.values()) {
                assertGradientsCheck("GRU " + v + ", recurrent dropout, one mask per sequence: " + perSequence,
                        () -> new Gru(3, 5, v, new Rng(6)), l -> l.recurrentDropout(0.3, perSequence, new Rng(7)));
            }
        }
    }

    @Test
    void theForgetBiasSetsTheForgetBlockOnly() {
        Lstm lstm = new Lstm(3, 4, new Rng(8)).forgetBias(1.0);
        DMatrixRMaj b = lstm.bh();
        for (int j = 0; j < 4; j++) {
            assertTrue(b.get(0, 4 + j) == 1.0, "f block (columns H..2H-1)");
            assertTrue(b.get(0, j) != 1.0 && b.get(0, 8 + j) != 1.0, "i and g blocks untouched");
        }
        Lstm coupled = new Lstm(3, 4, Lstm.Variant.COUPLED, new Rng(8)).forgetBias(2.0);
        assertTrue(coupled.bh().get(0, 0) == 2.0, "coupled: f is the first block");
    }

    /** ||dL/dh_t|| as the layer reports it equals the norm of the gradient computed step by step by hand. */
    @Test
    void perStepGradientNormsAreTheGradientReachingEachState() {
        Rng rng = new Rng(9);
        Rnn rnn = new Rnn(2, 3, rng);
        Sequence x = random(6, 1, 2, rng);
        rnn.forward(x, null);
        Sequence dh = new Sequence(6, 1, 3);
        dh.at(5).setTo(random(1, 3, rng));                 // a loss on the last state only
        rnn.backward(dh, null);
        double[] norms = rnn.hiddenGradNorms();
        DMatrixRMaj g = dh.at(5).copy();
        for (int t = 5; t >= 0; t--) {
            assertTrue(Math.abs(norms[t] - rnnkit.core.Ops.norm(g)) < 1e-14, "t=" + t);
            DMatrixRMaj hPrev = t == 0 ? new DMatrixRMaj(1, 3) : rnn.stateAt(t - 1).h;
            g = Rnn.stepBackward(g, x.at(t), hPrev, rnn.stateAt(t).h, rnn.Wxh(), rnn.Whh(), Activation.TANH).dhPrev();
        }
    }
}
