package rnnkit.models;

import static rnnkit.core.Trainable.part;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Trainable;
import rnnkit.core.Parameter;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.decode.StepModel;
import rnnkit.layers.Affine;
import rnnkit.layers.Embedding;
import rnnkit.layers.Recurrent;
import rnnkit.layers.SoftmaxCrossEntropy;
import rnnkit.layers.Stacked;
import rnnkit.layers.State;

/**
 * Sequence to sequence (Sutskever et al., 2014; Cho et al., 2014): an encoder reads the source, and its final
 * state, one per layer, becomes the decoder's initial state; the decoder then predicts the target one token at a
 * time from the previous one ({@code <bos>} first). Trained with teacher forcing: the decoder is fed the true
 * previous tokens. Padded sources keep their state over padding, so the encoder's final state is each source's
 * own.
 */
public final class EncoderDecoder implements Trainable {

    private final Embedding sourceEmbedding;
    private final Stacked encoder;
    private final Embedding targetEmbedding;
    private final Stacked decoder;
    private final Affine output;
    private final List<Parameter> params;

    private Sequence dscores;
    private int sourceSteps;

    public EncoderDecoder(Embedding sourceEmbedding, Stacked encoder, Embedding targetEmbedding, Stacked decoder, Affine output) {
        if (encoder.depth() != decoder.depth()) {
            throw new IllegalArgumentException("the encoder has " + encoder.depth() + " layers and the decoder "
                    + decoder.depth() + ": each decoder layer starts from the state of the encoder layer below it");
        }
        for (int l = 0; l < encoder.depth(); l++) {
            if (encoder.layer(l).hiddenSize() != decoder.layer(l).hiddenSize() || encoder.layer(l).hasCell() != decoder.layer(l).hasCell()) {
                throw new IllegalArgumentException("encoder and decoder layer " + l + " need the same state shape");
            }
        }
        this.sourceEmbedding = sourceEmbedding;
        this.encoder = encoder;
        this.targetEmbedding = targetEmbedding;
        this.decoder = decoder;
        this.output = output;
        this.params = Trainable.prefixed(part("sourceEmbedding", sourceEmbedding), part("encoder", encoder),
                part("targetEmbedding", targetEmbedding), part("decoder", decoder), part("output", output));
    }

    /** Source and target vocabularies, embeddings of size E, {@code layers} layers of {@code cell} with H units. */
    public static EncoderDecoder of(Cell cell, int sourceVocabulary, int targetVocabulary, int embeddingSize,
                                    int hiddenSize, int layers, Rng rng) {
        List<Recurrent> enc = new ArrayList<>();
        List<Recurrent> dec = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            enc.add(cell.layer(l == 0 ? embeddingSize : hiddenSize, hiddenSize, rng));
            dec.add(cell.layer(l == 0 ? embeddingSize : hiddenSize, hiddenSize, rng));
        }
        return new EncoderDecoder(new Embedding(sourceVocabulary, embeddingSize, rng), new Stacked(enc),
                new Embedding(targetVocabulary, embeddingSize, rng), new Stacked(dec),
                new Affine(hiddenSize, targetVocabulary, "Why", "by", rng));
    }

    public Embedding sourceEmbedding() {
        return sourceEmbedding;
    }

    public Stacked encoder() {
        return encoder;
    }

    public Embedding targetEmbedding() {
        return targetEmbedding;
    }

    public Stacked decoder() {
        return decoder;
    }

    public Affine output() {
        return output;
    }

    @Override
    public List<Parameter> parameters() {
        return params;
    }

    @Override
    public void train(boolean training) {
        encoder.train(training);
        decoder.train(training);
    }

    /** Reads the sources ({@code [Ts][B]}, padding where {@code sourceMask} is 0); returns one state per layer. */
    public List<State> encode(int[][] source, DMatrixRMaj sourceMask) {
        sourceSteps = source.length;
        encoder.forward(sourceEmbedding.forward(source), null, sourceMask);
        return encoder.finalStates();
    }

    /**
     * Teacher forcing: the mean cross-entropy of predicting {@code targetOut[t][b]} after reading
     * {@code targetIn[0..t][b]} (usually {@code <bos>} y_1 ... and y_1 ... {@code <eos>}), over the positions where
     * {@code targetMask} is 1. Keeps a cache for {@link #backward()}.
     */
    public double forward(int[][] source, DMatrixRMaj sourceMask, int[][] targetIn, int[][] targetOut, DMatrixRMaj targetMask) {
        List<State> start = encode(source, sourceMask);
        Sequence h = decoder.forward(targetEmbedding.forward(targetIn), start, targetMask);
        Sequence scores = output.forward(h);
        dscores = new Sequence(scores.length(), scores.batch(), scores.dim());
        return SoftmaxCrossEntropy.sequenceLoss(scores, targetOut, targetMask, dscores);
    }

    /**
     * The training step of scheduled sampling (Bengio et al., 2015): the decoder's input at each step is the true
     * previous token with probability {@code epsilon} and otherwise a token sampled from the model's own
     * prediction (see {@link rnnkit.decode.ScheduledSampling#mixInputs}); the loss is then computed, with a cache
     * for {@link #backward()}, as under teacher forcing but with those inputs. epsilon = 1 is teacher forcing.
     */
    public double forwardScheduled(int[][] source, DMatrixRMaj sourceMask, int[][] targetIn, int[][] targetOut,
                                   DMatrixRMaj targetMask, double epsilon, rnnkit.core.Rng rng) {
        int[][] inputs = rnnkit.decode.ScheduledSampling.mixInputs(decoderStepper(), encode(source, sourceMask), targetIn, epsilon, rng);
        return forward(source, sourceMask, inputs, targetOut, targetMask);
    }

    /** Back through the decoder, into the encoder through its final state, and into both embeddings. */
    public void backward() {
        Sequence dh = output.backward(dscores);
        targetEmbedding.backward(decoder.backward(dh, null));
        List<State> dStart = decoder.initialGradients();
        Sequence noOutputGradient = new Sequence(sourceSteps, dh.batch(), encoder.hiddenSize()); // only the final state is used
        sourceEmbedding.backward(encoder.backward(noOutputGradient, dStart));
    }

    /** The decoder one token at a time from an encoded state, for greedy, sampled and beam-search decoding. */
    public StepModel<List<State>> decoderStepper() {
        return new RecurrentStepper(targetEmbedding, decoder, output);
    }
}
