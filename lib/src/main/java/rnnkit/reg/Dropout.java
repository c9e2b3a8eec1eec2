package rnnkit.reg;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Trainable;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;

/**
 * Inverted dropout on a sequence (or one matrix): while training, each unit is kept with probability 1 - p and
 * scaled by 1/(1 - p), so that its expected value is unchanged and nothing needs rescaling at test time; in eval
 * mode ({@code train(false)}) it is the identity.
 *
 * <p>With {@code oneMaskPerSequence} every time step reuses the first step's mask, as variational dropout (Gal
 * &amp; Ghahramani, 2016) does for inputs and outputs; otherwise each step draws its own, as between the layers
 * of Zaremba et al. (2014). Dropout on the recurrent connection itself lives in the recurrent layers
 * ({@code recurrentDropout}).
 */
public final class Dropout implements Trainable {

    private final double p;
    private final boolean oneMaskPerSequence;
    private final Rng rng;
    private boolean training = true;
    private DMatrixRMaj[] masks = new DMatrixRMaj[0];
    private int steps;

    public Dropout(double p, boolean oneMaskPerSequence, Rng rng) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.oneMaskPerSequence = oneMaskPerSequence;
        this.rng = rng;
    }

    public double p() {
        return p;
    }

    /** Whether every step reuses the first step's mask. */
    public boolean oneMaskPerSequence() {
        return oneMaskPerSequence;
    }

    /** Where the masks come from. */
    public Rng rng() {
        return rng;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public void train(boolean training) {
        this.training = training;
    }

    public boolean training() {
        return training;
    }

    /** x with dropout applied (a new sequence; x is not changed). */
    public Sequence forward(Sequence x) {
        steps = x.length();
        Sequence y = x.copy();
        if (!active()) {
            return y;
        }
        ensureMasks(steps, x.batch(), x.dim());
        for (int t = 0; t < steps; t++) {
            if (t == 0 || !oneMaskPerSequence) {
                draw(masks[t]);
            } else {
                masks[t].setTo(masks[0]);
            }
            multiply(y.at(t), masks[t]);
        }
        return y;
    }

    /** dL/dx: the gradient through the same masks. */
    public Sequence backward(Sequence dy) {
        Sequence dx = dy.copy();
        if (active()) {
            for (int t = 0; t < dx.length(); t++) {
                multiply(dx.at(t), masks[t]);
            }
        }
        return dx;
    }

    /** Dropout on one matrix (a new matrix). */
    public DMatrixRMaj forward(DMatrixRMaj x) {
        return forward(Sequence.of(x)).at(0);
    }

    /** Its gradient. */
    public DMatrixRMaj backward(DMatrixRMaj dy) {
        return backward(Sequence.of(dy)).at(0);
    }

    /** The mask used at step t by the last forward pass (entries 0 or 1/(1-p)). */
    public DMatrixRMaj mask(int t) {
        return masks[t];
    }

    private boolean active() {
        return training && p > 0;
    }

    private void ensureMasks(int T, int B, int D) {
        if (masks.length < T || masks[0].numRows != B || masks[0].numCols != D) {
            masks = new DMatrixRMaj[T];
            for (int t = 0; t < T; t++) {
                masks[t] = new DMatrixRMaj(B, D);
            }
        }
    }

    private void draw(DMatrixRMaj mask) {
        double keep = 1 - p;
        for (int i = 0; i < mask.getNumElements(); i++) {
            mask.data[i] = rng.uniform() < keep ? 1 / keep : 0;
        }
    }

    private static void multiply(DMatrixRMaj a, DMatrixRMaj mask) {
        for (int i = 0; i < a.getNumElements(); i++) {
            a.data[i] *= mask.data[i];
        }
    }
}
