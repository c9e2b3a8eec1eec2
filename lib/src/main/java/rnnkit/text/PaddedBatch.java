package rnnkit.text;

import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * Sequences of different lengths in one batch: cut to at most {@code maxLength} tokens, padded with
 * {@code padId} to the longest, time-major ({@code ids[t][b]}), with a T&times;B mask of 1 for real tokens.
 */
public record PaddedBatch(int[][] ids, DMatrixRMaj mask, int[] lengths) {

    /** Pads (and truncates to maxLength, if > 0) the sequences, keeping their first tokens. */
    public static PaddedBatch of(List<int[]> sequences, int padId, int maxLength) {
        int B = sequences.size();
        int[] lengths = new int[B];
        int T = 0;
        for (int b = 0; b < B; b++) {
            lengths[b] = maxLength > 0 ? Math.min(maxLength, sequences.get(b).length) : sequences.get(b).length;
            T = Math.max(T, lengths[b]);
        }
        T = Math.max(T, 1);
        int[][] ids = new int[T][B];
        DMatrixRMaj mask = new DMatrixRMaj(T, B);
        for (int b = 0; b < B; b++) {
            int[] s = sequences.get(b);
            for (int t = 0; t < T; t++) {
                boolean real = t < lengths[b];
                ids[t][b] = real ? s[t] : padId;
                mask.set(t, b, real ? 1 : 0);
            }
        }
        return new PaddedBatch(ids, mask, lengths);
    }

    /** Steps T (the longest sequence). */
    public int steps() {
        return ids.length;
    }

    /** Batch size B. */
    public int batch() {
        return ids[0].length;
    }

    /** The share of the T&times;B cells that are padding: compute spent on nothing. */
    public double paddingFraction() {
        int real = 0;
        for (int l : lengths) {
            real += l;
        }
        return 1 - real / (double) (steps() * batch());
    }
}
