package rnnkit.grader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.JShell;
import jdk.jshell.MethodSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.SourceCodeAnalysis;
import rnnkit.grader.runner.ExerciseRunner;
import rnnkit.kernel.Snippets;

/**
 * Turns notebook cells into Java classes the grader can compile. A cell's declarations become static members
 * of a class: JShell's top-level methods, classes and variables behave like static members already. Imports
 * go to the top of the file; statements and expressions (checks, prints, experiments) are left out, since an
 * exercise is graded on what it defines.
 *
 * <p>For exercise X two classes are made, in package {@code exercises}: {@code Ctx_X}, holding the reference
 * solutions of the exercises before X (so that a mistake in an earlier exercise does not cost X), and
 * {@code Ex_X extends Ctx_X}, holding the code of X's cell. The cell keeps its line numbers
 * {@link ExerciseRunner#HEADER_LINES} down (the file's header is one line), so a compile error or a stack trace at
 * line n of the file is line n - HEADER_LINES of the cell.
 *
 * <p>Helpers: what the student declared in cells of their own before X, or in earlier exercise cells besides what
 * those exercises ask for, is in the notebook's JShell when X runs, so X may use it. Such declarations go into
 * {@code Ex_X} after the cell's code (so the cell's line numbers stay), but only those javac asks for (a symbol it
 * cannot find otherwise), directly or through other helpers: a helper no exercise needs can neither break nor help it,
 * and a variable of the notebook never replaces a parameter of the same name.
 */
final class Sources {

    static final String PACKAGE = "exercises";
    private static final Pattern ALREADY_STATIC = Pattern.compile(
            "^(?:\\s|//[^\\n]*\\n|/\\*(?s:.*?)\\*/|@[\\w.]+(?:\\([^)]*\\))?)*"
                    + "(?:(?:public|protected|private|final|abstract|synchronized|strictfp|sealed|non-sealed)\\s+)*static\\b");

    private JShell jshell = JShell.builder().executionEngine("local").build();
    private SourceCodeAnalysis analysis = jshell.sourceCodeAnalysis();

    /** A class's source; for an exercise class, where each helper declaration is in it (lines of the file). */
    record Generated(String className, String code, List<Placed> helpers) {
        Generated(String className, String code) {
            this(className, code, List.of());
        }
    }

    /**
     * A cell of the student's notebook before the exercise: its position (1 = the first cell), code, and grade id
     * when it is an exercise cell (whose graded declarations are not helpers: later exercises get the reference's).
     */
    record HelperCell(int cell, String code, String exercise) {
    }

    /**
     * A declaration a helper cell makes: its name, what makes it the same declaration as another (kind, name,
     * parameter types), its source as a class member, the imports of its cell, and where it is (cell, first line).
     */
    record Declaration(String name, String key, String member, Set<String> imports, int cell, int line) {
        /** How feedback names it. */
        String describe() {
            return "'" + name + "' (cell " + cell + " of the notebook, line " + line + ")";
        }
    }

    /** A helper declaration in a generated class, from line {@code first} to line {@code last} of the file. */
    record Placed(Declaration declaration, int first, int last) {
    }

    /** The name of a method or class declaration, from its first line. */
    private static final Pattern BROKEN_DECLARATION = Pattern.compile("^(?:\\s|//[^\\n]*\\n|/\\*(?s:.*?)\\*/|@\\w+)*"
            + "(?:(?:public|private|protected|static|final|abstract)\\s+)*(?:(?:class|record|interface|enum)\\s+([A-Za-z_$][\\w$]*)"
            + "|[\\w$.<>\\[\\], ?]+?\\s+([A-Za-z_$][\\w$]*)\\s*\\()");
    private final Map<String, Set<String>> contextImports = new HashMap<>();
    private final Map<String, Set<String>> referenceNames = new HashMap<>();

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
    Generated exercise(Assignment a, Assignment.Exercise x, String cellCode) {
        return exercise(a, x, cellCode, List.of());
    }

