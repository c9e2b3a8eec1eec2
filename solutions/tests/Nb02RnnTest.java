package exercises;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import rnnkit.core.Activation;
import rnnkit.core.Init;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.grader.testkit.Fixtures;
import rnnkit.grader.testkit.Graded;
import rnnkit.grader.testkit.GradedNotebook;
import rnnkit.layers.Affine;
import rnnkit.layers.Rnn;
import rnnkit.layers.SoftmaxCrossEntropy;
import rnnkit.text.PaddedBatch;
import rnnkit.ui.Check;

/** Hidden tests of notebook 02: the RNN step, the sequence forward pass, outputs and losses for both task shapes. */
@GradedNotebook("02-vanilla-rnn")
class Nb02RnnTest {

    /** A model with D inputs, H units and C classes; the bias is large enough that forgetting it shows. */
    private record Weights(DMatrixRMaj Wxh, DMatrixRMaj Whh, DMatrixRMaj bh, DMatrixRMaj Why, DMatrixRMaj by) {
        static Weights random(int D, int H, int C, long seed) {
            return new Weights(Init.uniform(D, H, 0.6, seed), Init.uniform(H, H, 0.6, seed + 1),
                    Init.uniform(1, H, 0.8, seed + 2), Init.uniform(H, C, 0.8, seed + 3), Init.uniform(1, C, 0.8, seed + 4));
        }

        /** The library's layer with these weights. */
        Rnn layer() {
            Rnn rnn = new Rnn(Wxh.numRows, Wxh.numCols, new Rng(0));
            rnn.Wxh().setTo(Wxh);
            rnn.Whh().setTo(Whh);
            rnn.bh().setTo(bh);
            return rnn;
        }

        Affine output() {
            Affine out = new Affine(Why.numRows, Why.numCols, new Rng(0));
            out.W().setTo(Why);
            out.b().setTo(by);
            return out;
        }

        List<DMatrixRMaj> all() {
            return List.of(Wxh, Whh, bh, Why, by);
        }
    }

    private static void unchanged(String what, List<DMatrixRMaj> before, List<DMatrixRMaj> after) {
        for (int i = 0; i < before.size(); i++) {
            Check.close(what + ": argument " + (i + 1) + " is unchanged", before.get(i), after.get(i), 0,
                    "write the result into a new matrix; the caller's matrices are not yours to change");
        }
    }

    // ---- nb02_step (2 points) ----

    @Test
    @Graded(id = "nb02_step", weight = 3)
    @DisplayName("rnnStepForward matches h = tanh(x Wxh + hPrev Whh + bh) on a batch")
    void stepMatchesTheCellEquation() {
        for (int[] s : new int[][]{{3, 4, 5}, {1, 2, 3}, {6, 7, 2}}) {
            int B = s[0], D = s[1], H = s[2];
            DMatrixRMaj x = Init.uniform(B, D, 1, 11 * B + D), h = Init.uniform(B, H, 1, 7 * H), Wxh = Init.uniform(D, H, 0.7, 3), Whh = Init.uniform(H, H, 0.7, 4);
            DMatrixRMaj bh = Init.uniform(1, H, 1, 5);
            DMatrixRMaj expected = Rnn.stepForward(x, h, Wxh, Whh, bh, Activation.TANH);
            DMatrixRMaj actual = Ex_nb02_step.rnnStepForward(x, h, Wxh, Whh, bh);
            Check.shape("h_t for B=" + B + ", D=" + D + ", H=" + H, actual, B, H);
            Check.close("h_t for B=" + B + ", D=" + D + ", H=" + H, expected, actual, 1e-12,
                    "x_t W_xh + h_{t-1} W_hh + b_h (b_h on every row), then tanh of every entry");
        }
    }

    @Test
    @Graded(id = "nb02_step", weight = 1)
    @DisplayName("rnnStepForward leaves its arguments as they were")
    void stepChangesNoArgument() {
        List<DMatrixRMaj> args = List.of(Init.uniform(3, 4, 1, 1), Init.uniform(3, 5, 1, 2), Init.uniform(4, 5, 1, 3), Init.uniform(5, 5, 1, 4), Init.uniform(1, 5, 1, 5));
        List<DMatrixRMaj> before = Fixtures.copies(args);
        DMatrixRMaj h = Ex_nb02_step.rnnStepForward(args.get(0), args.get(1), args.get(2), args.get(3), args.get(4));
        unchanged("rnnStepForward", before, args);
        Check.that("rnnStepForward returns a new matrix, not one of its arguments", args.stream().noneMatch(a -> a == h), null);
    }

