package rnnkit.models;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.layers.Gru;
import rnnkit.layers.Lstm;
import rnnkit.layers.Recurrent;
import rnnkit.layers.Rnn;
import rnnkit.layers.Stacked;
import rnnkit.layers.State;
import rnnkit.reg.Dropout;

/**
 * A language model's float32 twin, through which {@link LanguageModel#precision} FLOAT32 runs forward and backward
 * passes: the same layers with the same settings in float32 ({@code rnnkit.f32}, generated from the double code by
 * {@code lib/codegen/GenerateFloat32.java}), the same dropout generators (so the same masks), and the master's
 * weights rounded into it before every forward pass; after every backward pass its gradients are added to the
 * master's.
 */
final class Float32Twin {

    private final rnnkit.f32.models.LanguageModel twin;
    private final List<Parameter> master;
    private final List<rnnkit.f32.core.Parameter> copies;
    private final List<Object> settings;

    Float32Twin(LanguageModel lm, boolean training) {
        settings = settings(lm);
        Rng unused = new Rng(0);                 // the twin's own initial weights are replaced by the master's
        Stacked stack = lm.rnn();
        List<rnnkit.f32.layers.Recurrent> layers = new ArrayList<>();
        List<rnnkit.f32.reg.Dropout> between = new ArrayList<>();
        for (int l = 0; l < stack.depth(); l++) {
            layers.add(layer(stack.layer(l), unused));
            Dropout d = stack.dropoutAfter(l);
            if (d != null) {
                between.add(dropout(d));
            }
        }
        rnnkit.f32.layers.Stacked twinStack = new rnnkit.f32.layers.Stacked(layers);
        if (!between.isEmpty()) {
            twinStack.dropoutBetween(between);
        }
        String[] outputNames = lm.output().parameters().stream().map(p -> p.name()).toArray(String[]::new);
        twin = new rnnkit.f32.models.LanguageModel(
                new rnnkit.f32.layers.Embedding(lm.vocabularySize(), lm.embedding().dim(), unused), twinStack,
                new rnnkit.f32.layers.Affine(stack.hiddenSize(), lm.vocabularySize(), outputNames[0], outputNames[1], unused));
        if (lm.inputDropout != null) {               // one generator serves both ends, as LanguageModel.dropout draws it
            Dropout d = lm.inputDropout;
            twin.dropout((float) d.p(), d.oneMaskPerSequence(), d.rng());
        }
        twin.train(training);
        master = lm.parameters();
        copies = twin.parameters();
        for (int k = 0; k < master.size(); k++) {   // a twin that is not an exact mirror must not train silently
            Parameter p = master.get(k);
            rnnkit.f32.core.Parameter q = copies.get(k);
            if (!p.name().equals(q.name()) || p.value.numRows != q.value.numRows || p.value.numCols != q.value.numCols) {
                throw new IllegalStateException("the float32 twin's parameter " + k + " is " + q.describe()
                        + " where the model's is " + p.describe());
            }
        }
    }

    /** The layer's float32 twin: the same kind, variant and recurrent dropout. */
    private static rnnkit.f32.layers.Recurrent layer(Recurrent layer, Rng unused) {
        int D = layer.inputSize();
        int H = layer.hiddenSize();
        RecurrentDropout d = recurrentDropoutOf(layer);
        if (layer instanceof Rnn r) {
            rnnkit.f32.layers.Rnn t = new rnnkit.f32.layers.Rnn(D, H,
                    rnnkit.f32.core.Activation.valueOf(r.activation().name()), unused).leakRate((float) r.leakRate());
            return withDropout(t, t::recurrentDropout, d);
        }
        if (layer instanceof Lstm l) {
            rnnkit.f32.layers.Lstm t = new rnnkit.f32.layers.Lstm(D, H,
                    rnnkit.f32.layers.Lstm.Variant.valueOf(l.variant().name()), unused);
            return withDropout(t, t::recurrentDropout, d);
        }
        rnnkit.f32.layers.Gru t = new rnnkit.f32.layers.Gru(D, H,
                rnnkit.f32.layers.Gru.Variant.valueOf(((Gru) layer).variant().name()), unused);
        return withDropout(t, t::recurrentDropout, d);
    }

    /** A layer's recurrent dropout (rng null: none). */
    private record RecurrentDropout(double p, boolean oneMaskPerSequence, Rng rng) {
    }

