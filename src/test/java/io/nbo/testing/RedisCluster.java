package io.nbo.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A real Redis Cluster on loopback: {@code redis-server} processes in cluster mode on free ports
 * ({@link RedisServer#startClusterNode()}), joined as masters without replicas as
 * {@code redis-cli --cluster create} would (each its own config epoch and an equal share of the
 * slots, then CLUSTER MEET), but through Lettuce, as redis-cli may not be installed (the embedded
 * Redis has none); ready once every node knows every other and says {@code cluster_state:ok}.
 */
public final class RedisCluster implements AutoCloseable {

    private static final Duration READY_WITHIN = Duration.ofSeconds(30);

    private final List<RedisServer> nodes;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = nodes;
    }

    /** Starts {@code masters} nodes (at least 3, as Redis Cluster expects), joins them and waits until the cluster is ok. */
    public static RedisCluster start(int masters) {
        List<RedisServer> nodes = new ArrayList<>();
        RedisCluster cluster = new RedisCluster(nodes);
        try {
            for (int i = 0; i < masters; i++) {
                nodes.add(RedisServer.startClusterNode());
            }
            cluster.join();
            cluster.awaitOk();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void join() {
        int slots = io.lettuce.core.cluster.SlotHash.SLOT_COUNT;
        for (int i = 0; i < nodes.size(); i++) {
            try (RedisProbe node = RedisProbe.of(nodes.get(i))) {
                node.redis().clusterSetConfigEpoch(i + 1);
                node.redis().clusterAddSlots(IntStream.range(slots * i / nodes.size(), slots * (i + 1) / nodes.size()).toArray());
            }
        }
        try (RedisProbe first = RedisProbe.of(nodes.get(0))) {
            nodes.stream().skip(1).forEach(n -> first.redis().clusterMeet("127.0.0.1", n.port()));
        }
    }

    private void awaitOk() {
        Instant deadline = Instant.now().plus(READY_WITHIN);
        for (RedisServer node : nodes) {
            try (RedisProbe probe = RedisProbe.of(node)) {
                String info = probe.redis().clusterInfo();
                while (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + nodes.size() + "\r")) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("the cluster is not ok within " + READY_WITHIN.toSeconds() + " s on port "
                                + node.port() + ": " + info);
                    }
                    RedisServer.sleep(50);
                    info = probe.redis().clusterInfo();
                }
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

    /** The keys stored on one node. */
    public static long dbsize(RedisServer node) {
        try (RedisProbe probe = RedisProbe.of(node)) {
            return probe.redis().dbsize();
        }
    }

    /** The keys of {@code slot} stored on one node. */
    public static long keysInSlot(RedisServer node, int slot) {
        try (RedisProbe probe = RedisProbe.of(node)) {
            return probe.redis().clusterCountKeysInSlot(slot);
        }
    }

    /** Makes one node forget every script loaded into it, as after a restart; what it answers. */
    public static String scriptFlush(RedisServer node) {
        try (RedisProbe probe = RedisProbe.of(node)) {
            return probe.redis().scriptFlush();
        }
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }
}
