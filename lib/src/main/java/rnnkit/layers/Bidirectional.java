package rnnkit.layers;

import static rnnkit.core.Trainable.part;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Trainable;
import rnnkit.core.Ops;
import rnnkit.core.Parameter;
import rnnkit.core.Sequence;

/**
 * A bidirectional layer (Schuster &amp; Paliwal, 1997): one recurrent layer reads the sequence forwards, another
 * reads it backwards, and the output at step t is {@code [h→_t, h←_t]}, so that every position sees its whole
 * context. States are the two halves side by side (B&times;(H→ + H←)). It needs the whole sequence at once, so it
 * cannot {@link #step}.
 */
public final class Bidirectional implements Recurrent {

    private final Recurrent forward;
    private final Recurrent backward;
    private final List<Parameter> params;
    private int T;

    public Bidirectional(Recurrent forward, Recurrent backward) {
        if (forward.inputSize() != backward.inputSize() || forward.hasCell() != backward.hasCell()) {
            throw new IllegalArgumentException("both directions need the same input size and kind of state");
        }
        this.forward = forward;
        this.backward = backward;
        this.params = Trainable.prefixed(part("forward", forward), part("backward", backward));
    }

    @Override
    public int inputSize() {
        return forward.inputSize();
    }

    @Override
    public int hiddenSize() {
        return forward.hiddenSize() + backward.hiddenSize();
    }

    @Override
    public boolean hasCell() {
        return forward.hasCell();
    }

    @Override
    public List<Parameter> parameters() {
        return params;
    }

    @Override
    public void train(boolean training) {
        forward.train(training);
        backward.train(training);
    }

    @Override
    public Sequence forward(Sequence x, State initial) {
        return forward(x, initial, null);
    }

    @Override
    public Sequence forward(Sequence x, State initial, DMatrixRMaj mask) {
        T = x.length();
        State[] init = initial == null ? new State[2] : split(initial);
        Sequence hf = forward.forward(x, init[0], mask);
        Sequence hb = backward.forward(x.reversed(), init[1], mask == null ? null : reverseRows(mask));
        Sequence out = new Sequence(T, x.batch(), hiddenSize());
        for (int t = 0; t < T; t++) {
            Ops.concatColumns(hf.at(t), hb.at(T - 1 - t), out.at(t));
        }
        return out;
    }

    @Override
    public Sequence backward(Sequence dh, State dFinal) {
        int B = dh.batch();
        Sequence df = new Sequence(T, B, forward.hiddenSize());
        Sequence db = new Sequence(T, B, backward.hiddenSize());
        for (int t = 0; t < T; t++) {
            if (dh.at(t) != null) {
                Ops.splitColumns(dh.at(t), df.at(t), db.at(T - 1 - t));
            }
        }
        State[] fin = dFinal == null ? new State[2] : split(dFinal);
        Sequence dxf = forward.backward(df, fin[0]);
        Sequence dxb = backward.backward(db, fin[1]);
        for (int t = 0; t < T; t++) {
            org.ejml.dense.row.CommonOps_DDRM.addEquals(dxf.at(t), dxb.at(T - 1 - t));
        }
        return dxf;
    }

    @Override
    public State finalState() {
        return join(forward.finalState(), backward.finalState());
    }

    /** The output at step t: the forward state after t and the backward state after reading t (from the end). */
    @Override
    public State stateAt(int t) {
        return join(forward.stateAt(t), backward.stateAt(T - 1 - t));
    }

    @Override
    public State initialGradient() {
        return join(forward.initialGradient(), backward.initialGradient());
    }

    @Override
    public double[] hiddenGradNorms() {
        double[] f = forward.hiddenGradNorms();
        double[] b = backward.hiddenGradNorms();
        double[] n = new double[f.length];
        for (int t = 0; t < n.length; t++) {
            n[t] = Math.hypot(f[t], b[n.length - 1 - t]);
        }
        return n;
    }

    @Override
    public State step(DMatrixRMaj x, State state) {
        throw new UnsupportedOperationException("a bidirectional layer reads the whole sequence in both directions;"
                + " it cannot run one step at a time (use it as an encoder or tagger)");
    }

    private State[] split(State s) {
        int B = s.h.numRows;
        State f = forward.zeroState(B);
        State b = backward.zeroState(B);
        Ops.splitColumns(s.h, f.h, b.h);
        if (s.c != null) {
            Ops.splitColumns(s.c, f.c, b.c);
        }
        return new State[]{f, b};
    }

    private static State join(State f, State b) {
        return new State(Ops.concatColumns(f.h, b.h, null), f.c == null ? null : Ops.concatColumns(f.c, b.c, null));
    }

    private static DMatrixRMaj reverseRows(DMatrixRMaj mask) {
        DMatrixRMaj r = new DMatrixRMaj(mask.numRows, mask.numCols);
        for (int t = 0; t < mask.numRows; t++) {
            System.arraycopy(mask.data, t * mask.numCols, r.data, (mask.numRows - 1 - t) * mask.numCols, mask.numCols);
        }
        return r;
    }
}