    // ---- nb02_forward (2 points) ----

    @Test
    @Graded(id = "nb02_forward", weight = 3)
    @DisplayName("rnnForward matches the library's RNN layer step by step, from h_0 = 0")
    void forwardMatchesTheLibraryLayer() {
        for (int[] s : new int[][]{{7, 3, 4, 5}, {1, 2, 3, 4}}) {
            int T = s[0], B = s[1], D = s[2], H = s[3];
            Weights w = Weights.random(D, H, 2, 20 + T);
            List<DMatrixRMaj> xs = Fixtures.steps(T, B, D, 40);
            Sequence expected = w.layer().forward(Sequence.of(xs.toArray(new DMatrixRMaj[0])), null);
            List<DMatrixRMaj> hs = Ex_nb02_forward.rnnForward(xs, w.Wxh(), w.Whh(), w.bh());
            Check.that("rnnForward returns " + T + " states for " + T + " steps, got " + (hs == null ? "null" : hs.size()),
                    hs != null && hs.size() == T, "h_1 ... h_T, without h_0");
            for (int t = 0; t < T; t++) {
                Check.close("h_" + (t + 1) + " (T=" + T + ")", expected.at(t), hs.get(t), 1e-12,
                        t == 0 ? "h_1 = tanh(x_1 W_xh + h_0 W_hh + b_h) with h_0 = 0" : "each step starts from the state of the step before");
            }
        }
    }

    @Test
    @Graded(id = "nb02_forward", weight = 1)
    @DisplayName("rnnForward returns a separate matrix per step and changes no input")
    void forwardKeepsEveryState() {
        Weights w = Weights.random(3, 4, 2, 5);
        List<DMatrixRMaj> xs = Fixtures.steps(5, 2, 3, 9);
        List<DMatrixRMaj> before = Fixtures.copies(xs);
        List<DMatrixRMaj> hs = Ex_nb02_forward.rnnForward(xs, w.Wxh(), w.Whh(), w.bh());
        unchanged("rnnForward", before, xs);
        Check.that("h_1 ... h_5 are 5 different matrices", hs.stream().distinct().count() == 5,
                "adding the same matrix to the list at every step leaves you with T copies of h_T");
    }

    // ---- nb02_output (1 point) ----

    @Test
    @Graded(id = "nb02_output", weight = 2)
    @DisplayName("outputScores is o = h Why + by")
    void outputIsAffine() {
        Weights w = Weights.random(3, 6, 4, 70);
        DMatrixRMaj h = Init.uniform(5, 6, 1, 71);
        DMatrixRMaj actual = Ex_nb02_output.outputScores(h, w.Why(), w.by());
        Check.shape("scores of 5 states for 4 classes", actual, 5, 4);
        Check.close("o = h Why + by", w.output().forward(h), actual, 1e-12, "b_y is added to every row");
    }

    @Test
    @Graded(id = "nb02_output", weight = 1)
    @DisplayName("outputScores changes no argument")
    void outputChangesNoArgument() {
        Weights w = Weights.random(3, 6, 4, 70);
        List<DMatrixRMaj> args = List.of(Init.uniform(5, 6, 1, 71), w.Why(), w.by());
        List<DMatrixRMaj> before = Fixtures.copies(args);
        Ex_nb02_output.outputScores(args.get(0), args.get(1), args.get(2));
        unchanged("outputScores", before, args);
    }

    // ---- nb02_loss (2 points) ----

    @Test
    @Graded(id = "nb02_loss", weight = 2)
    @DisplayName("softmaxCrossEntropy is the mean of -log softmax(s)_y over rows")
    void lossMatchesTheLibrary() {
        for (int N : new int[]{1, 6}) {
            DMatrixRMaj scores = Init.uniform(N, 5, 3, N);
            int[] y = new int[N];
            for (int i = 0; i < N; i++) {
                y[i] = (3 * i + 1) % 5;
            }
            Check.close("the loss of " + N + " rows", SoftmaxCrossEntropy.loss(scores, y, null, null),
                    Ex_nb02_loss.softmaxCrossEntropy(scores, y), 1e-12, N > 1 ? "the mean over rows, not the sum" : "-log of the softmax of the right class");
        }
    }

