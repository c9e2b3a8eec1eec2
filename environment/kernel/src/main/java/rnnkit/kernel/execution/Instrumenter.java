package rnnkit.kernel.execution;

import java.util.HashSet;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Rewrites the bytecode of each class compiled from a cell before it is loaded:
 * <ul>
 *   <li>a call to {@link Guard#check()} at the start of every method and before every backward jump, so that an
 *   interrupt stops {@code while (true) {}} on every JDK (JDK 21+ jshell does the same; JDK 17 would need the
 *   unsafe {@code Thread.stop});</li>
 *   <li>calls to {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt}, direct or as method
 *   references, go to {@link Guard} instead.</li>
 * </ul>
 * The inserted calls take and leave nothing on the stack, so stack sizes and frames stay valid as they are.
 */
final class Instrumenter {

    private static final String GUARD = Type.getInternalName(Guard.class);

    private Instrumenter() {
    }

    static byte[] instrument(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                return next == null ? null : new GuardedMethod(next);
            }
        }, 0);
        return writer.toByteArray();
    }

    private static final class GuardedMethod extends MethodVisitor {
        private final Set<Label> seen = new HashSet<>();

        GuardedMethod(MethodVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            check();
        }

        @Override
        public void visitLabel(Label label) {
            seen.add(label);
            super.visitLabel(label);
        }

        @Override
        public void visitJumpInsn(int opcode, Label target) {
            if (seen.contains(target)) { // a label already passed: this jump goes backwards, i.e. loops
                check();
            }
            super.visitJumpInsn(opcode, target);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            String replacement = exitReplacement(owner, name, descriptor);
            if (replacement != null) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, replacement,
                        opcode == Opcodes.INVOKESTATIC ? "(I)V" : "(Ljava/lang/Runtime;I)V", false);
            } else {
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            }
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... args) {
            Object[] rewritten = args.clone();
            for (int i = 0; i < rewritten.length; i++) {
                if (rewritten[i] instanceof Handle) {
                    Handle h = (Handle) rewritten[i];
                    String replacement = exitReplacement(h.getOwner(), h.getName(), h.getDesc());
                    if (replacement != null) {
                        rewritten[i] = new Handle(Opcodes.H_INVOKESTATIC, GUARD, replacement,
                                h.getTag() == Opcodes.H_INVOKESTATIC ? "(I)V" : "(Ljava/lang/Runtime;I)V", false);
                    }
                }
            }
            super.visitInvokeDynamicInsn(name, descriptor, bootstrap, rewritten);
        }

        private void check() {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "check", "()V", false);
        }
    }

    /** The {@link Guard} method that replaces this call, or null if it is not a way to end the JVM. */
    private static String exitReplacement(String owner, String name, String descriptor) {
        if (!"(I)V".equals(descriptor)) {
            return null;
        }
        if ("java/lang/System".equals(owner) && "exit".equals(name)) {
            return "exit";
        }
        if ("java/lang/Runtime".equals(owner) && "exit".equals(name)) {
            return "runtimeExit";
        }
        if ("java/lang/Runtime".equals(owner) && "halt".equals(name)) {
            return "runtimeHalt";
        }
        return null;
    }
}
