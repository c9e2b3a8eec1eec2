package rnnkit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rnnkit.core.Rng;

class DatasetsTest {

    @Test
    void tinyShakespeareIsChecksummedAndSplit90To10() {
        TinyShakespeare.Split s = TinyShakespeare.load();
        assertEquals(1_115_394, s.all().length());
        assertEquals(1_003_854, s.train().length());
        assertEquals(65, s.all().chars().distinct().count());
        assertTrue(s.train().startsWith("First Citizen:"));
    }

    @Test
    void theSentimentSplitIsFixedAndBalanced() {
        SentimentSentences.Split s = SentimentSentences.load();
        assertEquals(2400, s.train().size());
        assertEquals(300, s.validation().size());
        assertEquals(300, s.test().size());
        assertEquals(150, s.test().stream().filter(e -> e.label() == 1).count());
        assertEquals(100, s.validation().stream().filter(e -> e.site().equals("imdb")).count());
        assertEquals(s.test(), SentimentSentences.load().test(), "the same split every time");
        Set<SentimentSentences.Example> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        seen.addAll(s.train());
        seen.addAll(s.validation());
        seen.addAll(s.test());
        assertEquals(3000, seen.size(), "every sentence in exactly one part");
        assertTrue(s.train().get(0).sentence().length() > 0 && !s.train().get(0).sentence().endsWith(" "), "stripped");
    }

    @Test
    void udEwtHasItsSentencesAndTags() {
        List<UdEnglishEwt.Sentence> dev = UdEnglishEwt.load(UdEnglishEwt.Part.DEV);
        List<UdEnglishEwt.Sentence> test = UdEnglishEwt.load(UdEnglishEwt.Part.TEST);
        assertEquals(2001, dev.size());
        assertEquals(2077, test.size());
        UdEnglishEwt.Sentence first = dev.get(0);
        assertEquals(List.of("From", "the", "AP", "comes", "this", "story", ":"), first.words());
        assertEquals(List.of("ADP", "DET", "PROPN", "VERB", "DET", "NOUN", "PUNCT"), first.upos());
        assertEquals("VBZ", first.xpos().get(3));
        Set<String> upos = new HashSet<>();
        dev.forEach(x -> upos.addAll(x.upos()));
        assertEquals(17, upos.size(), "the 17 universal tags: " + upos);
    }

    @Test
    void aChangedFileIsCaughtByItsChecksum(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("input.txt");
        Files.writeString(f, "To be or not to be");
        DatasetException e = assertThrows(DatasetException.class, () -> TinyShakespeare.load(f, TinyShakespeare.SHA256));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("changed or is incomplete"), e.getMessage());
        assertEquals(18, TinyShakespeare.load(f, null).all().length());
    }

    @Test
    void malformedLinesAreReportedByFileAndLine(@TempDir Path dir) throws IOException {
        Path sentiment = dir.resolve("bad_labelled.txt");
        Files.writeString(sentiment, "Great phone.\t1\nNo label here\nAwful.\t0\n");
        DatasetException e = assertThrows(DatasetException.class, () -> SentimentSentences.parse(sentiment, "amazon"));
        assertTrue(e.getMessage().startsWith(sentiment + ":2:"), e.getMessage());

        Path conllu = dir.resolve("bad.conllu");
        Files.writeString(conllu, "# text = Hi there\n1\tHi\thi\tINTJ\tUH\t_\t0\troot\t0:root\t_\n2\tthere\tthere\n\n");
        DatasetException c = assertThrows(DatasetException.class, () -> UdEnglishEwt.parse(conllu));
        assertTrue(c.getMessage().startsWith(conllu + ":3:") && c.getMessage().contains("has 3"), c.getMessage());
    }

    @Test
    void mixedLineEndingsAndTrailingSpacesAreFine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("mixed_labelled.txt");
        Files.writeString(f, "Good.  \t1\r\nBad.\t0\n");
        List<SentimentSentences.Example> ex = SentimentSentences.parse(f, "yelp");
        assertEquals(List.of(new SentimentSentences.Example("Good.", 1, "yelp"), new SentimentSentences.Example("Bad.", 0, "yelp")), ex);
    }

    @Test
    void generatedTasksAreDeterministicAndCorrect() {
        List<Seq2SeqTasks.Pair> a = Seq2SeqTasks.dates(200, new Rng(8));
        assertEquals(a, Seq2SeqTasks.dates(200, new Rng(8)));
        assertNotEquals(a, Seq2SeqTasks.dates(200, new Rng(9)));
        for (Seq2SeqTasks.Pair p : a) {
            assertTrue(p.target().matches("(19[5-9]|20[0-4])\\d-\\d\\d-\\d\\d"), p.toString());
        }
        assertEquals("25 November 2026", Seq2SeqTasks.humanDate(java.time.LocalDate.of(2026, 11, 25), 0));
        assertEquals("nov 25, 26", Seq2SeqTasks.humanDate(java.time.LocalDate.of(2026, 11, 25), 4));
        assertEquals("Wednesday, November 25, 2026", Seq2SeqTasks.humanDate(java.time.LocalDate.of(2026, 11, 25), 7));
        for (Seq2SeqTasks.Pair p : Seq2SeqTasks.addition(100, 3, new Rng(1))) {
            String[] ab = p.source().split("\\+");
            assertEquals(Long.parseLong(ab[0]) + Long.parseLong(ab[1]), Long.parseLong(p.target()));
        }
        for (Seq2SeqTasks.Pair p : Seq2SeqTasks.reversal(50, 3, 8, new Rng(1))) {
            assertEquals(new StringBuilder(p.source()).reverse().toString(), p.target());
        }
    }
}
