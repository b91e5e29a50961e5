package dev.imagesearch.redis;

import dev.imagesearch.backend.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocketFactory;

/**
 * How to reach Redis and where in it the id map lives. Immutable; make one with {@link #builder()} or
 * {@link #parse(String)}. Every default is listed with its builder setter.
 *
 * <p>URI form accepted by {@link #parse(String)} and {@link Builder#uri(String)}:
 * <pre>
 * redis[s]://[[user]:password@]host[:port][,host:port...][/database][?option=value&amp;...]
 * </pre>
 * {@code rediss} turns TLS on. Several hosts, or {@code ?cluster=true}, mean Redis Cluster (the hosts are seed
 * nodes). User and password are percent-decoded. Options: {@code prefix}, {@code namespace},
 * {@code connectTimeout} and {@code socketTimeout} (milliseconds), {@code maxConnections}, {@code clientName},
 * {@code cluster}, {@code retries} and {@code retryBackoff} (first wait, milliseconds) of the
 * {@link RetryPolicy}. Examples: {@code redis://127.0.0.1:6379}, {@code rediss://app:s3cret@redis.example:6380/2},
 * {@code redis://10.0.0.1:7000,10.0.0.2:7000,10.0.0.3:7000?namespace=photos}.
 */
public final class RedisIdMapConfig {

    /** Default key prefix. */
    public static final String DEFAULT_PREFIX = "imagesearch";
    /** Default namespace. */
    public static final String DEFAULT_NAMESPACE = "default";
    /** Default port. */
    public static final int DEFAULT_PORT = 6379;

    // Hash tags use braces, globs use *?[]\ : keep names to a safe alphabet so keys and SCAN patterns stay exact.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]+");

    /** A Redis server address. */
    public record Endpoint(String host, int port) {
        public Endpoint {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("Redis host must not be blank");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("Redis port must be 1..65535, was " + port);
            }
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private final List<Endpoint> endpoints;
    private final boolean cluster;
    private final String user;
    private final String password;
    private final int database;
    private final boolean tls;
    private final SSLSocketFactory sslSocketFactory;
    private final Duration connectTimeout;
    private final Duration socketTimeout;
    private final int maxConnections;
    private final String clientName;
    private final String prefix;
    private final String namespace;
    private final RetryPolicy retryPolicy;

