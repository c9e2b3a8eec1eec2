import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes the float32 twin of the library's training path: for each class rnnkit.P.C of {@link #CLASSES}, the class
 * rnnkit.f32.P.C, made from its double-precision source by rewriting its types, literals and calls, the way EJML
 * generates its 32-bit code from its 64-bit code. lib/pom.xml runs it before compiling:
 * <pre>
 *   java lib/codegen/GenerateFloat32.java lib/src/main/java lib/target/generated-sources/float32
 * </pre>
 * The double-precision classes are the only source: nothing here is committed, and CONTRIBUTING.md says how to
 * write code this generator turns into correct float code. The rewriting, outside strings and comments:
 * <ul>
 *   <li>{@code package rnnkit.P} and references to the listed classes move to {@code rnnkit.f32.P}; a class of the
 *       same package that is not listed is imported from the double side;</li>
 *   <li>{@code double} becomes {@code float}, {@code Double} {@code Float}, EJML's {@code DMatrixRMaj} and
 *       {@code *_DDRM} their {@code F} forms, BLAS's {@code dgemm} {@code sgemm};</li>
 *   <li>floating literals get an {@code f}: {@code 0.5} becomes {@code 0.5f};</li>
 *   <li>the {@code Math} functions that have no float overload ({@code exp}, {@code log}, {@code sqrt}, ...) get a
 *       {@code (float)} cast on their result (so a {@code (double)} cast written in the source, a no-op there,
 *       becomes the {@code (float)} that a double coming from elsewhere, such as {@code Rng}, needs here);</li>
 *   <li>lines between {@code // float64 only: begin} and {@code // float64 only: end} are left out (the glue that
 *       connects a model to its twin), and a comment line {@code //f32: code} becomes {@code code} (the float32
 *       twin's vectorized kernels, {@code rnnkit.f32.core.Vectorized}, written by hand).</li>
 * </ul>
 */
public final class GenerateFloat32 {

    /** The classes of the training path, as paths under rnnkit/. */
    static final List<String> CLASSES = List.of(
            "core/Activation", "core/Gemm", "core/Init", "core/Ops", "core/Parameter", "core/Sequence", "core/Trainable",
            "layers/Affine", "layers/Embedding", "layers/Gru", "layers/Lstm", "layers/LstmVariantCell",
            "layers/Recurrent", "layers/RecurrentLayer", "layers/Rnn", "layers/SoftmaxCrossEntropy", "layers/Stacked",
            "layers/State",
            "models/Cell", "models/LanguageModel",
            "reg/Dropout");

    static final String BEGIN_SKIP = "// float64 only: begin";
    static final String END_SKIP = "// float64 only: end";
    static final String FLOAT32_LINE = "//f32:";

    private static final Pattern QUALIFIED = Pattern.compile("\\brnnkit\\.(\\w+)\\.(\\w+)\\b");
    private static final Pattern FLOATING = Pattern.compile(
            "(?<![\\w.])((?:\\d[\\d_]*\\.[\\d_]*|\\.\\d[\\d_]*)(?:[eE][-+]?\\d+)?|\\d[\\d_]*[eE][-+]?\\d+|\\d[\\d_]*(?=[dD]))[dD]?(?![\\w.])");
    private static final Pattern MATH = Pattern.compile(
            "\\bMath\\.(exp|expm1|log|log1p|log10|sqrt|cbrt|tanh|sinh|cosh|pow|hypot|sin|cos|tan|atan|atan2)\\(");
    private static final Pattern WORD = Pattern.compile("\\b[A-Z]\\w*\\b");

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java GenerateFloat32.java <lib/src/main/java> <output folder>");
            System.exit(2);
        }
        Path source = Path.of(args[0]).resolve("rnnkit");
        Path out = Path.of(args[1]);
        Set<String> listed = new LinkedHashSet<>(CLASSES);
        deleteTree(out);
        for (String name : CLASSES) {
            Path file = source.resolve(name + ".java");
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String generated;
            try {
                generated = generate(text, name, listed, samePackage(source, name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
            Path target = out.resolve("rnnkit/f32/" + name + ".java");
            Files.createDirectories(target.getParent());
            Files.writeString(target, generated, StandardCharsets.UTF_8);
        }
        System.out.println("GenerateFloat32: " + CLASSES.size() + " classes of rnnkit.f32 in " + out);
    }

    /** The other classes of a listed class's package, by simple name. */
    static Set<String> samePackage(Path source, String name) throws IOException {
        Path dir = source.resolve(name).getParent();
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".java") && !f.equals("package-info.java"))
                    .forEach(f -> names.add(f.substring(0, f.length() - ".java".length())));
        }
        return names;
    }

    /** The float32 source of the class {@code name} ("layers/Lstm") whose double source is {@code text}. */
    static String generate(String text, String name, Set<String> listed, Set<String> packageClasses) {
        String pkg = name.substring(0, name.indexOf('/'));
        String kept = withoutSkippedLines(text);
        StringBuilder code = new StringBuilder();
        for (Segment s : segments(kept)) {
            code.append(s.code ? rewrite(s.text, listed) : s.text);
        }
        // a class of the same package that has no twin is the double one: import it
        Set<String> used = new TreeSet<>();
        Matcher w = WORD.matcher(codeOnly(kept));
        while (w.find()) {
            String simple = w.group();
            if (packageClasses.contains(simple) && !listed.contains(pkg + "/" + simple)) {
                used.add(simple);
            }
        }
        String header = "// GENERATED by lib/codegen/GenerateFloat32.java from rnnkit/" + name + ".java: edit that file, not this one.\n";
        String result = code.toString();
        Matcher p = Pattern.compile("(?m)^package rnnkit\\.f32\\.\\w+;\\n").matcher(result);
        if (!p.find()) {
            throw new IllegalArgumentException("no 'package rnnkit." + pkg + ";' line");
        }
        StringBuilder imports = new StringBuilder();
        for (String simple : used) {
            imports.append("import rnnkit.").append(pkg).append('.').append(simple).append(";\n");
        }
        return header + result.substring(0, p.end()) + (imports.length() > 0 ? "\n" + imports : "") + result.substring(p.end());
    }

    static String rewrite(String code, Set<String> listed) {
        code = code.replaceAll("(?m)^package rnnkit\\.(\\w+);", "package rnnkit.f32.$1;");
        Matcher q = QUALIFIED.matcher(code);
        StringBuilder sb = new StringBuilder();
        while (q.find()) {
            String target = listed.contains(q.group(1) + "/" + q.group(2)) ? "rnnkit.f32.$1.$2" : "$0";
            q.appendReplacement(sb, target);
        }
        q.appendTail(sb);
        code = sb.toString();
        code = code.replaceAll("\\bDMatrixRMaj\\b", "FMatrixRMaj")
                .replaceAll("\\bDMatrix\\b", "FMatrix")
                .replaceAll("\\b(\\w+)_DDRM\\b", "$1_FDRM")
                .replaceAll("\\bdouble\\b", "float")
                .replaceAll("\\bDouble\\b", "Float")
                .replaceAll("\\bdgemm\\b", "sgemm");
        code = MATH.matcher(code).replaceAll("(float) Math.$1(");
        code = FLOATING.matcher(code).replaceAll("$1f");
        return code;
    }

    static String withoutSkippedLines(String text) {
        StringBuilder out = new StringBuilder();
        boolean skipping = false;
        int line = 0;
        int began = 0;
        for (String l : text.split("\n", -1)) {
            line++;
            String t = l.trim();
            if (t.equals(BEGIN_SKIP)) {
                if (skipping) {
                    throw new IllegalArgumentException("line " + line + ": '" + BEGIN_SKIP + "' inside the one begun on line " + began);
                }
                skipping = true;
                began = line;
            } else if (t.equals(END_SKIP)) {
                if (!skipping) {
                    throw new IllegalArgumentException("line " + line + ": '" + END_SKIP + "' without a begin");
                }
                skipping = false;
            }
            if (!skipping && t.startsWith(FLOAT32_LINE)) {             // a line only the float32 twin runs
                l = l.substring(0, l.indexOf(FLOAT32_LINE)) + t.substring(FLOAT32_LINE.length()).stripLeading();
            }
            // a skipped line stays as an empty line, so that the generated file's line numbers are the source's
            out.append(skipping || t.equals(END_SKIP) ? "" : l).append('\n');
        }
        if (skipping) {
            throw new IllegalArgumentException("line " + began + ": '" + BEGIN_SKIP + "' is never ended");
        }
        return out.substring(0, out.length() - 1);
    }

    static String codeOnly(String text) {
        StringBuilder sb = new StringBuilder();
        for (Segment s : segments(text)) {
            if (s.code) {
                sb.append(s.text);
            }
        }
        return sb.toString();
    }

    record Segment(String text, boolean code) {
    }

    /** The text cut into code and the rest (comments, string, char and text-block literals), in order. */
    static List<Segment> segments(String text) {
        List<Segment> out = new ArrayList<>();
        int i = 0;
        int start = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            int end = -1;
            if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
                end = text.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                end = text.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (text.startsWith("\"\"\"", i)) {
                end = text.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
            } else if (c == '"' || c == '\'') {
                end = i + 1;
                while (end < n && text.charAt(end) != c) {
                    end += text.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(n, end + 1);
            }
            if (end < 0) {
                i++;
                continue;
            }
            if (i > start) {
                out.add(new Segment(text.substring(start, i), true));
            }
            out.add(new Segment(text.substring(i, end), false));
            i = end;
            start = end;
        }
        if (start < n) {
            out.add(new Segment(text.substring(start), true));
        }
        return out;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
