package rnnkit.models;

/**
 * Count-based baselines for language models: the unigram model P(y) and the bigram model P(y | previous token),
 * with add-k smoothing ({@code (count + k) / (total + kV)}), so that unseen pairs keep a little probability.
 * A recurrent model has learnt something once its loss is below the bigram model's.
 */
public final class NGram {

    private final int V;
    private final double k;
    private final long[] unigram;
    private final long[][] bigram;
    private long total;

    private NGram(int vocabularySize, double k) {
        this.V = vocabularySize;
        this.k = k;
        this.unigram = new long[V];
        this.bigram = new long[V][V];
    }

    /** Counts from training tokens, with add-k smoothing (k = 1: Laplace's add-one). */
    public static NGram fit(int[] tokens, int vocabularySize, double k) {
        NGram m = new NGram(vocabularySize, k);
        for (int i = 0; i < tokens.length; i++) {
            m.unigram[tokens[i]]++;
            if (i > 0) {
                m.bigram[tokens[i - 1]][tokens[i]]++;
            }
        }
        m.total = tokens.length;
        return m;
    }

    public double unigramProbability(int y) {
        return (unigram[y] + k) / (total + k * V);
    }

    public double bigramProbability(int previous, int y) {
        long row = 0;
        for (long c : bigram[previous]) {
            row += c;
        }
        return (bigram[previous][y] + k) / (row + k * V);
    }

    /** Mean -log P(y_i) over the tokens, in nats. */
    public double unigramCrossEntropy(int[] tokens) {
        double s = 0;
        for (int y : tokens) {
            s -= Math.log(unigramProbability(y));
        }
        return s / tokens.length;
    }

    /** Mean -log P(y_i | y_{i-1}) over tokens 1..n-1, in nats. */
    public double bigramCrossEntropy(int[] tokens) {
        double[][] logP = new double[V][V];
        for (int a = 0; a < V; a++) {
            for (int b = 0; b < V; b++) {
                logP[a][b] = Math.log(bigramProbability(a, b));
            }
        }
        double s = 0;
        for (int i = 1; i < tokens.length; i++) {
            s -= logP[tokens[i - 1]][tokens[i]];
        }
        return s / (tokens.length - 1);
    }
}
