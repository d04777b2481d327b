package io.nbo.rules.sandbox;

import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Points the executable model's number comparisons at {@link JavaComparisons} in a generated class, so that
 * a comparison with a missing value (NaN) is false, as the rules' documentation promises. Only the owner
 * of those static calls changes; the class is verified after this.
 */
public final class ComparisonRewrite {

    static final String FROM = "org/drools/modelcompiler/util/EvaluationUtil";
    static final String TO = JavaComparisons.class.getName().replace('.', '/');
    private static final Set<String> NAMES = Set.of("greaterThanNumbers", "greaterOrEqualNumbers", "lessThanNumbers",
            "lessOrEqualNumbers");

    private ComparisonRewrite() {
    }

    /** The class with its comparisons pointed at {@link JavaComparisons}; the same array when it makes none. */
    public static byte[] rewrite(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        boolean[] changed = {false};
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (opcode == Opcodes.INVOKESTATIC && owner.equals(FROM) && NAMES.contains(method)) {
                            changed[0] = true;
                            super.visitMethodInsn(opcode, TO, method, desc, false);
                        } else {
                            super.visitMethodInsn(opcode, owner, method, desc, itf);
                        }
                    }
                };
            }
        }, 0);
        return changed[0] ? writer.toByteArray() : bytes;
    }
}
