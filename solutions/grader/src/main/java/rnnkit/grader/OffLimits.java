package rnnkit.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The library code an exercise asks students to write themselves: an exercise that builds {@code rnnStepForward}
 * earns nothing by calling {@code Rnn.stepForward}. The rules come from the solution notebook's exercise cell,
 * {@code metadata.rnnkit.off_limits}: {@code "rnnkit.layers.Rnn"} (the whole class) or
 * {@code "rnnkit.layers.Rnn#stepForward"} (one method, every overload).
 *
 * <p>The check reads the compiled bytecode of the student's cell (calls, constructor calls, field reads, method
 * references, class literals), so imports, static imports and fully qualified names all count the same. An
 * exercise with rules also may not use reflection or method handles, the way around them.
 */
final class OffLimits {

    private static final Pattern RULE = Pattern.compile("[a-z_][\\w]*(\\.[a-z_][\\w]*)*\\.[A-Z][\\w$]*(#[\\w$<>]+)?");

    /** Reflection: owners whose every use is flagged when an exercise has rules. */
    private static final List<String> REFLECTION = List.of("java/lang/reflect/", "java/lang/invoke/MethodHandles",
            "java/lang/invoke/MethodHandle", "java/lang/invoke/VarHandle");

    private OffLimits() {
    }

    /** The rule's error, or null if it is well formed. */
    static String invalid(String rule) {
        return RULE.matcher(rule).matches() ? null
                : "'" + rule + "' is not a rule: write a class (rnnkit.layers.Rnn) or a method (rnnkit.layers.Rnn#stepForward)";
    }

    /**
     * What the classes under {@code classes} use that the rules forbid: one line per use, naming the cell line
     * ({@code lineOffset} is subtracted from the generated file's line numbers).
     */
    static List<String> violations(Path classes, List<String> rules, int lineOffset) {
        if (rules.isEmpty()) {
            return List.of();
        }
        TreeSet<String> found = new TreeSet<>((a, b) -> {
            int c = Integer.compare(lineOf(a), lineOf(b));
            return c != 0 ? c : a.compareTo(b);
        });
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                new ClassReader(Files.readAllBytes(f)).accept(new Scanner(rules, lineOffset, found), 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(found);
    }

    private static int lineOf(String violation) {
        int space = violation.indexOf(':');
        try {
            return Integer.parseInt(violation.substring("line ".length(), space));
        } catch (RuntimeException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** The rule that forbids a use of {@code owner.name} (name null: a use of the type), described, or null. */
    static String rule(List<String> rules, String owner, String name) {
        String cls = owner.replace('/', '.');
        for (String r : rules) {
            int hash = r.indexOf('#');
            String ruleClass = hash < 0 ? r : r.substring(0, hash);
            boolean sameClass = cls.equals(ruleClass) || cls.startsWith(ruleClass + "$");   // a class rule covers its nested classes
            if (sameClass && hash < 0) {
                return ruleClass;
            }
            if (cls.equals(ruleClass) && r.substring(hash + 1).equals(name)) {   // a method rule: not nested classes
                return name.equals("<init>") ? "new " + ruleClass + "(...)" : ruleClass + "." + name;
            }
        }
        return null;
    }

    private static final class Scanner extends ClassVisitor {
        private final List<String> rules;
        private final int lineOffset;
        private final TreeSet<String> found;

        Scanner(List<String> rules, int lineOffset, TreeSet<String> found) {
            super(Opcodes.ASM9);
            this.rules = rules;
            this.lineOffset = lineOffset;
            this.found = found;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            use(-1, superName, null, "extends");
            if (interfaces != null) {
                for (String i : interfaces) {
                    use(-1, i, null, "implements");
                }
            }
        }

        private void use(int line, String owner, String member, String how) {
            if (owner == null) {
                return;
            }
            if (owner.startsWith("[")) {
                owner = Type.getType(owner).getElementType().getInternalName();
            }
            String where = line < 0 ? "line ?" : "line " + Math.max(1, line - lineOffset);
            for (String r : REFLECTION) {
                if (owner.startsWith(r)) {
                    found.add(where + ": uses reflection (" + owner.replace('/', '.') + "), which this exercise does not allow");
                    return;
                }
            }
            if (owner.equals("java/lang/Class") && member != null && (member.startsWith("forName") || member.startsWith("getMethod")
                    || member.startsWith("getDeclaredMethod") || member.startsWith("getConstructor") || member.startsWith("getDeclaredConstructor"))) {
                found.add(where + ": uses reflection (Class." + member + "), which this exercise does not allow");
                return;
            }
            String r = rule(rules, owner, member);
            if (r != null) {
                String what = member == null || member.equals("<init>") ? owner.replace('/', '.').replace('$', '.')
                        : owner.replace('/', '.').replace('$', '.') + "." + member;
                found.add(where + ": " + how + " " + what + " (off limits here: " + r + ")");
            }
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            return new MethodVisitor(Opcodes.ASM9) {
                int line = -1;

                @Override
                public void visitLineNumber(int l, Label start) {
                    line = l;
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                    use(line, owner, n, n.equals("<init>") ? "creates" : "calls");
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String n, String d) {
                    use(line, owner, n, "uses");
                }

                @Override
                public void visitTypeInsn(int opcode, String type) {
                    use(line, type, null, "uses");
                }

                @Override
                public void visitLdcInsn(Object value) {
                    if (value instanceof Type t && t.getSort() == Type.OBJECT) {
                        use(line, t.getInternalName(), null, "uses");
                    } else if (value instanceof Handle h) {
                        use(line, h.getOwner(), h.getName(), "refers to");
                    }
                }

                @Override
                public void visitInvokeDynamicInsn(String n, String d, Handle bsm, Object... args) {
                    for (Object a : args) {
                        if (a instanceof Handle h) {
                            use(line, h.getOwner(), h.getName(), "refers to");
                        }
                    }
                }
            };
        }
    }
}
