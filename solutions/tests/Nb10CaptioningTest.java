package exercises;

import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import rnnkit.core.Init;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.decode.BeamSearch;
import rnnkit.decode.Decoding;
import rnnkit.decode.StepModel;
import rnnkit.grader.testkit.Fixtures;
import rnnkit.grader.testkit.Graded;
import rnnkit.grader.testkit.GradedNotebook;
import rnnkit.layers.SoftmaxCrossEntropy;
import rnnkit.models.Captioner;
import rnnkit.models.Cell;
import rnnkit.text.TeacherForcing;
import rnnkit.train.GradCheck;
import rnnkit.ui.Check;

/** Hidden tests of notebook 10: the conditioned step and its backward, the caption loss, greedy captions, the step model. */
@GradedNotebook("10-image-captioning")
class Nb10CaptioningTest {

    /** A conditioned step's inputs and weights: B rows, E word features, F image features, H units. */
    private record StepCase(DMatrixRMaj x, DMatrixRMaj v, DMatrixRMaj hPrev, DMatrixRMaj Wxh, DMatrixRMaj Wih, DMatrixRMaj Whh,
                            DMatrixRMaj bh) {
        static StepCase of(int B, int E, int F, int H, long seed) {
            return new StepCase(Init.uniform(B, E, 1, seed), Init.uniform(B, F, 1.5, seed + 1), Init.uniform(B, H, 0.9, seed + 2),
                    Init.uniform(E, H, 0.6, seed + 3), Init.uniform(F, H, 0.6, seed + 4), Init.uniform(H, H, 0.6, seed + 5),
                    Init.uniform(1, H, 0.5, seed + 6));
        }

        List<DMatrixRMaj> all() {
            return List.of(x, v, hPrev, Wxh, Wih, Whh, bh);
        }

        DMatrixRMaj forward() {
            return Captioner.stepForward(x, v, hPrev, Wxh, Wih, Whh, bh);
        }
    }

    private static final int[][] SHAPES = {{4, 3, 7, 5}, {1, 2, 3, 2}};

    private static String at(int[] s) {
        return String.format(" (B=%d, E=%d, F=%d, H=%d)", s[0], s[1], s[2], s[3]);
    }

    // ---- nb10_step (2 points) ----

    @Test
    @Graded(id = "nb10_step", weight = 3)
    @DisplayName("conditionedStep matches the library's conditioned RNN step")
    void conditionedStepMatchesTheLibrary() {
        for (int[] s : SHAPES) {
            StepCase k = StepCase.of(s[0], s[1], s[2], s[3], 10 * s[3]);
            DMatrixRMaj got = Ex_nb10_step.conditionedStep(k.x(), k.v(), k.hPrev(), k.Wxh(), k.Wih(), k.Whh(), k.bh());
            Check.that("conditionedStep returns h_t" + at(s), got != null, "return a new B×H matrix");
            Check.shape("h_t" + at(s), got, s[0], s[3]);
            Check.close("h_t" + at(s), k.forward(), got, 1e-12, "tanh(x W_xh + v W_ih + h_{t-1} W_hh + b_h), with b_h added to every row");
        }
    }

    @Test
    @Graded(id = "nb10_step", weight = 1)
    @DisplayName("conditionedStep changes none of its arguments")
    void conditionedStepChangesNothing() {
        StepCase k = StepCase.of(3, 2, 4, 3, 5);
        List<DMatrixRMaj> before = Fixtures.copies(k.all());
        Ex_nb10_step.conditionedStep(k.x(), k.v(), k.hPrev(), k.Wxh(), k.Wih(), k.Whh(), k.bh());
        for (int i = 0; i < before.size(); i++) {
            Check.close("argument " + (i + 1) + " is unchanged", before.get(i), k.all().get(i), 0, "compute into new matrices");
        }
    }

    // ---- nb10_step_backward (3 points) ----

