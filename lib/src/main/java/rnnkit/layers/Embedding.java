package rnnkit.layers;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Init;
import rnnkit.core.Trainable;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;

/**
 * Word or character embeddings: row i of {@code E} (V&times;D) is the vector of token i. Looking up
 * {@code e = E^T x} for a one-hot x is the same as selecting row i, which is what this layer does. The backward
 * pass adds each output gradient into the row it came from; a token used several times in a batch gets the sum
 * of its gradients (scatter-add).
 */
public final class Embedding implements Trainable {

    private final Parameter E;
    private int[][] ids;

    /** Embeddings from N(0, 1), as PyTorch's nn.Embedding. */
    public Embedding(int vocabularySize, int dim, Rng rng) {
        E = new Parameter("E", vocabularySize, dim);
        Init.gaussian(E.value, 1, rng);
    }

    public DMatrixRMaj E() {
        return E.value;
    }

    public int vocabularySize() {
        return E.value.numRows;
    }

    public int dim() {
        return E.value.numCols;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(E);
    }

    /** Looks up ids[t][b] for every step and batch row: a T-step sequence of B&times;D. */
    public Sequence forward(int[][] ids) {
        this.ids = ids;
        int T = ids.length;
        int B = ids[0].length;
        int D = dim();
        Sequence x = new Sequence(T, B, D);
        for (int t = 0; t < T; t++) {
            lookup(ids[t], x.at(t));
        }
        return x;
    }

    /** Looks up a batch of single tokens: B&times;D (no cache; use it for decoding). */
    public DMatrixRMaj lookup(int[] tokens, DMatrixRMaj out) {
        int D = dim();
        if (out == null) {
            out = new DMatrixRMaj(tokens.length, D);
        }
        for (int b = 0; b < tokens.length; b++) {
            int id = tokens[b];
            if (id < 0 || id >= vocabularySize()) {
                throw new IllegalArgumentException("token id " + id + " at batch row " + b + " is outside the vocabulary of "
                        + vocabularySize());
            }
            System.arraycopy(E.value.data, id * D, out.data, b * D, D); // e = row id of E
        }
        return out;
    }

    /** dE[ids[t][b]] += dx_t[b]: scatter-add, so repeated tokens accumulate. */
    public void backward(Sequence dx) {
        int D = dim();
        for (int t = 0; t < ids.length; t++) {
            DMatrixRMaj g = dx.at(t);
            for (int b = 0; b < ids[t].length; b++) {
                int row = ids[t][b] * D;
                for (int j = 0; j < D; j++) {
                    E.grad.data[row + j] += g.data[b * D + j];
                }
            }
        }
    }
}
