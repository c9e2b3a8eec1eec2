package rnnkit.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Splitting text into tokens: characters for character-level models, words for word-level ones. */
public final class Tokenizer {

    /** A word (letters and digits, with an inner apostrophe as in "don't"), or any other single non-space character. */
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:'[\\p{L}]+)?|[^\\s\\p{L}\\p{N}]");

    private Tokenizer() {
    }

    /** Every character (code point) of the text, spaces and newlines included. */
    public static List<String> chars(String text) {
        List<String> out = new ArrayList<>(text.length());
        text.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
        return out;
    }

    /** Lower-cased words and punctuation marks: "Not bad, really!" is [not, bad, ",", really, "!"]. */
    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
