package rnnkit.models;

import static rnnkit.core.Trainable.part;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Trainable;
import rnnkit.core.Parameter;
import rnnkit.core.Precision;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.decode.StepModel;
import rnnkit.layers.Affine;
import rnnkit.layers.Embedding;
import rnnkit.layers.Recurrent;
import rnnkit.layers.SoftmaxCrossEntropy;
import rnnkit.layers.Stacked;
import rnnkit.layers.State;
import rnnkit.reg.Dropout;

/**
 * A recurrent language model: embedding, a stack of recurrent layers, and an output layer over the vocabulary,
 * trained to predict each next token: {@code L = mean_t -log P(y_t | x_1..x_t)}.
 */
public final class LanguageModel implements Trainable {

    private final Embedding embedding;
    private final Stacked rnn;
    private final Affine output;
    private final List<Parameter> params;
    /** Dropout on the embeddings entering the first layer and on the top layer's outputs (null: none). */
    Dropout inputDropout;
    Dropout outputDropout;
    // float64 only: begin
    /** The float32 twin that forward and backward passes run through, or null (float64): {@link #precision(Precision)}. */
    private Float32Twin float32;
    /** The mode of the last {@link #train(boolean)}, which a new twin starts in. */
    private boolean training = true;
    // float64 only: end

    // the cache of the last forward pass
    private int[][] targets;
    private DMatrixRMaj mask;
    private Sequence dscores;

    public LanguageModel(Embedding embedding, Stacked rnn, Affine output) {
        this.embedding = embedding;
        this.rnn = rnn;
        this.output = output;
        this.params = Trainable.prefixed(part("embedding", embedding), part("rnn", rnn), part("output", output));
    }