    @Test
    @Graded(id = "nb02_loss", weight = 1)
    @DisplayName("softmaxCrossEntropy is exact for scores in the thousands")
    void lossIsStableForHugeScores() {
        DMatrixRMaj huge = new DMatrixRMaj(new double[][]{{1000, 998, -1000}, {-2000, 0, -2003}});
        double expected = SoftmaxCrossEntropy.loss(huge, new int[]{1, 2}, null, null);
        double actual = Ex_nb02_loss.softmaxCrossEntropy(huge, new int[]{1, 2});
        Check.that("the loss of scores like 1000 is finite, got " + actual, Double.isFinite(actual),
                "exp(1000) overflows: subtract each row's maximum before exp");
        Check.close("the loss of scores like 1000", expected, actual, 1e-9, "subtract each row's maximum before exp");
    }

    // ---- nb02_classify (2 points) ----

    /** The library's last state of each sequence (its mask carries the state over padding). */
    private static DMatrixRMaj lastStates(List<DMatrixRMaj> xs, int[] lengths, Weights w) {
        DMatrixRMaj mask = PaddedBatch.of(java.util.Arrays.stream(lengths).mapToObj(int[]::new).toList(), 0, 0).mask();
        Rnn rnn = w.layer();
        rnn.forward(Sequence.of(xs.toArray(new DMatrixRMaj[0])), null, mask);
        return rnn.finalState().h;
    }

    @Test
    @Graded(id = "nb02_classify", weight = 1)
    @DisplayName("classifyLast scores h_T when no sequence is padded")
    void classifyFromTheLastStep() {
        Weights w = Weights.random(4, 5, 3, 80);
        List<DMatrixRMaj> xs = Fixtures.steps(6, 3, 4, 81);
        DMatrixRMaj expected = w.output().forward(lastStates(xs, new int[]{6, 6, 6}, w));
        DMatrixRMaj actual = Ex_nb02_classify.classifyLast(xs, new int[]{6, 6, 6}, w.Wxh(), w.Whh(), w.bh(), w.Why(), w.by());
        Check.shape("scores of 3 sequences, 3 classes", actual, 3, 3);
        Check.close("scores from h_T W_hy + b_y", expected, actual, 1e-12, "o = h_T W_hy + b_y");
    }

    @Test
    @Graded(id = "nb02_classify", weight = 2)
    @DisplayName("classifyLast scores each sequence from the state after its own last real token")
    void classifyFromEachSequencesLastRealToken() {
        Weights w = Weights.random(4, 5, 3, 90);
        int[] lengths = {2, 7, 1, 4};
        List<DMatrixRMaj> xs = Fixtures.steps(7, 4, 4, 91);
        DMatrixRMaj expected = w.output().forward(lastStates(xs, lengths, w));
        DMatrixRMaj actual = Ex_nb02_classify.classifyLast(xs, lengths, w.Wxh(), w.Whh(), w.bh(), w.Why(), w.by());
        Check.shape("scores of 4 sequences", actual, 4, 3);
        for (int b = 0; b < lengths.length; b++) {
            Check.close("the scores of sequence " + b + " (length " + lengths[b] + " of 7)", CommonOps_DDRM.extractRow(expected, b, null),
                    CommonOps_DDRM.extractRow(actual, b, null), 1e-12,
                    "row b uses h at step lengths[b], which is hs.get(lengths[b] - 1); later steps have read padding");
        }
        List<DMatrixRMaj> noisy = Fixtures.copies(xs);
        noisy.get(6).setTo(Init.uniform(4, 4, 5, 99)); // only padding of sequences 0, 2, 3 changes
        DMatrixRMaj again = Ex_nb02_classify.classifyLast(noisy, lengths, w.Wxh(), w.Whh(), w.bh(), w.Why(), w.by());
        for (int b : new int[]{0, 2, 3}) {
            Check.close("sequence " + b + " is blind to its padding", CommonOps_DDRM.extractRow(actual, b, null),
                    CommonOps_DDRM.extractRow(again, b, null), 0, "nothing after a sequence's last real token may matter");
        }
    }

