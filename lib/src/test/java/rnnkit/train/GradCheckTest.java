package rnnkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.testing.Checks;

class GradCheckTest {

    /** f(X) = sum sin(X_ij) X_ij^2, df/dX = cos(X) X^2 + 2 sin(X) X. */
    private static double f(DMatrixRMaj x) {
        double s = 0;
        for (int i = 0; i < x.getNumElements(); i++) {
            s += Math.sin(x.data[i]) * x.data[i] * x.data[i];
        }
        return s;
    }

    private static DMatrixRMaj df(DMatrixRMaj x) {
        DMatrixRMaj g = new DMatrixRMaj(x.numRows, x.numCols);
        for (int i = 0; i < x.getNumElements(); i++) {
            double v = x.data[i];
            g.data[i] = Math.cos(v) * v * v + 2 * Math.sin(v) * v;
        }
        return g;
    }

    @Test
    void relativeErrorFollowsTheLectureFormula() {
        assertEquals(0.5, GradCheck.relativeError(3, 1), 1e-15);
        assertEquals(0, GradCheck.relativeError(0, 0), 0);
        assertEquals(1, GradCheck.relativeError(1e-9, 0) / 1e-1, 1e-6, "the 1e-8 floor: 1e-9 / 1e-8");
    }

    @Test
    void aCorrectGradientPassesWithBothStencils() {
        DMatrixRMaj x = Checks.random(3, 4, new Rng(1));
        for (GradCheck.Stencil s : GradCheck.Stencil.values()) {
            GradCheck.Report r = GradCheck.check("X", x, GradCheckTest::f, df(x), s);
            assertTrue(r.passes(1e-8), s + "\n" + r);
        }
    }

    @Test
    void aWrongGradientFailsAndTheReportNamesTheEntry() {
        DMatrixRMaj x = Checks.random(3, 4, new Rng(2));
        DMatrixRMaj wrong = df(x);
        wrong.set(2, 1, wrong.get(2, 1) * 1.1);
        GradCheck.Report r = GradCheck.check("X", x, GradCheckTest::f, wrong);
        assertFalse(r.passes(1e-7));
        assertTrue(r.maxRelativeError() > 1e-3, r.toString());
        GradCheck.Entry worst = r.worst("X 3\u00d74", 1).get(0);
        assertEquals(2, worst.row());
        assertEquals(1, worst.col());
        assertTrue(r.toString().contains("(2, 1)"), r.toString());
        assertEquals(1, r.table().rowCount());
        assertEquals("(2, 1)", r.table().stringColumn("worst entry").get(0));
    }

    @Test
    void largeParametersAreSampledReproducibly() {
        Parameter big = new Parameter("W", Checks.random(30, 30, new Rng(3)));
        Runnable fb = () -> big.grad.setTo(df(big.value));
        GradCheck.Report a = GradCheck.check(List.of(big), () -> f(big.value), fb, 50, new Rng(9));
        GradCheck.Report b = GradCheck.check(List.of(big), () -> f(big.value), fb, 50, new Rng(9));
        assertEquals(50, a.summaries().get(0).checked());
        assertEquals(900, a.summaries().get(0).size());
        assertEquals(a.entries(), b.entries(), "same seed, same sample");
        assertTrue(a.passes(1e-7), a.toString());
    }

    @Test
    void theValueIsRestoredAfterChecking() {
        DMatrixRMaj x = Checks.random(2, 2, new Rng(4));
        DMatrixRMaj before = x.copy();
        GradCheck.check("X", x, GradCheckTest::f, df(x), GradCheck.Stencil.FOUR_POINT);
        Checks.assertClose(before, x, 0, "X unchanged");
    }
}