    /** Ex_X from the code of X's cell and the helper declarations it uses (see {@link #helpers}). */
    synchronized Generated exercise(Assignment a, Assignment.Exercise x, String cellCode, List<Declaration> helpers) {
        Set<String> imports = new LinkedHashSet<>(contextImports.computeIfAbsent(a.name() + "/" + x.id(), k -> {
            Set<String> before = new LinkedHashSet<>();
            for (String cell : a.codeBefore(x.cell())) {
                before.addAll(imports(cell));
            }
            return before;
        }));
        imports.addAll(imports(cellCode));
        helpers.forEach(h -> imports.addAll(h.imports()));
        String name = exerciseClass(x.id());
        // All on one line (ExerciseRunner.HEADER_LINES), so that the cell's line k is the file's line k + 1.
        String header = header(imports).replace('\n', ' ') + "public final class " + name + " extends " + contextClass(x.id()) + " {\n";
        StringBuilder code = new StringBuilder(header).append(body(cellCode)).append('\n');
        int line = (int) code.chars().filter(c -> c == '\n').count() + 1;
        List<Placed> placed = new ArrayList<>();
        for (Declaration h : helpers) {
            int lines = (int) h.member().chars().filter(c -> c == '\n').count() + 1;
            code.append(h.member()).append('\n');
            placed.add(new Placed(h, line, line + lines - 1));
            line += lines;
        }
        return new Generated(name, code.append("}\n").toString(), placed);
    }

    /**
     * The helper declarations exercise code may use: every declaration of the cells before it, the latest of each
     * name and signature (as JShell keeps them), minus what the exercise's own cell declares and minus the graded
     * declarations of earlier exercise cells (those come from the reference solutions), in notebook order.
     */
    synchronized List<Declaration> helpers(Assignment a, String cellCode, List<HelperCell> cells) {
        Map<String, Declaration> latest = new LinkedHashMap<>();
        for (HelperCell c : cells) {
            Set<String> graded = c.exercise() == null ? Set.of() : referenceNames(a, c.exercise());
            for (Declaration d : declarations(c)) {
                if (!graded.contains(d.name())) {
                    latest.remove(d.key());
                    latest.put(d.key(), d);
                }
            }
        }
        for (Declaration d : declarations(new HelperCell(0, cellCode, null))) {
            latest.remove(d.key());
        }
        return new ArrayList<>(latest.values());
    }

    /** The names a reference solution declares: what its exercise is graded on. */
    private Set<String> referenceNames(Assignment a, String exercise) {
        return referenceNames.computeIfAbsent(a.name() + "/" + exercise, k -> {
            Set<String> names = new HashSet<>();
            a.exercises().stream().filter(e -> e.id().equals(exercise)).findFirst()
                    .ifPresent(e -> declarations(new HelperCell(0, e.solution(), null)).forEach(d -> names.add(d.name())));
            return names;
        });
    }

    /** The declarations (methods, classes, variables) of a cell, each as a static class member. */
    private List<Declaration> declarations(HelperCell c) {
        try {
            return declarationsOf(c);
        } catch (StackOverflowError | InternalError e) {
            // a cell nested too deeply to parse (an attack on an earlier exercise): it offers no helpers, and JShell,
            // whose parser it broke, starts anew
            jshell.close();
            jshell = JShell.builder().executionEngine("local").build();
            analysis = jshell.sourceCodeAnalysis();
            return List.of();
        }
    }

    private List<Declaration> declarationsOf(HelperCell c) {
        List<Declaration> out = new ArrayList<>();
        Set<String> imports = imports(c.code());
        for (Snippets.Snippet s : Snippets.split(analysis, c.code(), 0, c.code().length())) {
            List<Snippet> parsed = analysis.sourceToSnippets(s.source());
            String name;
            String key;
            if (!parsed.isEmpty() && parsed.get(0) instanceof DeclarationSnippet d
                    && (d.kind() == Snippet.Kind.METHOD || d.kind() == Snippet.Kind.TYPE_DECL || d.kind() == Snippet.Kind.VAR)) {
                name = d.name();
                key = d.kind() + " " + d.name() + (d instanceof MethodSnippet m ? "(" + m.parameterTypes() + ")" : "");
            } else {
                // A declaration that does not parse: kept under its name, so that an exercise that needs it is told why.
                Matcher m = BROKEN_DECLARATION.matcher(s.source());
                if (kind(s) != Snippet.Kind.ERRONEOUS || !m.find()) {
                    continue;
                }
                name = m.group(1) != null ? m.group(1) : m.group(2);
                key = "ERRONEOUS " + name;
            }
            String src = c.code().substring(s.start(), s.end()).strip();
            if (key.startsWith("VAR ") && !src.endsWith(";")) {
                src += ";";
            }
            String member = ALREADY_STATIC.matcher(src).find() ? src : "static " + src;
            int line = 1 + (int) c.code().substring(0, s.start()).chars().filter(ch -> ch == '\n').count()
                    + (int) c.code().substring(s.start(), s.end()).lines().takeWhile(String::isBlank).count();
            out.add(new Declaration(name, key, member, imports, c.cell(), line));
        }
        return out;
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
