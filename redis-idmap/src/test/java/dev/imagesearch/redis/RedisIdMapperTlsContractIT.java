package dev.imagesearch.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.testing.TestResources;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The shared id map contract over TLS ({@code rediss://}), against the TLS-only server of
 * {@code scripts/redis/start.sh} ({@code IMAGESEARCH_REDIS_TLS_URI}, trusted through its self-signed certificate
 * {@code IMAGESEARCH_REDIS_TLS_CA}); plus what a client that does not trust it, or does not speak TLS, is told.
 */
class RedisIdMapperTlsContractIT extends RedisIdMapperContractIT {

    @Override
    protected RedisIdMapConfig.Builder server() {
        return RedisTestServers.tls();
    }

    @Test
    void aCertificateTheClientDoesNotTrustFailsToConnectWithOneClearMessage() {
        // the JVM's default trust store does not hold the throw-away certificate
        RedisIdMapConfig untrusted = RedisIdMapConfig.builder()
                .uri(TestResources.setting("IMAGESEARCH_REDIS_TLS_URI"))
                .namespace(RedisTestServers.freshNamespace()).build();
        assertThat(untrusted.tls()).isTrue();
        assertThatThrownBy(() -> RedisIdMapper.open(untrusted).close())
                .isInstanceOf(RedisIdMapException.class)
                .hasMessageStartingWith("Redis id map at " + untrusted.describe() + ": ")
                .hasMessageContaining("the server's TLS certificate was not accepted")
                .hasMessageContaining("-Djavax.net.ssl.trustStore=").hasMessageContaining("sslSocketFactory");
    }

    @Test
    void aPlainClientGetsNoAnswerFromATlsServerAndSaysSo() {
        String tls = TestResources.setting("IMAGESEARCH_REDIS_TLS_URI");
        RedisIdMapConfig plain = RedisIdMapConfig.builder().uri(tls.replace("rediss://", "redis://"))
                .socketTimeout(Duration.ofSeconds(2)).namespace(RedisTestServers.freshNamespace()).build();
        assertThatThrownBy(() -> RedisIdMapper.open(plain).close())
                .isInstanceOf(RedisIdMapException.class)
                .hasMessageStartingWith("Redis id map at " + plain.describe() + ": ")
                .hasMessageContaining("if the server requires TLS, use rediss://");
    }
}
