package io.nbo.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A real {@code redis-server} on a free loopback port, with nothing kept on disk (unless started
 * durable): each test class gets its own, and a test can stop it to see an outage.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final boolean durable;
    private Process process;

    private RedisServer(int port, Path dir, boolean durable) {
        this.port = port;
        this.dir = dir;
        this.durable = durable;
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
        try {
            RedisServer server = new RedisServer(freePort(), Files.createTempDirectory("nbo-redis"), durable);
            server.launch();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server", e);
        }
    }

    private void launch() throws IOException {
        List<String> command = List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", durable ? "yes" : "no", "--appendfsync", "always",
                "--dir", dir.toString(), "--protected-mode", "no");
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server is not installed: the tests need a real Redis "
                    + "(Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis)", e);
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

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
