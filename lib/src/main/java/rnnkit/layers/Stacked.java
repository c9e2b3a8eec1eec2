package rnnkit.layers;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import rnnkit.core.Trainable;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.reg.Dropout;

/**
 * Recurrent layers on top of each other: the outputs of layer l are the inputs of layer l+1 at the same time
 * step. Optionally with dropout between layers, on the non-recurrent connections only (Zaremba et al., 2014), or
 * with one mask per sequence (Gal &amp; Ghahramani, 2016). Its state is one {@link State} per layer, bottom first.
 */
public final class Stacked implements Trainable {

    private final List<Recurrent> layers;
    private final List<Parameter> params;
    private final List<Dropout> between = new ArrayList<>();

    public Stacked(List<? extends Recurrent> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a stack needs at least one layer");
        }
        for (int l = 1; l < layers.size(); l++) {
            if (layers.get(l).inputSize() != layers.get(l - 1).hiddenSize()) {
                throw new IllegalArgumentException("layer " + l + " takes inputs of size " + layers.get(l).inputSize()
                        + " but layer " + (l - 1) + " gives " + layers.get(l - 1).hiddenSize());
            }
        }
        this.layers = List.copyOf(layers);
        Trainable.Part[] named = new Trainable.Part[layers.size()];
        for (int l = 0; l < layers.size(); l++) {
            named[l] = Trainable.part("layer" + l, layers.get(l));
        }
        this.params = Trainable.prefixed(named);
    }

    /** One layer. */
    public static Stacked of(Recurrent layer) {
        return new Stacked(List.of(layer));
    }

    /** Dropout with probability p on the outputs of every layer but the last (none on the recurrent ones). */
    public Stacked dropoutBetween(double p, boolean oneMaskPerSequence, Rng rng) {
        List<Dropout> d = new ArrayList<>();
        for (int l = 0; l + 1 < layers.size(); l++) {
            d.add(new Dropout(p, oneMaskPerSequence, rng.split()));
        }
        return dropoutBetween(d);
    }

    /** Dropout between the layers as given: {@code dropouts.get(l)} on the outputs of layer l (one per layer but the last). */
    public Stacked dropoutBetween(List<Dropout> dropouts) {
        if (dropouts.size() != layers.size() - 1) {
            throw new IllegalArgumentException("a stack of " + layers.size() + " layers has " + (layers.size() - 1)
                    + " places for dropout between layers, got " + dropouts.size() + " dropouts");
        }
        between.clear();
        between.addAll(dropouts);
        return this;
    }

    /** The dropout on the outputs of layer l, or null when there is none. */
    public Dropout dropoutAfter(int l) {
        return l < between.size() ? between.get(l) : null;
    }

    public int depth() {
        return layers.size();
    }

    public Recurrent layer(int l) {
        return layers.get(l);
    }

    public int inputSize() {
        return layers.get(0).inputSize();
    }

    /** The hidden size of the top layer, whose outputs the stack returns. */
    public int hiddenSize() {
        return layers.get(layers.size() - 1).hiddenSize();
    }

    @Override
    public List<Parameter> parameters() {
        return params;
    }

    @Override
    public void train(boolean training) {
        layers.forEach(l -> l.train(training));
        between.forEach(d -> d.train(training));
    }

    public List<State> zeroStates(int batch) {
        List<State> s = new ArrayList<>();
        for (Recurrent l : layers) {
            s.add(l.zeroState(batch));
        }
        return s;
    }

    /** Runs all layers over the sequence (initial: one state per layer, or null for zeros); returns the top's h_t. */
    public Sequence forward(Sequence x, List<State> initial, DMatrixRMaj mask) {
        Sequence in = x;
        for (int l = 0; l < layers.size(); l++) {
            in = layers.get(l).forward(in, initial == null ? null : initial.get(l), mask);
            if (l < between.size()) {
                in = between.get(l).forward(in);
            }
        }
        return in;
    }

    /** Backpropagation through time through every layer; dFinal: one state gradient per layer, or null. */
    public Sequence backward(Sequence dh, List<State> dFinal) {
        Sequence d = dh;
        for (int l = layers.size() - 1; l >= 0; l--) {
            if (l < between.size()) {
                d = between.get(l).backward(d);
            }
            d = layers.get(l).backward(d, dFinal == null ? null : dFinal.get(l));
        }
        return d;
    }

    public List<State> finalStates() {
        List<State> s = new ArrayList<>();
        layers.forEach(l -> s.add(l.finalState()));
        return s;
    }

    /** The states of all layers after step t of the last forward pass. */
    public List<State> statesAt(int t) {
        List<State> s = new ArrayList<>();
        layers.forEach(l -> s.add(l.stateAt(t)));
        return s;
    }

    public List<State> initialGradients() {
        List<State> s = new ArrayList<>();
        layers.forEach(l -> s.add(l.initialGradient()));
        return s;
    }

    /** One step of every layer (no cache, no dropout): returns the new states; the top's h is the output. */
    public List<State> step(DMatrixRMaj x, List<State> states) {
        List<State> next = new ArrayList<>();
        DMatrixRMaj in = x;
        for (int l = 0; l < layers.size(); l++) {
            State s = layers.get(l).step(in, states.get(l));
            next.add(s);
            in = s.h;
        }
        return next;
    }

    /** Sum of two lists of state gradients (either may be null), for states used in two places. */
    public static List<State> add(List<State> a, List<State> b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        List<State> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            State x = a.get(i);
            State y = b.get(i);
            out.add(new State(CommonOps_DDRM.add(x.h, y.h, null), x.c == null ? null : CommonOps_DDRM.add(x.c, y.c, null)));
        }
        return out;
    }
}
