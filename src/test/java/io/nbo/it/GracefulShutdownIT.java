package io.nbo.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nbo.testing.Customers;
import io.nbo.testing.RedisServer;
import io.nbo.testing.RuleSets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged application stopped with SIGTERM while decisions are in flight, as Kubernetes stops a
 * pod: every request that reached it before the signal gets its whole answer, requests arriving
 * while it drains are answered or refused whole (never cut off mid-answer), a request whose body is
 * still arriving when the signal comes is answered with Redis still connected, and the process ends
 * by itself within {@code quarkus.shutdown.timeout}.
 *
 * <p>HTTP is spoken over plain sockets, one connection a request, so the test sees exactly which
 * bytes arrived: the JDK client reports a connection closed right after a complete answer as an
 * error of its own.
 */
class GracefulShutdownIT {

    static final ObjectMapper JSON = new ObjectMapper();
    /** The pre-shutdown pause the test starts the service with: readiness down, still serving. */
    static final Duration DELAY = Duration.ofSeconds(1);
    static final int CLIENT_THREADS = 6;
    static final int MAX_REQUESTS_PER_THREAD = 3_000;
    static final int SLOW_REQUESTS = 3;

    RedisServer redis;
    Process app;
    int port;

    /** What became of one request. */
    enum Kind { COMPLETE, REFUSED, NO_ANSWER, PARTIAL, WRITE_FAILED }

    /** One request: when it started (nanoTime), how it ended, its status and body. */
    record Outcome(long startedAt, Kind kind, int status, String body, String error) {
    }

