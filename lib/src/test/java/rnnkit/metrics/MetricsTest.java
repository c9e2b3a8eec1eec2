package rnnkit.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import rnnkit.layers.SoftmaxCrossEntropy;

class MetricsTest {

    private static List<String> words(String s) {
        return List.of(s.split(" "));
    }

    @Test
    void aUniformModelHasPerplexityV() {
        int V = 65;
        DMatrixRMaj scores = new DMatrixRMaj(10, V); // equal scores: uniform
        int[] targets = new int[10];
        for (int i = 0; i < 10; i++) {
            targets[i] = (7 * i) % V;
        }
        assertEquals(V, Metrics.perplexity(SoftmaxCrossEntropy.loss(scores, targets, null, null)), 1e-10);
    }

    @Test
    void bleuOfKnownPairs() {
        assertEquals(1.0, Metrics.bleu(List.of(words("the cat sat on the mat")), List.of(words("the cat sat on the mat"))), 1e-15);
        assertEquals(0.0, Metrics.bleu(List.of(words("a b c d")), List.of(words("e f g h"))), 0);
        // hypothesis of 4 tokens, reference of 5: 1-grams 4/4, 2-grams 3/3, 3-grams 2/2, 4-grams 1/1; brevity exp(1 - 5/4)
        assertEquals(Math.exp(1 - 5.0 / 4), Metrics.bleu(List.of(words("the cat sat on")), List.of(words("the cat sat on mat"))), 1e-12);
        // clipped counts: "the the the the" against "the cat": unigram precision 1/4, no bigram match
        assertEquals(0.0, Metrics.bleu(List.of(words("the the the the")), List.of(words("the cat"))), 0);
        // corpus-level: counts add up over sentences before the mean
        double p1 = 8 / 9.0;
        double p2 = 6 / 7.0;
        double p3 = 4 / 5.0;
        double p4 = 2 / 3.0;
        double expected = Math.exp((Math.log(p1) + Math.log(p2) + Math.log(p3) + Math.log(p4)) / 4);
        assertEquals(expected, Metrics.bleu(List.of(words("a b c d x"), words("e f g h")),
                List.of(words("a b c d y"), words("e f g h"))), 1e-12);
    }

    @Test
    void accuracyAndMaskedAccuracy() {
        assertEquals(0.75, Metrics.accuracy(new int[]{1, 2, 3, 4}, new int[]{1, 2, 3, 0}), 0);
        int[][] pred = {{1, 1}, {2, 9}};
        int[][] gold = {{1, 0}, {2, 2}};
        DMatrixRMaj mask = new DMatrixRMaj(new double[][]{{1, 1}, {1, 0}});
        assertEquals(2 / 3.0, Metrics.maskedAccuracy(pred, gold, mask), 1e-15, "the padded wrong prediction does not count");
        assertArrayEquals(new int[]{2, 0}, Metrics.argmax(new DMatrixRMaj(new double[][]{{0, 1, 5}, {3, 3, 1}})));
    }

    @Test
    void confusionCountsGoldAgainstPredicted() {
        int[][] c = Metrics.confusion(new int[]{0, 1, 1, 2}, new int[]{0, 1, 2, 2}, 3);
        assertEquals(1, c[2][1], "one 2 predicted as 1");
        assertEquals(1, c[2][2]);
        assertArrayEquals(new double[]{1, 1, 0.5}, Metrics.perClassAccuracy(c), 1e-15);
        assertEquals(3, Metrics.confusionTable(c, List.of("a", "b", "c")).rowCount());
        assertEquals(1, Metrics.confusionTable(c, List.of("a", "b", "c")).intColumn("b").get(2));
    }
}
