package io.nbo.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which redis-server the tests run: the PATH's (6.2 or newer) when there is one, else the embedded one; or as forced. */
class RedisBinaryTest {

    @TempDir
    Path tmp;

    static final String LINUX = "Linux";
    static final String X64 = "amd64";

    /** A directory for the PATH holding a fake redis-server that says it is {@code version}. */
    Path pathWith(String version) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bin-" + version));
        Path fake = dir.resolve("redis-server");
        Files.writeString(fake, "#!/bin/sh\necho 'Redis server v=" + version + " sha=00000000:0 malloc=libc bits=64'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    @Test
    void theOneOnThePathComesFirst() throws IOException {
        Path bin = pathWith("7.2.4");

        RedisBinary chosen = RedisBinary.choose("auto", tmp.resolve("empty") + ":" + bin, RedisBinary.EMBEDDED_DIR, LINUX, X64);

        assertThat(chosen.path()).isEqualTo(bin.resolve("redis-server"));
        assertThat(chosen.version()).isEqualTo("7.2.4");
        assertThat(chosen.describe()).contains("redis-server 7.2.4 at " + bin.resolve("redis-server")).contains("the first on the PATH");
    }

    @Test
    void withoutOneOnThePathTheEmbeddedOneRuns() {
        RedisBinary chosen = RedisBinary.choose("auto", tmp.toString(), RedisBinary.EMBEDDED_DIR, LINUX, X64);

        assertThat(chosen.path()).isEqualTo(RedisBinary.EMBEDDED_DIR.resolve("redis-server-7.0.15-linux-amd64").toAbsolutePath());
        assertThat(Files.isExecutable(chosen.path())).isTrue();
        // the real program answered --version
        assertThat(chosen.version()).isEqualTo("7.0.15");
        assertThat(chosen.describe()).contains("embedded: there is no redis-server on the PATH");
    }

    @Test
    void onOlderThan62OnThePathTheEmbeddedOneRunsAndTheLogSaysWhy() throws IOException {
        Path bin = pathWith("6.0.16");

        RedisBinary chosen = RedisBinary.choose("auto", bin.toString(), RedisBinary.EMBEDDED_DIR, LINUX, X64);

        assertThat(chosen.version()).isEqualTo("7.0.15");
        assertThat(chosen.describe()).contains("is 6.0.16, and nbo needs 6.2 or newer");
    }

    @Test
    void aSwitchForcesEitherOne() throws IOException {
        Path bin = pathWith("7.2.4");

        assertThat(RedisBinary.choose("embedded", bin.toString(), RedisBinary.EMBEDDED_DIR, LINUX, X64).describe())
                .contains("7.0.15").contains("embedded, as -Dtest.redis=embedded asks");
        assertThat(RedisBinary.choose("system", bin.toString(), RedisBinary.EMBEDDED_DIR, LINUX, X64).version()).isEqualTo("7.2.4");
        assertThatThrownBy(() -> RedisBinary.choose("system", tmp.toString(), RedisBinary.EMBEDDED_DIR, LINUX, X64))
                .hasMessageContaining("no redis-server on the PATH");
        assertThatThrownBy(() -> RedisBinary.choose("docker", bin.toString(), RedisBinary.EMBEDDED_DIR, LINUX, X64))
                .hasMessageContaining("say auto, system or embedded");
    }

    @Test
    void embeddedRedisNamesEachPlatformItShipsAndNoOther() {
        assertThat(RedisBinary.platform("Linux", "amd64")).isEqualTo("linux-amd64");
        assertThat(RedisBinary.platform("Linux", "aarch64")).isEqualTo("linux-arm64");
        assertThat(RedisBinary.platform("Mac OS X", "x86_64")).isEqualTo("darwin-amd64");
        assertThat(RedisBinary.platform("Mac OS X", "aarch64")).isEqualTo("darwin-arm64");
        assertThat(RedisBinary.EMBEDDED_DIR.resolve("redis-server-7.0.15-darwin-arm64")).exists();
        assertThat(RedisBinary.EMBEDDED_DIR.resolve("redis-server-7.0.15-linux-arm64")).exists();
        assertThatThrownBy(() -> RedisBinary.platform("Windows 11", "amd64")).hasMessageContaining("install redis-server");
    }

    @Test
    void versionsAreComparedByNumber() {
        assertThat(RedisBinary.atLeast("6.2.0", 6, 2)).isTrue();
        assertThat(RedisBinary.atLeast("10.0.1", 6, 2)).isTrue();
        assertThat(RedisBinary.atLeast("6.10.1", 6, 2)).isTrue();
        assertThat(RedisBinary.atLeast("6.0.16", 6, 2)).isFalse();
        assertThat(RedisBinary.atLeast("5.9.9", 6, 2)).isFalse();
        assertThat(RedisBinary.atLeast("unknown", 6, 2)).isFalse();
    }
}