    @AfterEach
    void stop() {
        if (app != null && app.isAlive()) {
            app.destroyForcibly();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void sigtermAnswersEveryRequestItAcceptedThenExits() throws Exception {
        redis = RedisServer.start();
        Path rules = RuleSets.copyOfRulesFolder(Path.of("target", "it-shutdown-rules"));
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Path.of("target", "it-shutdown.log");
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx512m", "-jar", "target/quarkus-app/quarkus-run.jar")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("NBO_REDIS_URL", redis.url());
        pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        pb.environment().put("NBO_RULES_DIR", rules.toAbsolutePath().toString());
        // API keys are on by default in production; this test is about shutdown, not callers.
        pb.environment().put("NBO_SECURITY_ENABLED", "false");
        pb.environment().put("QUARKUS_SHUTDOWN_DELAY", DELAY.toSeconds() + "s");
        app = pb.start();
        awaitReady(log);

        Outcome put = request("PUT", "/v1/customers/it-shutdown-1", JSON.writeValueAsString(Customers.goldCartAbandoner()));
        assertThat(put.status()).as(put.body()).isIn(200, 201, 204);
        String known = JSON.writeValueAsString(Map.of("customerId", "it-shutdown-1", "channel", "web", "limit", 3));
        String anonymous = JSON.writeValueAsString(Map.of("channel", "web"));
        for (int i = 0; i < 20; i++) {
            assertThat(request("POST", "/v1/decisions", i % 2 == 0 ? known : anonymous).status()).isEqualTo(200);
        }

        // Requests whose headers arrive before the signal and whose body arrives after the pause:
        // the drain has to wait for them.
        List<SlowRequest> slow = new ArrayList<>();
        for (int i = 0; i < SLOW_REQUESTS; i++) {
            slow.add(SlowRequest.open(port, known));
        }

        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
        Instant deadline = Instant.now().plusSeconds(60);
        List<Future<?>> loops = new ArrayList<>();
        for (int t = 0; t < CLIENT_THREADS; t++) {
            String body = t % 2 == 0 ? known : anonymous;
            loops.add(clients.submit(() -> {
                for (int n = 0; n < MAX_REQUESTS_PER_THREAD && running.get() && Instant.now().isBefore(deadline); n++) {
                    Outcome o = request("POST", "/v1/decisions", body);
                    outcomes.add(o);
                    if (o.kind() == Kind.REFUSED) {
                        sleepQuietly(20); // the port is closed: no need to hammer it
                    }
                }
            }));
        }
        Thread.sleep(2_000);
        long doneBeforeSignal = outcomes.size();

        long signalAt = System.nanoTime();
        app.destroy(); // SIGTERM
        Outcome readiness = awaitReadinessDown(signalAt);
        Thread.sleep(Math.max(0, DELAY.toMillis() + 500 - (System.nanoTime() - signalAt) / 1_000_000));
        assertThat(app.isAlive()).as("still draining the slow requests after the pause").isTrue();
        List<Outcome> slowAnswers = new ArrayList<>();
        for (SlowRequest r : slow) {
            slowAnswers.add(r.finish());
        }

        boolean exited = app.waitFor(40, TimeUnit.SECONDS);
        long stoppedAfterMs = (System.nanoTime() - signalAt) / 1_000_000;
        running.set(false);
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        for (Future<?> loop : loops) {
            loop.get();
        }

        // A request started before the signal is written whole long before the pause ends.
        List<Outcome> before = outcomes.stream().filter(o -> o.startedAt() < signalAt).toList();
        List<Outcome> after = outcomes.stream().filter(o -> o.startedAt() >= signalAt).toList();
        System.out.printf("shutdown: %d requests sent before SIGTERM, %d after (%s); process gone %d ms after the signal, exit %s%n",
                before.size(), after.size(), after.stream().collect(Collectors.groupingBy(o -> o.kind() + " " + o.status(),
                        Collectors.counting())), stoppedAfterMs, exited ? app.exitValue() : "none");

        assertThat(exited).as("the process ended by itself within quarkus.shutdown.timeout; log: %s", log).isTrue();
        // A JVM ended by SIGTERM exits 128 + 15 once its shutdown hooks ran (Kubernetes expects no
        // other); the drain finished rather than ran out of time.
        assertThat(app.exitValue()).as("exit status; log: %s", log).isEqualTo(143);
        assertThat(doneBeforeSignal).as("load was running when the signal came").isGreaterThanOrEqualTo(CLIENT_THREADS);

        assertThat(before).as("every request sent before SIGTERM got its whole answer")
                .allSatisfy(o -> {
                    assertThat(o.kind()).as(o.error()).isEqualTo(Kind.COMPLETE);
                    assertThat(o.status()).as(o.body()).isEqualTo(200);
                });
        assertThat(after).as("requests after SIGTERM are answered whole or not taken at all, never cut off")
                .allSatisfy(o -> {
                    assertThat(o.kind()).as(o.error()).isIn(Kind.COMPLETE, Kind.REFUSED, Kind.NO_ANSWER, Kind.WRITE_FAILED);
                    if (o.kind() == Kind.COMPLETE) {
                        assertThat(o.status()).as(o.body()).isIn(200, 503);
                    }
                });
        assertThat(after).as("during the pause after SIGTERM the service still answered")
                .anyMatch(o -> o.kind() == Kind.COMPLETE && o.status() == 200);
        assertThat(readiness.status()).as("readiness went down during the pause: %s", readiness).isEqualTo(503);

        assertThat(slowAnswers).as("requests whose body was still arriving at SIGTERM were answered, Redis still connected")
                .hasSize(SLOW_REQUESTS).allSatisfy(o -> {
                    assertThat(o.kind()).as(o.error()).isEqualTo(Kind.COMPLETE);
                    assertThat(o.status()).as(o.body()).isEqualTo(200);
                    JsonNode decision = JSON.readTree(o.body());
                    assertThat(decision.get("partial").asBoolean()).as(o.body()).isFalse();
                    assertThat(decision.get("customerId").asText()).isEqualTo("it-shutdown-1");
                });
        // Quarkus waited for them (the drain ended, it did not run out of time or never start).
        assertThat(java.nio.file.Files.readString(log)).contains("Waiting for HTTP requests to complete")
                .contains("All HTTP requests complete").contains("stopped in");
    }

    void awaitReady(Path log) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            assertThat(app.isAlive()).as("nbo is running; log: %s", log).isTrue();
            Outcome ready = request("GET", "/q/health/ready", null);
            if (ready.kind() == Kind.COMPLETE && ready.status() == 200) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("nbo not ready in 60 s; see " + log);
    }

    /** Asks for readiness until it is down or the pause is over; the last answer. */
    Outcome awaitReadinessDown(long signalAt) throws InterruptedException {
        Outcome last = null;
        while (System.nanoTime() - signalAt < DELAY.toNanos()) {
            last = request("GET", "/q/health/ready", null);
            if (last.kind() == Kind.COMPLETE && last.status() == 503) {
                return last;
            }
            Thread.sleep(50);
        }
        return last;
    }

    static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Outcome request(String method, String path, String body) {
        return exchange(port, method, path, body);
    }

    static byte[] head(String method, String path, int contentLength) {
        String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: application/json\r\n"
                + (contentLength >= 0 ? "Content-Type: application/json\r\nContent-Length: " + contentLength + "\r\n" : "")
                + "\r\n";
        return head.getBytes(StandardCharsets.US_ASCII);
    }

    /** One request on a new connection, and what came back. */
    static Outcome exchange(int port, String method, String path, String body) {
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        long startedAt = System.nanoTime();
        Socket socket = new Socket();
        try (socket) {
            try {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            } catch (ConnectException refused) {
                return new Outcome(startedAt, Kind.REFUSED, 0, "", refused.toString());
            }
            socket.setSoTimeout(20_000);
            try {
                OutputStream out = socket.getOutputStream();
                out.write(head(method, path, body == null ? -1 : payload.length));
                out.write(payload);
                out.flush();
            } catch (IOException e) {
                return new Outcome(startedAt, Kind.WRITE_FAILED, 0, "", e.toString());
            }
            return read(socket.getInputStream(), startedAt);
        } catch (IOException e) {
            return new Outcome(startedAt, Kind.REFUSED, 0, "", e.toString());
        }
    }

    /**
     * Reads one HTTP/1.1 answer: complete when the status line, the headers and the whole body
     * (Content-Length or chunked) arrived; no answer when nothing arrived; partial otherwise.
     */
    static Outcome read(InputStream in, long startedAt) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try {
            int headEnd = -1;
            byte[] buf = new byte[8192];
            while (headEnd < 0) {
                int n = in.read(buf);
                if (n < 0) {
                    return cut(startedAt, got, "EOF in the head");
                }
                got.write(buf, 0, n);
                headEnd = indexOf(got.toByteArray(), "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            byte[] all = got.toByteArray();
            String head = new String(all, 0, headEnd, StandardCharsets.ISO_8859_1);
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new java.util.HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            rest.write(all, headEnd + 4, all.length - headEnd - 4);
            byte[] bodyBytes;
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                bodyBytes = dechunk(in, rest);
                if (bodyBytes == null) {
                    return cut(startedAt, got, "EOF inside a chunked body");
                }
            } else {
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                while (rest.size() < length) {
                    int n = in.read(buf);
                    if (n < 0) {
                        return cut(startedAt, got, "EOF after " + rest.size() + " of " + length + " body bytes");
                    }
                    rest.write(buf, 0, n);
                    got.write(buf, 0, n);
                }
                bodyBytes = rest.toByteArray();
            }
            return new Outcome(startedAt, Kind.COMPLETE, status, new String(bodyBytes, StandardCharsets.UTF_8), "");
        } catch (IOException e) {
            return cut(startedAt, got, e.toString());
        }
    }

    static Outcome cut(long startedAt, ByteArrayOutputStream got, String why) {
        return new Outcome(startedAt, got.size() == 0 ? Kind.NO_ANSWER : Kind.PARTIAL, 0,
                got.toString(StandardCharsets.ISO_8859_1), why + " after " + got.size() + " bytes");
    }

    /** The body of a chunked answer, reading more as needed; null when the stream ends first. */
    static byte[] dechunk(InputStream in, ByteArrayOutputStream start) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.write(start.toByteArray());
        byte[] buf = new byte[8192];
        while (true) {
            byte[] b = raw.toByteArray();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int pos = 0;
            boolean done = false;
            while (true) {
                int lineEnd = indexOf(b, "\r\n".getBytes(StandardCharsets.US_ASCII), pos);
                if (lineEnd < 0) {
                    break;
                }
                int size = Integer.parseInt(new String(b, pos, lineEnd - pos, StandardCharsets.US_ASCII).split(";")[0].trim(), 16);
                if (size == 0) {
                    done = indexOf(b, "\r\n".getBytes(StandardCharsets.US_ASCII), lineEnd + 2) >= 0;
                    break;
                }
                if (b.length < lineEnd + 2 + size + 2) {
                    break;
                }
                body.write(b, lineEnd + 2, size);
                pos = lineEnd + 2 + size + 2;
            }
            if (done) {
                return body.toByteArray();
            }
            int n = in.read(buf);
            if (n < 0) {
                return null;
            }
            raw.write(buf, 0, n);
        }
    }