    // ---- nb02_dense (1 point) ----

    @Test
    @Graded(id = "nb02_dense", weight = 2)
    @DisplayName("predictEveryStep gives o_t = h_t Why + by at every step")
    void denseScoresEveryStep() {
        Weights w = Weights.random(3, 4, 5, 100);
        List<DMatrixRMaj> xs = Fixtures.steps(5, 2, 3, 101);
        Sequence expected = w.output().forward(w.layer().forward(Sequence.of(xs.toArray(new DMatrixRMaj[0])), null));
        List<DMatrixRMaj> os = Ex_nb02_dense.predictEveryStep(xs, w.Wxh(), w.Whh(), w.bh(), w.Why(), w.by());
        Check.that("5 score matrices for 5 steps, got " + (os == null ? "null" : os.size()), os != null && os.size() == 5,
                "one o_t per step");
        for (int t = 0; t < 5; t++) {
            Check.shape("o_" + (t + 1), os.get(t), 2, 5);
            Check.close("o_" + (t + 1), expected.at(t), os.get(t), 1e-12, "o_t = h_t W_hy + b_y, with h_t from the RNN over x_1..x_t");
        }
    }

    // ---- nb02_dense_loss (2 points) ----

    private static int[][] targets(int T, int B, int C, long seed) {
        Rng rng = new Rng(seed);
        int[][] y = new int[T][B];
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                y[t][b] = rng.nextInt(C);
            }
        }
        return y;
    }

    @Test
    @Graded(id = "nb02_dense_loss", weight = 2)
    @DisplayName("denseLoss is the mean cross-entropy over the real tokens")
    void denseLossAveragesOverRealTokens() {
        int[] lengths = {5, 2, 3, 1};
        DMatrixRMaj mask = PaddedBatch.of(java.util.Arrays.stream(lengths).mapToObj(int[]::new).toList(), 0, 0).mask();
        List<DMatrixRMaj> scores = Fixtures.steps(5, 4, 6, 110).stream().map(m -> {
            CommonOps_DDRM.scale(3, m);
            return m;
        }).toList();
        int[][] y = targets(5, 4, 6, 111);
        double expected = SoftmaxCrossEntropy.sequenceLoss(Sequence.of(scores.toArray(new DMatrixRMaj[0])), y, mask, null);
        Check.close("the loss of 11 real tokens in a 5×4 batch", expected, Ex_nb02_dense_loss.denseLoss(scores, y, mask), 1e-12,
                "sum the losses where the mask is 1 and divide by the number of those positions (11), not by T·B or T");
    }

    @Test
    @Graded(id = "nb02_dense_loss", weight = 1)
    @DisplayName("denseLoss ignores the scores and targets of padding, and equals the plain mean without it")
    void denseLossIgnoresPadding() {
        int[] lengths = {3, 1};
        DMatrixRMaj mask = PaddedBatch.of(java.util.Arrays.stream(lengths).mapToObj(int[]::new).toList(), 0, 0).mask();
        List<DMatrixRMaj> scores = Fixtures.steps(3, 2, 4, 120);
        int[][] y = targets(3, 2, 4, 121);
        double base = Ex_nb02_dense_loss.denseLoss(scores, y, mask);
        List<DMatrixRMaj> other = Fixtures.copies(scores);
        int[][] otherY = new int[3][];
        for (int t = 0; t < 3; t++) {
            otherY[t] = y[t].clone();
        }
        other.get(2).set(1, 0, 50);   // sequence 1 has one token: steps 2 and 3 are padding
        otherY[1][1] = (y[1][1] + 1) % 4;
        Check.close("changing padding changes nothing", base, Ex_nb02_dense_loss.denseLoss(other, otherY, mask), 0,
                "skip the positions where the mask is 0");
        DMatrixRMaj full = new DMatrixRMaj(3, 2);
        full.fill(1);
        Check.close("with no padding, the mean over all T·B tokens", SoftmaxCrossEntropy.sequenceLoss(
                Sequence.of(scores.toArray(new DMatrixRMaj[0])), y, null, null), Ex_nb02_dense_loss.denseLoss(scores, y, full), 1e-12, null);
    }
}
