package rnnkit.kernel;

import java.util.ArrayList;
import java.util.List;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;

/**
 * Splits Java code into the complete snippets JShell evaluates one at a time (a declaration, a statement, an
 * expression), keeping where each one is in the text. Shared by the kernel and the grader, so that both read a
 * cell the same way.
 */
public final class Snippets {

    /**
     * The packages every cell and every graded exercise can use unqualified: exactly IJava 1.3's default imports
     * (its ijava-jshell-init.jshell; JJava 1.0 imports these and java.time), so that a notebook that runs here runs
     * there too. JShell's own command-line tool imports more (java.nio.file, java.util.function, java.util.stream):
     * notebooks import those themselves.
     */
    public static final List<String> DEFAULT_IMPORTS = List.of(
            "java.util.*", "java.io.*", "java.math.*", "java.net.*", "java.util.concurrent.*", "java.util.prefs.*",
            "java.util.regex.*");

    private Snippets() {
    }

    /**
     * One snippet: it occupies {@code [start, end)} of the text ({@code start} after any leading whitespace);
     * {@code source} is what to compile (JShell adds a missing final semicolon); {@code complete} is false for an
     * unfinished tail, which is compiled as it is so that javac says what is missing; {@code endsWithSemicolon}
     * tells whether its author ended it with one (an expression without one is a cell's result).
     */
    public record Snippet(int start, int end, String source, boolean complete, boolean endsWithSemicolon) {
    }

    /** The snippets of {@code text[from, to)}, in order. */
    public static List<Snippet> split(SourceCodeAnalysis analysis, String text, int from, int to) {
        List<Snippet> out = new ArrayList<>();
        int pos = from;
        while (pos < to) {
            String rest = text.substring(pos, to);
            CompletionInfo info = analysis.analyzeCompletion(rest);
            if (info.completeness() == Completeness.EMPTY) {
                break;
            }
            boolean complete = info.completeness().isComplete();
            String code = complete ? info.source() : rest;
            int consumed = complete ? rest.length() - info.remaining().length() : rest.length();
            int lead = code.length() - code.stripLeading().length();
            boolean semicolon = rest.substring(0, consumed).strip().endsWith(";");
            out.add(new Snippet(pos + lead, pos + consumed, code.substring(lead), complete, semicolon));
            pos += Math.max(consumed, 1);
        }
        return out;
    }
}
