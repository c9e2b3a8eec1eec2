package rnnkit.kernel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.MethodSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.UnresolvedReferenceException;
import rnnkit.kernel.execution.SnippetExecutionControl;

/**
 * Evaluates Java code with JShell, one snippet at a time, and keeps track of which cell and line every snippet
 * came from, so that compile errors and stack traces can point at the student's own lines.
 *
 * <p>Rules, as in IJava: classes, methods and variables persist from cell to cell and can be redefined; the value
 * of a cell's last expression is its result, unless that expression ends with a semicolon.
 */
final class CellEvaluator implements AutoCloseable {

    /** JShell's own default imports and IJava's display functions: notebooks import everything else they use. */
    private static final List<String> DEFAULT_IMPORTS = java.util.stream.Stream.concat(Snippets.DEFAULT_IMPORTS.stream(), Stream.of(
            "static org.dflib.jjava.jupyter.kernel.BaseNotebookStatics.display",
            "static org.dflib.jjava.jupyter.kernel.BaseNotebookStatics.updateDisplay",
            "static org.dflib.jjava.jupyter.kernel.BaseNotebookStatics.render")).toList();

    /** The name in JShell's description of a missing dependency: "sig" in "method sig(double)". */
    private static final Pattern MISSING_NAME = Pattern.compile("^(?:\\w+\\s+)?(?:[\\w$]+\\.)*([\\w$]+)");

    private final SnippetExecutionControl control;
    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private final Map<String, CellError.Origin> origins = new ConcurrentHashMap<>();
    private volatile boolean interruptRequested;
    /** The class of the value of the cell's last snippet when a semicolon hid it, else null (see {@link #endCell}). */
    private String hiddenValue;
    /** Definitions of this cell that refer to names not defined yet: the cell may define them further down. */
    private final List<Pending> pending = new ArrayList<>();

    private record Pending(CellSource source, int start, String code, DeclarationSnippet snippet) {
    }

    /** A session whose code compiles against {@code classpath} and runs with the kernel's own classes. */
    CellEvaluator(String classpath) {
        control = SnippetExecutionControl.create(CellEvaluator.class.getClassLoader());
        shell = JShell.builder()
                .executionEngine(control.provider(), Map.of())
                .build();
        // Not a --class-path compiler option: that would hide what %jars and %maven add later.
        shell.addToClasspath(classpath);
        analysis = shell.sourceCodeAnalysis();
        for (String name : DEFAULT_IMPORTS) {
            for (SnippetEvent e : shell.eval("import " + name + ";")) {
                if (!e.status().isDefined()) {
                    throw new IllegalStateException("default import failed: " + name + " "
                            + shell.diagnostics(e.snippet()).map(d -> d.getMessage(Locale.ROOT)).collect(Collectors.toList()));
                }
            }
        }
    }

    /** Starts a new cell: forgets an interrupt that came between cells. */
    void beginCell() {
        interruptRequested = false;
        pending.clear();
        hiddenValue = null;
    }

    /**
     * The class of the value that the cell's last statement computed and its trailing semicolon hid, or null. IJava
     * and JJava ignore that semicolon and show the value ({@code System.out.printf(...);} shows a PrintStream there),
     * so the kit's notebooks must not end a cell like that; the kernel says so in the execute reply's metadata and
     * the notebook tests check it.
     */
    String valueHiddenBySemicolon() {
        return hiddenValue;
    }

    /**
     * Ends a cell that ran without error: a definition that still refers to a missing name is a compile error now,
     * at the line where the name is used. Until this point it was only pending, because ordinary Java puts helpers
     * below the methods that call them, and JShell accepts that once the helper is defined.
     */
    void endCell() throws CellError {
        for (Pending p : pending) {
            if (shell.status(p.snippet()) == Snippet.Status.RECOVERABLE_DEFINED
                    || shell.status(p.snippet()) == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                pending.clear();
                throw unresolved(p.source(), p.start(), p.code(), p.snippet());
            }
        }
        pending.clear();
    }

