package rnnkit.models;

import static rnnkit.core.Trainable.part;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import rnnkit.core.Activation;
import rnnkit.core.Ops;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.core.Trainable;
import rnnkit.decode.StepModel;
import rnnkit.layers.Affine;
import rnnkit.layers.Embedding;
import rnnkit.layers.Recurrent;
import rnnkit.layers.Rnn;
import rnnkit.layers.SoftmaxCrossEntropy;
import rnnkit.layers.State;
import rnnkit.text.TeacherForcing;

/**
 * An image captioning model: a recurrent language model over caption words, conditioned on an image's feature
 * vector v (F numbers from an image encoder). Where the image enters is its {@link Conditioning}:
 * <pre>
 *   EVERY_STEP     h_t = tanh(x_t W_xh + v W_ih + h_{t-1} W_hh + b_h)   at every step (Mao et al., 2015)
 *   FIRST_STEP     the same at t = 1 only, without v after that          (Karpathy &amp; Fei-Fei, 2015)
 *   INITIAL_STATE  h_0 = v W_vh + b_vh, then an ordinary RNN              (CS231n's assignment 3)
 *   NONE           no image: a language model of captions, the baseline that shows what the image is worth
 * </pre>
 * EVERY_STEP and FIRST_STEP are an RNN whose input is the concatenation [x_t, v] (FIRST_STEP: [x_t, 0] after the
 * first step): its input weights are W_xh stacked on W_ih, since [x_t, v] [W_xh; W_ih] = x_t W_xh + v W_ih. So the
 * layer is the library's recurrent layer of any {@link Cell}, fed [x_t, v]; for an LSTM or GRU, v enters every gate. Trained with teacher forcing (see {@link TeacherForcing}) on
 * the mean cross-entropy of the real tokens; decoded one word at a time with {@link #stepper()}.
 */
public final class Captioner implements Trainable {

    /** Where the image's features enter the recurrence. */
    public enum Conditioning {
        EVERY_STEP, FIRST_STEP, INITIAL_STATE, NONE;

        /** Whether v is part of the recurrent layer's input (at every step, or the first). */
        boolean isInput() {
            return this == EVERY_STEP || this == FIRST_STEP;
        }
    }

    private final Conditioning conditioning;
    private final Embedding embedding;
    private final Recurrent rnn;
    private final Affine image;        // v -> h_0 (INITIAL_STATE only)
    private final Affine output;
    private final int featureSize;
    private final List<Parameter> params;

    // the cache of the last forward pass
    private DMatrixRMaj features;
    private int[][] targets;
    private DMatrixRMaj mask;
    private Sequence dscores;

    /**
     * A captioner for a vocabulary of V words with embeddings of size E, F image features and one recurrent layer of
     * H units of the given cell; PyTorch's initialization.
     */
    public Captioner(Conditioning conditioning, Cell cell, int vocabularySize, int embeddingSize, int featureSize, int hiddenSize, Rng rng) {
        this.conditioning = conditioning;
        this.featureSize = featureSize;
        this.embedding = new Embedding(vocabularySize, embeddingSize, rng);
        this.rnn = cell.layer(embeddingSize + (conditioning.isInput() ? featureSize : 0), hiddenSize, rng);
        this.image = conditioning == Conditioning.INITIAL_STATE ? new Affine(featureSize, hiddenSize, "Wvh", "bvh", rng) : null;
        this.output = new Affine(hiddenSize, vocabularySize, "Why", "by", rng);
        this.params = image == null
                ? Trainable.prefixed(part("embedding", embedding), part("rnn", rnn), part("output", output))
                : Trainable.prefixed(part("embedding", embedding), part("image", image), part("rnn", rnn), part("output", output));
    }

    public Conditioning conditioning() {
        return conditioning;
    }

    public Embedding embedding() {
        return embedding;
    }

    public Recurrent rnn() {
        return rnn;
    }

    public Affine output() {
        return output;
    }

    public int featureSize() {
        return featureSize;
    }

    @Override
    public List<Parameter> parameters() {
        return params;
    }

    /**
     * The mean cross-entropy of the batch's targets (real tokens only, by its mask) given the images' features
     * (B&times;F, row b for caption b). Keeps a cache for {@link #backward()}.
     */
    public double forward(DMatrixRMaj features, TeacherForcing batch) {
        Ops.requireShape(features, batch.batch(), featureSize, "image features (one row per caption)");
        this.features = features;
        this.targets = batch.targets();
        this.mask = batch.mask();
        Sequence x = embedding.forward(batch.inputs());
        if (conditioning.isInput()) {
            Sequence xv = new Sequence(x.length(), x.batch(), x.dim() + featureSize);
            DMatrixRMaj none = new DMatrixRMaj(features.numRows, featureSize);
            for (int t = 0; t < x.length(); t++) {
                Ops.concatColumns(x.at(t), imageAt(t, features, none), xv.at(t));     // [x_t, v]
            }
            x = xv;
        }
        Sequence h = rnn.forward(x, initialState(features));
        Sequence scores = output.forward(h);
        dscores = new Sequence(scores.length(), scores.batch(), scores.dim());
        return SoftmaxCrossEntropy.sequenceLoss(scores, targets, mask, dscores);
    }

