package rnnkit.testing;

import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Trainable;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.train.GradCheck;

/**
 * Gradient checks as the library's tests run them: with the four-point centered difference, which stays
 * accurate on small gradient entries where the two-point one is limited by rounding (see {@link GradCheck}).
 */
public final class Grads {

    private static final GradCheck.Stencil STENCIL = GradCheck.Stencil.FOUR_POINT;

    private Grads() {
    }

    public static GradCheck.Report check(Trainable m, DoubleSupplier loss, Runnable forwardBackward, int max, Rng rng) {
        return GradCheck.check(m.parameters(), loss, forwardBackward, max, rng, STENCIL);
    }

    public static GradCheck.Report check(List<Parameter> targets, DoubleSupplier loss, Runnable forwardBackward, int max, Rng rng) {
        return GradCheck.check(targets, loss, forwardBackward, max, rng, STENCIL);
    }

    public static GradCheck.Report check(String name, DMatrixRMaj x, ToDoubleFunction<DMatrixRMaj> f, DMatrixRMaj analytic) {
        return GradCheck.check(name, x, f, analytic, STENCIL);
    }
}
