package dev.imagesearch.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.backend.Backends;
import dev.imagesearch.error.BackendException;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.testing.TestResources;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/** Redis id maps opened by URI through {@link Backends}: password, cluster, and a refused password. */
class RedisBackendsIT {

    @Test
    void aPasswordInTheUriOpensTheProtectedServerAndAWrongOneIsABackendException() {
        URI auth = URI.create(TestResources.setting("IMAGESEARCH_REDIS_AUTH_URI"));
        String password = URLEncoder.encode(TestResources.setting("IMAGESEARCH_REDIS_PASSWORD"), StandardCharsets.UTF_8);
        String namespace = RedisTestServers.freshNamespace();
        String uri = "redis://:" + password + "@" + auth.getAuthority() + "?namespace=" + namespace;
        try (IdMapper ids = Backends.idMapper(uri)) {
            ids.put("a.jpg", 1L, "h1");
            assertThat(ids.lookup("a.jpg")).hasValueSatisfying(r -> assertThat(r.locations()).containsExactly("a.jpg"));
            assertThat(ids.toString()).doesNotContain(password);
        } finally {
            RedisIdMapConfig config = RedisIdMapConfig.parse(uri);
            try (UnifiedJedis raw = RedisTestServers.rawClient(config)) {
                RedisTestServers.keys(config).forEach(raw::del);
            }
        }
        assertThatThrownBy(() -> Backends.idMapper("redis://:wrong-" + password + "@" + auth.getAuthority()
                + "?retries=0"))
                .isInstanceOf(BackendException.class).isInstanceOf(RedisIdMapException.class)
                .hasMessageNotContaining("wrong-");
    }

    @Test
    void severalHostsInTheUriOpenTheCluster() {
        String namespace = RedisTestServers.freshNamespace();
        String uri = "redis://" + TestResources.setting("IMAGESEARCH_REDIS_CLUSTER") + "?namespace=" + namespace;
        try (IdMapper ids = Backends.idMapper(uri)) {
            ids.put("x/1.jpg", 5L, "h5");
            ids.put("x/2.jpg", 5L, "h5");
            assertThat(ids.get(5L)).hasValueSatisfying(r -> assertThat(r.locations())
                    .isEqualTo(List.of("x/1.jpg", "x/2.jpg")));
        } finally {
            RedisIdMapConfig config = RedisIdMapConfig.parse(uri);
            try (UnifiedJedis raw = RedisTestServers.rawClient(config)) {
                RedisTestServers.keys(config).forEach(raw::del);
            }
        }
    }
}
