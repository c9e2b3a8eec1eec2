package exercises;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import rnnkit.core.Rng;
import rnnkit.decode.ScheduledSampling;
import rnnkit.grader.testkit.Graded;
import rnnkit.grader.testkit.GradedNotebook;
import rnnkit.layers.State;
import rnnkit.models.Cell;
import rnnkit.models.EncoderDecoder;
import rnnkit.text.Seq2SeqBatch;
import rnnkit.ui.Check;

/** Hidden tests of notebook 08: teacher-forcing batches, the encoder-decoder's loss, schedules and scheduled inputs. */
@GradedNotebook("08-seq2seq-scheduled-sampling")
class Nb08Seq2SeqTest {

    /** n token sequences of random lengths in [minLength, maxLength] over ids 3..V-1 (0 pad, 1 bos, 2 eos). */
    private static List<int[]> sequences(int n, int minLength, int maxLength, int V, long seed) {
        Rng rng = new Rng(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] s = new int[minLength + rng.nextInt(maxLength - minLength + 1)];
            for (int t = 0; t < s.length; t++) {
                s[t] = 3 + rng.nextInt(V - 3);
            }
            out.add(s);
        }
        return out;
    }

    // ---- nb08_batch (2 points) ----

    @Test
    @Graded(id = "nb08_batch", weight = 3)
    @DisplayName("teacherForcingBatch equals the library's Seq2SeqBatch")
    void batchMatchesTheLibrary() {
        for (int[] s : new int[][]{{5, 1, 6}, {1, 3, 3}, {8, 0, 4}}) {
            List<int[]> sources = sequences(s[0], 1, 7, 20, s[0]), targets = sequences(s[0], s[1], s[2], 12, s[0] + 1);
            Seq2SeqBatch want = Seq2SeqBatch.of(sources, targets, 0, 1, 2);
            Seq2SeqBatch got = Ex_nb08_batch.teacherForcingBatch(sources, targets, 0, 1, 2);
            String at = " (B=" + s[0] + ", target lengths " + s[1] + ".." + s[2] + ")";
            Check.that("targetIn" + at, got != null && Arrays.deepEquals(want.targetIn(), got.targetIn()),
                    "[t][b], T = longest target + 1: <bos>, y_1 .. y_n, then pad; expected " + Arrays.deepToString(want.targetIn()));
            Check.that("targetOut" + at, Arrays.deepEquals(want.targetOut(), got.targetOut()),
                    "y_1 .. y_n, <eos>, then pad; expected " + Arrays.deepToString(want.targetOut()));
            Check.close("targetMask" + at, want.targetMask(), got.targetMask(), 0, "1 up to and including <eos>, 0 on padding");
            Check.that("source ids" + at, Arrays.deepEquals(want.source().ids(), got.source().ids()), "PaddedBatch.of(sources, pad, 0)");
            Check.close("source mask" + at, want.source().mask(), got.source().mask(), 0, null);
        }
    }

    @Test
    @Graded(id = "nb08_batch", weight = 1)
    @DisplayName("teacherForcingBatch uses the given pad, bos and eos ids and changes no sequence")
    void batchUsesTheGivenIds() {
        List<int[]> sources = sequences(3, 1, 4, 30, 9), targets = sequences(3, 1, 5, 30, 10);
        List<int[]> copies = new ArrayList<>();
        targets.forEach(t -> copies.add(t.clone()));
        Seq2SeqBatch want = Seq2SeqBatch.of(sources, targets, 29, 27, 28);
        Seq2SeqBatch got = Ex_nb08_batch.teacherForcingBatch(sources, targets, 29, 27, 28);
        Check.that("targetIn with pad 29, bos 27", Arrays.deepEquals(want.targetIn(), got.targetIn()), "use the arguments, not fixed ids");
        Check.that("targetOut with pad 29, eos 28", Arrays.deepEquals(want.targetOut(), got.targetOut()), "use the arguments, not fixed ids");
        for (int b = 0; b < 3; b++) {
            Check.that("target " + b + " is unchanged", Arrays.equals(copies.get(b), targets.get(b)), "only read the targets");
        }
    }

    // ---- nb08_seq2seq_loss (3 points) ----

    @Test
    @Graded(id = "nb08_seq2seq_loss", weight = 3)
    @DisplayName("seq2seqLoss equals the library's encoder-decoder loss, with padded sources and targets")
    void lossMatchesTheLibrary() {
        for (Cell cell : Cell.values()) {
            for (int layers : new int[]{1, 2}) {
                EncoderDecoder model = EncoderDecoder.of(cell, 20, 12, 5, 7, layers, new Rng(layers));
                Seq2SeqBatch batch = Seq2SeqBatch.of(sequences(6, 1, 9, 20, 3), sequences(6, 1, 5, 12, 4), 0, 1, 2);
                double want = model.forward(batch.source().ids(), batch.source().mask(), batch.targetIn(), batch.targetOut(), batch.targetMask());
                Check.close(cell + ", " + layers + " layer(s)", want, Ex_nb08_seq2seq_loss.seq2seqLoss(model, batch), 1e-12,
                        "encoder over the embedded sources with the source mask; its finalStates() start the decoder; "
                                + "decoder with the target mask; output layer; sequenceLoss with the target mask");
            }
        }
    }

    @Test
    @Graded(id = "nb08_seq2seq_loss", weight = 1)
    @DisplayName("seq2seqLoss depends on the source only through the encoder's final state of each row's real characters")
    void paddingDoesNotChangeTheLoss() {
        EncoderDecoder model = EncoderDecoder.of(Cell.GRU, 20, 12, 5, 7, 1, new Rng(8));
        List<int[]> sources = sequences(3, 2, 4, 20, 5), targets = sequences(3, 2, 4, 12, 6);
        double alone = Ex_nb08_seq2seq_loss.seq2seqLoss(model, Seq2SeqBatch.of(sources, targets, 0, 1, 2));
        List<int[]> withLong = new ArrayList<>(sources);
        withLong.set(0, new int[]{4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}); // a long source pads the others more
        List<int[]> targets2 = new ArrayList<>(targets);
        double rowsOneTwo = Ex_nb08_seq2seq_loss.seq2seqLoss(model, Seq2SeqBatch.of(sources.subList(1, 3), targets2.subList(1, 3), 0, 1, 2));
        double rowsOneTwoPadded = Ex_nb08_seq2seq_loss.seq2seqLoss(model, Seq2SeqBatch.of(withLong.subList(1, 3), targets2.subList(1, 3), 0, 1, 2));
        Check.close("the loss of rows 1-2 with and without extra padding", rowsOneTwo, rowsOneTwoPadded, 1e-12, "pass the source mask to the encoder");
        double padded = Ex_nb08_seq2seq_loss.seq2seqLoss(model, Seq2SeqBatch.of(withLong, targets, 0, 1, 2));
        Check.that("a different first source changes the loss", Math.abs(padded - alone) > 1e-9, "the decoder starts from the encoder's final states");
    }

    // ---- nb08_schedules (2 points) ----

    @Test
    @Graded(id = "nb08_schedules", weight = 1)
    @DisplayName("linearDecay is max(epsMin, k - c i)")
    void linearSchedule() {
        for (int i : new int[]{0, 1, 7, 250, 899, 900, 5000}) {
            Check.close("linear at i = " + i, ScheduledSampling.linear(1, 0.001, 0.1).epsilon(i), Ex_nb08_schedules.linearDecay(i, 1, 0.001, 0.1), 1e-15,
                    "max(eps_min, k - c·i)");
            Check.close("linear (k = 0.8, c = 0.01, eps_min = 0) at i = " + i, ScheduledSampling.linear(0.8, 0.01, 0).epsilon(i),
                    Ex_nb08_schedules.linearDecay(i, 0.8, 0.01, 0), 1e-15, null);
        }
    }

    @Test
    @Graded(id = "nb08_schedules", weight = 1)
    @DisplayName("exponentialDecay is k^i")
    void exponentialSchedule() {
        for (int i : new int[]{0, 1, 7, 250, 5000}) {
            for (double k : new double[]{0.99, 0.5}) {
                Check.close("exponential (k = " + k + ") at i = " + i, ScheduledSampling.exponential(k).epsilon(i),
                        Ex_nb08_schedules.exponentialDecay(i, k), 1e-15, "k to the power i");
            }
        }
    }

    @Test
    @Graded(id = "nb08_schedules", weight = 1)
    @DisplayName("inverseSigmoidDecay is k / (k + exp(i / k))")
    void inverseSigmoidSchedule() {
        for (int i : new int[]{0, 1, 7, 250, 5000}) {
            for (double k : new double[]{80, 1, 13}) {
                Check.close("inverse sigmoid (k = " + k + ") at i = " + i, ScheduledSampling.inverseSigmoid(k).epsilon(i),
                        Ex_nb08_schedules.inverseSigmoidDecay(i, k), 1e-15, "k / (k + exp(i / k)), with i / k a floating-point division");
            }
        }
    }

    // ---- nb08_mix (3 points) ----

    @Test
    @Graded(id = "nb08_mix", weight = 3)
    @DisplayName("scheduledInputs draws the same inputs as the library's scheduled sampling")
    void mixMatchesTheLibrary() {
        for (Cell cell : new Cell[]{Cell.LSTM, Cell.GRU}) {
            EncoderDecoder model = EncoderDecoder.of(cell, 20, 12, 5, 7, 2, new Rng(11));
            Seq2SeqBatch batch = Seq2SeqBatch.of(sequences(5, 1, 6, 20, 12), sequences(5, 2, 6, 12, 13), 0, 1, 2);
            List<State> encoded = model.encode(batch.source().ids(), batch.source().mask());
            for (double eps : new double[]{1, 0.7, 0.2, 0}) {
                int[][] want = ScheduledSampling.mixInputs(model.decoderStepper(), encoded, batch.targetIn(), eps, new Rng(14));
                int[][] got = Ex_nb08_mix.scheduledInputs(model.decoderStepper(), encoded, batch.targetIn(), eps, new Rng(14));
                Check.that(cell + ", ε = " + eps + ": the decoder inputs", Arrays.deepEquals(want, got),
                        "inputs[0] = teacher[0]; at t ≥ 1 feed inputs[t-1] and keep the state; per row: rng.uniform() < ε ? teacher[t][b] : "
                                + "rng.categorical(exp(log p of row b)); expected " + Arrays.deepToString(want) + ", got " + Arrays.deepToString(got));
            }
        }
    }

    @Test
    @Graded(id = "nb08_mix", weight = 1)
    @DisplayName("scheduledInputs leaves the teacher's tokens unchanged")
    void mixChangesNothing() {
        EncoderDecoder model = EncoderDecoder.of(Cell.GRU, 20, 12, 5, 7, 1, new Rng(15));
        Seq2SeqBatch batch = Seq2SeqBatch.of(sequences(4, 1, 6, 20, 16), sequences(4, 2, 6, 12, 17), 0, 1, 2);
        int[][] teacher = batch.targetIn();
        int[][] copy = Arrays.stream(teacher).map(int[]::clone).toArray(int[][]::new);
        int[][] got = Ex_nb08_mix.scheduledInputs(model.decoderStepper(), model.encode(batch.source().ids(), batch.source().mask()), teacher, 0, new Rng(18));
        Check.that("the teacher's tokens are unchanged", Arrays.deepEquals(copy, teacher), "write into a new array");
        Check.that("a new array of the same shape", got != teacher && got.length == teacher.length && got[0].length == teacher[0].length, null);
    }
}
