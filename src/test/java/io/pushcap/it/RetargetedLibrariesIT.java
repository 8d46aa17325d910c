package io.pushcap.it;

import io.pushcap.testsupport.PushcapCli;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build rewrites picocli's and LuaJ's classes in target/lib at class-file version 50 with
 * computed stack maps (src/main/build/Retarget.java), so that the AOT caches can hold them. These
 * tests check what that promises: every rewritten class passes the JVM's type-checking verifier
 * (linking a class verifies it, and {@code getDeclaredMethods} links), none is left at an old
 * version except the one LuaJ class that needs the absent BCEL. That the launcher's cache then
 * holds picocli is checked on a fresh build, in {@link LauncherFirstRunIT}.
 */
class RetargetedLibrariesIT {
    private static final Path LIB = PushcapCli.home().resolve("target/lib");

    private static Path jar(String prefix) throws IOException {
        try (var s = Files.list(LIB)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + "*.jar in " + LIB));
        }
    }

    private static List<String> linkEveryClass(Path jar, List<String> oldVersion) throws Exception {
        List<String> failed = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile());
             URLClassLoader loader = new URLClassLoader(new URL[]{jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            for (ZipEntry e : zip.stream().toList()) {
                String n = e.getName();
                if (!n.endsWith(".class") || n.endsWith("module-info.class") || n.startsWith("META-INF/")) {
                    continue;
                }
                byte[] head;
                try (InputStream in = zip.getInputStream(e)) {
                    head = in.readNBytes(8);
                }
                int major = ((head[6] & 0xff) << 8) | (head[7] & 0xff);
                if (major < 50) {
                    oldVersion.add(n);
                    continue;
                }
                String cls = n.substring(0, n.length() - ".class".length()).replace('/', '.');
                try {
                    Class.forName(cls, false, loader).getDeclaredMethods();
                } catch (VerifyError | ClassFormatError ve) {
                    failed.add(cls + ": " + ve);
                } catch (NoClassDefFoundError missing) {
                    // LuaJ's optional compilers need BCEL, which pushcap does not ship; only that may be missing.
                    if (!String.valueOf(missing.getMessage()).contains("org/apache/bcel")) {
                        failed.add(cls + ": " + missing);
                    }
                }
            }
        }
        return failed;
    }

    @Test
    void shouldVerifyEveryPicocliClassWhenRewrittenAtVersion50() throws Exception {
        List<String> old = new ArrayList<>();
        assertThat(linkEveryClass(jar("picocli-"), old)).isEmpty();
        assertThat(old).isEmpty();
    }

    @Test
    void shouldVerifyEveryLuajClassWhenRewrittenAtVersion50() throws Exception {
        List<String> old = new ArrayList<>();
        assertThat(linkEveryClass(jar("luaj-jse-"), old)).isEmpty();
        assertThat(old).containsExactly("org/luaj/vm2/luajc/JavaBuilder.class");
    }
}
