package rnnkit.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Universal Dependencies English Web Treebank (CC BY-SA 4.0; see {@code datasets/ud-english-ewt/}), its dev
 * (2,001 sentences) and test (2,077) splits, with each word's universal tag (UPOS, 17 tags) and Penn Treebank tag
 * (XPOS), for part-of-speech tagging. Read from CoNLL-U: comment lines, multiword-token ranges ("3-4") and empty
 * nodes ("5.1") are skipped.
 */
public final class UdEnglishEwt {

    /** The two shipped splits. */
    public enum Part {
        DEV("en_ewt-ud-dev.conllu", "531a54ff90d6ab12201c5a50c3e78e6ddac4de69abc4bce5d275d3cd29efe2b6"),
        TEST("en_ewt-ud-test.conllu", "e266e515a0a7547657ed3d90d9ba46487d6bd251f27ad4269d4e8a427c8555cd");

        final String file;
        final String sha256;

        Part(String file, String sha256) {
            this.file = file;
            this.sha256 = sha256;
        }
    }

    private UdEnglishEwt() {
    }

    /** A sentence: its words and, word by word, their UPOS and XPOS tags. */
    public record Sentence(List<String> words, List<String> upos, List<String> xpos) {
    }

    /** One shipped split, checked. */
    public static List<Sentence> load(Part part) {
        Path file = KitPaths.dataset("ud-english-ewt/" + part.file);
        Checksums.verify(file, part.sha256);
        return parse(file);
    }

    /** Any CoNLL-U file; a malformed line is an error naming file and line. */
    public static List<Sentence> parse(Path file) {
        List<String> lines = Lines.read(file);
        List<Sentence> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        List<String> upos = new ArrayList<>();
        List<String> xpos = new ArrayList<>();
        for (int i = 0; i <= lines.size(); i++) {
            String line = i < lines.size() ? lines.get(i).replace("\r", "") : "";
            if (line.isBlank()) {
                if (!words.isEmpty()) {
                    out.add(new Sentence(List.copyOf(words), List.copyOf(upos), List.copyOf(xpos)));
                    words.clear();
                    upos.clear();
                    xpos.clear();
                }
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t", -1);
            if (cols.length != 10) {
                throw new DatasetException(file + ":" + (i + 1) + ": a CoNLL-U token line has 10 tab-separated columns,"
                        + " this one has " + cols.length);
            }
            String id = cols[0];
            if (id.contains("-") || id.contains(".")) {
                continue; // a multiword token's range, or an empty node: not a word of its own
            }
            if (!id.matches("\\d+")) {
                throw new DatasetException(file + ":" + (i + 1) + ": the word id '" + id + "' is not a number");
            }
            words.add(cols[1]);
            upos.add(cols[3]);
            xpos.add(cols[4]);
        }
        return out;
    }
}
