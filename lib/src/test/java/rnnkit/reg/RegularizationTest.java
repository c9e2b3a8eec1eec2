package rnnkit.reg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rnnkit.testing.Checks.assertClose;
import static rnnkit.testing.Checks.random;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.testing.Grads;
import rnnkit.train.GradCheck;

class RegularizationTest {

    @Test
    void variationalMasksAreTheSameAtEveryStepAndNaiveOnesAreNot() {
        Sequence x = random(6, 4, 10, new Rng(1));
        Dropout variational = new Dropout(0.5, true, new Rng(2));
        variational.forward(x);
        for (int t = 1; t < 6; t++) {
            assertClose(variational.mask(0), variational.mask(t), 0, "variational mask at step " + t);
        }
        Dropout perStep = new Dropout(0.5, false, new Rng(2));
        perStep.forward(x);
        boolean differs = false;
        for (int i = 0; i < 40; i++) {
            differs |= perStep.mask(0).data[i] != perStep.mask(1).data[i];
        }
        assertTrue(differs, "per-step masks differ between steps");
    }

    @Test
    void invertedDropoutPreservesTheExpectation() {
        // 200,000 units of value 1 with p = 0.3: the mean of the output is 1 with standard error
        // sqrt(p / (1 - p) / n) ≈ 0.0015; 0.01 is over six standard errors.
        DMatrixRMaj ones = new DMatrixRMaj(1000, 200);
        java.util.Arrays.fill(ones.data, 1);
        DMatrixRMaj y = new Dropout(0.3, false, new Rng(3)).forward(ones);
        double mean = org.ejml.dense.row.CommonOps_DDRM.elementSum(y) / y.getNumElements();
        assertEquals(1.0, mean, 0.01);
        for (double v : y.data) {
            assertTrue(v == 0 || Math.abs(v - 1 / 0.7) < 1e-12, "entries are 0 or 1/(1-p): " + v);
        }
    }

    @Test
    void evalModeIsTheIdentityAndBackwardUsesTheSameMask() {
        Sequence x = random(3, 2, 5, new Rng(4));
        Dropout d = new Dropout(0.4, false, new Rng(5));
        d.train(false);
        assertClose(x, d.forward(x), 0, "eval mode");
        d.train(true);
        Sequence y = d.forward(x);
        Sequence ones = new Sequence(3, 2, 5);
        for (int t = 0; t < 3; t++) {
            java.util.Arrays.fill(ones.at(t).data, 1);
        }
        Sequence g = d.backward(ones);
        for (int t = 0; t < 3; t++) {
            assertClose(d.mask(t), g.at(t), 0, "gradient = mask");
            assertEquals(x.at(t).get(1, 2) * d.mask(t).get(1, 2), y.at(t).get(1, 2), 0);
        }
    }

    @Test
    void theNormStabilizerHasItsValueAndGradient() {
        DMatrixRMaj h0 = new DMatrixRMaj(new double[][]{{3, 4}});   // norm 5
        Sequence h = Sequence.of(new DMatrixRMaj(new double[][]{{6, 8}}), new DMatrixRMaj(new double[][]{{0, 1}}));
        // beta/T sum (||h_t|| - ||h_{t-1}||)^2 = 2/2 ((10 - 5)^2 + (1 - 10)^2) = 106
        assertEquals(106, NormStabilizer.penalty(h0, h, 2, null), 1e-12);
        Sequence hs = random(4, 3, 5, new Rng(6));
        DMatrixRMaj start = random(3, 5, new Rng(7));
        Sequence grad = new Sequence(4, 3, 5);
        NormStabilizer.penalty(start, hs, 0.7, grad);
        DMatrixRMaj stacked = hs.stack(new DMatrixRMaj(1, 1));
        GradCheck.Report r = Grads.check("h", stacked, m -> {
            Sequence q = new Sequence(4, 3, 5);
            q.unstack(m);
            return NormStabilizer.penalty(start, q, 0.7, null);
        }, grad.stack(new DMatrixRMaj(1, 1)));
        assertTrue(r.passes(1e-7), r.toString());
    }
}
