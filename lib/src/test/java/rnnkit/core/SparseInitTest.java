package rnnkit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class SparseInitTest {

    @Test
    void everyUnitGetsExactlyKNonzeroIncomingWeights() {
        DMatrixRMaj w = Init.sparse(new DMatrixRMaj(20, 7), 4, 1, new Rng(1));
        for (int j = 0; j < 7; j++) {
            int nonzero = 0;
            for (int i = 0; i < 20; i++) {
                nonzero += w.get(i, j) != 0 ? 1 : 0;
            }
            assertEquals(4, nonzero, "column " + j + " (unit j's incoming weights)");
        }
    }

    @Test
    void theNonzerosAreGaussianWithTheGivenScale() {
        DMatrixRMaj w = Init.sparse(new DMatrixRMaj(50, 400), 10, 0.5, new Rng(2));
        double sum = 0;
        double squares = 0;
        int n = 0;
        for (double v : w.data) {
            if (v != 0) {
                sum += v;
                squares += v * v;
                n++;
            }
        }
        assertEquals(4000, n);
        assertEquals(0, sum / n, 0.03);
        assertEquals(0.25, squares / n, 0.02);
    }

    @Test
    void theSameSeedGivesTheSameMatrixAndEarlierValuesAreOverwritten() {
        DMatrixRMaj a = Init.sparse(Init.constant(new DMatrixRMaj(6, 6), 3), 2, 1, new Rng(3));
        DMatrixRMaj b = Init.sparse(new DMatrixRMaj(6, 6), 2, 1, new Rng(3));
        assertArrayEquals(b.data, a.data, 0);
    }

    @Test
    void kMustFitTheInputs() {
        assertThrows(IllegalArgumentException.class, () -> Init.sparse(new DMatrixRMaj(3, 3), 0, 1, new Rng(0)));
        assertThrows(IllegalArgumentException.class, () -> Init.sparse(new DMatrixRMaj(3, 3), 4, 1, new Rng(0)));
    }
}