    private RedisIdMapConfig(Builder b) {
        this.endpoints = b.endpoints.isEmpty() ? List.of(new Endpoint("127.0.0.1", DEFAULT_PORT))
                : List.copyOf(b.endpoints);
        this.cluster = b.cluster || endpoints.size() > 1;
        this.user = b.user;
        this.password = b.password;
        this.database = b.database;
        this.tls = b.tls;
        this.sslSocketFactory = b.sslSocketFactory;
        this.connectTimeout = b.connectTimeout;
        this.socketTimeout = b.socketTimeout;
        this.maxConnections = b.maxConnections;
        this.clientName = b.clientName;
        this.prefix = b.prefix;
        this.namespace = b.namespace;
        this.retryPolicy = b.retryPolicy.build();
        if (cluster && database != 0) {
            throw new IllegalArgumentException("Redis Cluster has only database 0, but database " + database
                    + " was asked for (" + this + ")");
        }
        if (user != null && password == null) {
            throw new IllegalArgumentException("Redis user '" + user + "' given without a password");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Parses a {@code redis://} or {@code rediss://} URI (see the class comment). */
    public static RedisIdMapConfig parse(String uri) {
        return builder().uri(uri).build();
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    public boolean cluster() {
        return cluster;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public int database() {
        return database;
    }

    public boolean tls() {
        return tls;
    }

    /** The socket factory for TLS, or null for the JVM default (trust store from {@code javax.net.ssl.*}). */
    public SSLSocketFactory sslSocketFactory() {
        return sslSocketFactory;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration socketTimeout() {
        return socketTimeout;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public String clientName() {
        return clientName;
    }

    public String prefix() {
        return prefix;
    }

    public String namespace() {
        return namespace;
    }

    /** How commands that fail with a connection error are retried (the one policy of all backends). */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** A copy with another namespace. */
    public RedisIdMapConfig withNamespace(String namespace) {
        return toBuilder().namespace(namespace).build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.endpoints.addAll(endpoints);
        b.cluster = cluster;
        b.user = user;
        b.password = password;
        b.database = database;
        b.tls = tls;
        b.sslSocketFactory = sslSocketFactory;
        b.connectTimeout = connectTimeout;
        b.socketTimeout = socketTimeout;
        b.maxConnections = maxConnections;
        b.clientName = clientName;
        b.prefix = prefix;
        b.namespace = namespace;
        b.retryPolicy = retryPolicy.toBuilder();
        return b;
    }

    /** The server URI without the password, for messages and logs. */
    public String describe() {
        StringBuilder s = new StringBuilder(tls ? "rediss://" : "redis://");
        if (user != null) {
            s.append(user).append("@");
        } else if (password != null) {
            s.append(":***@");
        }
        for (int i = 0; i < endpoints.size(); i++) {
            s.append(i == 0 ? "" : ",").append(endpoints.get(i));
        }
        if (database != 0) {
            s.append('/').append(database);
        }
        if (cluster && endpoints.size() == 1) {
            s.append("?cluster=true");
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return describe() + " prefix=" + prefix + " namespace=" + namespace;
    }

    /** Builder of {@link RedisIdMapConfig}; the defaults are listed with each setter. */
    public static final class Builder {
        private final List<Endpoint> endpoints = new ArrayList<>();
        private boolean cluster;
        private String user;
        private String password;
        private int database;
        private boolean tls;
        private SSLSocketFactory sslSocketFactory;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration socketTimeout = Duration.ofSeconds(2);
        private int maxConnections = 8;
        private String clientName = "imagesearch-idmap";
        private String prefix = DEFAULT_PREFIX;
        private String namespace = DEFAULT_NAMESPACE;
        private RetryPolicy.Builder retryPolicy = RetryPolicy.defaults().toBuilder();

        private Builder() {
        }

        /** Applies a URI: endpoints, TLS, user, password, database and the options in its query. */
        public Builder uri(String uri) {
            RedisUris.apply(this, uri);
            return this;
        }

        /** The retry policy being built, for the URI's {@code retries} and {@code retryBackoff} options. */
        RetryPolicy.Builder retry() {
            return retryPolicy;
        }

        /**
         * How a command that fails with a connection error (a server restart leaves stale pooled connections; a
         * failover) is retried. Default {@link RetryPolicy#defaults()}: 2 retries, 200 ms doubling to 2 s.
         */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "policy").toBuilder();
            return this;
        }

        /** One server (standalone) or one seed node (cluster). Default {@code 127.0.0.1:6379}. */
        public Builder endpoint(String host, int port) {
            endpoints.clear();
            endpoints.add(new Endpoint(host, port));
            return this;
        }

        /** Several seed nodes of a cluster (implies {@link #cluster(boolean) cluster(true)} when more than one). */
        public Builder endpoints(List<Endpoint> nodes) {
            endpoints.clear();
            endpoints.addAll(nodes);
            return this;
        }

        /** Whether the server is a Redis Cluster. Default false, or true when several endpoints are given. */
        public Builder cluster(boolean cluster) {
            this.cluster = cluster;
            return this;
        }

        /** ACL user. Default: none (the {@code default} user). */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** Password ({@code requirepass}, or the ACL user's). Default: none. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** Database index (standalone only). Default 0. */
        public Builder database(int database) {
            if (database < 0) {
                throw new IllegalArgumentException("Redis database must be >= 0, was " + database);
            }
            this.database = database;
            return this;
        }

        /** Whether to connect with TLS. Default false ({@code rediss://} turns it on). */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** Socket factory for TLS (custom trust store, client certificates). Default: the JVM's. */
        public Builder sslSocketFactory(SSLSocketFactory factory) {
            this.sslSocketFactory = factory;
            return this;
        }

        /** Time to open a connection. Default 2 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** Time to wait for a reply. Default 2 s. */
        public Builder socketTimeout(Duration timeout) {
            this.socketTimeout = positive(timeout, "socketTimeout");
            return this;
        }

        /** Pooled connections (per node in a cluster). Default 8. */
        public Builder maxConnections(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConnections must be >= 1, was " + max);
            }
            this.maxConnections = max;
            return this;
        }

        /** Name shown by {@code CLIENT LIST}. Default {@code imagesearch-idmap}. */
        public Builder clientName(String name) {
            this.clientName = Objects.requireNonNull(name, "clientName");
            return this;
        }

        /** First part of every key. Default {@code imagesearch}. Letters, digits and {@code . _ : -}. */
        public Builder prefix(String prefix) {
            this.prefix = name(prefix, "prefix");
            return this;
        }

        /**
         * Which id map under the prefix, e.g. the data set name: several id maps can share a server.
         * Default {@code default}. Letters, digits and {@code . _ : -}.
         */
        public Builder namespace(String namespace) {
            this.namespace = name(namespace, "namespace");
            return this;
        }

        private static String name(String value, String what) {
            Objects.requireNonNull(value, what);
            if (!NAME.matcher(value).matches()) {
                throw new IllegalArgumentException("Redis key " + what + " '" + value
                        + "' may only hold letters, digits and . _ : -");
            }
            return value;
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(what + " must be between 1 ms and ~24 days, was " + d);
            }
            return d;
        }

        public RedisIdMapConfig build() {
            return new RedisIdMapConfig(this);
        }
    }
}
