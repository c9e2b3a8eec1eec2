package rnnkit.testing;

import static org.junit.jupiter.api.Assertions.fail;

import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Sequence;

/** Assertions on matrices that say where they differ and by how much, not the whole arrays. */
public final class Checks {

    private Checks() {
    }

    public static void assertClose(DMatrixRMaj expected, DMatrixRMaj actual, double tolerance, String what) {
        if (expected.numRows != actual.numRows || expected.numCols != actual.numCols) {
            fail(what + ": shape " + actual.numRows + "x" + actual.numCols + ", expected " + expected.numRows + "x" + expected.numCols);
        }
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.getNumElements(); i++) {
            double d = Math.abs(expected.data[i] - actual.data[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        if (!(worst <= tolerance)) {
            fail(String.format("%s: entry (%d, %d) is %.15g, expected %.15g (difference %.3g > %.1g)", what,
                    at / expected.numCols, at % expected.numCols, actual.data[at], expected.data[at], worst, tolerance));
        }
    }

    public static void assertClose(Sequence expected, Sequence actual, double tolerance, String what) {
        if (expected.length() != actual.length()) {
            fail(what + ": " + actual.length() + " steps, expected " + expected.length());
        }
        for (int t = 0; t < expected.length(); t++) {
            assertClose(expected.at(t), actual.at(t), tolerance, what + " at step " + t);
        }
    }

    /** Uniform(-1, 1) entries from a seed: test data. */
    public static DMatrixRMaj random(int rows, int cols, rnnkit.core.Rng rng) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.getNumElements(); i++) {
            m.data[i] = rng.uniform(-1, 1);
        }
        return m;
    }

    public static Sequence random(int T, int B, int D, rnnkit.core.Rng rng) {
        Sequence s = new Sequence(T, B, D);
        for (int t = 0; t < T; t++) {
            s.at(t).setTo(random(B, D, rng));
        }
        return s;
    }
}