    /** Backpropagation through time from the last forward pass's loss; accumulates every parameter's gradient. */
    public void backward() {
        Sequence dh = output.backward(dscores);
        Sequence dx = rnn.backward(dh, null);
        if (conditioning.isInput()) {
            Sequence dxOnly = new Sequence(dx.length(), dx.batch(), embedding.dim());
            DMatrixRMaj dv = new DMatrixRMaj(dx.batch(), featureSize);     // the encoder is fixed: dL/dv goes nowhere
            for (int t = 0; t < dx.length(); t++) {
                Ops.splitColumns(dx.at(t), dxOnly.at(t), dv);
            }
            dx = dxOnly;
        } else if (conditioning == Conditioning.INITIAL_STATE) {
            image.backward(rnn.initialGradient().h);                            // h_0 = v W_vh + b_vh
        }
        embedding.backward(dx);
    }

    /** What the layer reads as the image at step t: v, or (FIRST_STEP after the first step) zeros. */
    private DMatrixRMaj imageAt(int t, DMatrixRMaj features, DMatrixRMaj zeros) {
        return t == 0 || conditioning == Conditioning.EVERY_STEP ? features : zeros;
    }

    /** The state before the first word: h_0 from the image (INITIAL_STATE), else zeros. */
    private State initialState(DMatrixRMaj features) {
        if (conditioning != Conditioning.INITIAL_STATE) {
            return null;
        }
        State zero = rnn.zeroState(features.numRows);
        return new State(image.forward(features), zero.c);
    }

    /**
     * A decoder's state: the recurrent state, and what the layer reads as the image at the next step, one row each
     * (EVERY_STEP: v; FIRST_STEP: v at the first step, zeros after; INITIAL_STATE and NONE carry v but do not read it).
     */
    public record DecoderState(State rnn, DMatrixRMaj features) {
    }

    /** Where decoding starts for these images (one row each). */
    public DecoderState start(DMatrixRMaj features) {
        Ops.requireShape(features, features.numRows, featureSize, "image features");
        State s = initialState(features);
        return new DecoderState(s == null ? rnn.zeroState(features.numRows) : s, features);
    }

    /** The model one word at a time: for greedy decoding, sampling and beam search (rows are images, or beams). */
    public StepModel<DecoderState> stepper() {
        return new StepModel<>() {
            @Override
            public Step<DecoderState> next(DecoderState state, int[] tokens) {
                DMatrixRMaj x = embedding.lookup(tokens, null);
                if (conditioning.isInput()) {
                    x = Ops.concatColumns(x, state.features(), null);            // [x_t, v]
                }
                State after = rnn.step(x, state.rnn());
                DMatrixRMaj scores = output.forward(after.h);
                DMatrixRMaj next = conditioning == Conditioning.FIRST_STEP ? new DMatrixRMaj(tokens.length, featureSize) : state.features();
                return new Step<>(SoftmaxCrossEntropy.logSoftmax(scores), new DecoderState(after, next));
            }

            @Override
            public DecoderState select(DecoderState state, int[] rows) {
                DMatrixRMaj v = new DMatrixRMaj(rows.length, featureSize);
                for (int i = 0; i < rows.length; i++) {
                    System.arraycopy(state.features().data, rows[i] * featureSize, v.data, i * featureSize, featureSize);
                }
                return new DecoderState(state.rnn().select(rows), v);
            }
        };
    }

    /**
     * One step of the lecture's conditioned RNN cell on its own:
     * {@code h_t = tanh(x_t W_xh + v W_ih + h_{t-1} W_hh + b_h)}, computed as an RNN step on [x_t, v] with the input
     * weights [W_xh; W_ih].
     */
    public static DMatrixRMaj stepForward(DMatrixRMaj x, DMatrixRMaj v, DMatrixRMaj hPrev, DMatrixRMaj Wxh, DMatrixRMaj Wih,
                                          DMatrixRMaj Whh, DMatrixRMaj bh) {
        return Rnn.stepForward(Ops.concatColumns(x, v, null), hPrev, CommonOps_DDRM.concatRowsMulti(Wxh, Wih), Whh, bh, Activation.TANH);
    }

    /** The gradients of one conditioned step: with respect to x_t, v, h_{t-1} and the four parameters. */
    public record StepGradients(DMatrixRMaj dx, DMatrixRMaj dv, DMatrixRMaj dhPrev, DMatrixRMaj dWxh, DMatrixRMaj dWih,
                                DMatrixRMaj dWhh, DMatrixRMaj dbh) {
    }

    /** One conditioned step back, given dL/dh_t and the forward's inputs and output: the RNN step's gradients, split. */
    public static StepGradients stepBackward(DMatrixRMaj dhNext, DMatrixRMaj x, DMatrixRMaj v, DMatrixRMaj hPrev,
                                             DMatrixRMaj hNext, DMatrixRMaj Wxh, DMatrixRMaj Wih, DMatrixRMaj Whh) {
        Rnn.StepGradients g = Rnn.stepBackward(dhNext, Ops.concatColumns(x, v, null), hPrev, hNext,
                CommonOps_DDRM.concatRowsMulti(Wxh, Wih), Whh, Activation.TANH);
        DMatrixRMaj dx = new DMatrixRMaj(x.numRows, x.numCols);
        DMatrixRMaj dv = new DMatrixRMaj(v.numRows, v.numCols);
        Ops.splitColumns(g.dx(), dx, dv);                                        // d[x, v] = [dx, dv]
        DMatrixRMaj dWxh = CommonOps_DDRM.extract(g.dWxh(), 0, Wxh.numRows, 0, Wxh.numCols);
        DMatrixRMaj dWih = CommonOps_DDRM.extract(g.dWxh(), Wxh.numRows, Wxh.numRows + Wih.numRows, 0, Wih.numCols);
        return new StepGradients(dx, dv, g.dhPrev(), dWxh, dWih, g.dWhh(), g.dbh());
    }
}
