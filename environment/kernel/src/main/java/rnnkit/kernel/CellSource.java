package rnnkit.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of one cell (or of a file run with {@code %load}) and its name in messages ({@code In [3]},
 * {@code helpers.jsh}). Offsets are char indices into {@link #text()}; lines and columns are 1-based.
 */
record CellSource(String name, String text) {

    private static final Pattern MAGIC_LINE = Pattern.compile("(?m)^[ \\t]*(%%?)(\\w*)[ \\t]*(.*?)[ \\t]*$");

    /** A stretch of Java code, {@code [start, end)}, or one magic line. */
    sealed interface Part permits Java, Magic {
    }

    record Java(int start, int end) implements Part {
    }

    /** {@code %name args}; {@code cell} is true for {@code %%name}. */
    record Magic(String name, String args, boolean cell, int start) implements Part {
    }

    /** Splits the cell into Java code and magic lines, in order, so that each runs after what precedes it. */
    List<Part> parts() {
        List<Part> parts = new ArrayList<>();
        Matcher m = MAGIC_LINE.matcher(text);
        int javaStart = 0;
        while (m.find()) {
            if (insideCommentOrText(m.start())) {
                continue;
            }
            if (!text.substring(javaStart, m.start()).isBlank()) {
                parts.add(new Java(javaStart, m.start()));
            }
            parts.add(new Magic(m.group(2), m.group(3), m.group(1).length() == 2, m.start()));
            javaStart = m.end();
        }
        if (!text.substring(javaStart).isBlank()) {
            parts.add(new Java(javaStart, text.length()));
        }
        return parts;
    }

    /** The 1-based line of an offset. */
    int line(int offset) {
        int line = 1;
        for (int i = 0; i < Math.min(offset, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** The 1-based column of an offset. */
    int column(int offset) {
        int lineStart = text.lastIndexOf('\n', Math.min(offset, text.length()) - 1) + 1;
        return offset - lineStart + 1;
    }

    /** The text of a 1-based line, without its line break. */
    String lineText(int line) {
        String[] lines = text.split("\n", -1);
        return line >= 1 && line <= lines.length ? lines[line - 1].replace("\r", "") : "";
    }

    /**
     * The line holding {@code [start, end)} with a caret mark under that range, as it appears in error messages:
     * <pre>
     *    3 | int y = foo + 1;
     *      |         ^^^
     * </pre>
     */
    List<String> excerpt(int start, int end) {
        int line = line(start);
        String code = lineText(line);
        int col = column(start) - 1;
        int width = Math.max(1, Math.min(end, start + code.length() - col) - start);
        String gutter = String.valueOf(line);
        String pad = " ".repeat(gutter.length());
        StringBuilder marks = new StringBuilder();
        for (int i = 0; i < col && i < code.length(); i++) {
            marks.append(code.charAt(i) == '\t' ? '\t' : ' ');
        }
        marks.append(" ".repeat(Math.max(0, col - code.length())));
        return List.of(" " + gutter + " | " + code, " " + pad + " | " + marks + "^".repeat(width));
    }

    /**
     * Whether an offset lies inside a block comment or a text block, where a line starting with % is not a magic.
     * Line comments and string literals cannot span the start of a line, so they need no check.
     */
    private boolean insideCommentOrText(int offset) {
        boolean comment = false;
        boolean textBlock = false;
        for (int i = 0; i < offset; i++) {
            if (comment) {
                if (text.startsWith("*/", i)) {
                    comment = false;
                    i++;
                }
            } else if (textBlock) {
                if (text.startsWith("\"\"\"", i)) {
                    textBlock = false;
                    i += 2;
                } else if (text.charAt(i) == '\\') {
                    i++;
                }
            } else if (text.startsWith("/*", i)) {
                comment = true;
                i++;
            } else if (text.startsWith("\"\"\"", i)) {
                textBlock = true;
                i += 2;
            } else if (text.startsWith("//", i)) {
                int eol = text.indexOf('\n', i);
                i = eol < 0 ? offset : eol;
            } else if (text.charAt(i) == '"' || text.charAt(i) == '\'') {
                char quote = text.charAt(i);
                for (i++; i < offset && text.charAt(i) != quote && text.charAt(i) != '\n'; i++) {
                    if (text.charAt(i) == '\\') {
                        i++;
                    }
                }
            }
        }
        return comment || textBlock;
    }
}
