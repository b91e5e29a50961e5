package dev.imagesearch.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.testing.TestResources;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/** {@link RedisIdMapper} on a Redis Cluster ({@code IMAGESEARCH_REDIS_CLUSTER}). */
class RedisIdMapperClusterIT extends AbstractRedisIdMapperIT {

    @Override
    protected RedisIdMapConfig.Builder server() {
        return RedisTestServers.cluster();
    }

    @Test
    void allKeysOfANamespaceShareOneSlot() {
        ids.put("/a.jpg", 1L, "h");
        Set<Integer> slots = new HashSet<>();
        for (String k : RedisTestServers.keys(config)) {
            slots.add(JedisClusterCRC16.getSlot(k));
        }
        assertThat(slots).hasSize(1);
    }

    /** A cluster node, by the address clients use and the id the cluster knows it by. */
    private record Node(HostAndPort address, String id) {
    }

    private static List<Node> nodes() {
        List<Node> out = new ArrayList<>();
        for (String hp : TestResources.setting("IMAGESEARCH_REDIS_CLUSTER").split(",")) {
            HostAndPort address = HostAndPort.from(hp.trim());
            try (Jedis j = new Jedis(address)) {
                out.add(new Node(address, j.clusterMyId()));
            }
        }
        return out;
    }

    /** The node that serves {@code slot}: the one that does not answer a key of it with a redirection. */
    private static Node owner(List<Node> nodes, int slot) {
        for (Node n : nodes) {
            try (Jedis j = new Jedis(n.address())) {
                for (String line : j.clusterNodes().split("\n")) {
                    String[] f = line.trim().split(" ");
                    if (f.length > 8 && f[2].contains("myself")) {
                        for (int i = 8; i < f.length; i++) {
                            String[] range = f[i].split("-");
                            if (!range[0].startsWith("[") && slot >= Integer.parseInt(range[0])
                                    && slot <= Integer.parseInt(range[range.length - 1])) {
                                return n;
                            }
                        }
                    }
                }
            }
        }
        throw new AssertionError("no node serves slot " + slot);
    }

    /** Moves {@code slot} with its keys from {@code from} to {@code to}, as redis-cli --cluster reshard does. */
    private static void migrate(List<Node> nodes, int slot, Node from, Node to, Runnable whileMigrating) {
        try (Jedis source = new Jedis(from.address()); Jedis target = new Jedis(to.address())) {
            target.clusterSetSlotImporting(slot, from.id());
            source.clusterSetSlotMigrating(slot, to.id());
            whileMigrating.run();
            List<String> keys;
            while (!(keys = source.clusterGetKeysInSlot(slot, 100)).isEmpty()) {
                for (String k : keys) {
                    source.migrate(to.address().getHost(), to.address().getPort(), k, 0, 5000);
                }
            }
            for (Node n : nodes) {
                try (Jedis j = new Jedis(n.address())) {
                    j.clusterSetSlotNode(slot, to.id());
                }
            }
        }
    }

    @Test
    void theNamespaceMovingToAnotherNodeMidRunIsFollowedAndKeepsEverything() {
        String hash = "c".repeat(64);
        ids.put("/a.jpg", 1L, hash);
        ids.put("/b.jpg", 2L, hash);
        int slot = JedisClusterCRC16.getSlot(RedisTestServers.keys(config).get(0));
        List<Node> nodes = nodes();
        Node home = owner(nodes, slot);
        Node away = nodes.stream().filter(n -> !n.equals(home)).findFirst().orElseThrow();
        try {
            // while the slot is migrating (its keys still at home) and after it moved (MOVED redirections), the
            // mapper's pooled connections to the old owner must follow without losing or duplicating anything
            migrate(nodes, slot, home, away, () -> assertThat(ids.put("/c.jpg", 3L, hash)).isEmpty());
            assertThat(owner(nodes, slot)).isEqualTo(away);
            assertThat(ids.get(1L)).hasValueSatisfying(r -> assertThat(r.locations()).containsExactly("/a.jpg"));
            assertThat(ids.put("/d.jpg", 4L, hash)).isEmpty();
            assertThat(ids.put("/a.jpg", 5L, hash)).hasValue(1L); // a move, atomically, on the new owner
            assertThat(ids.size()).isEqualTo(4);
            assertThat(ids.lookup("/c.jpg")).hasValueSatisfying(r -> assertThat(r.id()).isEqualTo(3L));
            assertThat(ids.get(1L)).isEmpty();
        } finally {
            migrate(nodes, slot, away, home, () -> { });
        }
        assertThat(ids.size()).isEqualTo(4);
    }
}
