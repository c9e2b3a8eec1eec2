package rnnkit.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rnnkit.core.Rng;

class TextTest {

    @Test
    void tokenizersSplitCharactersAndWords() {
        assertEquals(List.of("a", " ", "é", "\n"), Tokenizer.chars("a é\n"));
        assertEquals(List.of("not", "bad", ",", "don't", "go", "!"), Tokenizer.words("Not bad, DON'T go!"));
    }

    @Test
    void aVocabularyKeepsTheMostFrequentTokensAfterTheSpecials() {
        List<List<String>> data = List.of(List.of("b", "a", "c", "a"), List.of("a", "b", "d"));
        Vocabulary v = Vocabulary.build(data, 6, 1);
        assertEquals(List.of("<pad>", "<unk>", "<bos>", "<eos>", "a", "b"), v.tokens(), "a (3) then b (2); V = 6 in all");
        assertEquals(1, v.id("c"), "left out: <unk>");
        assertEquals(2, v.count(v.unk()), "c and d were left out once each");
        Vocabulary ties = Vocabulary.build(List.of(List.of("z", "y", "x")), 0, 1);
        assertEquals(List.of("x", "y", "z"), ties.tokens().subList(4, 7), "ties alphabetical: deterministic ids");
        Vocabulary frequent = Vocabulary.build(data, 0, 2);
        assertEquals(6, frequent.size(), "only a and b are seen twice or more");
        assertEquals("a b <unk>", String.join(" ", frequent.decode(frequent.encode(List.of("a", "b", "q")))));
    }

