package rnnkit.train;

import java.util.List;
import rnnkit.core.Parameter;

/** Gradient clipping, against exploding gradients. */
public final class Clip {

    private Clip() {
    }

    /** The norm of all gradients together, sqrt(sum of every squared entry). */
    public static double globalNorm(List<Parameter> params) {
        double s = 0;
        for (Parameter p : params) {
            for (int i = 0; i < p.size(); i++) {
                s += p.grad.data[i] * p.grad.data[i];
            }
        }
        return Math.sqrt(s);
    }

    /**
     * The lecture's pseudo-code (Pascanu et al., 2013): {@code ĝ ← all gradients; if ||ĝ|| ≥ threshold then
     * ĝ ← (threshold / ||ĝ||) ĝ}. The direction is kept, only the length is capped. Returns the norm before
     * clipping, worth logging.
     */
    public static double byGlobalNorm(List<Parameter> params, double threshold) {
        double norm = globalNorm(params);
        if (norm >= threshold && norm > 0) {
            double scale = threshold / norm;
            for (Parameter p : params) {
                for (int i = 0; i < p.size(); i++) {
                    p.grad.data[i] *= scale;
                }
            }
        }
        return norm;
    }

    /** Clips every gradient entry to [-limit, limit] (which changes the direction, unlike clipping the norm). */
    public static void byValue(List<Parameter> params, double limit) {
        for (Parameter p : params) {
            for (int i = 0; i < p.size(); i++) {
                p.grad.data[i] = Math.max(-limit, Math.min(limit, p.grad.data[i]));
            }
        }
    }
}