    static int indexOf(byte[] data, byte[] needle) {
        return indexOf(data, needle, 0);
    }

    static int indexOf(byte[] data, byte[] needle, int from) {
        outer:
        for (int i = from; i <= data.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A decision whose head and first half of body are sent now, the rest when {@link #finish()} is called. */
    static final class SlowRequest {
        private final Socket socket;
        private final byte[] rest;
        private final long startedAt = System.nanoTime();

        private SlowRequest(Socket socket, byte[] rest) {
            this.socket = socket;
            this.rest = rest;
        }

        static SlowRequest open(int port, String body) throws IOException {
            byte[] payload = body.getBytes(StandardCharsets.UTF_8);
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(20_000);
            int half = payload.length / 2;
            OutputStream out = socket.getOutputStream();
            out.write(head("POST", "/v1/decisions", payload.length));
            out.write(payload, 0, half);
            out.flush();
            return new SlowRequest(socket, java.util.Arrays.copyOfRange(payload, half, payload.length));
        }

        Outcome finish() {
            try (socket) {
                socket.getOutputStream().write(rest);
                socket.getOutputStream().flush();
                return read(socket.getInputStream(), startedAt);
            } catch (IOException e) {
                return new Outcome(startedAt, Kind.WRITE_FAILED, 0, "", e.toString());
            }
        }
    }
}
