package dev.imagesearch.milvus;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.store.VectorStoreException;
import io.milvus.orm.iterator.QueryIterator;
import io.milvus.response.QueryResultsWrapper;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import io.milvus.v2.service.utility.request.FlushReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.QueryIteratorReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.response.QueryResp;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link IdMapper} kept in a Milvus collection, so that a deployment with vectors in Milvus needs no second
 * server (no Redis) and no local file for its id map.
 *
 * <pre>{@code
 * try (MilvusVectorStore store = MilvusVectorStore.connect(config);
 *      ImageSearch search = ImageSearch.builder()
 *              .embedder(embedder)
 *              .vectorStore(store)
 *              .idMapper(MilvusIdMapper.open(store, "photos"))   // shares the store's connection
 *              .build()) { ... }
 * }</pre>
 *
 * <h2>Layout</h2>
 * One collection per namespace, named {@code <prefix>imagesearch_idmap_<namespace>} (made valid by
 * {@link CollectionNames#derive}), with one row per location:
 * <ul>
 *   <li>{@code location} VARCHAR({@value #MAX_LOCATION_BYTES}) primary key: one location points to one id, and a
 *       {@code put} is a single upsert of that row, so it never leaves half a state;</li>
 *   <li>{@code id} INT64 with an INVERTED scalar index (the per-id queries filter on it);</li>
 *   <li>{@code content_hash} VARCHAR(128);</li>
 *   <li>{@code seq} INT64, the insertion order that makes {@link ImageRecord#locations()} oldest first: the
 *       time in microseconds, made strictly increasing within one mapper (between processes the order is that of
 *       their clocks; ties are broken by location);</li>
 *   <li>{@code dummy_vector} FLOAT_VECTOR(2), always {@code [0, 0]}, FLAT index: Milvus requires a vector field
 *       and a loaded index before it answers queries.</li>
 * </ul>
 * Collection properties {@code imagesearch.kind=idmap} and {@code imagesearch.idmap.format=1} mark it. Opening a
 * collection of that name without them (or with another format version, or another schema) fails with a
 * {@link MilvusIdMapException} before anything is written.
 *
 * <p>Locations longer than {@value #MAX_LOCATION_BYTES} UTF-8 bytes are refused with an
 * {@link IllegalArgumentException} (far beyond a file path's {@code PATH_MAX} of 4096); use the embedded or Redis id
 * map for longer URIs.
 *
 * <h2>Cost of each operation</h2>
 * Reads use consistency level STRONG, so they see every acknowledged write.
 * <ul>
 *   <li>{@code put}: a query by primary key, then an upsert unless nothing changes (2 round trips);</li>
 *   <li>{@code get}: one query {@code id == X}; {@code getAll}: one query {@code id in [...]} per 1000 ids;</li>
 *   <li>{@code lookup}: a query by primary key, then one by id (2 round trips); {@code lookupAll}: one query
 *       {@code location in [...]} and one {@code id in [...]} per 1000 locations (2 for an indexing batch);</li>
 *   <li>{@code remove}: a query by primary key, a delete by primary key, a query by id (3);</li>
 *   <li>{@code removeId}: a query by id, then a delete by filter {@code id == X} (2);</li>
 *   <li>{@code size} and {@code forEachId}: a query iterator over every row, 1000 per page, and a set of the ids
 *       seen in memory (Milvus has no count-distinct): time linear in the number of locations, memory linear in
 *       the number of ids. Call them for reconciliation and reports, not per request.</li>
 *   <li>{@code flush}: nothing (only checks the mapper is open) unless {@link MilvusConfig#serverFlush()} is on:
 *       Milvus makes a write durable (its write-ahead log) before acknowledging it.</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * Thread-safe. Writes through one mapper are serialised (Milvus Lite requires serialised writes per collection;
 * it also makes a {@code put}'s read-then-write atomic among this process's callers); a mapper opened with
 * {@link #open(MilvusVectorStore, String)} shares the store's lock for the collection. Several processes may share
 * one namespace, but two of them moving the same location at the same instant may both report the same previous
 * id; a reconcile ({@code ImageSearch.verify()/repair()}) finds what that leaves.
 *
 * <h2>Failures</h2>
 * Calls are retried as configured in {@link MilvusConfig} for transient errors (server unavailable, deadline
 * exceeded); every other failure is a {@link MilvusIdMapException} naming the server, the collection and the
 * operation.
 *
 * <h2>Closing</h2>
 * A mapper from {@link #open(MilvusConfig, String)} or {@link #fromUri} owns its connection and closes it in
 * {@link #close()}. A mapper from {@link #open(MilvusVectorStore, String)} uses the store's connection: closing the
 * mapper leaves it open, closing the store ends it (an {@code ImageSearch} closes its id map before its store).
 */
public final class MilvusIdMapper implements IdMapper {

    /** Namespace used when none is given. */
    public static final String DEFAULT_NAMESPACE = "default";
    /** Start of every id map collection's name (after the configured prefix). */
    public static final String COLLECTION_BASE = "imagesearch_idmap_";
    /** Longest location accepted, in UTF-8 bytes (the {@code max_length} of the primary key field). */
    public static final int MAX_LOCATION_BYTES = 8192;
    /** Longest content hash accepted (hex SHA-256 is 64). */
    public static final int MAX_HASH_LENGTH = 128;

    static final String LOCATION_FIELD = "location";
    static final String ID_FIELD = "id";
    static final String CONTENT_HASH_FIELD = "content_hash";
    static final String SEQ_FIELD = "seq";
    static final String VECTOR_FIELD = "dummy_vector";
    static final String PROP_KIND = "imagesearch.kind";
    static final String KIND = "idmap";
    static final String PROP_FORMAT = "imagesearch.idmap.format";
    static final String FORMAT = "1";
    static final String PROP_NAMESPACE = "imagesearch.idmap.namespace";
    /** Ids per {@code id in [...]} query, and rows per query iterator page. */
    static final int IDS_PER_REQUEST = 1_000;
    /** Characters of a {@code location in [...]} filter after which no further location is added to it. */
    private static final int MAX_FILTER_CHARS = 256 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(MilvusIdMapper.class);
    private static final List<String> ROW_FIELDS = List.of(LOCATION_FIELD, ID_FIELD, CONTENT_HASH_FIELD, SEQ_FIELD);
    private static final Comparator<Row> OLDEST_FIRST =
            Comparator.comparingLong(Row::seq).thenComparing(Row::location);

    private final MilvusConfig config;
    private final MilvusClientV2 client;
    private final MilvusCalls calls;
    /** The store whose connection this mapper borrows, or null when it owns {@link #client}. */
    private final MilvusVectorStore sharedWith;
    private final String namespace;
    private final String name;
    private final ReentrantLock writeLock;
    private final AtomicLong lastSeq = new AtomicLong();
    private volatile boolean closed;

    /** One row: one location of one id. */
    private record Row(String location, long id, String contentHash, long seq) {
    }

    private MilvusIdMapper(MilvusConfig config, MilvusClientV2 client, MilvusCalls calls,
            MilvusVectorStore sharedWith, String namespace, ReentrantLock writeLock) {
        this.config = config;
        this.client = client;
        this.calls = calls;
        this.sharedWith = sharedWith;
        this.namespace = namespace;
        this.name = collectionName(config, namespace);
        this.writeLock = writeLock;
    }

    /**
     * Connects to the server and opens (creating it if missing) the id map of {@code namespace}. The mapper owns
     * its connection and closes it in {@link #close()}.
     *
     * @param namespace for example the data set's name; null for {@value #DEFAULT_NAMESPACE}
     * @throws MilvusIdMapException if the server cannot be reached, or the collection exists but is not an
     *                              imagesearch id map of this format (nothing is written then)
     */
    public static MilvusIdMapper open(MilvusConfig config, String namespace) {
        Objects.requireNonNull(config, "config");
        String ns = checkNamespace(namespace);
        MilvusCalls calls = new MilvusCalls(config);
        MilvusClientV2 client;
        try {
            client = MilvusVectorStore.newClient(config, calls);
        } catch (VectorStoreException e) {
            throw new MilvusIdMapException(e.getMessage(), e.getCause());
        }
        MilvusIdMapper m = new MilvusIdMapper(config, client, calls, null, ns, new ReentrantLock());
        try {
            m.init();
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Opens the id map of {@code namespace} over the connection of {@code store} (same server, database and
     * collection prefix). Closing the mapper leaves the connection open; closing the store ends it.
     *
     * @param namespace for example the data set's name; null for {@value #DEFAULT_NAMESPACE}
     * @throws MilvusIdMapException as {@link #open(MilvusConfig, String)}
     */
    public static MilvusIdMapper open(MilvusVectorStore store, String namespace) {
        Objects.requireNonNull(store, "store");
        String ns = checkNamespace(namespace);
        store.ensureOpen();
        MilvusIdMapper m = new MilvusIdMapper(store.config(), store.client(), store.calls(), store, ns,
                store.writeLock(collectionName(store.config(), ns)));
        m.init();
        return m;
    }

    /**
     * Connects to a {@code milvus://HOST:PORT[?namespace=NS&token=..&db=..&prefix=..]} address (the options of
     * {@link MilvusConfig#parse} plus {@code namespace}); the CLI's {@code --ids milvus://...} uses this.
     *
     * @param namespace the namespace, or null for the address's {@code ?namespace=} or {@value #DEFAULT_NAMESPACE}
     * @throws IllegalArgumentException naming the offending part of a malformed address
     */
    public static MilvusIdMapper fromUri(String address, String namespace) {
        Objects.requireNonNull(address, "address");
        String[] split = splitNamespace(address.trim());
        return open(MilvusConfig.parse(split[0]), namespace != null ? namespace : split[1]);
    }

    /** The Milvus collection name of {@code namespace}'s id map under {@code config}'s prefix. */
    public static String collectionName(MilvusConfig config, String namespace) {
        return CollectionNames.derive(config.collectionPrefix(), COLLECTION_BASE + checkNamespace(namespace));
    }

    /** {address without the namespace option, the namespace or null}. */
    static String[] splitNamespace(String address) {
        int q = address.indexOf('?');
        if (q < 0) {
            return new String[] {address, null};
        }
        List<String> kept = new ArrayList<>();
        String ns = null;
        for (String pair : address.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals("namespace")) {
                ns = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (ns.isBlank()) {
                    throw new IllegalArgumentException("Empty namespace in Milvus id map address '"
                            + MilvusConfig.redact(address) + "'");
                }
            } else if (!pair.isEmpty()) {
                kept.add(pair);
            }
        }
        String base = address.substring(0, q);
        return new String[] {kept.isEmpty() ? base : base + "?" + String.join("&", kept), ns};
    }

    private static String checkNamespace(String namespace) {
        if (namespace == null) {
            return DEFAULT_NAMESPACE;
        }
        if (namespace.isBlank()) {
            throw new IllegalArgumentException("Milvus id map namespace must not be blank, was '" + namespace + "'");
        }
        return namespace;
    }

    /** The namespace of this id map. */
    public String namespace() {
        return namespace;
    }

    /** The name of this id map's collection on the Milvus server. */
    public String collectionName() {
        return name;
    }

    // ---------------------------------------------------------------- opening

    private void init() {
        boolean exists = call("hasCollection", () -> client.hasCollection(
                HasCollectionReq.builder().collectionName(name).build()));
        if (!exists) {
            try {
                create();
            } catch (MilvusIdMapException e) {
                // Another client may have created it in between: then check that one like any other.
                boolean nowExists = call("hasCollection", () -> client.hasCollection(
                        HasCollectionReq.builder().collectionName(name).build()));
                if (!nowExists) {
                    throw e;
                }
            }
        }
        verify();
        call("loadCollection", () -> {
            client.loadCollection(LoadCollectionReq.builder().collectionName(name).build());
            return null;
        });
    }

    private void create() {
        CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
        schema.addField(AddFieldReq.builder().fieldName(LOCATION_FIELD).dataType(DataType.VarChar)
                .maxLength(MAX_LOCATION_BYTES).isPrimaryKey(true).autoID(false).build());
        schema.addField(AddFieldReq.builder().fieldName(ID_FIELD).dataType(DataType.Int64).build());
        schema.addField(AddFieldReq.builder().fieldName(CONTENT_HASH_FIELD).dataType(DataType.VarChar)
                .maxLength(MAX_HASH_LENGTH).build());
        schema.addField(AddFieldReq.builder().fieldName(SEQ_FIELD).dataType(DataType.Int64).build());
        schema.addField(AddFieldReq.builder().fieldName(VECTOR_FIELD).dataType(DataType.FloatVector)
                .dimension(2).build());
        List<IndexParam> indexes = List.of(
                IndexParam.builder().fieldName(VECTOR_FIELD).indexType(IndexParam.IndexType.FLAT)
                        .metricType(IndexParam.MetricType.L2).build(),
                IndexParam.builder().fieldName(ID_FIELD).indexType(IndexParam.IndexType.INVERTED).build());
        CreateCollectionReq req = CreateCollectionReq.builder()
                .collectionName(name)
                .description("imagesearch id map (location -> content id), namespace " + namespace)
                .collectionSchema(schema)
                .indexParams(indexes)
                .consistencyLevel(ConsistencyLevel.STRONG)
                .property(PROP_KIND, KIND)
                .property(PROP_FORMAT, FORMAT)
                .property(PROP_NAMESPACE, namespace)
                .build();
        call("createCollection", () -> {
            client.createCollection(req);
            return null;
        });
        LOG.info("Created Milvus id map collection {} at {}", name, config.uri());
    }

    private void verify() {
        DescribeCollectionResp desc = call("describeCollection", () -> client.describeCollection(
                DescribeCollectionReq.builder().collectionName(name).build()));
        Map<String, String> props = desc.getProperties() == null ? Map.of() : desc.getProperties();
        String kind = props.get(PROP_KIND);
        if (!KIND.equals(kind)) {
            String what = props.containsKey(MilvusVectorStore.PROP_FINGERPRINT)
                    ? "it holds the vectors of model '" + props.get(MilvusVectorStore.PROP_NAME) + "'"
                    : kind != null ? "its " + PROP_KIND + " is '" + kind + "'"
                    : "it has no " + PROP_KIND + "=" + KIND + " property (fields " + desc.getFieldNames() + ")";
            throw refuse(what);
        }
        String format = props.get(PROP_FORMAT);
        if (!FORMAT.equals(format)) {
            throw refuse("its format version is " + (format == null ? "missing" : "'" + format + "'")
                    + " but this library reads version " + FORMAT);
        }
        CreateCollectionReq.CollectionSchema schema = desc.getCollectionSchema();
        checkField(schema, LOCATION_FIELD, DataType.VarChar, true);
        checkField(schema, ID_FIELD, DataType.Int64, false);
        checkField(schema, CONTENT_HASH_FIELD, DataType.VarChar, false);
        checkField(schema, SEQ_FIELD, DataType.Int64, false);
    }

    private void checkField(CreateCollectionReq.CollectionSchema schema, String field, DataType type,
            boolean primaryKey) {
        CreateCollectionReq.FieldSchema f = schema == null ? null : schema.getField(field);
        if (f == null || f.getDataType() != type || Boolean.TRUE.equals(f.getIsPrimaryKey()) != primaryKey) {
            throw refuse("its field '" + field + "' is " + (f == null ? "missing" : f.getDataType()
                    + (Boolean.TRUE.equals(f.getIsPrimaryKey()) ? " primary key" : "")) + ", expected " + type
                    + (primaryKey ? " primary key" : ""));
        }
    }

    private MilvusIdMapException refuse(String why) {
        return new MilvusIdMapException("Milvus collection '" + name + "' at " + config.uri()
                + " is not an imagesearch id map of format " + FORMAT + ": " + why + "; nothing was written. "
                + "Choose another namespace (now '" + namespace + "') or collection prefix.");
    }

    // ---------------------------------------------------------------- IdMapper

    @Override
    public OptionalLong put(String location, long id, String contentHash) {
        checkLocation(location);
        Objects.requireNonNull(contentHash, "contentHash");
        if (contentHash.length() > MAX_HASH_LENGTH) {
            throw new IllegalArgumentException("Content hash longer than " + MAX_HASH_LENGTH + " characters: '"
                    + contentHash + "'");
        }
        writeLock.lock();
        try {
            ensureOpen();
            Row current = row(location);
            if (current != null && current.id() == id && current.contentHash().equals(contentHash)) {
                return OptionalLong.empty();
            }
            boolean sameId = current != null && current.id() == id;
            long seq = sameId ? current.seq() : nextSeq();
            JsonObject row = new JsonObject();
            row.addProperty(LOCATION_FIELD, location);
            row.addProperty(ID_FIELD, id);
            row.addProperty(CONTENT_HASH_FIELD, contentHash);
            row.addProperty(SEQ_FIELD, seq);
            JsonArray vector = new JsonArray(2);
            vector.add(0f);
            vector.add(0f);
            row.add(VECTOR_FIELD, vector);
            UpsertReq req = UpsertReq.builder().collectionName(name).data(List.of(row)).build();
            call("upsert", () -> client.upsert(req));
            return current == null || sameId ? OptionalLong.empty() : OptionalLong.of(current.id());
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Optional<ImageRecord> get(long id) {
        ensureOpen();
        return toRecord(id, query("query by id", ID_FIELD + " == " + id, 0));
    }

    @Override
    public Map<Long, ImageRecord> getAll(Collection<Long> ids) {
        Objects.requireNonNull(ids, "ids");
        ensureOpen();
        List<Long> unique = new ArrayList<>(new LinkedHashSet<>(ids));
        Map<Long, ImageRecord> out = new HashMap<>();
        for (int from = 0; from < unique.size(); from += IDS_PER_REQUEST) {
            List<Long> chunk = unique.subList(from, Math.min(unique.size(), from + IDS_PER_REQUEST));
            StringBuilder filter = new StringBuilder(ID_FIELD).append(" in [");
            for (int i = 0; i < chunk.size(); i++) {
                filter.append(i == 0 ? "" : ",").append(chunk.get(i).longValue());
            }
            Map<Long, List<Row>> byId = new HashMap<>();
            for (Row r : query("query by " + chunk.size() + " ids", filter.append(']').toString(), 0)) {
                byId.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(r);
            }
            byId.forEach((id, rows) -> toRecord(id, rows).ifPresent(rec -> out.put(id, rec)));
        }
        return out;
    }

    /**
     * One query {@code location in [...]} per {@value #IDS_PER_REQUEST} locations, then one {@link #getAll} for
     * the ids found: two round trips for a batch of files, where {@link #lookup} takes two per file.
     */
    @Override
    public Map<String, ImageRecord> lookupAll(Collection<String> locations) {
        Objects.requireNonNull(locations, "locations");
        ensureOpen();
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(locations));
        Map<String, Long> idOf = new HashMap<>();
        int from = 0;
        while (from < unique.size()) {
            // up to IDS_PER_REQUEST locations, and a filter of moderate length whatever the locations' lengths
            StringBuilder filter = new StringBuilder(LOCATION_FIELD).append(" in [");
            int n = 0;
            while (from + n < unique.size() && n < IDS_PER_REQUEST
                    && (n == 0 || filter.length() < MAX_FILTER_CHARS)) {
                filter.append(n == 0 ? "" : ",").append(quote(unique.get(from + n)));
                n++;
            }
            for (Row r : query("query by " + n + " locations", filter.append(']').toString(), 0)) {
                idOf.put(r.location(), r.id());
            }
            from += n;
        }
        Map<Long, ImageRecord> records = idOf.isEmpty() ? Map.of() : getAll(idOf.values());
        Map<String, ImageRecord> out = new java.util.LinkedHashMap<>();
        for (String location : unique) {
            Long id = idOf.get(location);
            ImageRecord r = id == null ? null : records.get(id);
            if (r != null) {
                out.put(location, r);
            }
        }
        return out;
    }

    @Override
    public Optional<ImageRecord> lookup(String location) {
        Objects.requireNonNull(location, "location");
        ensureOpen();
        Row row = row(location);
        if (row == null) {
            return Optional.empty();
        }
        return toRecord(row.id(), query("query by id", ID_FIELD + " == " + row.id(), 0));
    }

    @Override
    public Optional<ImageRecord> remove(String location) {
        Objects.requireNonNull(location, "location");
        writeLock.lock();
        try {
            ensureOpen();
            Row row = row(location);
            if (row == null) {
                return Optional.empty();
            }
            DeleteReq req = DeleteReq.builder().collectionName(name).filter(pkFilter(location)).build();
            call("delete by location", () -> client.delete(req));
            List<Row> rest = query("query by id", ID_FIELD + " == " + row.id(), 0);
            return Optional.of(toRecord(row.id(), rest).orElse(new ImageRecord(row.id(), row.contentHash(),
                    List.of())));
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public boolean removeId(long id) {
        writeLock.lock();
        try {
            ensureOpen();
            if (query("query by id", ID_FIELD + " == " + id, 1).isEmpty()) {
                return false;
            }
            DeleteReq req = DeleteReq.builder().collectionName(name).filter(ID_FIELD + " == " + id).build();
            call("delete by id", () -> client.delete(req));
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    /** Number of distinct ids: reads every row (see the class comment for the cost). */
    @Override
    public long size() {
        Set<Long> ids = new HashSet<>();
        scanIds(ids::add);
        return ids.size();
    }

    /** Every distinct id once: reads every row (see the class comment for the cost). */
    @Override
    public void forEachId(LongConsumer action) {
        Objects.requireNonNull(action, "action");
        Set<Long> seen = new HashSet<>();
        scanIds(id -> {
            if (seen.add(id)) {
                action.accept(id);
            }
        });
    }

    /**
     * With {@link MilvusConfig#serverFlush()} off (the default) this only checks the mapper is open: Milvus writes
     * are durable once acknowledged (write-ahead log). With it on, calls Milvus flush, which seals the growing
     * segment (Milvus Lite then answers {@code id} queries from the scalar index instead of a scan).
     */
    @Override
    public void flush() {
        ensureOpen();
        if (config.serverFlush()) {
            FlushReq req = FlushReq.builder().collectionNames(List.of(name)).build();
            writeLock.lock();
            try {
                call("flush", () -> {
                    client.flush(req);
                    return null;
                });
            } finally {
                writeLock.unlock();
            }
        }
    }

    /** Closes the connection if this mapper owns it (see the class comment). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (sharedWith == null) {
            try {
                client.close(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("Closing the Milvus client for {} failed: {}", config.uri(), e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "MilvusIdMapper{" + config.uri() + ", collection " + name + "}";
    }

    // ---------------------------------------------------------------- helpers

    private void scanIds(LongConsumer each) {
        ensureOpen();
        QueryIteratorReq req = QueryIteratorReq.builder()
                .collectionName(name)
                .expr("")
                .outputFields(List.of(ID_FIELD))
                .batchSize(IDS_PER_REQUEST)
                .consistencyLevel(ConsistencyLevel.STRONG)
                .build();
        QueryIterator it = call("query iterator", () -> client.queryIterator(req));
        try {
            while (true) {
                List<QueryResultsWrapper.RowRecord> page = call("query iterator page", it::next);
                if (page.isEmpty()) {
                    return;
                }
                for (QueryResultsWrapper.RowRecord r : page) {
                    each.accept(((Number) r.getFieldValues().get(ID_FIELD)).longValue());
                }
            }
        } finally {
            it.close();
        }
    }

    /** The row of {@code location}, or null. */
    private Row row(String location) {
        List<Row> rows = query("query by location", pkFilter(location), 0);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private List<Row> query(String what, String filter, long limit) {
        QueryReq.QueryReqBuilder b = QueryReq.builder()
                .collectionName(name)
                .filter(filter)
                .outputFields(ROW_FIELDS)
                .consistencyLevel(ConsistencyLevel.STRONG);
        if (limit > 0) {
            b.limit(limit);
        }
        QueryReq req = b.build();
        QueryResp resp = call(what, () -> client.query(req));
        List<Row> rows = new ArrayList<>(resp.getQueryResults().size());
        for (QueryResp.QueryResult r : resp.getQueryResults()) {
            Map<String, Object> e = r.getEntity();
            rows.add(new Row((String) e.get(LOCATION_FIELD), ((Number) e.get(ID_FIELD)).longValue(),
                    (String) e.get(CONTENT_HASH_FIELD), ((Number) e.get(SEQ_FIELD)).longValue()));
        }
        return rows;
    }

    private static Optional<ImageRecord> toRecord(long id, List<Row> rows) {
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(OLDEST_FIRST);
        return Optional.of(new ImageRecord(id, sorted.get(0).contentHash(),
                sorted.stream().map(Row::location).toList()));
    }

    /** Strictly increasing within this mapper, close to the time in microseconds. */
    private long nextSeq() {
        long now = System.currentTimeMillis() * 1_000;
        return lastSeq.updateAndGet(prev -> Math.max(prev + 1, now));
    }

    /** {@code location in ["..."]}: the primary-key form every Milvus serves from its pk index. */
    private static String pkFilter(String location) {
        return LOCATION_FIELD + " in [" + quote(location) + "]";
    }

    /** A Milvus string literal: double quotes, with {@code " \ newline CR tab} escaped. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static void checkLocation(String location) {
        Objects.requireNonNull(location, "location");
        if (location.isEmpty()) {
            throw new IllegalArgumentException("Location must not be empty");
        }
        int bytes = location.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_LOCATION_BYTES) {
            throw new IllegalArgumentException("Location of " + bytes + " UTF-8 bytes is longer than the "
                    + MAX_LOCATION_BYTES + " a Milvus id map keeps: '" + location.substring(0, 80) + "...'");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("MilvusIdMapper for " + config.uri() + " (" + name + ") is closed");
        }
        if (sharedWith != null) {
            sharedWith.ensureOpen();
        }
    }

    /** Runs a Milvus call with the configured retries; failures name the server, the collection and the call. */
    private <T> T call(String what, Supplier<T> op) {
        try {
            return calls.call(what + " of id map " + name, op);
        } catch (VectorStoreException e) {
            throw new MilvusIdMapException(e.getMessage(), e.getCause() != null ? e.getCause() : e);
        }
    }
}
