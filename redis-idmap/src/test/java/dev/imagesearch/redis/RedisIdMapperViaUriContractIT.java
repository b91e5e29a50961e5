package dev.imagesearch.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.backend.Backends;
import dev.imagesearch.contract.IdMapperContract;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.testing.TestResources;
import org.junit.jupiter.api.AfterEach;
import redis.clients.jedis.UnifiedJedis;

/** The shared id map contract against the standalone Redis opened by URI through {@link Backends}. */
class RedisIdMapperViaUriContractIT extends IdMapperContract {

    private String namespace;

    private IdMapper open() {
        IdMapper ids = Backends.idMapper(TestResources.setting("IMAGESEARCH_REDIS_URI") + "?namespace=" + namespace
                + "&retries=1&retryBackoff=50");
        assertThat(ids).isInstanceOf(RedisIdMapper.class);
        return ids;
    }

    @Override
    protected IdMapper newMapper() {
        namespace = RedisTestServers.freshNamespace();
        return open();
    }

    @Override
    protected IdMapper reopenMapper() {
        return open();
    }

    @AfterEach
    void deleteKeys() {
        if (namespace != null) {
            RedisIdMapConfig config = RedisTestServers.standalone().namespace(namespace).build();
            try (UnifiedJedis raw = RedisTestServers.rawClient(config)) {
                RedisTestServers.keys(config).forEach(raw::del);
            }
        }
    }
}