    private static RecurrentDropout recurrentDropoutOf(Recurrent layer) {
        if (layer instanceof Rnn r) {
            return new RecurrentDropout(r.recurrentDropout(), r.recurrentDropoutOneMask(), r.recurrentDropoutRng());
        }
        if (layer instanceof Lstm l) {
            return new RecurrentDropout(l.recurrentDropout(), l.recurrentDropoutOneMask(), l.recurrentDropoutRng());
        }
        if (layer instanceof Gru g) {
            return new RecurrentDropout(g.recurrentDropout(), g.recurrentDropoutOneMask(), g.recurrentDropoutRng());
        }
        throw new UnsupportedOperationException("float32 training runs stacks of Rnn, Lstm and Gru layers; this model has a "
                + layer.getClass().getSimpleName() + ": train it in Precision.FLOAT64");
    }

    /**
     * What the twin copies from the model besides its weights: every dropout (its generator included) and every
     * leak rate. The model compares them before each forward pass and builds a new twin when one has changed, so
     * that dropout set after {@code precision(FLOAT32)} is not lost.
     */
    static List<Object> settings(LanguageModel lm) {
        List<Object> s = new ArrayList<>();
        Stacked stack = lm.rnn();
        for (int l = 0; l < stack.depth(); l++) {
            Recurrent layer = stack.layer(l);
            s.add(recurrentDropoutOf(layer));
            s.add(layer instanceof Rnn r ? r.leakRate() : null);
            s.add(stack.dropoutAfter(l));                  // Dropouts are immutable: the same object, the same dropout
        }
        s.add(lm.inputDropout);
        return s;
    }

    /** Whether the model's settings are still the ones this twin was built with. */
    boolean mirrors(LanguageModel lm) {
        return settings.equals(settings(lm));
    }

    /** How a twin layer takes its recurrent dropout (the float32 layers' {@code recurrentDropout}). */
    private interface DropoutSetter {
        void set(float p, boolean oneMaskPerSequence, Rng rng);
    }

    /** The twin with the master layer's recurrent dropout, if it has one. */
    private static rnnkit.f32.layers.Recurrent withDropout(rnnkit.f32.layers.Recurrent twin, DropoutSetter set, RecurrentDropout d) {
        if (d.rng() != null) {
            set.set((float) d.p(), d.oneMaskPerSequence(), d.rng());
        }
        return twin;
    }

    private static rnnkit.f32.reg.Dropout dropout(Dropout d) {
        return new rnnkit.f32.reg.Dropout((float) d.p(), d.oneMaskPerSequence(), d.rng());
    }

    void train(boolean training) {
        twin.train(training);
    }

    /** The master's weights rounded into the twin, then the twin's forward pass. */
    double forward(int[][] inputs, int[][] targets, List<State> initial, DMatrixRMaj mask) {
        for (int k = 0; k < master.size(); k++) {
            round(master.get(k).value, copies.get(k).value);
        }
        return twin.forward(inputs, targets, initial == null ? null : states(initial), mask == null ? null : rounded(mask));
    }

    /** The twin's backward pass; its gradients are added to the master's (which accumulate, as in float64). */
    void backward() {
        twin.backward();
        for (int k = 0; k < master.size(); k++) {
            float[] g = copies.get(k).grad.data;
            double[] into = master.get(k).grad.data;
            for (int i = 0; i < g.length && i < into.length; i++) {
                into[i] += g[i];
            }
            copies.get(k).zeroGrad();
        }
    }

    List<State> finalStates() {
        return widened(twin.finalStates());
    }

    List<State> statesAt(int t) {
        return widened(twin.statesAt(t));
    }

    private static List<State> widened(List<rnnkit.f32.layers.State> states) {
        List<State> out = new ArrayList<>();
        for (rnnkit.f32.layers.State s : states) {
            out.add(new State(widened(s.h), s.c == null ? null : widened(s.c)));
        }
        return out;
    }

    private static List<rnnkit.f32.layers.State> states(List<State> states) {
        List<rnnkit.f32.layers.State> out = new ArrayList<>();
        for (State s : states) {
            out.add(new rnnkit.f32.layers.State(rounded(s.h), s.c == null ? null : rounded(s.c)));
        }
        return out;
    }

    static void round(DMatrixRMaj from, FMatrixRMaj to) {
        to.reshape(from.numRows, from.numCols);
        for (int i = 0; i < from.getNumElements(); i++) {
            to.data[i] = (float) from.data[i];
        }
    }

    static FMatrixRMaj rounded(DMatrixRMaj m) {
        FMatrixRMaj f = new FMatrixRMaj(m.numRows, m.numCols);
        round(m, f);
        return f;
    }

    static DMatrixRMaj widened(FMatrixRMaj m) {
        DMatrixRMaj d = new DMatrixRMaj(m.numRows, m.numCols);
        for (int i = 0; i < m.getNumElements(); i++) {
            d.data[i] = m.data[i];
        }
        return d;
    }
}
