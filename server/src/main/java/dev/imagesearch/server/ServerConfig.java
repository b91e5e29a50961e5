package dev.imagesearch.server;

import dev.imagesearch.image.ImageLimits;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How an {@link ImageSearchServer} listens and what it accepts. Immutable; made by {@link #builder()}, whose setters
 * document every default.
 */
public final class ServerConfig {

    /** Default address: loopback only, so nothing outside this machine can reach the server. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    /** Default upload limits: 20 MiB, 50 megapixels, 20,000 pixels per side. */
    public static final ImageLimits DEFAULT_UPLOAD_LIMITS = new ImageLimits(20L << 20, 50_000_000L, 20_000);
    /** Shortest bearer token accepted, so that a token cannot be guessed in a few tries. */
    public static final int MIN_TOKEN_LENGTH = 16;

    private final String host;
    private final int port;
    private final String token;
    private final ImageLimits uploadLimits;
    private final List<String> corsOrigins;
    private final int maxConcurrentSearches;
    private final Duration queueTimeout;
    private final int defaultK;
    private final int maxK;
    private final int thumbnailCacheSize;
    private final Map<String, String> backends;
    private final boolean loopback;

    private ServerConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.token = b.token;
        this.uploadLimits = b.uploadLimits;
        this.corsOrigins = List.copyOf(b.corsOrigins);
        this.maxConcurrentSearches = b.maxConcurrentSearches;
        this.queueTimeout = b.queueTimeout;
        this.defaultK = b.defaultK;
        this.maxK = b.maxK;
        this.thumbnailCacheSize = b.thumbnailCacheSize;
        this.backends = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.backends));
        this.loopback = isLoopback(host);
    }

    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The bearer token every API call must carry, if one is set. */
    public Optional<String> token() {
        return Optional.ofNullable(token);
    }

    public ImageLimits uploadLimits() {
        return uploadLimits;
    }

    public List<String> corsOrigins() {
        return corsOrigins;
    }

    public int maxConcurrentSearches() {
        return maxConcurrentSearches;
    }

    public Duration queueTimeout() {
        return queueTimeout;
    }

    public int defaultK() {
        return defaultK;
    }

    public int maxK() {
        return maxK;
    }

    public int thumbnailCacheSize() {
        return thumbnailCacheSize;
    }

    /** Descriptions of the backends for the status view, e.g. {@code store -> embedded (/data)}. */
    public Map<String, String> backends() {
        return backends;
    }

    /** Whether {@link #host()} is a loopback address. */
    public boolean loopback() {
        return loopback;
    }

    private static boolean isLoopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Unknown host to bind to: " + host, e);
        }
    }

    /** Builds a {@link ServerConfig}; every setting has the default named on its setter. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String token;
        private ImageLimits uploadLimits = DEFAULT_UPLOAD_LIMITS;
        private final List<String> corsOrigins = new ArrayList<>();
        private int maxConcurrentSearches = Runtime.getRuntime().availableProcessors();
        private Duration queueTimeout = Duration.ofSeconds(60);
        private int defaultK = 10;
        private int maxK = 100;
        private int thumbnailCacheSize = 1024;
        private final Map<String, String> backends = new LinkedHashMap<>();

        private Builder() {
        }

        /** Address to bind to; default {@value #DEFAULT_HOST}. Any other than loopback needs a {@link #token}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port; default {@value #DEFAULT_PORT}; 0 picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Bearer token that every {@code /api} call must send ({@code Authorization: Bearer TOKEN}); it also enables
         * indexing and removing server-side paths. Default: none (loopback only, read-only).
         */
        public Builder token(String token) {
            if (token != null && token.strip().length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException("the token must have at least " + MIN_TOKEN_LENGTH
                        + " characters");
            }
            this.token = token == null ? null : token.strip();
            return this;
        }

        /** Limits on uploaded query images (file size: 413; pixels: 413); default {@link #DEFAULT_UPLOAD_LIMITS}. */
        public Builder uploadLimits(ImageLimits limits) {
            this.uploadLimits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** An origin allowed to call the API from a browser (CORS), e.g. {@code https://app.example}; default none. */
        public Builder corsOrigin(String origin) {
            if (origin == null || !origin.matches("https?://[^/\\s]+")) {
                throw new IllegalArgumentException("a CORS origin is scheme://host[:port], was '" + origin + "'");
            }
            corsOrigins.add(origin);
            return this;
        }

        /**
         * Searches (and duplicate scans) run at once; more wait, and their uploads are not read until they run, so
         * memory stays bounded whatever the number of clients. Default: one per processor.
         */
        public Builder maxConcurrentSearches(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxConcurrentSearches must be at least 1, was " + n);
            }
            this.maxConcurrentSearches = n;
            return this;
        }

        /** How long a search waits for a free slot before it is answered 503; default 60 s. */
        public Builder queueTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException("queueTimeout must be >= 0, was " + timeout);
            }
            this.queueTimeout = timeout;
            return this;
        }

        /** Results when a request gives no {@code k}; default 10. */
        public Builder defaultK(int k) {
            this.defaultK = k;
            return this;
        }

        /** Largest {@code k} a request may ask for; default 100. */
        public Builder maxK(int k) {
            this.maxK = k;
            return this;
        }

        /** Thumbnails kept in memory; default 1024 (about 15 KB each). */
        public Builder thumbnailCacheSize(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("thumbnailCacheSize must be >= 0, was " + n);
            }
            this.thumbnailCacheSize = n;
            return this;
        }

        /** A backend description for the status view (no secrets), e.g. {@code "store", "milvus://host:19530"}. */
        public Builder backend(String role, String description) {
            backends.put(Objects.requireNonNull(role, "role"), Objects.requireNonNull(description, "description"));
            return this;
        }

        /**
         * @throws IllegalArgumentException for a non-loopback host without a token, or inconsistent {@code k}s
         */
        public ServerConfig build() {
            if (defaultK < 1 || maxK < defaultK) {
                throw new IllegalArgumentException("need 1 <= defaultK <= maxK, were " + defaultK + " and " + maxK);
            }
            ServerConfig c = new ServerConfig(this);
            if (!c.loopback && token == null) {
                throw new IllegalArgumentException("binding to " + host + " (not a loopback address) needs a "
                        + "bearer token, so that other machines cannot use the server without it");
            }
            return c;
        }
    }
}
