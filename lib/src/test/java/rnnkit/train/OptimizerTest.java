package rnnkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static rnnkit.testing.Checks.assertClose;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import rnnkit.core.Parameter;
import rnnkit.testing.Fixtures;

class OptimizerTest {

    private static final Fixtures OPT = Fixtures.load("torch_recurrent.json").get("optimizers");

    private static final Map<String, Function<List<Parameter>, Optimizer>> OPTIMIZERS = Map.of(
            "sgd", p -> new Optimizer.Sgd(p, 0.1),
            "sgd_momentum", p -> new Optimizer.Sgd(p, 0.1, 0.9, false),
            "sgd_nesterov", p -> new Optimizer.Sgd(p, 0.1, 0.9, true),
            "sgd_weight_decay", p -> new Optimizer.Sgd(p, 0.1).weightDecay(0.1),
            "adagrad", p -> new Optimizer.Adagrad(p, 0.1),
            "rmsprop", p -> new Optimizer.RmsProp(p, 0.01),
            "adam", p -> new Optimizer.Adam(p, 0.01),
            "adam_weight_decay", p -> new Optimizer.Adam(p, 0.01).weightDecay(0.1));

    @Test
    void everyOptimizerTakesPyTorchsThreeSteps() {
        for (var e : OPTIMIZERS.entrySet()) {
            Parameter theta = new Parameter("theta", OPT.matrix("theta0"));
            Optimizer opt = e.getValue().apply(List.of(theta));
            for (int step = 0; step < 3; step++) {
                theta.grad.setTo(OPT.matrixAt("grads", step));
                opt.step();
                assertClose(OPT.matrixAt(e.getKey(), step), theta.value, 1e-14, e.getKey() + " after step " + (step + 1));
            }
        }
    }

    @Test
    void globalNormClippingFollowsTheLecture() {
        Parameter a = new Parameter("a", new DMatrixRMaj(new double[][]{{3, 0}}));
        Parameter b = new Parameter("b", new DMatrixRMaj(new double[][]{{0, 4}}));
        a.grad.setTo(a.value);
        b.grad.setTo(b.value);
        double norm = Clip.byGlobalNorm(List.of(a, b), 1.0);
        assertEquals(5, norm, 1e-15, "the norm before clipping");
        assertEquals(0.6, a.grad.get(0, 0), 1e-15, "3 * 1/5");
        assertEquals(0.8, b.grad.get(0, 1), 1e-15, "4 * 1/5: direction kept");
        assertEquals(1, Clip.globalNorm(List.of(a, b)), 1e-15);
        Clip.byGlobalNorm(List.of(a, b), 10);
        assertEquals(0.6, a.grad.get(0, 0), 1e-15, "below the threshold nothing changes");
    }

    @Test
    void valueClippingCapsEachEntry() {
        Parameter a = new Parameter("a", 1, 3);
        a.grad.setTo(new DMatrixRMaj(new double[][]{{-7, 0.5, 9}}));
        Clip.byValue(List.of(a), 1);
        assertClose(new DMatrixRMaj(new double[][]{{-1, 0.5, 1}}), a.grad, 0, "clipped");
    }
}
