package io.nbo.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code redis-server} on a free loopback port, with nothing kept on disk (unless started
 * durable): each test class gets its own, and a test can stop it to see an outage. The program is
 * the one on the PATH, else the embedded one ({@link RedisBinary}).
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final boolean durable;
    private final List<String> extra;
    private Process process;

    private RedisServer(int port, Path dir, boolean durable, List<String> extra) {
        this.port = port;
        this.dir = dir;
        this.durable = durable;
        this.extra = extra;
    }

    /** Starts a server on a free port and waits until it answers. */
    public static RedisServer start() {
        return start(false);
    }

    /**
     * Starts a server, durable or not. A durable one appends every write to its AOF before it
     * answers ({@code appendfsync always}), so what it acknowledged survives {@link #kill()} and
     * {@link #restart()}.
     */
    public static RedisServer start(boolean durable) {
        return start(durable, List.of());
    }

    /**
     * Starts an empty server in cluster mode, not yet part of a cluster ({@link RedisCluster} joins
     * them): its cluster bus on a second free port, its node table in its own temporary folder.
     */
    static RedisServer startClusterNode() {
        // The cluster bus listens on the port + 10000: Redis 6.2 (the embedded one) has no --cluster-port.
        try {
            return start(false, List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "2000"), freeClusterPort());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server", e);
        }
    }

    private static RedisServer start(boolean durable, List<String> extra) {
        try {
            return start(durable, extra, freePort());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server", e);
        }
    }

    private static RedisServer start(boolean durable, List<String> extra, int port) {
        try {
            RedisServer server = new RedisServer(port, Files.createTempDirectory("nbo-redis"), durable, extra);
            server.launch();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server", e);
        }
    }

    private void launch() throws IOException {
        List<String> command = new ArrayList<>(List.of(RedisBinary.get().path().toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", durable ? "yes" : "no", "--appendfsync", "always",
                "--dir", dir.toString(), "--protected-mode", "no"));
        command.addAll(extra);
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + RedisBinary.get().describe(), e);
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                sleep(20);
            }
        }
        throw new IllegalStateException("redis-server did not answer on port " + port + " within 10 s");
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Kills the server (an outage); {@link #restart()} brings it back on the same port, empty unless durable. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the server without closing its sockets (SIGSTOP): a Redis that hangs, so every command times out. */
    public void freeze() {
        signal("STOP");
    }

    /** Lets a {@link #freeze() frozen} server go on (SIGCONT). */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            int exit = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + name + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot signal redis-server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void restart() {
        try {
            launch();
        } catch (IOException e) {
            throw new IllegalStateException("cannot restart redis-server", e);
        }
    }

    @Override
    public void close() {
        kill();
    }

    /** A free port whose cluster bus port (+ 10000) is free too. */
    private static int freeClusterPort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = freePort();
            if (port + 10000 > 65535) {
                continue;
            }
            try (ServerSocket bus = new ServerSocket(port + 10000)) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port P with P + 10000 free too");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
