package dev.imagesearch.redis;

import dev.imagesearch.testing.TestResources;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;

/** The servers started by {@code scripts/redis/start.sh}, found through {@link TestResources#setting}. */
final class RedisTestServers {

    private RedisTestServers() {
    }

    /** The standalone server ({@code IMAGESEARCH_REDIS_URI}), or skip/fail. */
    static RedisIdMapConfig.Builder standalone() {
        return RedisIdMapConfig.builder().uri(TestResources.setting("IMAGESEARCH_REDIS_URI"));
    }

    /** The cluster ({@code IMAGESEARCH_REDIS_CLUSTER}: host:port,host:port,...), or skip/fail. */
    static RedisIdMapConfig.Builder cluster() {
        return RedisIdMapConfig.builder().uri("redis://" + TestResources.setting("IMAGESEARCH_REDIS_CLUSTER"))
                .cluster(true);
    }

    /** A namespace no other test uses. */
    static String freshNamespace() {
        return "test-" + UUID.randomUUID();
    }

    /** A plain client on the same server, to look at or tamper with keys behind the mapper's back. */
    static UnifiedJedis rawClient(RedisIdMapConfig c) {
        DefaultJedisClientConfig.Builder cb = DefaultJedisClientConfig.builder();
        if (c.password() != null) {
            cb.user(c.user()).password(c.password());
        }
        if (c.cluster()) {
            Set<HostAndPort> nodes = new HashSet<>();
            for (RedisIdMapConfig.Endpoint e : c.endpoints()) {
                nodes.add(new HostAndPort(e.host(), e.port()));
            }
            return new JedisCluster(nodes, cb.build());
        }
        return new JedisPooled(new HostAndPort(c.endpoints().get(0).host(), c.endpoints().get(0).port()),
                cb.database(c.database()).build());
    }

    /** The three keys of a namespace. */
    static List<String> keys(RedisIdMapConfig c) {
        String tag = "{" + c.prefix() + ":" + c.namespace() + "}:";
        List<String> keys = new ArrayList<>();
        for (String k : new String[] {"marker", "ids", "locs"}) {
            keys.add(tag + k);
        }
        return keys;
    }
}
