package rnnkit.examples;

import java.util.List;
import java.util.Locale;
import rnnkit.core.Precision;
import rnnkit.core.Rng;
import rnnkit.data.TinyShakespeare;
import rnnkit.decode.Decoding;
import rnnkit.layers.State;
import rnnkit.models.Cell;
import rnnkit.models.LanguageModel;
import rnnkit.models.NGram;
import rnnkit.text.LmStream;
import rnnkit.text.Tokenizer;
import rnnkit.text.Vocabulary;
import rnnkit.train.Clip;
import rnnkit.train.Optimizer;
import rnnkit.ui.ProgressBar;

/**
 * A character-level LSTM language model on tiny Shakespeare, trained until its validation loss is below the
 * add-one bigram model's (or for a given number of steps), then sampled. The whole library in one page:
 * vocabulary, LM stream, embedding + LSTM + output layer, truncated BPTT with the state carried across chunks,
 * gradient clipping, Adam, evaluation and sampling.
 *
 * <pre>
 *   ./build.sh example char-lm [--hidden 128] [--steps 0] [--batch 32] [--seq 64] [--seed 1] [--float32]
 * </pre>
 * {@code --steps 0} trains until the validation loss beats the bigram baseline; {@code --float32} trains in float32
 * ({@link LanguageModel#precision}), with the parameters kept in float64.
 */
public final class CharLanguageModel {

    private CharLanguageModel() {
    }

    public static void main(String[] args) {
        int hidden = option(args, "--hidden", 128);
        int maxSteps = option(args, "--steps", 0);
        int batch = option(args, "--batch", 32);
        int seq = option(args, "--seq", 64);
        int seed = option(args, "--seed", 1);
        int evalEvery = option(args, "--eval-every", 50);
        Precision precision = java.util.Arrays.asList(args).contains("--float32") ? Precision.FLOAT32 : Precision.FLOAT64;

        TinyShakespeare.Split text = TinyShakespeare.load();
        Vocabulary vocab = Vocabulary.ofChars(text.all());
        int[] train = vocab.encode(Tokenizer.chars(text.train()));
        int[] valid = vocab.encode(Tokenizer.chars(text.validation()));
        NGram ngram = NGram.fit(train, vocab.size(), 1.0);
        double bigram = ngram.bigramCrossEntropy(valid);
        System.out.printf(Locale.ROOT, "tiny Shakespeare: %d training and %d validation characters, V = %d%n",
                train.length, valid.length, vocab.size());
        System.out.printf(Locale.ROOT, "baselines on validation: uniform %.4f, unigram %.4f, add-one bigram %.4f nats/char%n",
                Math.log(vocab.size()), ngram.unigramCrossEntropy(valid), bigram);

        Rng rng = new Rng(seed);
        LanguageModel lm = LanguageModel.of(Cell.LSTM, vocab.size(), 64, hidden, 1, rng).precision(precision);
        Optimizer adam = new Optimizer.Adam(lm.parameters(), 2e-3);
        LmStream stream = new LmStream(train, batch, seq);
        LmStream validation = new LmStream(valid, batch, seq);
        System.out.printf(Locale.ROOT, "LSTM H=%d, %,d parameters; batch %d x %d steps; training in %s%n", hidden,
                lm.parameterCount(), batch, seq, precision == Precision.FLOAT32 ? "float32" : "float64");

        List<State> state = null;
        long trainNanos = 0;
        long tokens = 0;
        double firstValidation = lm.evaluate(validation);
        double lastValidation = firstValidation;
        System.out.printf(Locale.ROOT, "step %5d  validation %.4f%n", 0, firstValidation);
        int step = 0;
        try (ProgressBar bar = ProgressBar.start("training", maxSteps).unit("step")) {
            while (maxSteps == 0 || step < maxSteps) {
                LmStream.Chunk c = stream.chunk(step % stream.chunks());
                if (step % stream.chunks() == 0) {
                    state = null; // a new pass over the text starts from a zero state
                }
                long t0 = System.nanoTime();
                lm.zeroGrad();
                double loss = lm.forward(c.inputs(), c.targets(), state, null);
                lm.backward();
                Clip.byGlobalNorm(lm.parameters(), 5.0);
                adam.step();
                state = lm.finalStates(); // carried to the next chunk, without gradient
                trainNanos += System.nanoTime() - t0;
                tokens += (long) batch * seq;
                step++;
                bar.step().show("loss", loss);
                if (step % evalEvery == 0) {
                    lastValidation = lm.evaluate(validation);
                    bar.show("validation", lastValidation);
                    System.out.printf(Locale.ROOT, "%nstep %5d  train %.4f  validation %.4f  (%.0f tokens/s)%n", step, loss,
                            lastValidation, tokens / (trainNanos / 1e9));
                    if (maxSteps == 0 && lastValidation < bigram) {
                        break;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nvalidation loss %.4f -> %.4f nats/char after %d steps (%s the bigram's %.4f)%n",
                firstValidation, lastValidation, step, lastValidation < bigram ? "below" : "not below", bigram);
        System.out.printf(Locale.ROOT, "training time %.1f s, %.0f tokens/s%n", trainNanos / 1e9, tokens / (trainNanos / 1e9));
        int[] prime = {vocab.id("\n")};
        int[][] sample = Decoding.sample(lm.stepper(), lm.zeroStates(1), prime, -1, 300, 0.8, 0, new Rng(seed));
        System.out.println("sample at temperature 0.8:\n" + vocab.decodeToString(sample[0]));
    }

    private static int option(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                try {
                    return Integer.parseInt(args[i + 1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + " needs a whole number, got '" + args[i + 1] + "'");
                }
            }
        }
        return fallback;
    }
}
