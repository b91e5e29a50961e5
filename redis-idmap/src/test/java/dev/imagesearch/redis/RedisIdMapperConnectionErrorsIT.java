package dev.imagesearch.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.testing.TestResources;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/**
 * Misconfigurations give one clear {@link RedisIdMapException}, not a client stack trace. Uses the password
 * server of {@code scripts/redis/start.sh} ({@code IMAGESEARCH_REDIS_AUTH_URI}, {@code IMAGESEARCH_REDIS_PASSWORD})
 * and the plain one ({@code IMAGESEARCH_REDIS_URI}).
 */
class RedisIdMapperConnectionErrorsIT {

    private static RedisIdMapConfig.Builder authServer() {
        return RedisIdMapConfig.builder().uri(TestResources.setting("IMAGESEARCH_REDIS_AUTH_URI"))
                .namespace(RedisTestServers.freshNamespace());
    }

    @Test
    void passwordRequiredButNoneGiven() {
        RedisIdMapConfig c = authServer().build();
        assertThatThrownBy(() -> RedisIdMapper.open(c)).isInstanceOf(RedisIdMapException.class)
                .hasMessageContaining(c.describe())
                .hasMessageContaining("requires a password and none was given");
    }

    @Test
    void wrongPassword() {
        RedisIdMapConfig c = authServer().password("not-the-password").build();
        assertThatThrownBy(() -> RedisIdMapper.open(c)).isInstanceOf(RedisIdMapException.class)
                .hasMessageContaining("rejected the user/password")
                .hasMessageNotContaining("not-the-password");
    }

    @Test
    void rightPasswordWorks() {
        RedisIdMapConfig c = authServer().password(TestResources.setting("IMAGESEARCH_REDIS_PASSWORD")).build();
        try (RedisIdMapper ids = RedisIdMapper.open(c); var raw = RedisTestServers.rawClient(c)) {
            try {
                ids.put("/a.jpg", 5L, "h");
                assertThat(ids.lookup("/a.jpg").orElseThrow().id()).isEqualTo(5L);
            } finally {
                RedisTestServers.keys(c).forEach(raw::del);
            }
        }
    }

    /** An ACL user with the permissions docs/REDIS.md lists works; one without scripting gets a clear NOPERM. */
    @Test
    void aclUsers() {
        RedisIdMapConfig admin = authServer().password(TestResources.setting("IMAGESEARCH_REDIS_PASSWORD")).build();
        String user = "is-" + UUID.randomUUID();
        String weak = user + "-weak";
        try (UnifiedJedis raw = RedisTestServers.rawClient(admin)) {
            raw.sendCommand(Protocol.Command.ACL, "SETUSER", user, "on", ">pw1", "~{imagesearch:*", "+@read",
                    "+@write", "+@scripting", "+@connection");
            raw.sendCommand(Protocol.Command.ACL, "SETUSER", weak, "on", ">pw2", "~*", "+@read", "+@connection");
            try {
                RedisIdMapConfig ok = admin.toBuilder().user(user).password("pw1").build();
                try (RedisIdMapper ids = RedisIdMapper.open(ok)) {
                    ids.put("/a.jpg", 9L, "h");
                    assertThat(ids.lookup("/a.jpg").orElseThrow().id()).isEqualTo(9L);
                    assertThat(ids.size()).isEqualTo(1);
                } finally {
                    RedisTestServers.keys(ok).forEach(raw::del);
                }
                RedisIdMapConfig bad = admin.toBuilder().user(weak).password("pw2").build();
                assertThatThrownBy(() -> RedisIdMapper.open(bad)).isInstanceOf(RedisIdMapException.class)
                        .hasMessageContaining("lacks a permission");
                RedisIdMapConfig wrongUser = admin.toBuilder().user(user).password("pw2").build();
                assertThatThrownBy(() -> RedisIdMapper.open(wrongUser)).isInstanceOf(RedisIdMapException.class)
                        .hasMessageContaining("rejected the user/password");
            } finally {
                raw.sendCommand(Protocol.Command.ACL, "DELUSER", user, weak);
            }
        }
    }

    @Test
    void passwordGivenToAServerWithoutOne() {
        RedisIdMapConfig c = RedisTestServers.standalone().password("secret").build();
        assertThatThrownBy(() -> RedisIdMapper.open(c)).isInstanceOf(RedisIdMapException.class)
                .hasMessageContaining("server has none configured").hasMessageNotContaining("secret@");
    }

    @Test
    void tlsToAPlainServer() {
        RedisIdMapConfig c = RedisTestServers.standalone().tls(true).connectTimeout(Duration.ofSeconds(1))
                .socketTimeout(Duration.ofSeconds(1)).build();
        assertThatThrownBy(() -> RedisIdMapper.open(c)).isInstanceOf(RedisIdMapException.class)
                .hasMessageContaining("rediss://")
                .hasMessageContaining("use redis:// for a plain server");
    }

    @Test
    void nothingListening() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisIdMapConfig c = RedisIdMapConfig.builder().endpoint("127.0.0.1", port).build();
        assertThatThrownBy(() -> RedisIdMapper.open(c)).isInstanceOf(RedisIdMapException.class)
                .hasMessageContaining("127.0.0.1:" + port)
                .hasMessageContaining("cannot connect");
        RedisIdMapConfig cl = RedisIdMapConfig.builder().endpoint("127.0.0.1", port).cluster(true).build();
        assertThatThrownBy(() -> RedisIdMapper.open(cl)).isInstanceOf(RedisIdMapException.class)
                .hasMessageContaining("127.0.0.1:" + port);
    }

    /** A server that accepts connections but never answers (like a TLS server to a plain client): timeout. */
    @Test
    void silentServerTimesOut() throws IOException {
        try (ServerSocket silent = new ServerSocket(0)) {
            RedisIdMapConfig c = RedisIdMapConfig.builder().endpoint("127.0.0.1", silent.getLocalPort())
                    .socketTimeout(Duration.ofMillis(300)).build();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> RedisIdMapper.open(c)).isInstanceOf(RedisIdMapException.class)
                    .hasMessageContaining("if the server requires TLS, use rediss://");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }
}
