package rnnkit.ui.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JavaScript object literals that Tablesaw writes for plotly.js ({@code {x: ["1.0"], mode: 'lines',}}):
 * unquoted keys, single- or double-quoted strings, trailing commas. Objects become {@code Map}s, arrays
 * {@code List}s, numbers {@code Double}s, {@code true}/{@code false} {@code Boolean}s, {@code null} and bare words
 * such as {@code NaN} their text or null. The static images are drawn from exactly what plotly.js receives, read
 * this way, because Tablesaw's traces keep their data private.
 */
final class JsLiteral {

    private final String src;
    private int pos;

    private JsLiteral(String src, int pos) {
        this.src = src;
        this.pos = pos;
    }

    /** The literal that follows {@code var name =} in {@code script}, or null if the script has no such variable. */
    static Object variable(String script, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("\\bvar\\s+" + java.util.regex.Pattern.quote(name) + "\\s*=\\s*").matcher(script);
        return m.find() ? new JsLiteral(script, m.end()).value() : null;
    }

    /** Reads one literal from the start of {@code text}. */
    static Object parse(String text) {
        return new JsLiteral(text, 0).value();
    }

    private Object value() {
        skipSpace();
        char c = peek();
        switch (c) {
            case '{': return object();
            case '[': return array();
            case '"':
            case '\'': return string();
            default:
                if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) {
                    return number();
                }
                if (Character.isJavaIdentifierStart(c)) {
                    String word = identifier();
                    switch (word) {
                        case "true": return Boolean.TRUE;
                        case "false": return Boolean.FALSE;
                        case "null": case "undefined": return null;
                        case "NaN": return Double.NaN;
                        case "Infinity": return Double.POSITIVE_INFINITY;
                        default: return word;
                    }
                }
                throw error("a value");
        }
    }

    private Map<String, Object> object() {
        pos++; // {
        Map<String, Object> out = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (peek() == '}') {
                pos++;
                return out;
            }
            String key = peek() == '"' || peek() == '\'' ? string() : identifier();
            skipSpace();
            expect(':');
            out.put(key, value());
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else if (peek() != '}') {
                throw error("',' or '}'");
            }
        }
    }

    private List<Object> array() {
        pos++; // [
        List<Object> out = new ArrayList<>();
        while (true) {
            skipSpace();
            if (peek() == ']') {
                pos++;
                return out;
            }
            out.add(value());
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else if (peek() != ']') {
                throw error("',' or ']'");
            }
        }
    }

    private String string() {
        char quote = src.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (pos < src.length()) {
            char c = src.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= src.length()) {
                break;
            }
            char e = src.charAt(pos++);
            switch (e) {
                case 'n': sb.append('\n'); break;
                case 't': sb.append('\t'); break;
                case 'r': sb.append('\r'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'u':
                    if (pos + 4 > src.length()) {
                        throw error("four hex digits after \\u");
                    }
                    sb.append((char) Integer.parseInt(src.substring(pos, pos + 4), 16));
                    pos += 4;
                    break;
                default: sb.append(e);
            }
        }
        throw error("the closing " + quote);
    }

    private Double number() {
        int start = pos;
        while (pos < src.length() && "+-.eE0123456789".indexOf(src.charAt(pos)) >= 0) {
            pos++;
        }
        try {
            return Double.valueOf(src.substring(start, pos));
        } catch (NumberFormatException e) {
            pos = start;
            throw error("a number");
        }
    }

    private String identifier() {
        int start = pos;
        while (pos < src.length() && Character.isJavaIdentifierPart(src.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw error("a name");
        }
        return src.substring(start, pos);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("'" + c + "'");
        }
        pos++;
    }

    private char peek() {
        return pos < src.length() ? src.charAt(pos) : '\0';
    }

    private void skipSpace() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (src.startsWith("//", pos)) {
                int end = src.indexOf('\n', pos);
                pos = end < 0 ? src.length() : end;
            } else if (src.startsWith("/*", pos)) {
                int end = src.indexOf("*/", pos + 2);
                pos = end < 0 ? src.length() : end + 2;
            } else {
                return;
            }
        }
    }

    private IllegalArgumentException error(String expected) {
        int from = Math.max(0, pos - 30);
        int to = Math.min(src.length(), pos + 30);
        return new IllegalArgumentException("plot data: expected " + expected + " at character " + pos
                + ", near \"" + src.substring(from, to).replace('\n', ' ') + "\"");
    }
}
