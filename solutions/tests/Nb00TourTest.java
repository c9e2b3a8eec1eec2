package exercises;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import rnnkit.core.Init;
import rnnkit.core.Rng;
import rnnkit.grader.testkit.Graded;
import rnnkit.grader.testkit.GradedNotebook;
import rnnkit.layers.SoftmaxCrossEntropy;
import rnnkit.ui.Check;

/**
 * Hidden tests of notebook 00, the tour: the two warm-up exercises. Hidden tests live in the package of the
 * generated exercise classes ({@code exercises}), whose members are package-private like JShell's.
 */
@GradedNotebook("00-tour")
class Nb00TourTest {

    // ---- tour_softmax (2 points) ----

    @Test
    @Graded(id = "tour_softmax", weight = 1)
    @DisplayName("softmax gives probabilities: non-negative, summing to 1")
    void softmaxGivesProbabilities() {
        double[] p = Ex_tour_softmax.softmax(new double[]{0.3, -1.2, 2.5, 0.0});
        Check.that("softmax returns one probability per score", p != null && p.length == 4, "return an array as long as the input");
        double sum = 0;
        for (double v : p) {
            Check.that("every probability is >= 0", v >= 0, null);
            sum += v;
        }
        Check.close("the sum of the probabilities", 1.0, sum, 1e-12, "divide every exp(score) by the sum of all of them");
    }

    @Test
    @Graded(id = "tour_softmax", weight = 2)
    @DisplayName("softmax matches the definition on random scores")
    void softmaxMatchesTheDefinition() {
        for (long seed = 1; seed <= 5; seed++) {
            DMatrixRMaj scores = Init.uniform(1, 7, 2, seed);
            DMatrixRMaj expected = SoftmaxCrossEntropy.softmax(scores, null);
            Check.close("softmax of 7 random scores (seed " + seed + ")", expected.data.clone(),
                    Ex_tour_softmax.softmax(scores.data.clone()), 1e-12, "p_i = exp(s_i) / sum_j exp(s_j)");
        }
    }

    @Test
    @Graded(id = "tour_softmax", weight = 1)
    @DisplayName("softmax survives large scores")
    void softmaxIsStableForLargeScores() {
        Check.close("softmax(1000, 1001)", new double[]{0.2689414213699951, 0.7310585786300049},
                Ex_tour_softmax.softmax(new double[]{1000, 1001}), 1e-12,
                "exp(1000) overflows to infinity: subtract the largest score from every score first");
    }

    @Test
    @Graded(id = "tour_softmax", weight = 1)
    @DisplayName("softmax leaves its argument unchanged")
    void softmaxDoesNotChangeItsInput() {
        double[] scores = {1, 2, 3};
        double[] p = Ex_tour_softmax.softmax(scores);
        Check.that("softmax returns one probability per score", p != null && p.length == 3, "return an array as long as the input");
        Check.close("the scores after softmax", new double[]{1, 2, 3}, scores, 0, "compute into a new array");
    }

    // ---- tour_affine (3 points) ----

    @Test
    @Graded(id = "tour_affine", weight = 1)
    @DisplayName("affine returns a B×M matrix")
    void affineHasTheRightShape() {
        DMatrixRMaj y = Ex_tour_affine.affine(Init.uniform(5, 3, 2, 1), Init.uniform(3, 4, 2, 2), Init.uniform(1, 4, 2, 3));
        Check.shape("affine(x 5×3, W 3×4, b 1×4)", y, 5, 4);
    }

    @Test
    @Graded(id = "tour_affine", weight = 2)
    @DisplayName("affine computes x W + b")
    void affineMatchesXWPlusB() {
        for (long seed = 1; seed <= 3; seed++) {
            DMatrixRMaj x = Init.uniform(4, 3, 2, 10 * seed);
            DMatrixRMaj W = Init.uniform(3, 2, 2, 10 * seed + 1);
            DMatrixRMaj b = Init.uniform(1, 2, 2, 10 * seed + 2);
            DMatrixRMaj expected = CommonOps_DDRM.mult(x, W, null);
            for (int r = 0; r < 4; r++) {
                for (int j = 0; j < 2; j++) {
                    expected.add(r, j, b.get(0, j));
                }
            }
            Check.close("affine(x, W, b) (seed " + seed + ")", expected, Ex_tour_affine.affine(x, W, b), 1e-12,
                    "the product x W (x on the left), then b added to every row");
        }
    }

    @Test
    @Graded(id = "tour_affine", weight = 1)
    @DisplayName("affine adds the bias to every row")
    void affineAddsTheBiasToEveryRow() {
        DMatrixRMaj x = new DMatrixRMaj(6, 2);
        DMatrixRMaj W = Init.uniform(2, 3, 2, 7);
        DMatrixRMaj b = new DMatrixRMaj(new double[][]{{1, 2, 3}});
        DMatrixRMaj y = Ex_tour_affine.affine(x, W, b);
        Check.close("affine(0, W, b): every row is b", new DMatrixRMaj(new double[][]{{1, 2, 3}, {1, 2, 3}, {1, 2, 3},
                {1, 2, 3}, {1, 2, 3}, {1, 2, 3}}), y, 1e-15, "b is 1×M: add it to each of the B rows");
    }

    @Test
    @Graded(id = "tour_affine", weight = 1)
    @DisplayName("affine leaves its arguments unchanged")
    void affineDoesNotChangeItsArguments() {
        DMatrixRMaj x = Init.uniform(3, 2, 2, 4);
        DMatrixRMaj W = Init.uniform(2, 2, 2, 5);
        DMatrixRMaj b = Init.uniform(1, 2, 2, 6);
        DMatrixRMaj x0 = x.copy();
        DMatrixRMaj W0 = W.copy();
        DMatrixRMaj b0 = b.copy();
        Check.shape("affine(x 3×2, W 2×2, b 1×2)", Ex_tour_affine.affine(x, W, b), 3, 2);
        Check.close("x after affine", x0, x, 0, "write the result into a new matrix");
        Check.close("W after affine", W0, W, 0, null);
        Check.close("b after affine", b0, b, 0, null);
    }
}