    /** V tokens, embeddings of size E, {@code layers} layers of {@code cell} with H units. */
    public static LanguageModel of(Cell cell, int vocabularySize, int embeddingSize, int hiddenSize, int layers, Rng rng) {
        List<Recurrent> stack = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            stack.add(cell.layer(l == 0 ? embeddingSize : hiddenSize, hiddenSize, rng));
        }
        return new LanguageModel(new Embedding(vocabularySize, embeddingSize, rng), new Stacked(stack),
                new Affine(hiddenSize, vocabularySize, "Why", "by", rng));
    }

    public Embedding embedding() {
        return embedding;
    }

    public Stacked rnn() {
        return rnn;
    }

    public Affine output() {
        return output;
    }

    public int vocabularySize() {
        return embedding.vocabularySize();
    }

    @Override
    public List<Parameter> parameters() {
        return params;
    }

    @Override
    public void train(boolean training) {
        rnn.train(training);
        if (inputDropout != null) {
            inputDropout.train(training);
            outputDropout.train(training);
        }
        // float64 only: begin
        this.training = training;
        if (float32 != null) {
            float32.train(training);
        }
        // float64 only: end
    }
    // float64 only: begin

    /**
     * The arithmetic of {@link #forward}, {@link #backward} and {@link #evaluate}: FLOAT64 (the default) or FLOAT32,
     * about twice as fast. In FLOAT32 a float32 twin of this model (the same layers, generated from this code into
     * {@code rnnkit.f32}) does the arithmetic: each forward pass rounds this model's weights into it, each backward
     * pass adds its gradients to this model's. The parameters stay in float64 (the "master weights" of
     * mixed-precision training), so optimizers, clipping, model files and sampling are unchanged. Call it before or
     * after configuring dropout (the twin draws its masks from the same generators, and is made anew when a dropout or
     * a leak rate changes). In FLOAT32 the states of the last pass come from this model ({@link #finalStates}, {@link #statesAt}); the caches of its own layers
     * ({@code rnn().statesAt}, {@code hiddenGradNorms}) are those of its last float64 pass. Returns this model.
     */
    public LanguageModel precision(Precision precision) {
        float32 = precision == Precision.FLOAT32 ? new Float32Twin(this, training) : null;
        return this;
    }

    /** The arithmetic training runs in. */
    public Precision precision() {
        return float32 == null ? Precision.FLOAT64 : Precision.FLOAT32;
    }
    // float64 only: end

    /**
     * Dropout with probability p on the non-recurrent connections at both ends of the stack: the embeddings that
     * enter the first layer and the top layer's outputs before the output layer. A new mask every step is Zaremba
     * et al.'s scheme; {@code oneMaskPerSequence} gives Gal &amp; Ghahramani's variational masks. Dropout between
     * layers is {@link Stacked#dropoutBetween}, on the recurrent connection each layer's {@code recurrentDropout}.
     * p = 0 switches it off. Returns this model.
     */
    public LanguageModel dropout(double p, boolean oneMaskPerSequence, Rng rng) {
        inputDropout = p == 0 ? null : new Dropout(p, oneMaskPerSequence, rng);
        outputDropout = p == 0 ? null : new Dropout(p, oneMaskPerSequence, rng);
        return this;
    }

    /**
     * The mean cross-entropy of predicting {@code targets[t][b]} from {@code inputs[0..t][b]}, starting from
     * {@code initial} (one state per layer; null: zeros), over the positions where {@code mask} (T&times;B; null:
     * all) is 1. Keeps a cache for {@link #backward()}.
     */
    public double forward(int[][] inputs, int[][] targets, List<State> initial, DMatrixRMaj mask) {
        // float64 only: begin
        if (float32 != null) {
            if (!float32.mirrors(this)) {                  // dropout or a leak rate set after precision(FLOAT32)
                float32 = new Float32Twin(this, training);
            }
            return float32.forward(inputs, targets, initial, mask);
        }
        // float64 only: end
        this.targets = targets;
        this.mask = mask;
        Sequence x = embedding.forward(inputs);
        if (inputDropout != null) {
            x = inputDropout.forward(x);
        }
        Sequence h = rnn.forward(x, initial, null);
        if (outputDropout != null) {
            h = outputDropout.forward(h);
        }
        Sequence scores = output.forward(h);
        dscores = new Sequence(scores.length(), scores.batch(), scores.dim());
        return SoftmaxCrossEntropy.sequenceLoss(scores, targets, mask, dscores);
    }

    /** Backpropagation through time from the last forward pass's loss; accumulates every parameter's gradient. */
    public void backward() {
        // float64 only: begin
        if (float32 != null) {
            float32.backward();
            return;
        }
        // float64 only: end
        Sequence dh = output.backward(dscores);
        if (outputDropout != null) {
            dh = outputDropout.backward(dh);
        }
        Sequence dx = rnn.backward(dh, null);
        if (inputDropout != null) {
            dx = inputDropout.backward(dx);
        }
        embedding.backward(dx);
    }

    /** The states after the last forward pass: carry them to the next chunk of a stream (they are copies). */
    public List<State> finalStates() {
        // float64 only: begin
        if (float32 != null) {
            return float32.finalStates();
        }
        // float64 only: end
        return rnn.finalStates();
    }

    /** The states of all layers after step t of the last forward pass (copies). */
    public List<State> statesAt(int t) {
        // float64 only: begin
        if (float32 != null) {
            return float32.statesAt(t);
        }
        // float64 only: end
        return rnn.statesAt(t);
    }

    /** The mean loss over a whole token stream without training (no dropout), carrying the state across chunks. */
    public double evaluate(rnnkit.text.LmStream stream) {
        train(false);
        try {
            double total = 0;
            List<State> state = null;
            for (int k = 0; k < stream.chunks(); k++) {
                rnnkit.text.LmStream.Chunk c = stream.chunk(k);
                total += forward(c.inputs(), c.targets(), state, null);
                state = finalStates();
            }
            return total / stream.chunks();
        } finally {
            train(true);
        }
    }

    /** Zero states for a batch, one per layer: where sampling starts. */
    public List<State> zeroStates(int batch) {
        return rnn.zeroStates(batch);
    }

    // float64 only: begin
    /** The model one token at a time, for sampling: state = one {@link State} per layer. */
    public StepModel<List<State>> stepper() {
        return new RecurrentStepper(embedding, rnn, output);
    }
    // float64 only: end
}
