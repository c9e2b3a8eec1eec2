package rnnkit.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Tokens to ids and back. A word vocabulary keeps the V most frequent tokens seen at least {@code minFrequency}
 * times, after four specials: {@code <pad>} = 0, {@code <unk>} = 1 (every token left out), {@code <bos>} = 2,
 * {@code <eos>} = 3. Ties in frequency are broken alphabetically, so the same data always gives the same ids.
 * A character vocabulary has no specials: one id per distinct character, in code-point order.
 *
 * <p>Saved as UTF-8 text: a header line {@code rnnkit-vocabulary 1 specials|nospecials}, then one token per line
 * with its count after a tab, in id order; tab, newline and backslash in tokens are written {@code \t},
 * {@code \n}, {@code \\}.
 */
public final class Vocabulary {

    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";
    public static final String BOS = "<bos>";
    public static final String EOS = "<eos>";
    private static final String HEADER = "rnnkit-vocabulary 1";

    private final List<String> tokens;
    private final long[] counts;
    private final Map<String, Integer> ids = new HashMap<>();
    private final boolean specials;

    private Vocabulary(List<String> tokens, long[] counts, boolean specials) {
        this.tokens = List.copyOf(tokens);
        this.counts = counts;
        this.specials = specials;
        for (int i = 0; i < tokens.size(); i++) {
            if (ids.put(tokens.get(i), i) != null) {
                throw new IllegalArgumentException("token '" + tokens.get(i) + "' appears twice in the vocabulary");
            }
        }
    }

    /**
     * The four specials, then the most frequent tokens of {@code sentences}, at most {@code maxSize} entries in
     * all (specials included; 0: no limit), leaving out tokens seen fewer than {@code minFrequency} times.
     */
    public static Vocabulary build(Iterable<? extends List<String>> sentences, int maxSize, int minFrequency) {
        Map<String, Long> freq = new HashMap<>();
        for (List<String> s : sentences) {
            for (String tok : s) {
                freq.merge(tok, 1L, Long::sum);
            }
        }
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(freq.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        List<String> toks = new ArrayList<>(List.of(PAD, UNK, BOS, EOS));
        List<Long> cnt = new ArrayList<>(List.of(0L, 0L, 0L, 0L));
        java.util.Set<String> kept = new java.util.HashSet<>(toks);
        for (Map.Entry<String, Long> e : sorted) {
            if (maxSize > 0 && toks.size() >= maxSize) {
                break;
            }
            if (e.getValue() >= minFrequency && kept.add(e.getKey())) {
                toks.add(e.getKey());
                cnt.add(e.getValue());
            }
        }
        long unknown = 0;
        for (Map.Entry<String, Long> e : freq.entrySet()) {
            if (!kept.contains(e.getKey())) {
                unknown += e.getValue();
            }
        }
        cnt.set(1, unknown);
        return new Vocabulary(toks, cnt.stream().mapToLong(Long::longValue).toArray(), true);
    }

    /** One id per distinct character of the text, in code-point order, no specials (char-rnn's vocabulary). */
    public static Vocabulary ofChars(String text) {
        TreeSet<Integer> cps = new TreeSet<>();
        text.codePoints().forEach(cps::add);
        List<String> toks = new ArrayList<>();
        for (int cp : cps) {
            toks.add(new String(Character.toChars(cp)));
        }
        long[] cnt = new long[toks.size()];
        Map<Integer, Integer> index = new HashMap<>();
        int i = 0;
        for (int cp : cps) {
            index.put(cp, i++);
        }
        text.codePoints().forEach(cp -> cnt[index.get(cp)]++);
        return new Vocabulary(toks, cnt, false);
    }

    /** These tokens, in this order, no specials. */
    public static Vocabulary of(Collection<String> tokens) {
        return new Vocabulary(new ArrayList<>(tokens), new long[tokens.size()], false);
    }

    public int size() {
        return tokens.size();
    }

    public boolean hasSpecials() {
        return specials;
    }

    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /** The id of a token: {@code <unk>}'s for tokens left out (an error in a vocabulary without specials). */
    public int id(String token) {
        Integer id = ids.get(token);
        if (id != null) {
            return id;
        }
        if (!specials) {
            throw new IllegalArgumentException("'" + token + "' is not in this vocabulary, which has no <unk>");
        }
        return 1;
    }

    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("id " + id + " is outside the vocabulary of " + tokens.size());
        }
        return tokens.get(id);
    }

    /** How often the token was seen when the vocabulary was built ({@code <unk>}: all tokens left out). */
    public long count(int id) {
        return counts[id];
    }

    public int pad() {
        return special(0);
    }

    public int unk() {
        return special(1);
    }

    public int bos() {
        return special(2);
    }

    public int eos() {
        return special(3);
    }

    private int special(int id) {
        if (!specials) {
            throw new IllegalStateException("this vocabulary has no special tokens");
        }
        return id;
    }

    public List<String> tokens() {
        return Collections.unmodifiableList(tokens);
    }

    public int[] encode(List<String> sentence) {
        int[] out = new int[sentence.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = id(sentence.get(i));
        }
        return out;
    }

    public List<String> decode(int[] ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(token(id));
        }
        return out;
    }

    /** The tokens of ids joined without separator (characters back into text). */
    public String decodeToString(int[] ids) {
        return String.join("", decode(ids));
    }

    public void save(Path file) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append(specials ? " specials" : " nospecials").append('\n');
        for (int i = 0; i < tokens.size(); i++) {
            sb.append(escape(tokens.get(i))).append('\t').append(counts[i]).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    public static Vocabulary load(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).startsWith(HEADER)) {
            throw new IOException(file + ":1: not a vocabulary file (expected the header '" + HEADER + " ...')");
        }
        boolean specials = lines.get(0).endsWith(" specials");
        List<String> toks = new ArrayList<>();
        long[] cnt = new long[lines.size() - 1];
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            int tab = line.lastIndexOf('\t');
            if (tab < 0) {
                throw new IOException(file + ":" + (i + 1) + ": expected 'token<TAB>count', got '" + line + "'");
            }
            toks.add(unescape(line.substring(0, tab)));
            try {
                cnt[i - 1] = Long.parseLong(line.substring(tab + 1));
            } catch (NumberFormatException e) {
                throw new IOException(file + ":" + (i + 1) + ": the count '" + line.substring(tab + 1) + "' is not a number");
            }
        }
        return new Vocabulary(toks, cnt, specials);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                sb.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "Vocabulary of " + size() + (specials ? " (with <pad> <unk> <bos> <eos>)" : "");
    }
}
