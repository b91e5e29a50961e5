package dev.imagesearch.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisIdMapConfigTest {

    @Test
    void defaults() {
        RedisIdMapConfig c = RedisIdMapConfig.builder().build();
        assertThat(c.endpoints()).containsExactly(new RedisIdMapConfig.Endpoint("127.0.0.1", 6379));
        assertThat(c.cluster()).isFalse();
        assertThat(c.tls()).isFalse();
        assertThat(c.user()).isNull();
        assertThat(c.password()).isNull();
        assertThat(c.database()).isZero();
        assertThat(c.prefix()).isEqualTo("imagesearch");
        assertThat(c.namespace()).isEqualTo("default");
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.socketTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.maxConnections()).isEqualTo(8);
    }

    @Test
    void parsesAFullUri() {
        RedisIdMapConfig c = RedisIdMapConfig.parse(
                "rediss://app:p%40ss+w@redis.example:6380/3?prefix=is&namespace=photos&connectTimeout=500"
                        + "&socketTimeout=1500&maxConnections=4&clientName=me");
        assertThat(c.tls()).isTrue();
        assertThat(c.user()).isEqualTo("app");
        assertThat(c.password()).isEqualTo("p@ss+w");
        assertThat(c.endpoints()).containsExactly(new RedisIdMapConfig.Endpoint("redis.example", 6380));
        assertThat(c.database()).isEqualTo(3);
        assertThat(c.prefix()).isEqualTo("is");
        assertThat(c.namespace()).isEqualTo("photos");
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.socketTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.maxConnections()).isEqualTo(4);
        assertThat(c.clientName()).isEqualTo("me");
        assertThat(c.describe()).isEqualTo("rediss://app@redis.example:6380/3").doesNotContain("p@ss");
    }

    @Test
    void passwordOnlyMeansTheDefaultUser() {
        RedisIdMapConfig c = RedisIdMapConfig.parse("redis://:secret@h");
        assertThat(c.user()).isNull();
        assertThat(c.password()).isEqualTo("secret");
        assertThat(c.endpoints()).containsExactly(new RedisIdMapConfig.Endpoint("h", 6379));
        assertThat(c.toString()).doesNotContain("secret");
    }

    @Test
    void severalHostsMeanACluster() {
        RedisIdMapConfig c = RedisIdMapConfig.parse("redis://10.0.0.1:7000,10.0.0.2:7001,[::1]:7002");
        assertThat(c.cluster()).isTrue();
        assertThat(c.endpoints()).containsExactly(new RedisIdMapConfig.Endpoint("10.0.0.1", 7000),
                new RedisIdMapConfig.Endpoint("10.0.0.2", 7001), new RedisIdMapConfig.Endpoint("::1", 7002));
        assertThat(RedisIdMapConfig.parse("redis://h:1?cluster=true").cluster()).isTrue();
    }

    @Test
    void clusterHasNoDatabases() {
        assertThatThrownBy(() -> RedisIdMapConfig.parse("redis://a:1,b:2/2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database 2");
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> RedisIdMapConfig.parse("http://h:1"))
                .hasMessageContaining("Not a Redis URI");
        assertThatThrownBy(() -> RedisIdMapConfig.parse("redis://u:secret@h:notaport"))
                .hasMessageContaining("port 'notaport'").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> RedisIdMapConfig.parse("redis://h?bogus=1"))
                .hasMessageContaining("Unknown Redis URI option 'bogus'");
        assertThatThrownBy(() -> RedisIdMapConfig.builder().namespace("a{b}"))
                .hasMessageContaining("'a{b}'");
        assertThatThrownBy(() -> RedisIdMapConfig.builder().prefix("x*"))
                .hasMessageContaining("'x*'");
        assertThatThrownBy(() -> RedisIdMapConfig.builder().endpoints(List.of()).endpoint("h", 0))
                .hasMessageContaining("port must be 1..65535, was 0");
        assertThatThrownBy(() -> RedisIdMapConfig.builder().user("u").build())
                .hasMessageContaining("without a password");
    }

    @Test
    void withNamespaceKeepsTheRest() {
        RedisIdMapConfig c = RedisIdMapConfig.parse("redis://h:1/2?prefix=p").withNamespace("n2");
        assertThat(c.namespace()).isEqualTo("n2");
        assertThat(c.prefix()).isEqualTo("p");
        assertThat(c.database()).isEqualTo(2);
    }
}
