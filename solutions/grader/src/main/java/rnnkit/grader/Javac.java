package rnnkit.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * javac. Compiling runs no student code: annotation processing, the one way a compilation could, is switched off
 * ({@code -proc:none}). A session keeps one file manager, so that the jars of the class path are opened once, not
 * at every compilation (which made a compilation 3-5 times slower). Student code is compiled in a
 * {@link CompileWorker} process, never in the grader's: javac on hostile input can recurse deeply or take minutes.
 */
final class Javac implements AutoCloseable {

    /** A compile error: the class, line and column in the generated file, and javac's message. */
    record Problem(String className, long line, long column, String message) {
    }

    private static final List<String> OPTIONS = List.of("-proc:none", "-g", "-nowarn", "-encoding", "UTF-8", "-implicit:none");

    private final JavaCompiler javac;
    private final StandardJavaFileManager files;
    private DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();

    Javac() {
        javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("the grader needs a JDK (javac), not a JRE");
        }
        files = javac.getStandardFileManager(null, Locale.ROOT, null);
    }

    /** Compiles the sources into {@code out}; returns the errors (none: it compiled). */
    static List<Problem> compile(List<Sources.Generated> sources, List<Path> classpath, Path out) {
        try (Javac j = new Javac()) {
            return j.compileSources(sources, classpath, out);
        }
    }

    /** Compiles plain Java files (the hidden tests). */
    static List<Problem> compileFiles(List<Path> paths, List<Path> classpath, Path out) {
        try (Javac j = new Javac()) {
            return j.run(classpath, out, j.files.getJavaFileObjectsFromPaths(paths));
        }
    }

    /** As {@link #compile}, in this session. */
    List<Problem> compileSources(List<Sources.Generated> sources, List<Path> classpath, Path out) {
        List<JavaFileObject> units = new ArrayList<>();
        for (Sources.Generated g : sources) {
            units.add(new Source(g));
        }
        return run(classpath, out, units);
    }

    private List<Problem> run(List<Path> classpath, Path out, Iterable<? extends JavaFileObject> units) {
        diagnostics = new DiagnosticCollector<>();
        try {
            files.setLocationFromPaths(StandardLocation.CLASS_PATH, classpath);
            files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        javac.getTask(null, files, diagnostics, OPTIONS, null, units).call();
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

    @Override
    public void close() {
        try {
            files.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
