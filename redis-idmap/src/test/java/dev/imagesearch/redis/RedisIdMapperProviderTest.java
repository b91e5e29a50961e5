package dev.imagesearch.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.backend.Backends;
import dev.imagesearch.backend.RetryPolicy;
import dev.imagesearch.error.BackendException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Registration of the Redis provider and the retry options of the URI; no server needed. */
class RedisIdMapperProviderTest {

    @Test
    void theProviderIsFoundForBothSchemesAndOnlyForIdMaps() {
        assertThat(Backends.idMapperSchemes()).contains("embedded", "redis", "rediss");
        assertThat(Backends.vectorStoreSchemes()).doesNotContain("redis");
        assertThatThrownBy(() -> Backends.vectorStore("redis://h:6379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no provider for the scheme 'redis'");
    }

    @Test
    void retryOptionsMapOntoTheOneRetryPolicy() {
        RedisIdMapConfig c = RedisIdMapConfig.parse("redis://h:1?retries=5&retryBackoff=30");
        assertThat(c.retryPolicy().retries()).isEqualTo(5);
        assertThat(c.retryPolicy().initialBackoff()).isEqualTo(Duration.ofMillis(30));
        assertThat(RedisIdMapConfig.parse("redis://h:1").retryPolicy()).isEqualTo(RetryPolicy.defaults());
        assertThat(c.toBuilder().build().retryPolicy()).isEqualTo(c.retryPolicy());
        assertThatThrownBy(() -> RedisIdMapConfig.parse("redis://h:1?retries=-1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void redisFailuresAreBackendExceptions() {
        assertThat(BackendException.class).isAssignableFrom(RedisIdMapException.class);
    }
}