    @Test
    @Graded(id = "nb10_step_backward", weight = 3)
    @DisplayName("conditionedStepBackward matches the library's gradients of the conditioned step")
    void stepBackwardMatchesTheLibrary() {
        for (int[] s : SHAPES) {
            StepCase k = StepCase.of(s[0], s[1], s[2], s[3], 20 * s[3]);
            DMatrixRMaj h = k.forward();
            DMatrixRMaj dh = Init.uniform(s[0], s[3], 1, 77);
            Captioner.StepGradients e = Captioner.stepBackward(dh, k.x(), k.v(), k.hPrev(), h, k.Wxh(), k.Wih(), k.Whh());
            Captioner.StepGradients a = Ex_nb10_step_backward.conditionedStepBackward(dh, k.x(), k.v(), k.hPrev(), h, k.Wxh(), k.Wih(), k.Whh());
            Check.that("conditionedStepBackward returns seven gradients" + at(s), a != null && a.dx() != null && a.dv() != null
                    && a.dhPrev() != null && a.dWxh() != null && a.dWih() != null && a.dWhh() != null && a.dbh() != null,
                    "fill every field of Captioner.StepGradients");
            String tanh = ", with δa = δh ⊙ (1 - h_t²)";
            Check.close("db_h" + at(s), e.dbh(), a.dbh(), 1e-12, "the sum of δa over the rows" + tanh);
            Check.close("dW_xh" + at(s), e.dWxh(), a.dWxh(), 1e-12, "xᵀ δa" + tanh);
            Check.close("dW_ih" + at(s), e.dWih(), a.dWih(), 1e-12, "vᵀ δa" + tanh);
            Check.close("dW_hh" + at(s), e.dWhh(), a.dWhh(), 1e-12, "h_{t-1}ᵀ δa" + tanh);
            Check.close("dx" + at(s), e.dx(), a.dx(), 1e-12, "δa W_xhᵀ");
            Check.close("dv" + at(s), e.dv(), a.dv(), 1e-12, "δa W_ihᵀ");
            Check.close("dh_{t-1}" + at(s), e.dhPrev(), a.dhPrev(), 1e-12, "δa W_hhᵀ");
        }
    }

    @Test
    @Graded(id = "nb10_step_backward", weight = 1)
    @DisplayName("conditionedStepBackward agrees with numerical gradients of the step")
    void stepBackwardPassesAGradientCheck() {
        StepCase k = StepCase.of(3, 2, 4, 3, 9);
        DMatrixRMaj dh = Init.uniform(3, 3, 1, 10);
        Captioner.StepGradients a = Ex_nb10_step_backward.conditionedStepBackward(dh, k.x(), k.v(), k.hPrev(), k.forward(), k.Wxh(), k.Wih(), k.Whh());
        // L = Σ δh ⊙ h_t, as a function of one input at a time
        java.util.function.Function<StepCase, Double> loss = c -> CommonOps_DDRM.elementSum(CommonOps_DDRM.elementMult(dh, c.forward(), null));
        DMatrixRMaj v = k.v().copy(), Wih = k.Wih().copy(), hPrev = k.hPrev().copy(), bh = k.bh().copy();
        GradCheck.Report[] reports = {
            GradCheck.check("v", v, m -> loss.apply(new StepCase(k.x(), m, k.hPrev(), k.Wxh(), k.Wih(), k.Whh(), k.bh())), a.dv()),
            GradCheck.check("W_ih", Wih, m -> loss.apply(new StepCase(k.x(), k.v(), k.hPrev(), k.Wxh(), m, k.Whh(), k.bh())), a.dWih()),
            GradCheck.check("h_{t-1}", hPrev, m -> loss.apply(new StepCase(k.x(), k.v(), m, k.Wxh(), k.Wih(), k.Whh(), k.bh())), a.dhPrev()),
            GradCheck.check("b_h", bh, m -> loss.apply(new StepCase(k.x(), k.v(), k.hPrev(), k.Wxh(), k.Wih(), k.Whh(), m)), a.dbh()),
        };
        for (GradCheck.Report r : reports) {
            String name = r.summaries().get(0).parameter();
            Check.that("the gradient of " + name + " passes a numerical check (worst relative error "
                    + String.format("%.1e", r.maxRelativeError()) + ")", r.passes(1e-6), "back through tanh first, then through each product");
        }
    }

