package rnnkit.text;

import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * One batch for sequence to sequence with teacher forcing: the padded sources, and for the decoder the inputs
 * {@code <bos> y_1 ... y_n} and the outputs it must predict {@code y_1 ... y_n <eos>}, time-major ({@code [T][B]},
 * T = the longest target + 1), padded with {@code pad} where {@code targetMask} (T&times;B) is 0 (see
 * {@link TeacherForcing}).
 */
public record Seq2SeqBatch(PaddedBatch source, int[][] targetIn, int[][] targetOut, DMatrixRMaj targetMask) {

    /** Sources and targets as token ids (without {@code <bos>} or {@code <eos>}), row b from pair b. */
    public static Seq2SeqBatch of(List<int[]> sources, List<int[]> targets, int pad, int bos, int eos) {
        if (sources.size() != targets.size() || sources.isEmpty()) {
            throw new IllegalArgumentException("a batch needs as many sources as targets, and at least one; got "
                    + sources.size() + " sources and " + targets.size() + " targets");
        }
        TeacherForcing decoder = TeacherForcing.of(targets, pad, bos, eos);
        return new Seq2SeqBatch(PaddedBatch.of(sources, pad, 0), decoder.inputs(), decoder.targets(), decoder.mask());
    }

    public int batch() {
        return targetIn[0].length;
    }
}
