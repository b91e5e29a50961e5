package dev.imagesearch.milvus;

import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.milvus.IdMapRows.Row;
import dev.imagesearch.store.VectorStoreException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

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
 * One collection per namespace, named {@code <prefix>imagesearch_idmap_<namespace>}, with one row per location
 * (primary key {@code location}; {@code id}, {@code content_hash}, {@code seq} for the insertion order); see
 * {@code IdMapCollection} and docs/MILVUS.md for the fields. Collection properties
 * {@code imagesearch.kind=idmap} and {@code imagesearch.idmap.format=1} mark it; opening a collection of that name
 * without them (or another format or schema) fails with a {@link MilvusIdMapException} before anything is written.
 * Locations longer than {@value #MAX_LOCATION_BYTES} UTF-8 bytes are refused with an
 * {@link IllegalArgumentException}.
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
 * one on a shared connection shares the connection's lock for the collection. Several processes may share
 * one namespace, but two of them moving the same location at the same instant may both report the same previous
 * id; a reconcile ({@code ImageSearch.verify()/repair()}) finds what that leaves.
 *
 * <h2>Failures</h2>
 * Calls are retried as configured in {@link MilvusConfig} for transient errors (server unavailable, deadline
 * exceeded); every other failure is a {@link MilvusIdMapException} naming the server, the collection and the
 * operation.
 *
 * <h2>Connection and closing</h2>
 * The mapper is built on a {@link MilvusConnection}: its own ({@link #open(MilvusConfig, String)},
 * {@link #fromUri}, {@code Backends.idMapper("milvus://...")}, see {@link MilvusIdMapperProvider}) or one shared
 * with a {@link MilvusVectorStore} ({@link #open(MilvusConnection, String)}, {@link #open(MilvusVectorStore,
 * String)}). It holds a reference of the connection and gives it back in {@link #close()}; the last holder closes
 * the connection, so store and mapper may be closed in any order.
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

    private final MilvusConnection connection;
    private final MilvusConfig config;
    private final IdMapRows rows;
    private final String namespace;
    private final String name;
    private final ReentrantLock writeLock;
    private volatile boolean closed;

    /** Takes over one reference of {@code connection}. */
    private MilvusIdMapper(MilvusConnection connection, String namespace) {
        this.connection = connection;
        this.config = connection.config();
        this.namespace = namespace;
        this.name = collectionName(config, namespace);
        this.rows = new IdMapRows(connection, name);
        this.writeLock = connection.writeLock(name);
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
        MilvusConnection connection;
        try {
            connection = MilvusConnection.connect(config);
        } catch (VectorStoreException e) {
            throw new MilvusIdMapException(e.getMessage(), e.getCause());
        }
        return init(new MilvusIdMapper(connection, ns));
    }

    /**
     * Opens the id map of {@code namespace} over {@code connection} (shared, for example, with a
     * {@link MilvusVectorStore#on store}); the mapper takes a reference of the connection and gives it back in
     * {@link #close()}.
     *
     * @param namespace for example the data set's name; null for {@value #DEFAULT_NAMESPACE}
     * @throws MilvusIdMapException as {@link #open(MilvusConfig, String)}
     */
    public static MilvusIdMapper open(MilvusConnection connection, String namespace) {
        Objects.requireNonNull(connection, "connection");
        String ns = checkNamespace(namespace);
        return init(new MilvusIdMapper(connection.retain(), ns));
    }

    private static MilvusIdMapper init(MilvusIdMapper m) {
        try {
            IdMapCollection.ensure(m.rows, m.namespace, m.config.uri());
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Opens the id map of {@code namespace} over the connection of {@code store} (same server, database and
     * collection prefix), as {@link #open(MilvusConnection, String)} with {@link MilvusVectorStore#connection()}.
     *
     * @param namespace for example the data set's name; null for {@value #DEFAULT_NAMESPACE}
     * @throws MilvusIdMapException as {@link #open(MilvusConfig, String)}
     */
    public static MilvusIdMapper open(MilvusVectorStore store, String namespace) {
        Objects.requireNonNull(store, "store");
        store.ensureOpen();
        return open(store.connection(), namespace);
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
        return MilvusIdMapperProvider.splitNamespace(address);
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

    // ---------------------------------------------------------------- IdMapper

    @Override
    public OptionalLong put(String location, long id, String contentHash) {
        IdMapRows.check(location, contentHash);
        writeLock.lock();
        try {
            ensureOpen();
            Row current = rows.row(location);
            if (current != null && current.id() == id && current.contentHash().equals(contentHash)) {
                return OptionalLong.empty();
            }
            boolean sameId = current != null && current.id() == id;
            long seq = sameId ? current.seq() : rows.nextSeq();
            rows.upsert(new Row(location, id, contentHash, seq));
            return current == null || sameId ? OptionalLong.empty() : OptionalLong.of(current.id());
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Optional<ImageRecord> get(long id) {
        ensureOpen();
        return IdMapRows.toRecord(id, query("query by id", ID_FIELD + " == " + id, 0));
    }

    @Override
    public Map<Long, ImageRecord> getAll(Collection<Long> ids) {
        Objects.requireNonNull(ids, "ids");
        ensureOpen();
        return rows.records(ids);
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
        Map<String, Long> idOf = rows.idsOf(unique);
        Map<Long, ImageRecord> records = idOf.isEmpty() ? Map.of() : rows.records(idOf.values());
        Map<String, ImageRecord> out = new LinkedHashMap<>();
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
        Row row = rows.row(location);
        if (row == null) {
            return Optional.empty();
        }
        return IdMapRows.toRecord(row.id(), query("query by id", ID_FIELD + " == " + row.id(), 0));
    }

    @Override
    public Optional<ImageRecord> remove(String location) {
        Objects.requireNonNull(location, "location");
        writeLock.lock();
        try {
            ensureOpen();
            Row row = rows.row(location);
            if (row == null) {
                return Optional.empty();
            }
            rows.delete("delete by location", IdMapRows.pkFilter(location));
            List<Row> rest = query("query by id", ID_FIELD + " == " + row.id(), 0);
            return Optional.of(IdMapRows.toRecord(row.id(), rest).orElse(new ImageRecord(row.id(), row.contentHash(),
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
            rows.delete("delete by id", ID_FIELD + " == " + id);
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    /** Number of distinct ids: reads every row (see the class comment for the cost). */
    @Override
    public long size() {
        Set<Long> ids = new HashSet<>();
        ensureOpen();
        rows.scanIds(ids::add);
        return ids.size();
    }

    /** Every distinct id once: reads every row (see the class comment for the cost). */
    @Override
    public void forEachId(LongConsumer action) {
        Objects.requireNonNull(action, "action");
        Set<Long> seen = new HashSet<>();
        ensureOpen();
        rows.scanIds(id -> {
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
            writeLock.lock();
            try {
                rows.flush();
            } finally {
                writeLock.unlock();
            }
        }
    }

    /** Gives back this mapper's reference of its connection (the last holder closes it). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        connection.close();
    }

    @Override
    public String toString() {
        return "MilvusIdMapper{" + config.uri() + ", collection " + name + "}";
    }

    // ---------------------------------------------------------------- helpers

    /** A Milvus string literal: double quotes, with {@code " \ newline CR tab} escaped. */
    static String quote(String s) {
        return IdMapRows.quote(s);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("MilvusIdMapper for " + config.uri() + " (" + name + ") is closed");
        }
    }

    private List<Row> query(String what, String filter, long limit) {
        return rows.query(what, filter, limit);
    }
}