    // ---- nb10_loss (2 points) ----

    /** Captions of the given lengths (word ids 4..8), their teacher-forcing targets, and random scores over V = 9. */
    private static Object[] lossCase(int nullToken, long seed, int... lengths) {
        Rng rng = new Rng(seed);
        List<int[]> captions = new java.util.ArrayList<>();
        for (int n : lengths) {
            int[] c = new int[n];
            for (int i = 0; i < n; i++) {
                c[i] = 4 + rng.nextInt(5);
            }
            captions.add(c);
        }
        TeacherForcing tf = TeacherForcing.of(captions, nullToken, 2, 3);
        Sequence scores = new Sequence(tf.steps(), tf.batch(), 9);
        for (int t = 0; t < tf.steps(); t++) {
            Init.uniform(scores.at(t), -4, 4, rng);
        }
        return new Object[]{tf, scores};
    }

    @Test
    @Graded(id = "nb10_loss", weight = 3)
    @DisplayName("captionLoss is the mean cross-entropy of the real targets, and its gradient")
    void captionLossMatchesTheLibrary() {
        for (int nullToken : new int[]{0, 1}) {
            Object[] c = lossCase(nullToken, 50 + nullToken, 5, 1, 0, 3, 5, 2);
            TeacherForcing tf = (TeacherForcing) c[0];
            Sequence scores = (Sequence) c[1];
            Sequence want = new Sequence(tf.steps(), tf.batch(), 9), got = new Sequence(tf.steps(), tf.batch(), 9);
            for (int t = 0; t < tf.steps(); t++) {
                Arrays.fill(got.at(t).data, 7);                     // whatever was there must be overwritten
            }
            double J = SoftmaxCrossEntropy.sequenceLoss(scores, tf.targets(), tf.mask(), want);
            Check.close("J with <NULL> = " + nullToken, J, Ex_nb10_loss.captionLoss(scores, tf.targets(), nullToken, got), 1e-12,
                    "the mean of -log softmax(s)_y over the targets that are not <NULL> (the <END>s count)");
            for (int t = 0; t < tf.steps(); t++) {
                Check.close("dJ/ds_" + t + " with <NULL> = " + nullToken, want.at(t), got.at(t), 1e-12,
                        "(softmax(s) - onehot(y)) / N on real targets, 0 on padding");
            }
        }
    }

    @Test
    @Graded(id = "nb10_loss", weight = 1)
    @DisplayName("captionLoss does not overflow on large scores")
    void captionLossIsStable() {
        Sequence scores = new Sequence(2, 1, 3), ds = new Sequence(2, 1, 3);
        scores.at(0).set(0, 0, 900);
        scores.at(1).set(0, 2, -900);
        double want = (Math.log(1 + 2 * Math.exp(-900)) + (900 + Math.log(2))) / 2;   // target 0 at step 0, target 2 at step 1
        double got = Ex_nb10_loss.captionLoss(scores, new int[][]{{0}, {2}}, 1, ds);
        Check.close("J with scores of ±900", want, got, 1e-9, "subtract each row's maximum before exponentiating");
        Check.that("a finite gradient", Arrays.stream(ds.at(0).data).allMatch(Double::isFinite), "softmax of shifted scores");
    }

