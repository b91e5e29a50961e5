package dev.imagesearch.redis;

import dev.imagesearch.testing.TestResources;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
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

    /**
     * The TLS-only server ({@code IMAGESEARCH_REDIS_TLS_URI}), trusted through its self-signed certificate
     * ({@code IMAGESEARCH_REDIS_TLS_CA}), or skip/fail.
     */
    static RedisIdMapConfig.Builder tls() {
        return RedisIdMapConfig.builder().uri(TestResources.setting("IMAGESEARCH_REDIS_TLS_URI"))
                .sslSocketFactory(trusting(Path.of(TestResources.setting("IMAGESEARCH_REDIS_TLS_CA"))));
    }

    /** A socket factory that trusts exactly the PEM certificate in {@code ca}. */
    static SSLSocketFactory trusting(Path ca) {
        try (InputStream in = Files.newInputStream(ca)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot trust " + ca + ": " + e.getMessage(), e);
        }
    }

    /** A namespace no other test uses. */
    static String freshNamespace() {
        return "test-" + UUID.randomUUID();
    }

    /** A plain client on the same server, to look at or tamper with keys behind the mapper's back. */
    static UnifiedJedis rawClient(RedisIdMapConfig c) {
        DefaultJedisClientConfig.Builder cb = DefaultJedisClientConfig.builder().ssl(c.tls());
        if (c.sslSocketFactory() != null) {
            cb.sslSocketFactory(c.sslSocketFactory());
        }
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
