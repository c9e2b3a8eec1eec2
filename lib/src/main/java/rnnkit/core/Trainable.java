package rnnkit.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Anything with trainable parameters (a "module" in PyTorch's words; named so as not to clash with java.lang.Module).
 * Optimizers, gradient checks and model files see a model only as its list
 * of parameters, in a fixed order with unique names.
 */
public interface Trainable {

    /** The parameters, in a fixed order; composite modules prefix their parts' names ("encoder.Wxh"). */
    List<Parameter> parameters();

    default void zeroGrad() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
    }

    /** The number of trainable numbers. */
    default long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.size();
        }
        return n;
    }

    /** Switches training behaviour (dropout) on or off; modules without any ignore it. */
    default void train(boolean training) {
    }

    /** The parameters of several modules, each name prefixed with its part's name and a dot. */
    static List<Parameter> prefixed(Object... namesAndModules) {
        List<Parameter> out = new ArrayList<>();
        for (int i = 0; i < namesAndModules.length; i += 2) {
            String prefix = (String) namesAndModules[i];
            Trainable m = (Trainable) namesAndModules[i + 1];
            for (Parameter p : m.parameters()) {
                out.add(new Parameter(prefix + "." + p.name(), p.value, p.grad));
            }
        }
        return out;
    }
}
