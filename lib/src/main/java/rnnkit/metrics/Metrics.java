package rnnkit.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Accuracy, perplexity, BLEU and confusion matrices. */
public final class Metrics {

    private Metrics() {
    }

    /** The column of the largest score in each row (the first one on ties). */
    public static int[] argmax(DMatrixRMaj scores) {
        int[] out = new int[scores.numRows];
        for (int r = 0; r < scores.numRows; r++) {
            int best = 0;
            for (int j = 1; j < scores.numCols; j++) {
                if (scores.get(r, j) > scores.get(r, best)) {
                    best = j;
                }
            }
            out[r] = best;
        }
        return out;
    }

    /** The fraction of predictions equal to the gold labels. */
    public static double accuracy(int[] predicted, int[] gold) {
        if (predicted.length != gold.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + gold.length + " labels");
        }
        int right = 0;
        for (int i = 0; i < gold.length; i++) {
            right += predicted[i] == gold[i] ? 1 : 0;
        }
        return gold.length == 0 ? 0 : right / (double) gold.length;
    }

    /** Per-token accuracy over the real tokens ({@code mask} T&times;B is 1) of {@code [T][B]} predictions. */
    public static double maskedAccuracy(int[][] predicted, int[][] gold, DMatrixRMaj mask) {
        double right = 0;
        double total = 0;
        for (int t = 0; t < gold.length; t++) {
            for (int b = 0; b < gold[t].length; b++) {
                double m = mask == null ? 1 : mask.get(t, b);
                total += m;
                right += m * (predicted[t][b] == gold[t][b] ? 1 : 0);
            }
        }
        return total == 0 ? 0 : right / total;
    }

    /**
     * Perplexity = exp(mean cross-entropy in nats): the number of equally likely choices the model is, on
     * average, as uncertain as. A uniform model over V tokens has perplexity V.
     */
    public static double perplexity(double meanCrossEntropy) {
        return Math.exp(meanCrossEntropy);
    }

    /**
     * Corpus BLEU (Papineni et al., 2002) with one reference per hypothesis: the geometric mean of the clipped
     * n-gram precisions for n = 1..4, counted over the whole corpus, times the brevity penalty
     * {@code min(1, exp(1 - r/c))} (r, c: reference and hypothesis lengths). In [0, 1]; 0 if some order has no
     * match at all.
     */
    public static double bleu(List<List<String>> hypotheses, List<List<String>> references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException(hypotheses.size() + " hypotheses for " + references.size() + " references");
        }
        long[] matches = new long[4];
        long[] totals = new long[4];
        long hypLength = 0;
        long refLength = 0;
        for (int i = 0; i < hypotheses.size(); i++) {
            List<String> h = hypotheses.get(i);
            List<String> r = references.get(i);
            hypLength += h.size();
            refLength += r.size();
            for (int n = 1; n <= 4; n++) {
                Map<List<String>, Integer> refCounts = ngrams(r, n);
                for (Map.Entry<List<String>, Integer> e : ngrams(h, n).entrySet()) {
                    matches[n - 1] += Math.min(e.getValue(), refCounts.getOrDefault(e.getKey(), 0)); // clipped
                }
                totals[n - 1] += Math.max(0, h.size() - n + 1);
            }
        }
        double logPrecision = 0;
        for (int n = 0; n < 4; n++) {
            if (matches[n] == 0 || totals[n] == 0) {
                return 0;
            }
            logPrecision += Math.log(matches[n] / (double) totals[n]) / 4;
        }
        double brevity = hypLength >= refLength ? 1 : Math.exp(1 - refLength / (double) hypLength);
        return brevity * Math.exp(logPrecision);
    }

    private static Map<List<String>, Integer> ngrams(List<String> tokens, int n) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            counts.merge(List.copyOf(tokens.subList(i, i + n)), 1, Integer::sum);
        }
        return counts;
    }

    /** counts[gold][predicted]. */
    public static int[][] confusion(int[] predicted, int[] gold, int classes) {
        int[][] m = new int[classes][classes];
        for (int i = 0; i < gold.length; i++) {
            m[gold[i]][predicted[i]]++;
        }
        return m;
    }

    /** A confusion matrix as a table: one row per gold class, one column per predicted class. */
    public static Table confusionTable(int[][] counts, List<String> labels) {
        Table t = Table.create("confusion (rows: gold, columns: predicted)", StringColumn.create("gold", labels));
        for (int p = 0; p < labels.size(); p++) {
            int[] col = new int[labels.size()];
            for (int g = 0; g < labels.size(); g++) {
                col[g] = counts[g][p];
            }
            t.addColumns(IntColumn.create(labels.get(p), col));
        }
        return t;
    }

    /** Recall of each class: right / gold count (NaN for a class that never occurs). */
    public static double[] perClassAccuracy(int[][] counts) {
        double[] out = new double[counts.length];
        for (int g = 0; g < counts.length; g++) {
            int total = 0;
            for (int c : counts[g]) {
                total += c;
            }
            out[g] = total == 0 ? Double.NaN : counts[g][g] / (double) total;
        }
        return out;
    }
}
