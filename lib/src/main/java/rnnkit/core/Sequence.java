package rnnkit.core;

import org.ejml.data.DMatrixRMaj;

/**
 * A batch of B sequences of T steps with D features each: one B&times;D matrix per time step, {@code at(t)},
 * row b being example b. Sequences of different lengths are padded and come with a T&times;B mask.
 */
public final class Sequence {

    private final DMatrixRMaj[] steps;

    /** T steps of B&times;D zeros. */
    public Sequence(int T, int B, int D) {
        if (T < 0 || B <= 0 || D <= 0) {
            throw new IllegalArgumentException("a sequence needs T >= 0, B > 0, D > 0; got T=" + T + " B=" + B + " D=" + D);
        }
        steps = new DMatrixRMaj[T];
        for (int t = 0; t < T; t++) {
            steps[t] = new DMatrixRMaj(B, D);
        }
    }

    private Sequence(DMatrixRMaj[] steps) {
        this.steps = steps;
    }

    /** A sequence made of these matrices (not copies); all must have the same shape. */
    public static Sequence of(DMatrixRMaj... steps) {
        if (steps.length == 0) {
            throw new IllegalArgumentException("a sequence needs at least one step");
        }
        for (int t = 1; t < steps.length; t++) {
            if (steps[t].numRows != steps[0].numRows || steps[t].numCols != steps[0].numCols) {
                throw new IllegalArgumentException("step " + t + " is " + shape(steps[t]) + " but step 0 is " + shape(steps[0]));
            }
        }
        return new Sequence(steps.clone());
    }

    /** Number of time steps T. */
    public int length() {
        return steps.length;
    }

    /** Batch size B. */
    public int batch() {
        return steps.length == 0 ? 0 : steps[0].numRows;
    }

    /** Features per step D. */
    public int dim() {
        return steps.length == 0 ? 0 : steps[0].numCols;
    }

    /** Step t itself (not a copy): B&times;D. */
    public DMatrixRMaj at(int t) {
        return steps[t];
    }

    /** The steps stacked time-major into one (T&middot;B)&times;D matrix, written into {@code out} (reshaped). */
    public DMatrixRMaj stack(DMatrixRMaj out) {
        int B = batch();
        int D = dim();
        out.reshape(length() * B, D);
        for (int t = 0; t < steps.length; t++) {
            System.arraycopy(steps[t].data, 0, out.data, t * B * D, B * D);
        }
        return out;
    }

    /** Copies a time-major (T&middot;B)&times;D matrix into the steps of this sequence. */
    public void unstack(DMatrixRMaj stacked) {
        int size = batch() * dim();
        if (stacked.getNumElements() != size * length()) {
            throw new IllegalArgumentException("cannot unstack " + shape(stacked) + " into " + this);
        }
        for (int t = 0; t < steps.length; t++) {
            System.arraycopy(stacked.data, t * size, steps[t].data, 0, size);
        }
    }

    /**
     * A new sequence of the T blocks of B rows of a time-major (T&middot;B)&times;D matrix, copied: the inverse of
     * {@link #stack}. (Copying into fresh arrays skips the zero-filling that {@code new Sequence} and
     * {@link #unstack} would do first.)
     */
    public static Sequence unstacked(DMatrixRMaj stacked, int T) {
        if (T <= 0 || stacked.numRows % T != 0) {
            throw new IllegalArgumentException("cannot cut " + shape(stacked) + " into " + T + " steps");
        }
        int B = stacked.numRows / T;
        int size = B * stacked.numCols;
        DMatrixRMaj[] steps = new DMatrixRMaj[T];
        for (int t = 0; t < T; t++) {
            steps[t] = DMatrixRMaj.wrap(B, stacked.numCols, java.util.Arrays.copyOfRange(stacked.data, t * size, (t + 1) * size));
        }
        return new Sequence(steps);
    }

    /** A new sequence of copies of {@code steps[from]} ... {@code steps[from + T - 1]} (all of one shape). */
    public static Sequence copyOf(DMatrixRMaj[] steps, int from, int T) {
        DMatrixRMaj[] c = new DMatrixRMaj[T];
        for (int t = 0; t < T; t++) {
            DMatrixRMaj m = steps[from + t];
            c[t] = DMatrixRMaj.wrap(m.numRows, m.numCols, java.util.Arrays.copyOf(m.data, m.getNumElements()));
        }
        return new Sequence(c);
    }

    /** A deep copy. */
    public Sequence copy() {
        return copyOf(steps, 0, steps.length);
    }

    /** The steps in reverse order (the same matrices), for the backward half of a bidirectional layer. */
    public Sequence reversed() {
        DMatrixRMaj[] r = new DMatrixRMaj[steps.length];
        for (int t = 0; t < r.length; t++) {
            r[t] = steps[steps.length - 1 - t];
        }
        return new Sequence(r);
    }

    @Override
    public String toString() {
        return "Sequence T=" + length() + " B=" + batch() + " D=" + dim();
    }

    static String shape(DMatrixRMaj m) {
        return m.numRows + "\u00d7" + m.numCols;
    }
}
