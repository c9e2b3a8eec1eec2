package rnnkit.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static rnnkit.testing.Checks.assertClose;
import static rnnkit.testing.Checks.random;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import rnnkit.core.Activation;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.testing.Grads;
import rnnkit.train.GradCheck;

/** The cells on their own (the notebooks' step functions) agree with the layers that run them over time. */
class CellStepTest {

    private final Rng rng = new Rng(11);

    @Test
    void theRnnStepIsTheLayersFirstStep() {
        Rnn layer = new Rnn(3, 4, rng);
        DMatrixRMaj x = random(2, 3, rng);
        DMatrixRMaj h0 = random(2, 4, rng);
        DMatrixRMaj h1 = Rnn.stepForward(x, h0, layer.Wxh(), layer.Whh(), layer.bh(), Activation.TANH);
        assertClose(layer.forward(Sequence.of(x), new State(h0)).at(0), h1, 1e-15, "stepForward vs forward");
        assertClose(h1, layer.step(x, new State(h0)).h, 1e-15, "step() vs stepForward");
    }

    @Test
    void theRnnStepBackwardChecksNumerically() {
        DMatrixRMaj x = random(2, 3, rng);
        DMatrixRMaj h0 = random(2, 4, rng);
        DMatrixRMaj Wxh = random(3, 4, rng);
        DMatrixRMaj Whh = random(4, 4, rng);
        DMatrixRMaj bh = random(1, 4, rng);
        DMatrixRMaj dh = random(2, 4, rng);
        Rnn.StepGradients g = Rnn.stepBackward(dh, x, h0, Rnn.stepForward(x, h0, Wxh, Whh, bh, Activation.TANH), Wxh, Whh, Activation.TANH);
        for (Object[] target : new Object[][]{{"x", x, g.dx()}, {"hPrev", h0, g.dhPrev()}, {"Wxh", Wxh, g.dWxh()},
                {"Whh", Whh, g.dWhh()}, {"bh", bh, g.dbh()}}) {
            GradCheck.Report r = Grads.check((String) target[0], (DMatrixRMaj) target[1],
                    m -> dot(Rnn.stepForward(x, h0, Wxh, Whh, bh, Activation.TANH), dh), (DMatrixRMaj) target[2]);
            assertTrue(r.passes(1e-7), r.toString());
        }
    }

    @Test
    void theLstmStepIsTheLayersFirstStepBothWays() {
        Lstm layer = new Lstm(3, 4, rng);
        DMatrixRMaj x = random(2, 3, rng);
        State s0 = new State(random(2, 4, rng), random(2, 4, rng));
        Lstm.StepResult step = Lstm.stepForward(x, s0.h, s0.c, layer.Wxh(), layer.Whh(), layer.bh());
        assertClose(layer.forward(Sequence.of(x), s0).at(0), step.h(), 1e-15, "h");
        assertClose(layer.finalState().c, step.c(), 1e-15, "c");
        assertClose(step.h(), layer.step(x, s0).h, 1e-15, "step() h");

        DMatrixRMaj dh = random(2, 4, rng);
        DMatrixRMaj dc = random(2, 4, rng);
        layer.zeroGrad();
        Sequence dx = layer.backward(Sequence.of(dh), new State(new DMatrixRMaj(2, 4), dc));
        Lstm.StepGradients g = Lstm.stepBackward(dh, dc, x, s0.h, s0.c, step, layer.Wxh(), layer.Whh());
        assertClose(dx.at(0), g.dx(), 1e-14, "dx");
        assertClose(layer.initialGradient().h, g.dhPrev(), 1e-14, "dh_{t-1}");
        assertClose(layer.initialGradient().c, g.dcPrev(), 1e-14, "dc_{t-1}");
        assertClose(layer.parameter("Wxh").grad, g.dWx(), 1e-14, "dWx");
        assertClose(layer.parameter("Whh").grad, g.dWh(), 1e-14, "dWh");
        assertClose(layer.parameter("bh").grad, g.db(), 1e-14, "db");
    }

    @Test
    void theGruStepIsTheLayersFirstStep() {
        for (Gru.Variant v : Gru.Variant.values()) {
            Gru layer = new Gru(3, 4, v, rng);
            DMatrixRMaj x = random(2, 3, rng);
            DMatrixRMaj h0 = random(2, 4, rng);
            assertClose(layer.forward(Sequence.of(x), new State(h0)).at(0), layer.step(x, new State(h0)).h, 1e-15, "GRU " + v);
        }
    }

    @Test
    void theGruStepPairIsTheLayersFirstStepBothWaysAndChecksNumerically() {
        Gru layer = new Gru(3, 4, rng);
        DMatrixRMaj x = random(2, 3, rng);
        DMatrixRMaj h0 = random(2, 4, rng);
        Gru.StepResult step = Gru.stepForward(x, h0, layer.Wxh(), layer.Whh(), layer.bxh(), layer.bhh());
        assertClose(layer.forward(Sequence.of(x), new State(h0)).at(0), step.h(), 1e-15, "h");

        DMatrixRMaj dh = random(2, 4, rng);
        layer.zeroGrad();
        Sequence dx = layer.backward(Sequence.of(dh), null);
        Gru.StepGradients g = Gru.stepBackward(dh, x, h0, step, layer.Wxh(), layer.Whh());
        assertClose(dx.at(0), g.dx(), 1e-14, "dx");
        assertClose(layer.initialGradient().h, g.dhPrev(), 1e-14, "dh_{t-1}");
        assertClose(layer.parameter("Wxh").grad, g.dWx(), 1e-14, "dWx");
        assertClose(layer.parameter("Whh").grad, g.dWh(), 1e-14, "dWh");
        assertClose(layer.parameter("bxh").grad, g.dbx(), 1e-14, "dbx");
        assertClose(layer.parameter("bhh").grad, g.dbh(), 1e-14, "dbh");

        DMatrixRMaj Wx = layer.Wxh(), Wh = layer.Whh(), bx = layer.bxh(), bh = layer.bhh();
        for (Object[] target : new Object[][]{{"x", x, g.dx()}, {"hPrev", h0, g.dhPrev()}, {"Wx", Wx, g.dWx()},
                {"Wh", Wh, g.dWh()}, {"bx", bx, g.dbx()}, {"bh", bh, g.dbh()}}) {
            GradCheck.Report r = Grads.check((String) target[0], (DMatrixRMaj) target[1],
                    m -> dot(Gru.stepForward(x, h0, Wx, Wh, bx, bh).h(), dh), (DMatrixRMaj) target[2]);
            assertTrue(r.passes(1e-7), r.toString());
        }
    }

    private static double dot(DMatrixRMaj a, DMatrixRMaj b) {
        double s = 0;
        for (int i = 0; i < a.getNumElements(); i++) {
            s += a.data[i] * b.data[i];
        }
        return s;
    }
}
