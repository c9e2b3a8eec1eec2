package rnnkit.text;

import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * What a decoder reads and predicts under teacher forcing, for a batch of token sequences y (without {@code <bos>}
 * or {@code <eos>}): it reads {@code <bos> y_1 ... y_n} and must predict {@code y_1 ... y_n <eos>}, time-major
 * ({@code [T][B]}, T = the longest sequence + 1), padded with {@code pad} where {@code mask} (T&times;B) is 0.
 */
public record TeacherForcing(int[][] inputs, int[][] targets, DMatrixRMaj mask) {

    /** Row b from sequence b. */
    public static TeacherForcing of(List<int[]> sequences, int pad, int bos, int eos) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one sequence");
        }
        int B = sequences.size();
        int T = 1;
        for (int[] y : sequences) {
            T = Math.max(T, y.length + 1);
        }
        int[][] in = new int[T][B];
        int[][] out = new int[T][B];
        DMatrixRMaj mask = new DMatrixRMaj(T, B);
        for (int b = 0; b < B; b++) {
            int[] y = sequences.get(b);
            for (int t = 0; t < T; t++) {
                in[t][b] = t == 0 ? bos : t <= y.length ? y[t - 1] : pad;      // <bos> y_1 .. y_n
                out[t][b] = t < y.length ? y[t] : t == y.length ? eos : pad;  // y_1 .. y_n <eos>
                mask.set(t, b, t <= y.length ? 1 : 0);
            }
        }
        return new TeacherForcing(in, out, mask);
    }

    public int steps() {
        return inputs.length;
    }

    public int batch() {
        return inputs[0].length;
    }
}
