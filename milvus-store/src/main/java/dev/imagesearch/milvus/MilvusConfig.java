package dev.imagesearch.milvus;

import dev.imagesearch.backend.RetryPolicy;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How to reach a Milvus server and how to lay out collections there. Immutable; build it with
 * {@link #builder()} or parse it from a {@code milvus://} address with {@link #parse(String)}.
 *
 * <p>Defaults (also listed on each builder method):
 * <ul>
 *   <li>uri {@code http://localhost:19530}</li>
 *   <li>no token, user or password; database: the server's default</li>
 *   <li>secure (TLS): off, unless the uri starts with {@code https://}</li>
 *   <li>connectTimeout 5 s, callTimeout 30 s (the deadline of each RPC)</li>
 *   <li>retry policy {@link RetryPolicy#defaults()} (2 retries, backoff 200 ms doubling up to 2 s), for transient
 *       errors only (server unavailable, deadline exceeded)</li>
 *   <li>index {@link IndexType#AUTOINDEX}; collection name prefix {@code ""}</li>
 *   <li>maxRequestBytes 16 MiB per upsert message, well below the 64 MB gRPC limit of a Milvus server</li>
 *   <li>serverFlush off: {@code flush()} does not call Milvus flush, as Milvus writes are durable once
 *       acknowledged (they are in its write-ahead log)</li>
 * </ul>
 *
 * <p>A server that refuses connections is noticed within about 3 s by a TCP probe while a call waits, and fails
 * with a {@link MilvusUnreachableException} without retries. Worst case for a server that accepts connections but
 * does not answer: {@code (retries + 1) * callTimeout} plus the backoff sleeps, then a
 * {@link dev.imagesearch.store.VectorStoreException}.
 */
public final class MilvusConfig {

    /** Vector index built on a new collection. Existing collections keep theirs. */
    public enum IndexType {
        /** Milvus picks the index (HNSW-like on a server; brute force on Milvus Lite). */
        AUTOINDEX,
        /** Graph index: fast and accurate, more memory. */
        HNSW,
        /** Inverted file over clusters; {@code nlist} 128. */
        IVF_FLAT,
        /** Exact brute-force search. */
        FLAT
    }

    /** Default server address. */
    public static final String DEFAULT_URI = "http://localhost:19530";

    private final String uri;
    private final String token;
    private final String user;
    private final String password;
    private final String databaseName;
    private final boolean secure;
    private final Duration connectTimeout;
    private final Duration callTimeout;
    private final RetryPolicy retryPolicy;
    private final IndexType indexType;
    private final String collectionPrefix;
    private final int maxRequestBytes;
    private final boolean serverFlush;

    private MilvusConfig(Builder b) {
        this.uri = b.uri;
        this.token = b.token;
        this.user = b.user;
        this.password = b.password;
        this.databaseName = b.databaseName;
        this.secure = b.secure != null ? b.secure : b.uri.toLowerCase(Locale.ROOT).startsWith("https://");
        this.connectTimeout = b.connectTimeout;
        this.callTimeout = b.callTimeout;
        this.retryPolicy = b.retryPolicy.build();
        this.indexType = b.indexType;
        this.collectionPrefix = b.collectionPrefix;
        this.maxRequestBytes = b.maxRequestBytes;
        this.serverFlush = b.serverFlush;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.uri = uri;
        b.token = token;
        b.user = user;
        b.password = password;
        b.databaseName = databaseName;
        b.secure = secure;
        b.connectTimeout = connectTimeout;
        b.callTimeout = callTimeout;
        b.retryPolicy = retryPolicy.toBuilder();
        b.indexType = indexType;
        b.collectionPrefix = collectionPrefix;
        b.maxRequestBytes = maxRequestBytes;
        b.serverFlush = serverFlush;
        return b;
    }

    /**
     * Parses a store address as the CLI takes it: {@code milvus://HOST[:PORT][/DB][?key=value&...]} (plain
     * connection) or {@code milvuss://...} (TLS); {@code http://} and {@code https://} are accepted too. The port
     * defaults to 19530; {@code /DB} names the database (as {@code ?db=DB} does; not both). Query keys:
     * {@code token}, {@code user}, {@code password}, {@code db}, {@code prefix}, {@code index} (AUTOINDEX, HNSW,
     * IVF_FLAT, FLAT), {@code timeout} (call timeout in seconds), {@code connectTimeout} (seconds),
     * {@code retries} and {@code retryBackoff} (the first wait, milliseconds; see {@link RetryPolicy}),
     * {@code secure} (true/false), {@code serverFlush} (true/false). Values are URL-decoded. Everything not given
     * keeps the builder's default.
     *
     * @throws IllegalArgumentException naming the offending part of the address
     */
    public static MilvusConfig parse(String address) {
        return MilvusUris.parse(address);
    }

    /** The address with token and password values hidden, for messages. */
    static String redact(String address) {
        return address.replaceAll("(?i)((?:token|password)=)[^&]*", "$1***");
    }

    public String uri() {
        return uri;
    }

    public String token() {
        return token;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public String databaseName() {
        return databaseName;
    }

    public boolean secure() {
        return secure;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration callTimeout() {
        return callTimeout;
    }

    /** The retry policy of every call (the one policy of all backends). */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** As {@code retryPolicy().retries()}. */
    public int retries() {
        return retryPolicy.retries();
    }

    /** As {@code retryPolicy().initialBackoff()}. */
    public Duration initialBackoff() {
        return retryPolicy.initialBackoff();
    }

    /** As {@code retryPolicy().maxBackoff()}. */
    public Duration maxBackoff() {
        return retryPolicy.maxBackoff();
    }

    public IndexType indexType() {
        return indexType;
    }

    public String collectionPrefix() {
        return collectionPrefix;
    }

    public int maxRequestBytes() {
        return maxRequestBytes;
    }

    public boolean serverFlush() {
        return serverFlush;
    }

    /** Without secrets. */
    @Override
    public String toString() {
        return "MilvusConfig{uri=" + uri + ", db=" + (databaseName == null ? "(default)" : databaseName)
                + ", auth=" + (token != null ? "token" : user != null ? "user " + user : "none")
                + ", secure=" + secure + ", connectTimeout=" + connectTimeout + ", callTimeout=" + callTimeout
                + ", retries=" + retryPolicy.retries() + ", index=" + indexType + ", prefix='" + collectionPrefix + "'}";
    }

    /** Builder for {@link MilvusConfig}; every setting has the default listed on its method. */
    public static final class Builder {
        private String uri = DEFAULT_URI;
        private String token;
        private String user;
        private String password;
        private String databaseName;
        private Boolean secure;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration callTimeout = Duration.ofSeconds(30);
        private RetryPolicy.Builder retryPolicy = RetryPolicy.defaults().toBuilder();
        private IndexType indexType = IndexType.AUTOINDEX;
        private String collectionPrefix = "";
        private int maxRequestBytes = 16 * 1024 * 1024;
        private boolean serverFlush;

        private Builder() {
        }

        /** Server address, {@code http://HOST:PORT} or {@code https://HOST:PORT}. Default {@value #DEFAULT_URI}. */
        public Builder uri(String uri) {
            Objects.requireNonNull(uri, "uri");
            if (!uri.matches("(?i)https?://[^/?#]+/?")) {
                throw new IllegalArgumentException("Milvus uri must look like http://HOST:PORT, was '" + uri + "'");
            }
            this.uri = uri;
            return this;
        }

        /** API token ({@code user:password} or a cloud API key). Default: none. Replaces user and password. */
        public Builder token(String token) {
            this.token = blankToNull(token);
            return this;
        }

        /** User name for a server with authentication. Default: none. */
        public Builder user(String user) {
            this.user = blankToNull(user);
            return this;
        }

        /** Password for {@link #user}. Default: none. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** Database that holds the collections. Default: the server's default database. */
        public Builder databaseName(String databaseName) {
            this.databaseName = blankToNull(databaseName);
            return this;
        }

        /** TLS on or off. Default: on exactly when the uri starts with {@code https://}. */
        public Builder secure(boolean secure) {
            this.secure = secure;
            return this;
        }

        /** Time to establish the connection. Default 5 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** Deadline of each call to the server. Default 30 s. */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = positive(timeout, "callTimeout");
            return this;
        }

        /** The retry policy of every call (retries, backoff). Default {@link RetryPolicy#defaults()}. */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "policy").toBuilder();
            return this;
        }

        /**
         * How often a call is retried after a transient error (unavailable, deadline exceeded); sets the retry
         * policy's retries. Default 2.
         */
        public Builder retries(int retries) {
            this.retryPolicy.retries(retries);
            return this;
        }

        /** Wait before the first retry; it doubles for each further one up to {@link #maxBackoff}. Default 200 ms. */
        public Builder initialBackoff(Duration backoff) {
            this.retryPolicy.initialBackoff(backoff);
            return this;
        }

        /** Longest wait between retries. Default 2 s. */
        public Builder maxBackoff(Duration backoff) {
            this.retryPolicy.maxBackoff(backoff);
            return this;
        }

        /** Index of new collections. Default {@link IndexType#AUTOINDEX}. */
        public Builder indexType(IndexType indexType) {
            this.indexType = Objects.requireNonNull(indexType, "indexType");
            return this;
        }

        /**
         * Prepended to every derived collection name, to share one database between applications. Must itself be
         * a valid start of a Milvus name (letters, digits, underscore; not starting with a digit). Default: none.
         */
        public Builder collectionPrefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (!prefix.isEmpty() && !prefix.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("Collection prefix must match [A-Za-z_][A-Za-z0-9_]*, was '"
                        + prefix + "'");
            }
            this.collectionPrefix = prefix;
            return this;
        }

        /** Upper bound of one upsert message; batches are split to stay below it. Default 16 MiB. */
        public Builder maxRequestBytes(int bytes) {
            if (bytes < 64 * 1024) {
                throw new IllegalArgumentException("maxRequestBytes must be >= 65536, was " + bytes);
            }
            this.maxRequestBytes = bytes;
            return this;
        }

        /**
         * Whether {@code VectorCollection.flush()} and {@code MilvusIdMapper.flush()} call Milvus flush (seals
         * segments to object storage).
         * Default off: acknowledged writes are already durable, and Milvus rate-limits flush calls.
         */
        public Builder serverFlush(boolean serverFlush) {
            this.serverFlush = serverFlush;
            return this;
        }

        public MilvusConfig build() {
            if (password != null && user == null) {
                throw new IllegalArgumentException("A Milvus password was given without a user");
            }
            return new MilvusConfig(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be > 0, was " + d);
            }
            return d;
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s;
        }
    }
}