    @Test
    @Graded(id = "nb10_loss", weight = 1)
    @DisplayName("captionLoss of a batch of padding is 0, with a zero gradient")
    void captionLossOfNothingIsZero() {
        Sequence scores = new Sequence(2, 3, 4), ds = new Sequence(2, 3, 4);
        Init.uniform(scores.at(0), -1, 1, new Rng(3));
        Arrays.fill(ds.at(0).data, 5);
        Arrays.fill(ds.at(1).data, 5);
        Check.close("J of no real targets", 0, Ex_nb10_loss.captionLoss(scores, new int[][]{{0, 0, 0}, {0, 0, 0}}, 0, ds), 0, "J = 0 when N = 0");
        Check.close("its gradient", new DMatrixRMaj(3, 4), ds.at(0), 0, "0 wherever the target is <NULL>");
        Check.close("its gradient at step 1", new DMatrixRMaj(3, 4), ds.at(1), 0, "0 wherever the target is <NULL>");
    }

    // ---- nb10_greedy (2 points) ----

    @Test
    @Graded(id = "nb10_greedy", weight = 3)
    @DisplayName("greedyCaptions decodes a batch as the library's greedy decoding, each row to its own end")
    void greedyCaptionsMatchTheLibrary() {
        DMatrixRMaj images = Init.uniform(7, 6, 2, 60);
        int[] starts = new int[7];
        Arrays.fill(starts, 2);
        for (Captioner.Conditioning conditioning : Captioner.Conditioning.values()) {
            for (Cell cell : Cell.values()) {
                Captioner model = new Captioner(conditioning, cell, 8, 3, 6, 5, new Rng(61 + cell.ordinal()));
                for (int end = 0; end < 8; end++) {
                    int[][] want = Decoding.greedy(model.stepper(), model.start(images), starts, end, 9);
                    int[][] got = Ex_nb10_greedy.greedyCaptions(model, images, 2, end, 9);
                    Check.that(conditioning + ", " + cell + ", end token " + end, Arrays.deepEquals(want, got),
                            "start from model.start(features); argmax each step (lowest index on ties), fed back; each row stops at its own end token, which is not returned; expected "
                                    + Arrays.deepToString(want) + ", got " + Arrays.deepToString(got));
                }
            }
        }
    }

    @Test
    @Graded(id = "nb10_greedy", weight = 1)
    @DisplayName("greedyCaptions writes at most maxLength words")
    void greedyCaptionsStopAtMaxLength() {
        Captioner model = new Captioner(Captioner.Conditioning.EVERY_STEP, Cell.GRU, 6, 3, 4, 5, new Rng(70));
        DMatrixRMaj images = Init.uniform(3, 4, 2, 71);
        for (int max : new int[]{0, 1, 6}) {
            int[][] want = Decoding.greedy(model.stepper(), model.start(images), new int[]{1, 1, 1}, -1, max);
            int[][] got = Ex_nb10_greedy.greedyCaptions(model, images, 1, -1, max);
            Check.that("maxLength " + max + " with an end token that never comes", Arrays.deepEquals(want, got),
                    "exactly maxLength words per row; expected " + Arrays.deepToString(want));
        }
    }

    @Test
    @Graded(id = "nb10_greedy", weight = 1)
    @DisplayName("greedyCaptions breaks ties towards the lowest word id")
    void greedyCaptionsBreakTiesLow() {
        Captioner model = new Captioner(Captioner.Conditioning.EVERY_STEP, Cell.RNN, 6, 3, 4, 5, new Rng(72));
        model.output().W().zero();                                  // every word equally likely at every step
        model.output().b().zero();
        int[][] got = Ex_nb10_greedy.greedyCaptions(model, Init.uniform(2, 4, 1, 73), 1, 5, 3);
        Check.that("all words tie: the lowest id wins", Arrays.deepEquals(new int[][]{{0, 0, 0}, {0, 0, 0}}, got),
                "on ties take the lowest word id (a strict > when scanning up); expected [[0, 0, 0], [0, 0, 0]], got " + Arrays.deepToString(got));
    }

    // ---- nb10_stepper (3 points) ----

