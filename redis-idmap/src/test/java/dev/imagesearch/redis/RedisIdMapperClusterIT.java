package dev.imagesearch.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
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
}
