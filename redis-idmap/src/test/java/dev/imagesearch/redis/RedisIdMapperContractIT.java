package dev.imagesearch.redis;

import dev.imagesearch.contract.IdMapperContract;
import dev.imagesearch.idmap.IdMapper;
import org.junit.jupiter.api.AfterEach;
import redis.clients.jedis.UnifiedJedis;

/**
 * The shared id map contract against a standalone Redis ({@code IMAGESEARCH_REDIS_URI}); a fresh namespace per
 * test, deleted afterwards. {@link RedisIdMapperClusterContractIT} runs it against Redis Cluster.
 */
class RedisIdMapperContractIT extends IdMapperContract {

    private RedisIdMapConfig config;

    protected RedisIdMapConfig.Builder server() {
        return RedisTestServers.standalone();
    }

    @Override
    protected IdMapper newMapper() {
        config = server().namespace(RedisTestServers.freshNamespace()).build();
        return RedisIdMapper.open(config);
    }

    @Override
    protected IdMapper reopenMapper() {
        return RedisIdMapper.open(config);
    }

    @AfterEach
    void deleteKeys() {
        if (config != null) {
            try (UnifiedJedis raw = RedisTestServers.rawClient(config)) {
                RedisTestServers.keys(config).forEach(raw::del);
            }
        }
    }

}
