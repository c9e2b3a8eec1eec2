package rnnkit.grader.runner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runner's side of its JSON lines: reads a {@link ExerciseRunner.Request} and writes a
 * {@link ExerciseRunner.Report}. Written here rather than taken from a JSON library so that the exercise JVM's class
 * path holds only the library, JUnit and the test kit; the grader's side uses Gson, and {@code WireTest} checks that
 * the two agree.
 */
public final class Wire {

    private Wire() {
    }

    /** A report as one line of JSON: no raw line breaks or control characters, whatever the captured output holds. */
    public static String report(ExerciseRunner.Report report) {
        StringBuilder out = new StringBuilder("{\"tests\":[");
        for (int i = 0; i < report.tests().size(); i++) {
            ExerciseRunner.TestResult t = report.tests().get(i);
            out.append(i > 0 ? "," : "").append("{\"method\":");
            string(out, t.method());
            out.append(",\"passed\":").append(t.passed()).append(",\"message\":");
            string(out, t.message());
            out.append('}');
        }
        out.append("],\"output\":");
        string(out, report.output());
        return out.append(",\"outputDropped\":").append(report.outputDropped()).append('}').toString();
    }

    private static void string(StringBuilder out, String s) {
        if (s == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** The request on one line of JSON, as the grader writes it. */
    @SuppressWarnings("unchecked")
    public static ExerciseRunner.Request request(String json) {
        Map<String, Object> o = (Map<String, Object>) new Reader(json).document();
        List<ExerciseRunner.HelperLines> helpers = new ArrayList<>();
        for (Object h : list(o.get("helpers"))) {
            Map<String, Object> m = (Map<String, Object>) h;
            helpers.add(new ExerciseRunner.HelperLines(integer(m.get("first")), integer(m.get("last")), (String) m.get("name"),
                    integer(m.get("cell")), integer(m.get("line"))));
        }
        List<String> classpath = new ArrayList<>();
        for (Object e : list(o.get("classpath"))) {
            classpath.add((String) e);
        }
        Map<String, String> context = new LinkedHashMap<>();
        if (o.get("context") != null) {
            ((Map<String, Object>) o.get("context")).forEach((k, v) -> context.put(k, (String) v));
        }
        return new ExerciseRunner.Request((String) o.get("testClass"), (String) o.get("gradeId"), classpath, context,
                integer(o.get("outputCap")), helpers);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }

    private static int integer(Object value) {
        return value == null ? 0 : (int) (double) (Double) value;
    }

    /** JSON text to maps, lists, strings, doubles, booleans and nulls. */
    private static final class Reader {
        private final String text;
        private int pos;

        Reader(String text) {
            this.text = text;
        }

        Object document() {
            Object value = value();
            space();
            if (pos != text.length()) {
                throw error("text after the value");
            }
            return value;
        }

        private Object value() {
            space();
            if (pos >= text.length()) {
                throw error("a value expected");
            }
            char c = text.charAt(pos);
            if (c == '{') {
                return object();
            } else if (c == '[') {
                return array();
            } else if (c == '"') {
                return string();
            } else if (text.startsWith("true", pos)) {
                pos += 4;
                return true;
            } else if (text.startsWith("false", pos)) {
                pos += 5;
                return false;
            } else if (text.startsWith("null", pos)) {
                pos += 4;
                return null;
            }
            int start = pos;
            while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
            if (start == pos) {
                throw error("unexpected '" + c + "'");
            }
            return Double.parseDouble(text.substring(start, pos));
        }

        private Map<String, Object> object() {
            Map<String, Object> out = new LinkedHashMap<>();
            pos++;
            space();
            if (peek() == '}') {
                pos++;
                return out;
            }
            while (true) {
                space();
                if (peek() != '"') {
                    throw error("a name expected");
                }
                String name = string();
                space();
                expect(':');
                out.put(name, value());
                space();
                if (peek() == ',') {
                    pos++;
                } else {
                    expect('}');
                    return out;
                }
            }
        }

        private List<Object> array() {
            List<Object> out = new ArrayList<>();
            pos++;
            space();
            if (peek() == ']') {
                pos++;
                return out;
            }
            while (true) {
                out.add(value());
                space();
                if (peek() == ',') {
                    pos++;
                } else {
                    expect(']');
                    return out;
                }
            }
        }

        private String string() {
            StringBuilder out = new StringBuilder();
            pos++;
            while (true) {
                if (pos >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = pos < text.length() ? text.charAt(pos++) : '?';
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw error("short \\u escape");
                        }
                        out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> throw error("unknown escape \\" + e);
                }
            }
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("'" + c + "' expected");
            }
            pos++;
        }

        private void space() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("request is not valid JSON at character " + pos + ": " + what);
        }
    }
}
