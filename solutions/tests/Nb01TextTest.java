package exercises;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import rnnkit.core.Init;
import rnnkit.core.Rng;
import rnnkit.core.Sequence;
import rnnkit.data.SentimentSentences;
import rnnkit.grader.testkit.Graded;
import rnnkit.grader.testkit.GradedNotebook;
import rnnkit.layers.Embedding;
import rnnkit.layers.Pooling;
import rnnkit.text.Batching;
import rnnkit.text.PaddedBatch;
import rnnkit.text.Tokenizer;
import rnnkit.text.Vocabulary;
import rnnkit.ui.Check;

/** Hidden tests of notebook 01: tokens, vocabularies, embeddings, pooling, padding, batching. */
@GradedNotebook("01-text-as-sequences")
class Nb01TextTest {

    /** Word lists with a realistic spread of frequencies: sentences made of a small Zipf-like vocabulary. */
    private static List<List<String>> sentences(int n, long seed) {
        Rng rng = new Rng(seed);
        List<List<String>> out = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            List<String> words = new ArrayList<>();
            int len = 1 + rng.nextInt(12);
            for (int i = 0; i < len; i++) {
                int rank = (int) Math.floor(Math.pow(rng.uniform(), 2) * 80);
                words.add("w" + rank);
            }
            out.add(words);
        }
        return out;
    }

    // ---- nb01_vocabulary (2 points) ----

    @Test
    @Graded(id = "nb01_vocabulary", weight = 2)
    @DisplayName("buildVocabulary matches the kit's Vocabulary on generated sentences")
    void vocabularyMatchesTheLibrary() {
        for (int maxSize : new int[]{20, 60, 1000}) {
            List<List<String>> data = sentences(300, maxSize);
            List<String> expected = Vocabulary.build(data, maxSize, 1).tokens();
            List<String> actual = Ex_nb01_vocabulary.buildVocabulary(data, maxSize);
            Check.that("buildVocabulary(300 sentences, maxSize " + maxSize + ") has " + expected.size() + " entries",
                    actual != null && actual.size() == expected.size(), "four specials, then tokens until maxSize entries in all");
            for (int i = 0; i < expected.size(); i++) {
                if (!expected.get(i).equals(actual.get(i))) {
                    Check.that("entry " + i + " is '" + expected.get(i) + "', not '" + actual.get(i) + "'", false,
                            i < 4 ? "the specials come first: <pad> <unk> <bos> <eos>" : "most frequent first; equal counts in alphabetical order");
                }
            }
        }
    }

    @Test
    @Graded(id = "nb01_vocabulary", weight = 1)
    @DisplayName("ties in frequency are broken alphabetically")
    void tiesAreAlphabetical() {
        List<String> v = Ex_nb01_vocabulary.buildVocabulary(List.of(List.of("zeta", "alpha", "mid"), List.of("mid")), 10);
        Check.that("the vocabulary of {zeta alpha mid} {mid} is [<pad> <unk> <bos> <eos> mid alpha zeta], got " + v,
                List.of("<pad>", "<unk>", "<bos>", "<eos>", "mid", "alpha", "zeta").equals(v), "sort by count, then by the token");
    }

    @Test
    @Graded(id = "nb01_vocabulary", weight = 1)
    @DisplayName("encode maps unknown tokens to <unk> (1)")
    void encodeMapsUnknownTokensToUnk() {
        List<String> v = List.of("<pad>", "<unk>", "<bos>", "<eos>", "good", "film");
        int[] ids = Ex_nb01_vocabulary.encode(v, List.of("good", "bad", "film", "good"));
        Check.that("encode(good bad film good) = [4, 1, 5, 4], got " + Arrays.toString(ids), Arrays.equals(new int[]{4, 1, 5, 4}, ids),
                "unknown tokens get <unk>'s id 1");
    }

    // ---- nb01_onehot (1 point) ----

    @Test
    @Graded(id = "nb01_onehot", weight = 2)
    @DisplayName("oneHot is a V×1 column with a single 1")
    void oneHotIsAColumnWithASingleOne() {
        for (int id : new int[]{0, 3, 6}) {
            DMatrixRMaj x = Ex_nb01_onehot.oneHot(id, 7);
            Check.shape("oneHot(" + id + ", 7)", x, 7, 1);
            DMatrixRMaj expected = new DMatrixRMaj(7, 1);
            expected.set(id, 0, 1);
            Check.close("oneHot(" + id + ", 7)", expected, x, 0, null);
        }
    }

    @Test
    @Graded(id = "nb01_onehot", weight = 1)
    @DisplayName("oneHot rejects ids outside the vocabulary")
    void oneHotRejectsBadIds() {
        for (int id : new int[]{-1, 7}) {
            boolean thrown = false;
            try {
                Ex_nb01_onehot.oneHot(id, 7);
            } catch (IllegalArgumentException e) {
                thrown = true;
            }
            Check.that("oneHot(" + id + ", 7) throws IllegalArgumentException", thrown, "check 0 <= id < V first");
        }
    }

    // ---- nb01_embedding (2 points) ----

    @Test
    @Graded(id = "nb01_embedding", weight = 2)
    @DisplayName("both lookups return column id of E")
    void bothLookupsReturnTheColumn() {
        DMatrixRMaj E = Init.uniform(5, 9, 1, 1);
        for (int id = 0; id < 9; id++) {
            DMatrixRMaj column = new DMatrixRMaj(5, 1);
            for (int d = 0; d < 5; d++) {
                column.set(d, 0, E.get(d, id));
            }
            Check.close("embedByColumn(E, " + id + ")", column, Ex_nb01_embedding.embedByColumn(E, id), 0, "copy column id into a D×1 matrix");
            Check.close("embedByProduct(E, " + id + ")", column, Ex_nb01_embedding.embedByProduct(E, id), 1e-15, "E (D×V) times the V×1 one-hot");
        }
    }

    @Test
    @Graded(id = "nb01_embedding", weight = 1)
    @DisplayName("lookups leave E unchanged")
    void lookupsDoNotChangeE() {
        DMatrixRMaj E = Init.uniform(4, 6, 1, 2);
        DMatrixRMaj before = E.copy();
        Check.shape("embedByColumn(E 4×6, 2)", Ex_nb01_embedding.embedByColumn(E, 2), 4, 1);
        Check.shape("embedByProduct(E 4×6, 2)", Ex_nb01_embedding.embedByProduct(E, 2), 4, 1);
        Check.close("E after the lookups", before, E, 0, "return new matrices");
    }

    // ---- nb01_embedding_backward (2 points) ----

    @Test
    @Graded(id = "nb01_embedding_backward", weight = 2)
    @DisplayName("embeddingBackward scatter-adds repeated tokens like the kit's Embedding")
    void backwardScatterAdds() {
        int V = 6;
        int D = 3;
        int[] ids = {2, 5, 2, 0, 2};
        DMatrixRMaj dEmb = Init.uniform(D, ids.length, 1, 3);
        Embedding layer = new Embedding(V, D, new Rng(1));
        int[][] timeMajor = new int[ids.length][1];
        Sequence dx = new Sequence(ids.length, 1, D);
        for (int p = 0; p < ids.length; p++) {
            timeMajor[p][0] = ids[p];
            for (int d = 0; d < D; d++) {
                dx.at(p).set(0, d, dEmb.get(d, p));
            }
        }
        layer.forward(timeMajor);
        layer.backward(dx);
        DMatrixRMaj expected = new DMatrixRMaj(D, V);
        org.ejml.dense.row.CommonOps_DDRM.transpose(layer.parameter("E").grad, expected); // the kit stores E^T
        Check.close("embeddingBackward([2 5 2 0 2], ...)", expected, Ex_nb01_embedding_backward.embeddingBackward(ids, dEmb, V), 1e-15,
                "token 2 appears three times: add all three gradients into column 2");
    }

    @Test
    @Graded(id = "nb01_embedding_backward", weight = 1)
    @DisplayName("tokens that do not occur get no gradient")
    void unusedColumnsStayZero() {
        DMatrixRMaj dE = Ex_nb01_embedding_backward.embeddingBackward(new int[]{1}, Init.uniform(2, 1, 1, 4), 4);
        Check.shape("embeddingBackward of one token, V = 4", dE, 2, 4);
        for (int c : new int[]{0, 2, 3}) {
            Check.that("column " + c + " of dE is zero", dE.get(0, c) == 0 && dE.get(1, c) == 0, "only the columns of tokens used get gradient");
        }
    }

    // ---- nb01_mean_pool (1 point) ----

    @Test
    @Graded(id = "nb01_mean_pool", weight = 2)
    @DisplayName("meanPool averages the embeddings of the tokens")
    void meanPoolAverages() {
        DMatrixRMaj E = Init.uniform(4, 7, 1, 5);
        int[] ids = {3, 3, 6, 0};
        Embedding layer = new Embedding(7, 4, new Rng(1));
        org.ejml.dense.row.CommonOps_DDRM.transpose(E, layer.E());
        int[][] tm = {{3}, {3}, {6}, {0}};
        DMatrixRMaj pooled = Pooling.forward(layer.forward(tm), Pooling.meanWeights(null, 4, 1));
        DMatrixRMaj expected = new DMatrixRMaj(4, 1);
        for (int d = 0; d < 4; d++) {
            expected.set(d, 0, pooled.get(0, d));
        }
        Check.close("meanPool(E, [3 3 6 0])", expected, Ex_nb01_mean_pool.meanPool(E, ids), 1e-15,
                "the sum of the columns divided by the number of tokens (a repeated token counts twice)");
    }

    @Test
    @Graded(id = "nb01_mean_pool", weight = 1)
    @DisplayName("meanPool of one token is its embedding")
    void meanOfOneIsItself() {
        DMatrixRMaj E = Init.uniform(3, 5, 1, 6);
        Check.close("meanPool(E, [4])", new DMatrixRMaj(new double[][]{{E.get(0, 4)}, {E.get(1, 4)}, {E.get(2, 4)}}),
                Ex_nb01_mean_pool.meanPool(E, new int[]{4}), 1e-15, null);
    }

    // ---- nb01_padding (2 points) ----

    private static List<int[]> sequences(long seed) {
        Rng rng = new Rng(seed);
        List<int[]> out = new ArrayList<>();
        for (int b = 0; b < 7; b++) {
            int[] s = new int[1 + rng.nextInt(9)];
            for (int t = 0; t < s.length; t++) {
                s[t] = 4 + rng.nextInt(20);
            }
            out.add(s);
        }
        return out;
    }

    @Test
    @Graded(id = "nb01_padding", weight = 2)
    @DisplayName("pad cuts and pads like the kit's PaddedBatch")
    void padMatchesTheLibrary() {
        for (int maxLength : new int[]{4, 6, 100}) {
            List<int[]> seqs = sequences(maxLength);
            PaddedBatch p = PaddedBatch.of(seqs, 0, maxLength);
            int[][] actual = Ex_nb01_padding.pad(seqs, maxLength, 0);
            Check.that("pad(7 sequences, " + maxLength + ") has 7 rows of " + p.steps(),
                    actual != null && actual.length == 7 && Arrays.stream(actual).allMatch(r -> r.length == p.steps()),
                    "one row per sequence, as long as the longest sequence after cutting");
            for (int b = 0; b < 7; b++) {
                for (int t = 0; t < p.steps(); t++) {
                    if (actual[b][t] != p.ids()[t][b]) {
                        Check.that("row " + b + ", position " + t + " is " + p.ids()[t][b] + ", not " + actual[b][t], false,
                                "keep the first maxLength tokens; fill the rest with padId");
                    }
                }
            }
        }
    }

    @Test
    @Graded(id = "nb01_padding", weight = 2)
    @DisplayName("mask is 1 on tokens and 0 on padding")
    void maskMatchesTheLibrary() {
        List<int[]> seqs = sequences(9);
        PaddedBatch p = PaddedBatch.of(seqs, 0, 5);
        double[][] m = Ex_nb01_padding.mask(seqs, 5);
        Check.that("mask(7 sequences, 5) has 7 rows of " + p.steps(),
                m != null && m.length == 7 && Arrays.stream(m).allMatch(r -> r.length == p.steps()), null);
        for (int b = 0; b < 7; b++) {
            for (int t = 0; t < p.steps(); t++) {
                if (m[b][t] != p.mask().get(t, b)) {
                    Check.that("mask row " + b + ", position " + t + " is " + p.mask().get(t, b), false, "1.0 for the first min(maxLength, length) positions");
                }
            }
        }
    }

    // ---- nb01_sorted_batches (2 points) ----

    private static int[] lengths(int n, long seed) {
        Rng rng = new Rng(seed);
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = 1 + rng.nextInt(40);
        }
        return l;
    }

    @Test
    @Graded(id = "nb01_sorted_batches", weight = 1)
    @DisplayName("every example is in exactly one batch of the right size")
    void batchesPartitionTheExamples() {
        int[] l = lengths(103, 1);
        List<int[]> batches = Ex_nb01_sorted_batches.lengthSortedBatches(l, 10, 7);
        Check.that("103 examples in batches of 10 make 11 batches", batches != null && batches.size() == 11, null);
        Set<Integer> seen = new HashSet<>();
        int small = 0;
        for (int[] batch : batches) {
            small += batch.length < 10 ? 1 : 0;
            for (int i : batch) {
                Check.that("example " + i + " is in one batch only", seen.add(i), null);
            }
        }
        Check.that("all 103 examples are in a batch", seen.size() == 103, null);
        Check.that("only one batch is smaller than 10", small == 1, null);
    }

    @Test
    @Graded(id = "nb01_sorted_batches", weight = 2)
    @DisplayName("batches by length waste the least padding")
    void sortedBatchesPadAsLittleAsPossible() {
        int[] l = lengths(500, 2);
        double best = Batching.paddingFraction(Batching.batches(l, null, 16, Batching.Strategy.BY_SOURCE, new Rng(1)), l);
        Check.close("the padding share of lengthSortedBatches", best,
                Batching.paddingFraction(Ex_nb01_sorted_batches.lengthSortedBatches(l, 16, 3), l), 1e-12,
                "sort the indices by length before cutting them into batches");
    }

    @Test
    @Graded(id = "nb01_sorted_batches", weight = 1)
    @DisplayName("the same seed gives the same batches, in shuffled order")
    void batchesAreSeededAndShuffled() {
        int[] l = lengths(400, 3);
        List<int[]> a = Ex_nb01_sorted_batches.lengthSortedBatches(l, 8, 11);
        List<int[]> b = Ex_nb01_sorted_batches.lengthSortedBatches(l, 8, 11);
        Check.that("two calls with seed 11 give the same batches", a.size() == b.size()
                && java.util.stream.IntStream.range(0, a.size()).allMatch(i -> Arrays.equals(a.get(i), b.get(i))),
                "take every random number from new Rng(seed)");
        int ascending = 0;
        for (int i = 1; i < a.size(); i++) {
            ascending += l[a.get(i)[0]] >= l[a.get(i - 1)[0]] ? 1 : 0;
        }
        Check.that("the batches do not come in length order (" + ascending + " of " + (a.size() - 1) + " steps go up)",
                ascending < 0.8 * (a.size() - 1), "shuffle the order of the batches at the end");
    }
}
