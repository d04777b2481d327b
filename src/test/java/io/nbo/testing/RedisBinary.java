package io.nbo.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code redis-server} program the tests run, chosen once per JVM and said on stderr: the one on
 * the PATH when there is one (and is Redis 6.2 or newer, as nbo needs), else the embedded one that
 * the build unpacks from {@code org.signal:embedded-redis} into {@code target/embedded-redis/} (Redis
 * 7.0, for Linux and macOS), so the suite needs only Java. {@code -Dtest.redis=embedded} or
 * {@code =system} forces one.
 */
public record RedisBinary(Path path, String version, String origin) {

    /**
     * The system property that forces a choice: {@code auto} (the default), {@code system} or
     * {@code embedded}. Not under {@code nbo.}: the application refuses unknown keys there.
     */
    public static final String CHOICE = "test.redis";
    /** Where the build unpacks embedded-redis's binaries (maven-dependency-plugin, process-test-resources). */
    public static final Path EMBEDDED_DIR = Path.of("target", "embedded-redis");

    private static volatile RedisBinary chosen;

    /**
     * Where the choice is kept for the whole JVM: each {@code @QuarkusTest} application loads this
     * class again, and the choice is made, and said, once.
     */
    private static final String CHOSEN = CHOICE + ".chosen";

    /** The program to run, chosen on first use. */
    public static RedisBinary get() {
        RedisBinary b = chosen;
        if (b == null) {
            synchronized (System.getProperties()) {
                String kept = System.getProperty(CHOSEN);
                if (kept != null) {
                    String[] parts = kept.split("\t", 3);
                    b = new RedisBinary(Path.of(parts[0]), parts[1], parts[2]);
                } else {
                    b = choose(System.getProperty(CHOICE, "auto"), System.getenv("PATH"), EMBEDDED_DIR,
                            System.getProperty("os.name"), System.getProperty("os.arch"));
                    System.err.println("nbo tests: " + b.describe());
                    System.setProperty(CHOSEN, b.path() + "\t" + b.version() + "\t" + b.origin());
                }
                chosen = b;
            }
        }
        return b;
    }

    /** One line for the log: which program, which version, and why. */
    public String describe() {
        return "redis-server " + version + " at " + path + " (" + origin + ")";
    }

    /**
     * The choice: {@code choice} is {@code auto}, {@code system} or {@code embedded}; {@code path} the
     * PATH to look in; {@code embeddedDir} where the embedded binaries are; the OS and architecture
     * as Java names them.
     */
    static RedisBinary choose(String choice, String path, Path embeddedDir, String os, String arch) {
        String how = choice.strip().toLowerCase(Locale.ROOT);
        Optional<Path> onPath = onPath(path);
        switch (how) {
            case "system" -> {
                Path p = onPath.orElseThrow(() -> new IllegalStateException(
                        "-D" + CHOICE + "=system, but there is no redis-server on the PATH (" + path + ")"));
                return new RedisBinary(p, versionOf(p), "from the PATH, as -D" + CHOICE + "=system asks");
            }
            case "embedded" -> {
                Path p = embedded(embeddedDir, os, arch);
                return new RedisBinary(p, versionOf(p), "embedded, as -D" + CHOICE + "=embedded asks");
            }
            case "auto", "" -> {
                String why = "embedded: there is no redis-server on the PATH";
                if (onPath.isPresent()) {
                    String version = versionOf(onPath.get());
                    if (atLeast(version, 6, 2)) {
                        return new RedisBinary(onPath.get(), version, "the first on the PATH; -D" + CHOICE + "=embedded runs the embedded one");
                    }
                    why = "embedded: the redis-server on the PATH (" + onPath.get() + ") is " + version + ", and nbo needs 6.2 or newer";
                }
                Path p = embedded(embeddedDir, os, arch);
                return new RedisBinary(p, versionOf(p), why);
            }
            default -> throw new IllegalArgumentException("-D" + CHOICE + "=" + choice + ": say auto, system or embedded");
        }
    }

    /** Whether a version such as {@code 7.0.15} is at least {@code major.minor}. */
    static boolean atLeast(String version, int major, int minor) {
        String[] parts = version.split("\\.");
        try {
            int ma = Integer.parseInt(parts[0]);
            int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return ma > major || ma == major && mi >= minor;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The first executable {@code redis-server} in the directories of {@code path}. */
    static Optional<Path> onPath(String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(Pattern.quote(File.pathSeparator))) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The embedded binary for this OS and architecture, made executable (unpacking from a jar keeps no
     * file modes).
     */
    static Path embedded(Path dir, String os, String arch) {
        String platform = platform(os, arch);
        Path p;
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            p = files.filter(f -> f.getFileName().toString().startsWith("redis-server-") && f.getFileName().toString().endsWith("-" + platform))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no embedded redis-server for " + platform + " in " + dir.toAbsolutePath()));
        } catch (IOException e) {
            throw new IllegalStateException("no embedded redis-server in " + dir.toAbsolutePath()
                    + ": the build unpacks it (./mvnw process-test-resources); or install redis-server", e);
        }
        p = p.toAbsolutePath();
        if (!Files.isExecutable(p) && !p.toFile().setExecutable(true)) {
            throw new IllegalStateException("cannot make " + p + " executable");
        }
        return p;
    }

    /** How embedded-redis names an OS and architecture as Java names them, e.g. {@code linux-amd64}. */
    static String platform(String os, String arch) {
        String o = os.toLowerCase(Locale.ROOT);
        String a = arch.toLowerCase(Locale.ROOT);
        boolean arm = a.equals("aarch64") || a.equals("arm64");
        boolean x64 = a.equals("amd64") || a.equals("x86_64");
        if (o.contains("linux") && (arm || x64)) {
            return "linux-" + (arm ? "arm64" : "amd64");
        }
        if (o.contains("mac") && (arm || x64)) {
            return "darwin-" + (arm ? "arm64" : "amd64");
        }
        throw new IllegalStateException("embedded-redis ships redis-server for Linux and macOS on x86_64 and arm64, not for "
                + os + " on " + arch + ": install redis-server");
    }

    private static final Pattern VERSION = Pattern.compile("v=(\\S+)");

    /** What {@code redis-server --version} says its version is. */
    static String versionOf(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(binary + " --version failed: " + out);
            }
            Matcher m = VERSION.matcher(out);
            if (!m.find()) {
                throw new IllegalStateException(binary + " --version said no version: " + out);
            }
            return m.group(1);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + binary, e);
        }
    }
}
