package rnnkit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import rnnkit.layers.Gru;
import rnnkit.models.Cell;
import rnnkit.models.LanguageModel;
import rnnkit.testing.Checks;

class CoreTest {

    @Test
    void theSameSeedGivesTheSameNumbers() {
        Rng a = new Rng(42);
        Rng b = new Rng(42);
        for (int i = 0; i < 100; i++) {
            assertEquals(a.gaussian(), b.gaussian(), 0);
            assertEquals(a.uniform(), b.uniform(), 0);
        }
        assertNotEquals(new Rng(1).uniform(), new Rng(2).uniform());
        assertArrayEquals(new Rng(7).permutation(20), new Rng(7).permutation(20));
    }

    @Test
    void aSeededUniformMatrixIsReproducibleAndInRange() {
        DMatrixRMaj m = Init.uniform(3, 4, 0.5, 9);
        assertEquals(3, m.numRows);
        assertEquals(4, m.numCols);
        assertArrayEquals(m.data, Init.uniform(3, 4, 0.5, 9).data, 0);
        for (double v : m.data) {
            assertTrue(v >= -0.5 && v < 0.5, v + " in [-0.5, 0.5)");
        }
        assertNotEquals(m.get(0, 0), Init.uniform(3, 4, 0.5, 10).get(0, 0));
    }

    @Test
    void gaussiansAndCategoricalsHaveTheirDistributions() {
        // 100,000 draws: standard errors 0.003 (mean), 0.0045 (variance), 0.0015 (a frequency of 0.3)
        Rng rng = new Rng(3);
        double sum = 0;
        double sq = 0;
        int n = 100_000;
        int[] counts = new int[3];
        for (int i = 0; i < n; i++) {
            double g = rng.gaussian();
            sum += g;
            sq += g * g;
            counts[rng.categorical(new double[]{0.2, 0.3, 0.5})]++;
        }
        assertEquals(0, sum / n, 0.02);
        assertEquals(1, sq / n, 0.03);
        assertEquals(0.3, counts[1] / (double) n, 0.01);
        assertEquals(2, new Rng(1).categorical(new double[]{0, 0, 1}));
        assertThrows(IllegalArgumentException.class, () -> new Rng(1).categorical(new double[]{0, 0}));
    }

    @Test
    void initializersHaveTheirRangesAndOrthogonalIsOrthogonal() {
        Rng rng = new Rng(4);
        DMatrixRMaj w = Init.glorot(new DMatrixRMaj(30, 50), rng);
        double a = Math.sqrt(6.0 / 80);
        assertTrue(CommonOps_DDRM.elementMaxAbs(w) <= a && CommonOps_DDRM.elementMaxAbs(w) > 0.9 * a);
        DMatrixRMaj p = Init.pytorch(new DMatrixRMaj(16, 64), 16, rng);
        assertTrue(CommonOps_DDRM.elementMaxAbs(p) <= 0.25);
        for (int[] shape : new int[][]{{8, 8}, {12, 5}, {5, 12}}) {
            DMatrixRMaj q = Init.orthogonal(new DMatrixRMaj(shape[0], shape[1]), 1.5, rng);
            boolean tall = shape[0] >= shape[1];
            DMatrixRMaj gram = tall ? CommonOps_DDRM.multTransA(q, q, null) : CommonOps_DDRM.multTransB(q, q, null);
            DMatrixRMaj expected = CommonOps_DDRM.identity(gram.numRows);
            CommonOps_DDRM.scale(2.25, expected);
            Checks.assertClose(expected, gram, 1e-12, "Q^T Q = gain^2 I for " + shape[0] + "x" + shape[1]);
        }
    }

    @Test
    void compositeModulesNameTheirPartsAndShareTheirMatrices() {
        Parameter w = new Parameter("W", 2, 2);
        Trainable inner = () -> List.of(w);
        List<Parameter> outer = Trainable.prefixed(Trainable.part("encoder", inner));
        assertEquals("encoder.W", outer.get(0).name());
        outer.get(0).value.set(1, 1, 5);
        assertEquals(5, w.value.get(1, 1), 0, "the same matrix under two names");
        assertEquals(4, ((Trainable) () -> outer).parameterCount());
    }

    @Test
    void aParameterIsFoundByItsNameAndAMissingNameListsTheNames() {
        Gru gru = new Gru(3, 4, new Rng(1));
        assertEquals(List.of("Wxh", "Whh", "bxh", "bhh"), gru.parameters().stream().map(Parameter::name).toList());
        Trainable model = () -> Trainable.prefixed(Trainable.part("rnn", gru));
        assertSame(gru.Whh(), model.parameter("rnn.Whh").value, "the model's parameter is the layer's matrix");
        LanguageModel lm = LanguageModel.of(Cell.GRU, 5, 3, 4, 1, new Rng(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lm.parameter("rnn.layer0.Wh"));
        assertTrue(e.getMessage().contains("no parameter called 'rnn.layer0.Wh'") && e.getMessage().contains("rnn.layer0.Whh"),
                e.getMessage());
    }

    @Test
    void sequencesStackTimeMajor() {
        Sequence s = Sequence.of(new DMatrixRMaj(new double[][]{{1, 2}, {3, 4}}), new DMatrixRMaj(new double[][]{{5, 6}, {7, 8}}));
        DMatrixRMaj stacked = s.stack(new DMatrixRMaj(1, 1));
        assertEquals(4, stacked.numRows);
        assertEquals(7, stacked.get(3, 0), 0, "row t*B + b = 1*2 + 1");
        assertEquals(5, s.reversed().at(0).get(0, 0), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sequence.of(new DMatrixRMaj(2, 2), new DMatrixRMaj(3, 2)));
        assertTrue(e.getMessage().contains("step 1 is 3\u00d72"), e.getMessage());
    }
}
