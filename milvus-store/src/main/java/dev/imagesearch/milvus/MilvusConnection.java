package dev.imagesearch.milvus;

import dev.imagesearch.store.VectorStoreException;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.client.RetryConfig;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a Milvus server: the SDK client, the calls wrapper (retry policy, lost-server watchdog) and the
 * per-collection write locks. The {@link MilvusVectorStore} and the {@link MilvusIdMapper} are both built on it, so
 * that a deployment with vectors and id map in Milvus uses one connection:
 *
 * <pre>{@code
 * try (MilvusConnection milvus = MilvusConnection.connect(config);
 *      MilvusVectorStore store = MilvusVectorStore.on(milvus);
 *      MilvusIdMapper ids = MilvusIdMapper.open(milvus, "photos")) { ... }
 * }</pre>
 *
 * <p>Reference-counted: {@link #connect} hands out the first reference, each store or id map built on the
 * connection takes one more, and each {@link #close()} gives one back; the client is closed with the last. So the
 * parts may be closed in any order. Thread-safe.
 */
public final class MilvusConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MilvusConnection.class);

    private final MilvusConfig config;
    private final MilvusCalls calls;
    private final MilvusClientV2 client;
    private final Map<String, ReentrantLock> writeLocks = new ConcurrentHashMap<>();
    private final AtomicInteger references = new AtomicInteger(1);

    private MilvusConnection(MilvusConfig config, MilvusCalls calls, MilvusClientV2 client) {
        this.config = config;
        this.calls = calls;
        this.client = client;
    }

    /**
     * Connects to the server. The caller holds the first reference and gives it back with {@link #close()}.
     *
     * @throws MilvusUnreachableException if the server does not accept connections
     * @throws VectorStoreException       if it cannot be reached within the connect timeout and retries
     */
    public static MilvusConnection connect(MilvusConfig config) {
        Objects.requireNonNull(config, "config");
        MilvusCalls calls = new MilvusCalls(config);
        ConnectConfig.ConnectConfigBuilder cc = ConnectConfig.builder()
                .uri(config.uri())
                .secure(config.secure())
                .connectTimeoutMs(config.connectTimeout().toMillis())
                .rpcDeadlineMs(config.callTimeout().toMillis());
        if (config.token() != null) {
            cc.token(config.token());
        } else if (config.user() != null) {
            cc.username(config.user()).password(config.password() == null ? "" : config.password());
        }
        if (config.databaseName() != null) {
            cc.dbName(config.databaseName());
        }
        ConnectConfig connectConfig = cc.build();
        MilvusClientV2 client = calls.call("connect", () -> new MilvusClientV2(connectConfig));
        // One attempt per SDK call: the retry policy in MilvusCalls does the (bounded) retrying.
        client.retryConfig(RetryConfig.builder().maxRetryTimes(1).build());
        LOG.debug("Connected to Milvus: {}", config);
        return new MilvusConnection(config, calls, client);
    }

    /** The configuration this connection was made with. */
    public MilvusConfig config() {
        return config;
    }

    /** Whether a reference is still held (the client is not closed). */
    public boolean isOpen() {
        return references.get() > 0;
    }

    /** Takes one more reference, for a store or id map built on this connection. */
    MilvusConnection retain() {
        int now = references.updateAndGet(n -> n <= 0 ? n : n + 1);
        if (now <= 0) {
            throw new IllegalStateException("The Milvus connection to " + config.uri() + " is closed");
        }
        return this;
    }

    MilvusClientV2 client() {
        return client;
    }

    MilvusCalls calls() {
        return calls;
    }

    /** The lock that serialises writes to one collection through this connection (Milvus Lite requires it). */
    ReentrantLock writeLock(String milvusName) {
        return writeLocks.computeIfAbsent(milvusName, n -> new ReentrantLock());
    }

    /** Gives back one reference; the last one closes the client. Call it once per reference held. */
    @Override
    public void close() {
        int before = references.getAndUpdate(n -> n <= 0 ? 0 : n - 1);
        if (before != 1) {
            return; // others still hold it, or it is closed already
        }
        try {
            client.close(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Closing the Milvus client for {} failed: {}", config.uri(), e.toString());
        }
    }

    @Override
    public String toString() {
        return "MilvusConnection{" + config.uri() + ", references " + references.get() + "}";
    }
}
