package dev.imagesearch.milvus;

import dev.imagesearch.store.CollectionMismatchException;
import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.VectorStore;
import dev.imagesearch.store.VectorStoreException;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import io.milvus.v2.service.index.response.DescribeIndexResp;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link VectorStore} on a Milvus server: one collection per model.
 *
 * <pre>{@code
 * MilvusConfig config = MilvusConfig.builder().uri("http://milvus.internal:19530").token("root:Milvus").build();
 * try (ImageSearch search = ImageSearch.builder()
 *         .embedder(embedder)
 *         .vectorStore(MilvusVectorStore.connect(config))
 *         .build()) { ... }
 * }</pre>
 *
 * <p>Collection layout: {@code id} INT64 primary key (the image content id, no auto id), {@code vector}
 * FLOAT_VECTOR(dimension) with the configured index and the spec's metric, and two optional nullable VARCHAR
 * fields {@code location} and {@code content_hash} (see {@link MilvusRecord}). The model fingerprint, metric
 * and dimension are kept as collection properties ({@code imagesearch.fingerprint}, ...), so opening the
 * collection for another model fails with {@link CollectionMismatchException} before anything is written.
 *
 * <p>The Milvus name of a collection is derived from the spec's name by {@link CollectionNames#derive} with the
 * configured prefix, or given explicitly with {@link #open(CollectionSpec, String)}.
 *
 * <p>Thread-safe. Writes to one collection are serialised inside this store (Milvus Lite requires it, and
 * it keeps chunked upserts of one call together).
 *
 * <p>The store is built on a {@link MilvusConnection}: its own ({@link #connect}, {@link #fromUri}) or one shared
 * with a {@link MilvusIdMapper} ({@link #on}). {@code Backends.vectorStore("milvus://...")} opens one too (see
 * {@link MilvusVectorStoreProvider} for the URI grammar).
 */
public final class MilvusVectorStore implements VectorStore {

    static final String ID_FIELD = "id";
    static final String VECTOR_FIELD = "vector";
    static final String LOCATION_FIELD = "location";
    static final String CONTENT_HASH_FIELD = "content_hash";
    static final int MAX_LOCATION_LENGTH = 8192;
    static final String PROP_FINGERPRINT = "imagesearch.fingerprint";
    static final String PROP_METRIC = "imagesearch.metric";
    static final String PROP_DIMENSION = "imagesearch.dimension";
    static final String PROP_NAME = "imagesearch.name";

    private static final Logger LOG = LoggerFactory.getLogger(MilvusVectorStore.class);

    private final MilvusConnection connection;
    private final MilvusConfig config;
    private final MilvusClientV2 client;
    private final MilvusCalls calls;
    private volatile boolean closed;

    /** Takes over one reference of {@code connection}. */
    private MilvusVectorStore(MilvusConnection connection) {
        this.connection = connection;
        this.config = connection.config();
        this.client = connection.client();
        this.calls = connection.calls();
    }

    /**
     * Connects to the server. Fails with a {@link VectorStoreException} naming the server when it cannot be
     * reached within the configured connect timeout and retries.
     */
    public static MilvusVectorStore connect(MilvusConfig config) {
        return new MilvusVectorStore(MilvusConnection.connect(config));
    }

    /**
     * A store on {@code connection} (shared, for example, with a {@link MilvusIdMapper}); it takes a reference of
     * the connection and gives it back in {@link #close()}.
     */
    public static MilvusVectorStore on(MilvusConnection connection) {
        return new MilvusVectorStore(Objects.requireNonNull(connection, "connection").retain());
    }

    /**
     * Connects to the server at a {@code milvus://HOST:PORT?token=...&db=...} address (see
     * {@link MilvusConfig#parse}); the CLI's {@code --store} flag uses this.
     */
    public static MilvusVectorStore fromUri(String address) {
        return connect(MilvusConfig.parse(address));
    }

    /** The configuration this store was connected with. */
    public MilvusConfig config() {
        return config;
    }

    /** The connection this store is built on. */
    public MilvusConnection connection() {
        return connection;
    }

    /** The Milvus collection name {@link #open(CollectionSpec)} uses for {@code spec}. */
    public String collectionName(CollectionSpec spec) {
        return CollectionNames.derive(config.collectionPrefix(), spec.name());
    }

    /** Opens the collection named after the spec (see {@link #collectionName}), creating it if missing. */
    @Override
    public MilvusCollection open(CollectionSpec spec) {
        return open(spec, collectionName(spec));
    }

    /**
     * Opens the collection with the given Milvus name, creating it if missing; the name is used as it is (no
     * prefix).
     *
     * @throws IllegalArgumentException     if Milvus would refuse the name
     * @throws CollectionMismatchException if it exists with another dimension, metric or model fingerprint
     */
    public MilvusCollection open(CollectionSpec spec, String milvusName) {
        Objects.requireNonNull(spec, "spec");
        if (!CollectionNames.isValid(milvusName)) {
            throw new IllegalArgumentException("'" + milvusName + "' is not a valid Milvus collection name "
                    + "(letters, digits, _; not starting with a digit; at most 255 characters)");
        }
        ensureOpen();
        boolean exists = calls.call("hasCollection " + milvusName, () -> client.hasCollection(
                HasCollectionReq.builder().collectionName(milvusName).build()));
        if (!exists) {
            try {
                create(spec, milvusName);
            } catch (VectorStoreException e) {
                // Another client may have created it in between: then verify that one like any other.
                boolean nowExists = calls.call("hasCollection " + milvusName, () -> client.hasCollection(
                        HasCollectionReq.builder().collectionName(milvusName).build()));
                if (!nowExists) {
                    throw e;
                }
            }
        }
        verify(spec, milvusName);
        calls.run("loadCollection " + milvusName, () -> client.loadCollection(
                LoadCollectionReq.builder().collectionName(milvusName).build()));
        return new MilvusCollection(this, spec, milvusName, writeLock(milvusName));
    }

    /** Whether the collection for a spec of that name exists (the name is mapped as {@link #collectionName} does). */
    @Override
    public boolean exists(String name) {
        ensureOpen();
        String milvusName = CollectionNames.derive(config.collectionPrefix(), name);
        return calls.call("hasCollection " + milvusName, () -> client.hasCollection(
                HasCollectionReq.builder().collectionName(milvusName).build()));
    }

    /** The Milvus names of the collections on the server that carry this store's prefix (all when it has none). */
    @Override
    public List<String> collectionNames() {
        ensureOpen();
        String prefix = config.collectionPrefix() == null ? "" : config.collectionPrefix();
        List<String> all = calls.call("listCollections", () -> client.listCollections().getCollectionNames());
        return all.stream().filter(n -> n.startsWith(prefix)).sorted().toList();
    }

    @Override
    public String toString() {
        return "Milvus at " + config.uri();
    }

    /**
     * Deletes the collection named after {@code spec} with all its vectors. Returns whether it existed.
     */
    public boolean drop(CollectionSpec spec) {
        return dropCollection(collectionName(spec));
    }

    /** Deletes the collection with this Milvus name and all its vectors. Returns whether it existed. */
    public boolean dropCollection(String milvusName) {
        ensureOpen();
        boolean exists = calls.call("hasCollection " + milvusName, () -> client.hasCollection(
                HasCollectionReq.builder().collectionName(milvusName).build()));
        if (exists) {
            calls.run("dropCollection " + milvusName, () -> client.dropCollection(
                    DropCollectionReq.builder().collectionName(milvusName).build()));
        }
        return exists;
    }

    private void create(CollectionSpec spec, String name) {
        CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
        schema.addField(AddFieldReq.builder().fieldName(ID_FIELD).dataType(DataType.Int64)
                .isPrimaryKey(true).autoID(false).build());
        schema.addField(AddFieldReq.builder().fieldName(VECTOR_FIELD).dataType(DataType.FloatVector)
                .dimension(spec.dimension()).build());
        schema.addField(AddFieldReq.builder().fieldName(LOCATION_FIELD).dataType(DataType.VarChar)
                .maxLength(MAX_LOCATION_LENGTH).isNullable(true).build());
        schema.addField(AddFieldReq.builder().fieldName(CONTENT_HASH_FIELD).dataType(DataType.VarChar)
                .maxLength(128).isNullable(true).build());
        IndexParam index = IndexParam.builder()
                .fieldName(VECTOR_FIELD)
                .indexType(IndexParam.IndexType.valueOf(config.indexType().name()))
                .metricType(IndexParam.MetricType.valueOf(spec.metric().name()))
                .extraParams(indexParams(config.indexType()))
                .build();
        CreateCollectionReq req = CreateCollectionReq.builder()
                .collectionName(name)
                .description("imagesearch vectors of " + spec.name() + "; model fingerprint " + spec.fingerprint())
                .collectionSchema(schema)
                .indexParams(List.of(index))
                .property(PROP_FINGERPRINT, spec.fingerprint())
                .property(PROP_METRIC, spec.metric().name())
                .property(PROP_DIMENSION, Integer.toString(spec.dimension()))
                .property(PROP_NAME, spec.name())
                .build();
        calls.run("createCollection " + name, () -> client.createCollection(req));
        LOG.info("Created Milvus collection {} ({}-d, {}, index {})", name, spec.dimension(), spec.metric(),
                config.indexType());
    }

    private static Map<String, Object> indexParams(MilvusConfig.IndexType type) {
        return switch (type) {
            case HNSW -> Map.of("M", 16, "efConstruction", 200);
            case IVF_FLAT -> Map.of("nlist", 128);
            case AUTOINDEX, FLAT -> Map.of();
        };
    }

    private void verify(CollectionSpec spec, String name) {
        DescribeCollectionResp desc = calls.call("describeCollection " + name, () -> client.describeCollection(
                DescribeCollectionReq.builder().collectionName(name).build()));
        CreateCollectionReq.FieldSchema vector = desc.getCollectionSchema() == null ? null
                : desc.getCollectionSchema().getField(VECTOR_FIELD);
        if (vector == null || vector.getDataType() != DataType.FloatVector) {
            throw CollectionMismatchException.of(name, "schema", "fields " + desc.getFieldNames(),
                    "a FLOAT_VECTOR field '" + VECTOR_FIELD + "'");
        }
        if (!Objects.equals(vector.getDimension(), spec.dimension())) {
            throw CollectionMismatchException.of(name, "dimension", vector.getDimension(), spec.dimension());
        }
        DescribeIndexResp index = calls.call("describeIndex " + name, () -> client.describeIndex(
                DescribeIndexReq.builder().collectionName(name).fieldName(VECTOR_FIELD).build()));
        DescribeIndexResp.IndexDesc indexDesc = index == null ? null : index.getIndexDescByFieldName(VECTOR_FIELD);
        String metric = indexDesc == null || indexDesc.getMetricType() == null ? "(no index)"
                : indexDesc.getMetricType().name();
        if (!metric.equalsIgnoreCase(spec.metric().name())) {
            throw CollectionMismatchException.of(name, "metric", metric, spec.metric());
        }
        Map<String, String> props = desc.getProperties() == null ? Map.of() : desc.getProperties();
        String fingerprint = props.get(PROP_FINGERPRINT);
        if (!spec.fingerprint().equals(fingerprint)) {
            throw CollectionMismatchException.of(name, "model fingerprint",
                    fingerprint == null ? "(none: not made by imagesearch)" : "'" + fingerprint + "'",
                    "'" + spec.fingerprint() + "'");
        }
    }

    /** The lock that serialises writes to one collection through this store's connection. */
    ReentrantLock writeLock(String milvusName) {
        return connection.writeLock(milvusName);
    }

    MilvusClientV2 client() {
        return client;
    }

    MilvusCalls calls() {
        return calls;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("MilvusVectorStore for " + config.uri() + " is closed");
        }
    }

    /**
     * Gives back this store's reference of its connection (the last holder closes it); collections opened from
     * this store stop working. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        connection.close();
    }
}