    @Test
    @Graded(id = "nb10_stepper", weight = 2)
    @DisplayName("captionStepper's next gives the library's log-probabilities and carries the image as the conditioning says")
    void stepperNextMatchesTheLibrary() {
        DMatrixRMaj images = Init.uniform(4, 5, 2, 80);
        int[][] fed = {{2, 2, 2, 2}, {4, 6, 5, 7}, {7, 0, 3, 4}, {5, 5, 5, 1}};
        for (Captioner.Conditioning conditioning : Captioner.Conditioning.values()) {
            for (Cell cell : Cell.values()) {
                Captioner model = new Captioner(conditioning, cell, 8, 3, 5, 4, new Rng(81 + cell.ordinal()));
                StepModel<Captioner.DecoderState> want = model.stepper(), got = Ex_nb10_stepper.captionStepper(model);
                Captioner.DecoderState ws = model.start(images), gs = model.start(images);
                for (int t = 0; t < fed.length; t++) {
                    StepModel.Step<Captioner.DecoderState> w = want.next(ws, fed[t]), g = got.next(gs, fed[t]);
                    String where = conditioning + ", " + cell + ", step " + t;
                    Check.close(where + ": log-probabilities", w.logProbs(), g.logProbs(), 1e-12,
                            "embed, append the image when this step reads it ([x_t, v]), model.rnn().step, model.output(), log-softmax");
                    Check.close(where + ": h", w.state().rnn().h, g.state().rnn().h, 1e-12, "the new state is the RNN step's");
                    Check.close(where + ": the image carried on", w.state().features(), g.state().features(), 0,
                            "EVERY_STEP keeps v; FIRST_STEP carries zeros after the first step; INITIAL_STATE and NONE carry v unchanged");
                    ws = w.state();
                    gs = g.state();
                }
            }
        }
    }

    @Test
    @Graded(id = "nb10_stepper", weight = 2)
    @DisplayName("captionStepper's select reorders the recurrent state and the image rows")
    void stepperSelectReordersEverything() {
        DMatrixRMaj images = Init.uniform(4, 5, 2, 90);
        int[] rows = {2, 2, 0, 3, 1};
        for (Captioner.Conditioning conditioning : Captioner.Conditioning.values()) {
            for (Cell cell : Cell.values()) {
                Captioner model = new Captioner(conditioning, cell, 8, 3, 5, 4, new Rng(91));
                Captioner.DecoderState state = model.stepper().next(model.start(images), new int[]{2, 4, 6, 5}).state();
                Captioner.DecoderState want = model.stepper().select(state, rows);
                Captioner.DecoderState got = Ex_nb10_stepper.captionStepper(model).select(state, rows);
                String where = conditioning + ", " + cell + ": select(state, " + Arrays.toString(rows) + ")";
                Check.that(where + " returns a state", got != null && got.rnn() != null && got.features() != null, "a new DecoderState");
                Check.close(where + ": h", want.rnn().h, got.rnn().h, 0, "row i of the result is row rows[i]");
                if (want.rnn().c != null) {
                    Check.close(where + ": the LSTM's cell", want.rnn().c, got.rnn().c, 0, "State.select picks rows of h and c");
                }
                Check.close(where + ": the image rows", want.features(), got.features(), 0, "the image rows must follow their beams");
            }
        }
    }

    @Test
    @Graded(id = "nb10_stepper", weight = 1)
    @DisplayName("beam search with captionStepper finds the library's n-best captions")
    void beamSearchWithTheStepperMatches() {
        for (Captioner.Conditioning conditioning : Captioner.Conditioning.values()) {
            Captioner model = new Captioner(conditioning, Cell.LSTM, 8, 3, 5, 6, new Rng(100));
            DMatrixRMaj image = Init.uniform(1, 5, 2, 101);
            BeamSearch.Result want = BeamSearch.search(model.stepper(), model.start(image), 2, 3, 4, 7, 1);
            BeamSearch.Result got = BeamSearch.search(Ex_nb10_stepper.captionStepper(model), model.start(image), 2, 3, 4, 7, 1);
            Check.that(conditioning + ": the 4-best list", want.nBest().toString().equals(got.nBest().toString()),
                    "expected " + want.nBest() + ", got " + got.nBest());
        }
    }
}
