package rnnkit.grader.testkit;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Init;
import rnnkit.core.Rng;

/** Seeded data the hidden tests feed to students' code: the same numbers on every run. */
public final class Fixtures {

    private Fixtures() {
    }

    /** T inputs of a batch, each B&times;D with entries from U(-1, 1); step t is drawn from seed + t. */
    public static List<DMatrixRMaj> steps(int T, int B, int D, long seed) {
        List<DMatrixRMaj> xs = new ArrayList<>();
        for (int t = 0; t < T; t++) {
            xs.add(Init.uniform(B, D, 1, seed + t));
        }
        return xs;
    }

    /** n class ids in 0..C-1. */
    public static int[] classes(int n, int C, long seed) {
        Rng rng = new Rng(seed);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(C);
        }
        return y;
    }

    /** Deep copies, to check later that code left its arguments alone. */
    public static List<DMatrixRMaj> copies(List<DMatrixRMaj> ms) {
        return ms.stream().map(DMatrixRMaj::copy).toList();
    }
}