    /**
     * Runs the code in {@code [from, to)} of a cell and returns the value of its last expression, or
     * {@link SnippetExecutionControl#NO_VALUE} when it has none or ends with a semicolon.
     */
    Object eval(CellSource source, int from, int to) throws CellError {
        Object value = SnippetExecutionControl.NO_VALUE;
        for (Snippets.Snippet s : Snippets.split(analysis, source.text(), from, to)) {
            if (interruptRequested) {
                throw CellError.interrupted(false);
            }
            value = evalSnippet(source, s.start(), s.source(), !s.endsWithSemicolon());
        }
        return value;
    }

    private Object evalSnippet(CellSource source, int start, String code, boolean showValue) throws CellError {
        List<SnippetEvent> events = shell.eval(code);
        Object value = SnippetExecutionControl.NO_VALUE;
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                continue; // an earlier snippet that this one updated, not this one
            }
            Snippet snippet = event.snippet();
            origins.put(snippet.id(), new CellError.Origin(source.name(), source.line(start)));
            if (control.takeStopped() || interruptRequested) {
                throw CellError.interrupted(control.wasAbandoned());
            }
            if (event.status() == Snippet.Status.REJECTED) {
                throw compileError(source, start, snippet);
            }
            if (event.exception() instanceof EvalException) {
                throw CellError.exception((EvalException) event.exception(), origins::get);
            }
            if (event.exception() instanceof UnresolvedReferenceException) {
                DeclarationSnippet missing = ((UnresolvedReferenceException) event.exception()).getSnippet();
                throw CellError.unusable(describe(missing), shell.unresolvedDependencies(missing).collect(Collectors.toList()));
            }
            if (event.status() == Snippet.Status.RECOVERABLE_DEFINED || event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                DeclarationSnippet declaration = (DeclarationSnippet) snippet;
                if (shell.unresolvedDependencies(declaration).findAny().isEmpty()) {
                    throw unresolved(source, start, code, declaration); // javac's own error: no later line can mend it
                }
                pending.add(new Pending(source, start, code, declaration));
            }
            Object v = control.takeLastValue();
            if (showValue && isExpression(snippet)) {
                value = v;
            }
            hiddenValue = !showValue && isExpression(snippet) && v != null && v != SnippetExecutionControl.NO_VALUE
                    ? v.getClass().getName() : null;
        }
        return value;
    }

    private CellError compileError(CellSource source, int start, Snippet snippet) {
        List<CellError.Problem> problems = new ArrayList<>();
        for (Diag d : shell.diagnostics(snippet).filter(Diag::isError).collect(Collectors.toList())) {
            long s = d.getStartPosition() >= 0 ? d.getStartPosition() : Math.max(0, d.getPosition());
            long e = Math.max(s + 1, d.getEndPosition());
            problems.add(new CellError.Problem(start + (int) s, start + (int) e, d.getMessage(Locale.ROOT)));
        }
        if (problems.isEmpty()) {
            problems.add(new CellError.Problem(start, start + 1, "this code could not be compiled"));
        }
        return CellError.compile(source, problems);
    }

    private CellError unresolved(CellSource source, int start, String code, DeclarationSnippet snippet) {
        List<String> missing = shell.unresolvedDependencies(snippet).collect(Collectors.toList());
        if (missing.isEmpty()) {
            // JShell keeps a method whose body does not compile (e.g. a call with the wrong arguments) as
            // "recoverable" with no missing names: javac's own message is the one to show. It could never become
            // usable, so it is dropped like a rejected snippet (a kept one confuses later snippets' compilation).
            CellError error = compileError(source, start, snippet);
            shell.drop(snippet);
            return error;
        }
        int at = 0;
        int length = 1;
        Matcher name = MISSING_NAME.matcher(missing.get(0));
        if (name.find()) {
            // a missing method is where it is called, not a variable or parameter of the same name
            String after = missing.get(0).startsWith("method ") ? "(?=\\s*\\()" : "(?![\\w$])";
            Matcher use = Pattern.compile("(?<![\\w$])" + Pattern.quote(name.group(1)) + after).matcher(code);
            if (use.find()) {
                at = use.start();
                length = use.end() - use.start();
            }
        }
        return CellError.unresolved(source, start + at, start + at + length, describe(snippet), missing);
    }

    private static String describe(DeclarationSnippet snippet) {
        return switch (snippet.kind()) {
            case METHOD -> "method " + snippet.name() + "(" + ((MethodSnippet) snippet).parameterTypes() + ")";
            case TYPE_DECL -> "type " + snippet.name();
            case VAR -> "variable " + snippet.name();
            default -> snippet.name();
        };
    }

    private static boolean isExpression(Snippet s) {
        return s.kind() == Snippet.Kind.EXPRESSION
                || (s.kind() == Snippet.Kind.VAR && s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND);
    }

    /** Completion candidates at char offset {@code at} of a cell, and the range they replace. */
    Completion complete(String text, int at) {
        Span span = snippetAt(text, at);
        if (span == null) {
            return new Completion(List.of(), at, at);
        }
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions =
                analysis.completionSuggestions(text.substring(span.start(), span.end()), at - span.start(), anchor);
        Set<String> options = new LinkedHashSet<>();
        suggestions.stream().filter(SourceCodeAnalysis.Suggestion::matchesType).forEach(s -> options.add(s.continuation()));
        suggestions.forEach(s -> options.add(s.continuation()));
        return new Completion(new ArrayList<>(options), span.start() + anchor[0], at);
    }

    /** Completion candidates and the char range {@code [start, end)} of the cell they replace. */
    record Completion(List<String> options, int start, int end) {
    }

    /** Signatures and javadoc (where the JDK has sources) of what is at char offset {@code at}, or null. */
    String inspect(String text, int at) {
        Span span = snippetAt(text, at);
        if (span == null) {
            return null;
        }
        String code = text.substring(span.start(), span.end());
        int cursor = at - span.start();
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(code, cursor, true);
        if (docs.isEmpty()) {
            // JShell documents a call from inside its parentheses; Jupyter asks with the cursor on the name.
            int end = cursor;
            while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
                end++;
            }
            if (end < code.length() && code.charAt(end) == '(') {
                docs = analysis.documentation(code, end + 1, true);
            }
        }
        if (!docs.isEmpty()) {
            return docs.stream()
                    .map(d -> d.javadoc() == null || d.javadoc().isBlank() ? d.signature() : d.signature() + "\n\n" + d.javadoc())
                    .distinct()
                    .collect(Collectors.joining("\n\n"));
        }
        String type = analysis.analyzeType(code, cursor);
        return type == null || type.isBlank() ? null : "type: " + type;
    }

    /**
     * Whether a console front-end should run the code now: {@code null} when it is complete, otherwise the
     * indentation for the next line ({@code ""} when in doubt).
     */
    String indentIfIncomplete(String text) {
        String rest = text;
        while (!rest.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            // every completeness JShell knows, without default: a new one must be decided on here
            String indent = switch (info.completeness()) {
                case DEFINITELY_INCOMPLETE -> "    ";
                case CONSIDERED_INCOMPLETE, UNKNOWN -> "";
                case EMPTY, COMPLETE, COMPLETE_WITH_SEMI -> null;
            };
            if (indent != null || info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                return indent;
            }
            rest = info.remaining();
        }
        return null;
    }

    /** Makes jars or class folders usable by cells from now on (compiler and class loader both). */
    void addToClasspath(String path) {
        shell.addToClasspath(path);
    }

    /** Asks the running cell to stop; safe to call from any thread. */
    void interrupt() {
        interruptRequested = true;
        control.stop();
    }

    @Override
    public void close() {
        shell.close();
    }

    private record Span(int start, int end) {
    }

    /** The snippet of the cell's Java code that holds offset {@code at} (its end included), or null. */
    private Span snippetAt(String text, int at) {
        CellSource source = new CellSource("", text);
        for (CellSource.Part part : source.parts()) {
            if (part instanceof CellSource.Java) {
                CellSource.Java java = (CellSource.Java) part;
                if (at < java.start() || at > java.end()) {
                    continue;
                }
                for (Snippets.Snippet s : Snippets.split(analysis, text, java.start(), java.end())) {
                    if (at <= s.end()) {
                        return new Span(Math.min(s.start(), at), s.end());
                    }
                }
                return new Span(at, at);
            }
        }
        return null;
    }
}
