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

    /**
     * The parameter called {@code name}, as {@link #parameters()} names it: {@code "Whh"} for a layer,
     * {@code "rnn.layer0.Whh"} inside a model.
     */
    default Parameter parameter(String name) {
        List<String> names = new ArrayList<>();
        for (Parameter p : parameters()) {
            if (p.name().equals(name)) {
                return p;
            }
            names.add(p.name());
        }
        throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameter called '" + name
                + "'; its parameters are " + names);
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

    /** A named part of a composite module: the name prefixes its parameters' names ("encoder" + ".Whh"). */
    record Part(String name, Trainable module) {
    }

    /** A part called {@code name}, for {@link #prefixed}. */
    static Part part(String name, Trainable module) {
        return new Part(name, module);
    }

    /** The parameters of several parts, each name prefixed with its part's name and a dot; the matrices are shared. */
    static List<Parameter> prefixed(Part... parts) {
        List<Parameter> out = new ArrayList<>();
        for (Part part : parts) {
            for (Parameter p : part.module().parameters()) {
                out.add(new Parameter(part.name() + "." + p.name(), p.value, p.grad));
            }
        }
        return List.copyOf(out);
    }
}
