import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.attribute.StackMapTableAttribute;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Build step: rewrites the classes of a library jar compiled for Java 5 or older (class-file
 * major version below 50) at major version 50, with stack maps computed by the JDK's class-file
 * API. Why: the JDK 25 AOT cache does not hold classes of such old versions, so picocli's ~180
 * classes and LuaJ's were parsed, verified by the old inferring verifier and linked at every
 * start of every command (docs/performance.md, Start-up). Version 50 is the first the cache keeps
 * and changes nothing else: the same instructions, constants and attributes.
 *
 * <p>Usage: {@code java Retarget.java JAR...}; each jar is rewritten in place, deterministically
 * (entry times kept), and left alone when it holds no old class, so running it twice is a no-op.
 * A class that cannot be rewritten (one with {@code jsr}, or whose stack maps need a class
 * that is not there, such as LuaJ's optional BCEL compiler) is left exactly as it was:
 * the JVM loads every class on its own, whatever the versions of the others.
 */
public final class Retarget {
    private static final int TARGET_MAJOR = 50;

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: java Retarget.java JAR...");
            System.exit(64);
        }
        for (String a : args) {
            retarget(Path.of(a));
        }
    }

    private static void retarget(Path jar) throws IOException {
        FileTime time = Files.getLastModifiedTime(jar);
        Path tmp = jar.resolveSibling(jar.getFileName() + ".retarget");
        int rewritten = 0;
        try (ZipFile zip = new ZipFile(jar.toFile());
             URLClassLoader loader = new URLClassLoader(new URL[]{jar.toUri().toURL()}, null)) {
            ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                    ClassHierarchyResolver.defaultResolver().orElse(ClassHierarchyResolver.ofResourceParsing(loader))),
                    ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
            List<ZipEntry> entries = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                entries.add(e.nextElement());
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (ZipOutputStream out = new ZipOutputStream(buf)) {
                for (ZipEntry in : entries) {
                    byte[] bytes;
                    try (InputStream is = zip.getInputStream(in)) {
                        bytes = is.readAllBytes();
                    }
                    if (in.getName().endsWith(".class") && !in.getName().endsWith("module-info.class")
                            && major(bytes) < TARGET_MAJOR) {
                        byte[] b = rewrite(cf, bytes);
                        if (b != null) {
                            bytes = b;
                            rewritten++;
                        }
                    }
                    ZipEntry e = new ZipEntry(in.getName());
                    e.setTime(in.getTime());
                    if (in.getMethod() == ZipEntry.STORED) {
                        e.setMethod(ZipEntry.STORED);
                        e.setSize(bytes.length);
                        CRC32 crc = new CRC32();
                        crc.update(bytes);
                        e.setCrc(crc.getValue());
                    }
                    out.putNextEntry(e);
                    out.write(bytes);
                    out.closeEntry();
                }
            }
            if (rewritten == 0) {
                return; // rewritten by an earlier build: nothing to say
            }
            Files.write(tmp, buf.toByteArray());
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.setLastModifiedTime(jar, time);
        // Silent on success: this runs inside every first build of bin/pushcap, whose output the
        // user reads; RetargetedLibrariesIT checks the result.
    }

    private static int major(byte[] c) {
        return ((c[6] & 0xff) << 8) | (c[7] & 0xff);
    }

    private static byte[] rewrite(ClassFile cf, byte[] bytes) {
        try {
            ClassModel model = cf.parse(bytes);
            ClassTransform version = ClassTransform.endHandler(b -> b.withVersion(TARGET_MAJOR, 0));
            // Rebuilding every method body makes the writer compute its stack map table.
            ClassTransform bodies = ClassTransform.transformingMethodBodies(
                    (cb, ce) -> {
                        if (!(ce instanceof StackMapTableAttribute)) {
                            cb.with(ce);
                        }
                    });
            return cf.transformClass(model, bodies.andThen(version));
        } catch (RuntimeException e) {
            // Such a class stays as it was, loaded and verified as before; the others are still cached.
            return null;
        }
    }
}
