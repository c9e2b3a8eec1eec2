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
 *       twin's vectorized kernels, {@code rnnkit.f32.core.Vectorized}, written by hand);</li>
 *   <li>a loop after a line {@code // float32: vectorized} is also written on the Vector API ({@link VectorLoops}):
 *       the float32 twin runs it 16 floats at a time, and its scalar loop only for the rest.</li>
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
            VectorLoops loops = new VectorLoops(name);
            try {
                generated = generate(text, name, listed, samePackage(source, name), loops);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
            Path target = out.resolve("rnnkit/f32/" + name + ".java");
            Files.createDirectories(target.getParent());
            Files.writeString(target, generated, StandardCharsets.UTF_8);
            if (!loops.methods.isEmpty()) {
                Files.writeString(out.resolve("rnnkit/f32/" + name + "Loops.java"), loops.classText(), StandardCharsets.UTF_8);
            }
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
    static String generate(String text, String name, Set<String> listed, Set<String> packageClasses, VectorLoops loops) {
        String pkg = name.substring(0, name.indexOf('/'));
        String kept = loops.rewriteMarked(withoutSkippedLines(text));
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

    /**
     * The loops of one class marked {@code // float32: vectorized}, written on the Vector API into the class
     * {@code <Name>Loops} beside the twin. A marked loop is {@code for (int j = 0; j < n; j++) { ... }} whose body is
     * only {@code int v = <int expression>;}, {@code double v = <expression>;} and {@code array[<int expression>] =
     * <expression>;} (or {@code +=}), where an expression is numbers, double variables, array elements, {@code + - * /}
     * and parentheses. The vector method computes each statement on a vector of j's with the same operations in the
     * same order (each rounded as the scalar one is, so the results are the same bits) and returns the first j it did
     * not compute; the twin's loop header becomes {@code for (int j = Vectorized.ON ? <that method> : 0; ...)}, so its
     * scalar loop does the rest, or everything where the Vector API is not loaded (the Loops class is then never
     * loaded). The int variables an index uses that the body does not declare are passed as int arguments, each array
     * as a float[].
     */
    static final class VectorLoops {
        static final String MARK = "// float32: vectorized";
        private static final Pattern HEADER = Pattern.compile(
                "^(\\s*)for \\(int (\\w+) = 0; \\2 < ([^;]+); \\2\\+\\+\\) \\{\\s*$");
        private static final Pattern TOKEN = Pattern.compile(
                "\\s*(\\d+(?:\\.\\d*)?(?:[eE][-+]?\\d+)?[dDfF]?|[A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)*|\\+=|[-+*/()\\[\\]=;])");

        private final String name;
        private final String simple;
        final List<String> methods = new ArrayList<>();

        VectorLoops(String name) {
            this.name = name;
            this.simple = name.substring(name.indexOf('/') + 1);
        }

        /** The double source with each marked loop's header calling its vector method (same number of lines). */
        String rewriteMarked(String text) {
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (!lines[i].trim().equals(MARK)) {
                    continue;
                }
                Matcher h = i + 1 < lines.length ? HEADER.matcher(lines[i + 1]) : null;
                if (h == null || !h.matches()) {
                    throw new IllegalArgumentException("line " + (i + 2) + ": '" + MARK + "' must be followed by a loop "
                            + "'for (int j = 0; j < n; j++) {'");
                }
                StringBuilder body = new StringBuilder();
                int depth = 1;
                int end = i + 2;
                for (; end < lines.length; end++) {
                    String code = codeOnly(lines[end]);
                    for (char c : code.toCharArray()) {
                        depth += c == '{' ? 1 : c == '}' ? -1 : 0;
                    }
                    if (depth == 0) {
                        body.append(code, 0, code.lastIndexOf('}'));
                        break;
                    }
                    body.append(code).append('\n');
                }
                if (depth != 0) {
                    throw new IllegalArgumentException("line " + (i + 2) + ": the vectorized loop is never closed");
                }
                String call;
                try {
                    call = method(h.group(2), h.group(3).trim(), body.toString());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("the loop on line " + (i + 2) + " cannot be vectorized: " + e.getMessage(), e);
                }
                lines[i + 1] = h.group(1) + "for (int " + h.group(2) + " = rnnkit.f32.core.Vectorized.ON ? " + call
                        + " : 0; " + h.group(2) + " < " + h.group(3).trim() + "; " + h.group(2) + "++) {";
            }
            return String.join("\n", lines);
        }

        /** Writes the vector method of one loop; returns its call. */
        private String method(String j, String bound, String body) {
            List<String> tokens = new ArrayList<>();
            Matcher m = TOKEN.matcher(body);
            int at = 0;
            while (m.find() && m.start() == at) {
                tokens.add(m.group(1));
                at = m.end();
            }
            if (!body.substring(at).isBlank()) {
                throw new IllegalArgumentException("unexpected '" + body.substring(at).trim().split("\\s")[0] + "'");
            }
            Set<String> ints = new LinkedHashSet<>();
            Set<String> vectors = new LinkedHashSet<>();
            List<String> arrays = new ArrayList<>();
            List<String> intArgs = new ArrayList<>();
            StringBuilder code = new StringBuilder();
            ints.add(j);
            Parser p = new Parser(tokens, ints, vectors, arrays, intArgs);
            while (p.more()) {
                code.append("            ").append(p.statement()).append('\n');
            }
            if (!bound.matches("[A-Za-z_]\\w*")) {
                throw new IllegalArgumentException("the loop's bound '" + bound + "' must be an int variable");
            }
            if (!intArgs.contains(bound)) {
                intArgs.add(bound);
            }
            String id = "loop" + methods.size();
            StringBuilder params = new StringBuilder();
            StringBuilder args = new StringBuilder();
            for (String a : arrays) {
                params.append(params.length() > 0 ? ", " : "").append("float[] ").append(a.replace('.', '_'));
                args.append(args.length() > 0 ? ", " : "").append(a);
            }
            for (String v : intArgs) {
                params.append(params.length() > 0 ? ", " : "").append("int ").append(v);
                args.append(args.length() > 0 ? ", " : "").append(v);
            }
            methods.add("    static int " + id + "(" + params + ") {\n"
                    + "        int " + j + " = 0;\n"
                    + "        for (; " + j + " <= " + bound + " - S.length(); " + j + " += S.length()) {\n"
                    + code
                    + "        }\n"
                    + "        return " + j + ";\n"
                    + "    }\n");
            return simple + "Loops." + id + "(" + args + ")";
        }

        String classText() {
            String pkg = name.substring(0, name.indexOf('/'));
            return "// GENERATED by lib/codegen/GenerateFloat32.java from the loops of rnnkit/" + name + ".java marked '"
                    + MARK + "': edit that file, not this one.\n"
                    + "package rnnkit.f32." + pkg + ";\n\n"
                    + "import jdk.incubator.vector.FloatVector;\n"
                    + "import jdk.incubator.vector.VectorSpecies;\n\n"
                    + "/** The vectorized loops of {@link " + simple + "}: its twin calls them only when rnnkit.f32.core.Vectorized.ON. */\n"
                    + "final class " + simple + "Loops {\n\n"
                    + "    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;\n\n"
                    + "    private " + simple + "Loops() {\n    }\n\n"
                    + String.join("\n", methods)
                    + "}\n";
        }
    }

    /** Parses a vectorized loop's body (see {@link VectorLoops}) and writes its statements on vectors. */
    static final class Parser {
        private final List<String> t;
        private final Set<String> ints;
        private final Set<String> vectors;
        private final List<String> arrays;
        private final List<String> intArgs;
        private int i;

        Parser(List<String> tokens, Set<String> ints, Set<String> vectors, List<String> arrays, List<String> intArgs) {
            this.t = tokens;
            this.ints = ints;
            this.vectors = vectors;
            this.arrays = arrays;
            this.intArgs = intArgs;
        }

        boolean more() {
            return i < t.size();
        }

        private String peek() {
            return i < t.size() ? t.get(i) : "";
        }

        private String next() {
            if (i >= t.size()) {
                throw new IllegalArgumentException("the body ends in the middle of a statement");
            }
            return t.get(i++);
        }

        private void expect(String s) {
            String n = next();
            if (!n.equals(s)) {
                throw new IllegalArgumentException("expected '" + s + "', found '" + n + "'");
            }
        }

        String statement() {
            String first = next();
            if (first.equals("int")) {
                String v = next();
                expect("=");
                String e = intExpression(";");
                expect(";");
                ints.add(v);
                return "int " + v + " = " + e + ";";
            }
            if (first.equals("double")) {
                String v = next();
                expect("=");
                String e = expression();
                expect(";");
                vectors.add(v);
                return "FloatVector " + v + " = " + e + ";";
            }
            String array = array(first);
            expect("[");
            String index = intExpression("]");
            expect("]");
            String op = next();
            String e = expression();
            expect(";");
            String a = array.replace('.', '_');
            if (op.equals("=")) {
                return e + ".intoArray(" + a + ", " + index + ");";
            }
            if (op.equals("+=")) {
                return "FloatVector.fromArray(S, " + a + ", " + index + ").add(" + e + ").intoArray(" + a + ", " + index + ");";
            }
            throw new IllegalArgumentException("expected '=' or '+=' after " + first + "[...], found '" + op + "'");
        }

        private String array(String name) {
            if (!name.matches("[A-Za-z_]\\w*(\\.data)?")) {
                throw new IllegalArgumentException("'" + name + "' is not an array (a name, or m.data)");
            }
            if (!arrays.contains(name)) {
                arrays.add(name);
            }
            return name;
        }

        /** Tokens up to {@code stop} at depth 0, as written; names not declared in the body become int arguments. */
        private String intExpression(String stop) {
            StringBuilder sb = new StringBuilder();
            int depth = 0;
            while (!(depth == 0 && peek().equals(stop))) {
                String s = next();
                depth += s.equals("(") || s.equals("[") ? 1 : s.equals(")") || s.equals("]") ? -1 : 0;
                if (Character.isLetter(s.charAt(0)) || s.charAt(0) == '_') {
                    if (vectors.contains(s) || s.contains(".")) {
                        throw new IllegalArgumentException("'" + s + "' in an index: indices are int expressions");
                    }
                    if (!ints.contains(s) && !intArgs.contains(s)) {
                        intArgs.add(s);
                    }
                }
                sb.append(sb.length() == 0 || s.equals(")") || s.equals("]") || sb.charAt(sb.length() - 1) == '('
                        || sb.charAt(sb.length() - 1) == '[' || s.equals("[") ? "" : " ").append(s);
            }
            return sb.toString().replace("( ", "(");
        }

        private String expression() {
            return binary(0);
        }

        /**
         * Level 0, a sum: products joined by + and -; level 1, a product: unary terms joined by * and /; each left to
         * right, as Java evaluates them.
         */
        private String binary(int level) {
            String ops = level == 0 ? "+-" : "*/";
            String e = level == 0 ? binary(1) : unary();
            while (peek().length() == 1 && ops.contains(peek())) {
                String op = switch (next()) {
                    case "+" -> "add";
                    case "-" -> "sub";
                    case "*" -> "mul";
                    default -> "div";
                };
                e = e + "." + op + "(" + (level == 0 ? binary(1) : unary()) + ")";
            }
            return e;
        }

        private String unary() {
            if (peek().equals("-")) {
                next();
                return unary() + ".neg()";
            }
            String s = next();
            if (s.equals("(")) {
                String e = expression();
                expect(")");
                return e;
            }
            if (Character.isDigit(s.charAt(0))) {
                return "FloatVector.broadcast(S, " + s.replaceAll("[dDfF]$", "") + "f)";
            }
            if (vectors.contains(s)) {
                return s;
            }
            if (peek().equals("[")) {
                String a = array(s).replace('.', '_');
                next();
                String index = intExpression("]");
                expect("]");
                return "FloatVector.fromArray(S, " + a + ", " + index + ")";
            }
            throw new IllegalArgumentException("'" + s + "' is neither a double variable of the loop nor an array element");
        }
    }
}
