package rnnkit.grader;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SourceCodeAnalysis;
import rnnkit.kernel.Snippets;

/**
 * Turns notebook cells into Java classes the grader can compile. A cell's declarations become static members
 * of a class: JShell's top-level methods, classes and variables behave like static members already. Imports
 * go to the top of the file; statements and expressions (checks, prints, experiments) are left out, since an
 * exercise is graded on what it defines.
 *
 * <p>For exercise X two classes are made, in package {@code exercises}: {@code Ctx_X}, holding the reference
 * solutions of the exercises before X (so that a mistake in an earlier exercise does not cost X), and
 * {@code Ex_X extends Ctx_X}, holding the code of X's cell. The cell keeps its line numbers one line down (the
 * file's header is line 1), so a compile error or a stack trace at line n of the file is line n - 1 of the cell.
 */
final class Sources {

    static final String PACKAGE = "exercises";
    private static final Pattern ALREADY_STATIC = Pattern.compile(
            "^(?:\\s|//[^\\n]*\\n|/\\*(?s:.*?)\\*/|@[\\w.]+(?:\\([^)]*\\))?)*"
                    + "(?:(?:public|protected|private|final|abstract|synchronized|strictfp|sealed|non-sealed)\\s+)*static\\b");

    private final JShell jshell = JShell.builder().executionEngine("local").build();
    private final SourceCodeAnalysis analysis = jshell.sourceCodeAnalysis();

    /** A class's source. */
    record Generated(String className, String code) {
    }

    static String contextClass(String gradeId) {
        return "Ctx_" + identifier(gradeId);
    }

    static String exerciseClass(String gradeId) {
        return "Ex_" + identifier(gradeId);
    }

    private static String identifier(String gradeId) {
        return gradeId.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /** Ctx_X: the imports of everything before X, and the reference solutions of the exercises before X. */
    synchronized Generated context(Assignment a, Assignment.Exercise x) {
        Set<String> imports = new LinkedHashSet<>();
        StringBuilder members = new StringBuilder();
        for (String cell : a.codeBefore(x.cell())) {
            imports.addAll(imports(cell));
        }
        for (Assignment.Exercise earlier : a.exercises()) {
            if (earlier.cell() < x.cell()) {
                members.append(body(earlier.solution())).append('\n');
            }
        }
        String name = contextClass(x.id());
        return new Generated(name, header(imports) + "public class " + name + " extends rnnkit.grader.testkit.NotebookStubs {\n"
                + members + "}\n");
    }

    /** Ex_X from the code of X's cell (a student's, or the reference solution). */
    synchronized Generated exercise(Assignment a, Assignment.Exercise x, String cellCode) {
        Set<String> imports = new LinkedHashSet<>();
        for (String cell : a.codeBefore(x.cell())) {
            imports.addAll(imports(cell));
        }
        imports.addAll(imports(cellCode));
        String name = exerciseClass(x.id());
        // All on line 1, so that the cell's line k is the file's line k + 1.
        String header = header(imports).replace('\n', ' ') + "public final class " + name + " extends " + contextClass(x.id()) + " {\n";
        return new Generated(name, header + body(cellCode) + "\n}\n");
    }

    private static String header(Set<String> imports) {
        StringBuilder sb = new StringBuilder("package " + PACKAGE + ";\n");
        for (String p : Snippets.DEFAULT_IMPORTS) {
            sb.append("import ").append(p).append(";\n");
        }
        imports.forEach(i -> sb.append(i).append('\n'));
        return sb.toString();
    }

    /** The import statements of a cell. */
    private Set<String> imports(String cell) {
        Set<String> out = new LinkedHashSet<>();
        for (Snippets.Snippet s : Snippets.split(analysis, cell, 0, cell.length())) {
            if (kind(s) == Snippet.Kind.IMPORT) {
                String src = s.source().strip();
                out.add(src.endsWith(";") ? src : src + ";");
            }
        }
        return out;
    }

    /**
     * The cell as class members, character for character where they are declarations (with {@code static}
     * added), blanked out (newlines kept) where they are imports, statements or expressions.
     */
    private String body(String cell) {
        StringBuilder out = new StringBuilder(cell);
        List<Snippets.Snippet> snippets = Snippets.split(analysis, cell, 0, cell.length());
        for (int i = snippets.size() - 1; i >= 0; i--) { // from the end, so earlier offsets stay valid
            Snippets.Snippet s = snippets.get(i);
            Snippet.Kind kind = kind(s);
            boolean member = kind == Snippet.Kind.METHOD || kind == Snippet.Kind.TYPE_DECL || kind == Snippet.Kind.VAR
                    || kind == Snippet.Kind.ERRONEOUS;
            if (member) {
                if (kind == Snippet.Kind.VAR && !cell.substring(s.start(), s.end()).strip().endsWith(";")) {
                    out.insert(s.end(), ";"); // JShell lets a cell's last declaration go without one
                }
                if (kind != Snippet.Kind.ERRONEOUS && !ALREADY_STATIC.matcher(s.source()).find()) {
                    out.insert(s.start(), "static ");
                }
            } else {
                for (int k = s.start(); k < s.end(); k++) {
                    if (out.charAt(k) != '\n') {
                        out.setCharAt(k, ' ');
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * JShell's kind of a snippet. JShell calls a call of a method it has not seen ERRONEOUS (the grader's JShell
     * has none of the notebook's definitions); such a snippet that parses as a statement is one.
     */
    private Snippet.Kind kind(Snippets.Snippet s) {
        List<Snippet> parsed = analysis.sourceToSnippets(s.source());
        Snippet.Kind kind = parsed.isEmpty() ? Snippet.Kind.ERRONEOUS : parsed.get(0).kind();
        return kind == Snippet.Kind.ERRONEOUS && parsesAsStatement(s.source()) ? Snippet.Kind.STATEMENT : kind;
    }

    /** Whether the code parses (parsing only: nothing is resolved) as statements of a method body. */
    static boolean parsesAsStatement(String code) {
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        javax.tools.DiagnosticCollector<javax.tools.JavaFileObject> diagnostics = new javax.tools.DiagnosticCollector<>();
        javax.tools.JavaFileObject unit = new javax.tools.SimpleJavaFileObject(
                java.net.URI.create("string:///Probe.java"), javax.tools.JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return "class Probe { void probe() {\n" + code + "\n} }";
            }
        };
        try {
            ((com.sun.source.util.JavacTask) javac.getTask(null, null, diagnostics, List.of("-proc:none"), null, List.of(unit))).parse();
        } catch (java.io.IOException e) {
            return false;
        }
        return diagnostics.getDiagnostics().stream().noneMatch(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR);
    }
}
