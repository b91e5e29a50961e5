package dev.imagesearch.redis;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.HashSet;
import java.util.Set;
import javax.net.ssl.SSLException;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The Jedis side of a {@link RedisIdMapper}: makes the client a {@link RedisIdMapConfig} describes, and turns a
 * Jedis failure into one {@link RedisIdMapException} whose message says what to check.
 */
final class RedisClients {

    private RedisClients() {
    }

    /** A pooled client (standalone) or a cluster client for {@code c}; connects now. */
    static UnifiedJedis connect(RedisIdMapConfig c) {
        DefaultJedisClientConfig.Builder cb = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) c.connectTimeout().toMillis())
                .socketTimeoutMillis((int) c.socketTimeout().toMillis())
                .clientName(c.clientName())
                .ssl(c.tls());
        if (c.sslSocketFactory() != null) {
            cb.sslSocketFactory(c.sslSocketFactory());
        }
        if (c.password() != null) {
            cb.user(c.user()).password(c.password());
        }
        if (!c.cluster()) {
            cb.database(c.database());
        }
        JedisClientConfig clientConfig = cb.build();
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(c.maxConnections());
        pool.setMaxIdle(c.maxConnections());
        try {
            if (c.cluster()) {
                Set<HostAndPort> nodes = new HashSet<>();
                for (RedisIdMapConfig.Endpoint e : c.endpoints()) {
                    nodes.add(new HostAndPort(e.host(), e.port()));
                }
                return new JedisCluster(nodes, clientConfig, pool); // connects now: reads the slot map
            }
            RedisIdMapConfig.Endpoint e = c.endpoints().get(0);
            return new JedisPooled(new HostAndPort(e.host(), e.port()), clientConfig, pool);
        } catch (JedisException e) {
            throw translate(c, "connect", e);
        }
    }

    /** One clear message per kind of failure, instead of a raw client stack trace. */
    static RedisIdMapException translate(RedisIdMapConfig c, String op, JedisException e) {
        String server = c.describe();
        String msg = String.valueOf(e.getMessage());
        String upper = msg.toUpperCase(java.util.Locale.ROOT);
        Throwable root = rootCause(e);
        Throwable refused = find(e, ConnectException.class);
        String why;
        if (upper.contains("NOPERM")) { // before the generic access-control case: Jedis maps NOPERM there too
            why = "the user lacks a permission (" + msg + "); it needs EVAL/EVALSHA, HGET/HSET/HDEL/HMGET/HLEN/"
                    + "HSCAN, GET/SET, TYPE, EXISTS, SCAN, PING on keys {" + c.prefix() + ":* (see docs/REDIS.md)";
        } else if (e instanceof JedisAccessControlException || upper.contains("NOAUTH") || upper.contains("WRONGPASS")
                || upper.contains("INVALID PASSWORD") || upper.contains("INVALID USERNAME-PASSWORD")) {
            why = c.password() == null
                    ? "the server requires a password and none was given (add user:password@ to the URI)"
                    : "the server rejected the user/password (" + msg + ")";
        } else if (upper.contains("WITHOUT ANY PASSWORD CONFIGURED")) {
            why = "a password was given but the server has none configured (" + msg + ")";
        } else if (find(e, java.security.cert.CertificateException.class) != null) {
            why = "the server's TLS certificate was not accepted ("
                    + find(e, java.security.cert.CertificateException.class).getMessage() + "); trust its CA in the "
                    + "JVM trust store (-Djavax.net.ssl.trustStore=...) or with RedisIdMapConfig.Builder."
                    + "sslSocketFactory(...), and connect by a name or address the certificate names";
        } else if (root instanceof SSLException) {
            why = "TLS handshake failed (" + root.getMessage() + ")"
                    + (c.tls() ? "; is the server TLS-enabled? use redis:// for a plain server" : "");
        } else if (refused != null) {
            why = "cannot connect (" + refused.getMessage() + "); is the server running at that address?";
        } else if (root instanceof SocketTimeoutException) {
            why = "no answer within the timeout (" + root.getMessage() + ")" + (c.tls()
                    ? "; is the server TLS-enabled? use redis:// for a plain server"
                    : "; if the server requires TLS, use rediss://");
        } else if (e instanceof JedisConnectionException) {
            why = "the connection failed (" + msg + ")"
                    + (c.tls() ? "" : "; if the server requires TLS, use rediss://");
        } else if (e instanceof JedisDataException) {
            why = "the server answered with an error: " + msg;
        } else {
            why = msg;
        }
        return new RedisIdMapException("Redis id map at " + server + ": " + op + " failed: " + why, e);
    }

    private static Throwable rootCause(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r;
    }

    /** The first throwable of a type among the causes and suppressed exceptions of {@code t}. */
    private static Throwable find(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return c;
            }
            for (Throwable s : c.getSuppressed()) {
                Throwable f = find(s, type);
                if (f != null) {
                    return f;
                }
            }
        }
        return null;
    }
}