    @Test
    void aCharacterVocabularyHasNoSpecials() {
        Vocabulary v = Vocabulary.ofChars("hello");
        assertEquals(List.of("e", "h", "l", "o"), v.tokens());
        assertEquals("hello", v.decodeToString(v.encode(Tokenizer.chars("hello"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.id("z"));
        assertTrue(e.getMessage().contains("'z'"));
        assertThrows(IllegalStateException.class, v::unk);
    }

    @Test
    void aVocabularySurvivesSaveAndLoad(@TempDir Path dir) throws IOException {
        Vocabulary v = Vocabulary.build(List.of(List.of("tab\there", "new\nline", "back\\slash", "x", "x")), 0, 1);
        Path f = dir.resolve("vocab.txt");
        v.save(f);
        Vocabulary back = Vocabulary.load(f);
        assertEquals(v.tokens(), back.tokens());
        assertEquals(2, back.count(back.id("x")));
        Files.writeString(f, "not a vocabulary\n");
        IOException e = assertThrows(IOException.class, () -> Vocabulary.load(f));
        assertTrue(e.getMessage().contains(":1:"), e.getMessage());
    }

    @Test
    void oneHotRowsSelectRows() {
        var x = OneHot.encode(new int[]{2, 0}, 3);
        assertEquals(1, x.get(0, 2));
        assertEquals(1, x.get(1, 0));
        assertEquals(2, org.ejml.dense.row.CommonOps_DDRM.elementSum(x));
        assertThrows(IllegalArgumentException.class, () -> OneHot.encode(new int[]{3}, 3));
    }

    @Test
    void paddingAndTruncationComeWithAMask() {
        PaddedBatch p = PaddedBatch.of(List.of(new int[]{5, 6, 7}, new int[]{8}, new int[]{1, 2, 3, 4, 9}), 0, 4);
        assertEquals(4, p.steps(), "cut to 4");
        assertArrayEquals(new int[]{3, 1, 4}, p.lengths());
        assertArrayEquals(new int[]{7, 0, 3}, p.ids()[2], "step 2 across the batch");
        assertEquals(0, p.mask().get(1, 1), "row 1 is padding from step 1");
        assertEquals(1, p.mask().get(3, 2));
        assertEquals(1 - 8 / 12.0, p.paddingFraction(), 1e-15);
    }

    @Test
    void sortingByLengthWastesLessPaddingAndStillShufflesBatches() {
        Rng rng = new Rng(3);
        int[] lengths = new int[1000];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = 1 + rng.nextInt(60);
        }
        List<int[]> shuffled = Batching.batches(lengths, null, 32, Batching.Strategy.SHUFFLE, new Rng(1));
        List<int[]> sorted = Batching.batches(lengths, null, 32, Batching.Strategy.BY_SOURCE, new Rng(1));
        double wasteShuffled = Batching.paddingFraction(shuffled, lengths);
        double wasteSorted = Batching.paddingFraction(sorted, lengths);
        assertTrue(wasteShuffled > 0.4 && wasteSorted < 0.05, "shuffled " + wasteShuffled + ", sorted " + wasteSorted);
        Set<Integer> seen = new HashSet<>();
        for (int[] b : sorted) {
            Arrays.stream(b).forEach(seen::add);
        }
        assertEquals(1000, seen.size(), "every example exactly once");
        List<Integer> firstLengths = new ArrayList<>();
        for (int[] b : sorted) {
            firstLengths.add(lengths[b[0]]);
        }
        List<Integer> ascending = new ArrayList<>(firstLengths);
        ascending.sort(null);
        assertTrue(!firstLengths.equals(ascending), "the batches themselves come in random order");
        assertEquals(Batching.batches(lengths, null, 32, Batching.Strategy.BY_SOURCE, new Rng(1)).get(5)[3], sorted.get(5)[3],
                "same seed, same batches");
    }

    @Test
    void sourceThenTargetBreaksTiesByTarget() {
        int[] src = {3, 3, 3, 1};
        int[] tgt = {9, 1, 5, 7};
        List<int[]> batches = Batching.batches(src, tgt, 4, Batching.Strategy.BY_SOURCE_THEN_TARGET, new Rng(2));
        assertArrayEquals(new int[]{3, 1, 2, 0}, batches.get(0));
        assertArrayEquals(new int[]{1, 2, 3, 0}, Batching.batches(src, tgt, 4, Batching.Strategy.BY_TARGET_THEN_SOURCE, new Rng(2)).get(0));
        assertThrows(IllegalArgumentException.class, () -> Batching.batches(src, null, 2, Batching.Strategy.BY_TARGET, new Rng(2)));
    }

    @Test
    void anLmStreamContinuesEachRowAcrossChunks() {
        int[] data = new int[101];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        LmStream s = new LmStream(data, 4, 6);
        assertEquals(4, s.chunks(), "25 tokens per row, 4 chunks of 6");
        LmStream.Chunk c0 = s.chunk(0);
        LmStream.Chunk c1 = s.chunk(1);
        assertEquals(25, c0.inputs()[0][1], "row 1 starts at token 25");
        assertEquals(c0.inputs()[5][2] + 1, c1.inputs()[0][2], "row 2 of chunk 1 goes on where chunk 0 stopped");
        assertEquals(c0.inputs()[3][0] + 1, c0.targets()[3][0], "targets are the next tokens");
    }

    @Test
    void aSeq2SeqBatchShiftsTheTargetsForTeacherForcing() {
        Seq2SeqBatch batch = Seq2SeqBatch.of(List.of(new int[]{5, 6, 7}, new int[]{8}), List.of(new int[]{10, 11}, new int[]{12, 13, 14}),
                0, 2, 3);
        assertEquals(2, batch.batch());
        assertArrayEquals(new int[][]{{2, 2}, {10, 12}, {11, 13}, {0, 14}}, batch.targetIn(), "<bos> y_1 .. y_n, then padding");
        assertArrayEquals(new int[][]{{10, 12}, {11, 13}, {3, 14}, {0, 3}}, batch.targetOut(), "y_1 .. y_n <eos>, then padding");
        assertArrayEquals(new double[]{1, 1, 1, 1, 1, 1, 0, 1}, batch.targetMask().data, "1 up to and including <eos>");
        assertArrayEquals(new int[][]{{5, 8}, {6, 0}, {7, 0}}, batch.source().ids());
        assertThrows(IllegalArgumentException.class, () -> Seq2SeqBatch.of(List.of(new int[]{1}), List.of(), 0, 2, 3));
    }
}
