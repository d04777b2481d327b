package io.nbo.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster on loopback: {@code redis-server} processes in cluster mode on free ports
 * ({@link RedisServer#startClusterNode()}), joined by {@code redis-cli --cluster create} as masters
 * without replicas, ready once every node says {@code cluster_state:ok}.
 */
public final class RedisCluster implements AutoCloseable {

    private static final Duration READY_WITHIN = Duration.ofSeconds(30);

    private final List<RedisServer> nodes;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = nodes;
    }

    /** Starts {@code masters} nodes (at least 3, as redis-cli requires), joins them and waits until the cluster is ok. */
    public static RedisCluster start(int masters) {
        List<RedisServer> nodes = new ArrayList<>();
        RedisCluster cluster = new RedisCluster(nodes);
        try {
            for (int i = 0; i < masters; i++) {
                nodes.add(RedisServer.startClusterNode());
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            run(create);
            cluster.awaitOk();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void awaitOk() {
        Instant deadline = Instant.now().plus(READY_WITHIN);
        for (RedisServer node : nodes) {
            while (!run(List.of("redis-cli", "-p", String.valueOf(node.port()), "cluster", "info")).contains("cluster_state:ok")) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the cluster is not ok within " + READY_WITHIN.toSeconds() + " s on port " + node.port());
                }
                RedisServer.sleep(50);
            }
        }
    }

    /** The seed nodes as nbo.redis.url takes them: {@code redis://127.0.0.1:P1,redis://127.0.0.1:P2,...}. */
    public String url() {
        return String.join(",", nodes.stream().map(RedisServer::url).toList());
    }

    /** The nodes, every one a master. */
    public List<RedisServer> nodes() {
        return List.copyOf(nodes);
    }

    /** Runs redis-cli against one node, e.g. {@code cli(node, "dbsize")}; its output. */
    public static String cli(RedisServer node, String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(node.port())));
        command.addAll(List.of(args));
        return run(command).strip();
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(READY_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + READY_WITHIN.toSeconds() + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-cli (it comes with redis-server: apt-get install -y redis-server)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command.get(0), e);
        }
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }
}
