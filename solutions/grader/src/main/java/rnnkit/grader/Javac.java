package rnnkit.grader;

import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * javac, in the grader's process. Compiling runs no student code: annotation processing, the one way a
 * compilation could, is switched off ({@code -proc:none}).
 */
final class Javac {

    /** A compile error: the class, line and column in the generated file, and javac's message. */
    record Problem(String className, long line, long column, String message) {
    }

    private Javac() {
    }

    /** Compiles the sources into {@code out}; returns the errors (none: it compiled). */
    static List<Problem> compile(List<Sources.Generated> sources, List<Path> classpath, Path out) {
        List<JavaFileObject> units = new ArrayList<>();
        for (Sources.Generated g : sources) {
            units.add(new Source(g));
        }
        return run(classpath, out, fm -> units);
    }

    /** Compiles plain Java files (the hidden tests). */
    static List<Problem> compileFiles(List<Path> files, List<Path> classpath, Path out) {
        return run(classpath, out, fm -> fm.getJavaFileObjectsFromPaths(files));
    }

    private static List<Problem> run(List<Path> classpath, Path out,
                                     java.util.function.Function<StandardJavaFileManager, Iterable<? extends JavaFileObject>> units) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("the grader needs a JDK (javac), not a JRE");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of("-proc:none", "-g", "-nowarn", "-encoding", "UTF-8", "-implicit:none",
                "-d", out.toString(), "-cp", classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            javac.getTask(null, fm, diagnostics, options, null, units.apply(fm)).call();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        List<Problem> problems = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                JavaFileObject src = d.getSource();
                String name = src instanceof Source ? ((Source) src).className : src == null ? "?" : src.getName();
                problems.add(new Problem(name, d.getLineNumber(), d.getColumnNumber(), d.getMessage(Locale.ROOT)));
            }
        }
        return problems;
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String className;
        private final String code;

        Source(Sources.Generated g) {
            super(URI.create("string:///" + Sources.PACKAGE + "/" + g.className() + ".java"), Kind.SOURCE);
            this.className = g.className();
            this.code = g.code();
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
