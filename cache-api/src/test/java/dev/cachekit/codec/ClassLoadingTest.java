package dev.cachekit.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.CodecException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import javax.management.ObjectName;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watches the JVM's class loading (the {@code class+load} log, switched on at run time) while a
 * codec reads bytes naming a class outside its allow-list: the class must never be loaded, by any
 * class loader, let alone initialized.
 */
@DisplayName("A refused class")
class ClassLoadingTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("is never loaded when Kryo reads bytes naming it")
    void kryo() throws Exception {
        KryoCodec codec = KryoCodec.builder().allowClass(HarmlessTwo.class).build();
        byte[] bytes = rename(codec.encode(new HarmlessTwo()));

        String log = watchingClassLoads(
                "KryoLoadProbe",
                () -> new KryoLoadProbe(),
                () -> assertThatThrownBy(() -> codec.decode(bytes, Object.class))
                        .isInstanceOf(CodecException.class)
                        .hasMessageContaining("dev.cachekit.codec.NeverLoaded"));

        assertThat(log).doesNotContain("NeverLoaded");
    }

    @Test
    @DisplayName("is never loaded when Java serialization reads bytes naming it")
    void jdk() throws Exception {
        JdkCodec codec = JdkCodec.builder().allowClass(HarmlessTwo.class).build();
        byte[] bytes = rename(codec.encode(new HarmlessTwo()));

        String log = watchingClassLoads(
                "JdkLoadProbe",
                () -> new JdkLoadProbe(),
                () -> assertThatThrownBy(() -> codec.decode(bytes, Object.class))
                        .isInstanceOf(CodecException.class)
                        .hasMessageContaining("dev.cachekit.codec.NeverLoaded"));

        assertThat(log).doesNotContain("NeverLoaded");
    }

    /** Runs action with class loading logged to a file, and returns the log; proves the log works. */
    private String watchingClassLoads(String probeName, Supplier<Object> probe, Runnable action) throws Exception {
        Path log = dir.resolve("class-load.log");
        vmLog("output=" + log.toAbsolutePath(), "what=class+load=info");
        try {
            action.run();
            probe.get();
        } finally {
            vmLog("disable");
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(text)
                .as("the class-load log saw a class loaded on purpose")
                .contains("dev.cachekit.codec." + probeName + " ");
        return text;
    }

    private static void vmLog(String... arguments) throws Exception {
        ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "vmLog",
                        new Object[] {arguments},
                        new String[] {String[].class.getName()});
    }

    /**
     * The bytes with HarmlessTwo's name replaced by NeverLoaded's: a class on the class path, so
     * any class loader asked for it would load it.
     */
    private static byte[] rename(byte[] bytes) {
        String from = HarmlessTwo.class.getName();
        String to = "dev.cachekit.codec.NeverLoaded";
        assertThat(to).hasSameSizeAs(from);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        // Kryo marks a name's last char with the high bit.
        String kryoFrom = from.substring(0, from.length() - 1) + (char) (from.charAt(from.length() - 1) | 0x80);
        String kryoTo = to.substring(0, to.length() - 1) + (char) (to.charAt(to.length() - 1) | 0x80);
        String renamed = text.contains(from) ? text.replace(from, to) : text.replace(kryoFrom, kryoTo);
        assertThat(renamed).isNotEqualTo(text);
        return renamed.getBytes(StandardCharsets.ISO_8859_1);
    }
}
