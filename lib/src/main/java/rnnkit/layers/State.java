package rnnkit.layers;

import org.ejml.data.DMatrixRMaj;

/**
 * What a recurrent layer carries from one time step to the next: the hidden state h (B&times;H) and, for an LSTM,
 * the cell state c (null for the RNN and the GRU).
 */
public final class State {

    public final DMatrixRMaj h;
    public final DMatrixRMaj c;

    public State(DMatrixRMaj h, DMatrixRMaj c) {
        this.h = h;
        this.c = c;
    }

    public State(DMatrixRMaj h) {
        this(h, null);
    }

    /** Zeros for a batch of B, with a cell state if {@code withCell}. */
    public static State zeros(int batch, int hidden, boolean withCell) {
        return new State(new DMatrixRMaj(batch, hidden), withCell ? new DMatrixRMaj(batch, hidden) : null);
    }

    public State copy() {
        return new State(h.copy(), c == null ? null : c.copy());
    }

    /** Rows {@code rows} of this state, in that order (for reordering beams). */
    public State select(int[] rows) {
        return new State(selectRows(h, rows), c == null ? null : selectRows(c, rows));
    }

    private static DMatrixRMaj selectRows(DMatrixRMaj m, int[] rows) {
        DMatrixRMaj out = new DMatrixRMaj(rows.length, m.numCols);
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(m.data, rows[i] * m.numCols, out.data, i * m.numCols, m.numCols);
        }
        return out;
    }
}
