package rnnkit.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Everything compiled code refers to outside itself, read from its bytecode: calls, constructor calls, field reads
 * and writes, types it creates, casts to or takes the class of, method references, the bootstrap methods of its
 * invokedynamic instructions, and what it extends and implements. Imports, static imports and fully qualified names
 * all come out the same here. {@link AllowList} and {@link OffLimits} judge the uses.
 */
final class Uses {

    /**
     * One use: the line of the generated source ({@code -1}: the class as a whole), the class used (internal name,
     * {@code java/lang/Math}), the member ({@code null}: the type itself; {@code <init>}: a constructor), and how.
     */
    record Use(int line, String owner, String member, How how) {
        String ownerName() {
            return owner.replace('/', '.').replace('$', '.');
        }

        /** "java.lang.Math.exp"; for a type or a constructor, the class: "java.lang.Thread". */
        String describe() {
            return member == null || member.equals("<init>") ? ownerName() : ownerName() + "." + member;
        }

        /**
         * The use as feedback names it, "line 4: calls java.lang.Math.exp"; {@code where} turns a line of the
         * generated file into the notebook's ("line 4", or a helper's cell and line).
         */
        String said(IntFunction<String> where) {
            return (line < 0 ? "line ?" : where.apply(line)) + ": " + how.verb + " " + describe();
        }
    }

    enum How {
        CALLS("calls"), CREATES("creates"), USES("uses"), REFERS_TO("refers to"), EXTENDS("extends"),
        IMPLEMENTS("implements"), BOOTSTRAPS("bootstraps through");

        final String verb;

        How(String verb) {
            this.verb = verb;
        }
    }

    private Uses() {
    }

    /** A scanned class: its name, superclass and the names of the methods and fields it declares itself. */
    record Declared(String name, String superName, Set<String> members) {
    }

    /** The uses of a folder of classes, and those classes. */
    record Scan(List<Use> uses, Map<String, Declared> classes) {
        /**
         * Where a member used through {@code owner} is declared, as far as the scanned classes tell: a member that
         * one of them inherits is attributed to the first superclass outside them, so that a subclass of a library
         * class cannot reach what the library class may not be asked for.
         */
        String declaringOwner(String owner, String member) {
            Declared d = classes.get(owner);
            while (d != null && member != null && !d.members().contains(member)) {
                owner = d.superName();
                d = classes.get(owner);
            }
            return owner;
        }
    }

    /** The uses of every class file under {@code classes}. */
    static Scan of(Path classes) {
        List<Use> out = new ArrayList<>();
        Map<String, Declared> declared = new HashMap<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                new ClassReader(Files.readAllBytes(f)).accept(new Scanner(out, declared), 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Scan(out, declared);
    }

    private static final class Scanner extends ClassVisitor {
        private final List<Use> out;
        private final Map<String, Declared> declared;
        private Set<String> members;

        Scanner(List<Use> out, Map<String, Declared> declared) {
            super(Opcodes.ASM9);
            this.out = out;
            this.declared = declared;
        }

        @Override
        public org.objectweb.asm.FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            members.add(name);
            return null;
        }

        private void add(int line, String owner, String member, How how) {
            if (owner == null) {
                return;
            }
            if (owner.startsWith("[")) {
                Type element = Type.getType(owner).getElementType();
                if (element.getSort() != Type.OBJECT) {
                    return; // an array of primitives
                }
                owner = element.getInternalName();
            }
            out.add(new Use(line, owner, member, how));
        }

        private void handle(int line, Handle h, How how) {
            add(line, h.getOwner(), h.getName(), how);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            members = new HashSet<>();
            declared.put(name, new Declared(name, superName, members));
            add(-1, superName, null, How.EXTENDS);
            if (interfaces != null) {
                for (String i : interfaces) {
                    add(-1, i, null, How.IMPLEMENTS);
                }
            }
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            members.add(name);
            return new MethodVisitor(Opcodes.ASM9) {
                int line = -1;

                @Override
                public void visitLineNumber(int l, Label start) {
                    line = l;
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                    add(line, owner, n, n.equals("<init>") ? How.CREATES : How.CALLS);
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String n, String d) {
                    add(line, owner, n, How.USES);
                }

                @Override
                public void visitTypeInsn(int opcode, String type) {
                    add(line, type, null, How.USES);
                }

                @Override
                public void visitMultiANewArrayInsn(String d, int dims) {
                    add(line, d, null, How.USES);
                }

                @Override
                public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                    add(line, type, null, How.USES);
                }

                @Override
                public void visitLdcInsn(Object value) {
                    constant(value);
                }

                private void constant(Object value) {
                    if (value instanceof Type t && (t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY)) {
                        add(line, t.getDescriptor().startsWith("[") ? t.getDescriptor() : t.getInternalName(), null, How.USES);
                    } else if (value instanceof Handle h) {
                        handle(line, h, How.REFERS_TO);
                    } else if (value instanceof ConstantDynamic c) {
                        handle(line, c.getBootstrapMethod(), How.BOOTSTRAPS);
                        for (int i = 0; i < c.getBootstrapMethodArgumentCount(); i++) {
                            constant(c.getBootstrapMethodArgument(i));
                        }
                    }
                }

                @Override
                public void visitInvokeDynamicInsn(String n, String d, Handle bsm, Object... args) {
                    handle(line, bsm, How.BOOTSTRAPS);
                    for (Object a : args) {
                        constant(a);
                    }
                }
            };
        }
    }
}
