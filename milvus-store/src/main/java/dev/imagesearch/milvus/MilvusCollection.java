package dev.imagesearch.milvus;

import dev.imagesearch.store.SearchArguments;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import dev.imagesearch.store.VectorStoreException;
import io.milvus.orm.iterator.QueryIterator;
import io.milvus.response.QueryResultsWrapper;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.utility.request.FlushReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.QueryIteratorReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/**
 * One model's vectors in a Milvus collection; see {@link MilvusVectorStore} for the layout.
 *
 * <p>Reads use consistency level STRONG, so a search, count or lookup sees every write acknowledged before it.
 * Upserts are split into messages of at most {@link MilvusConfig#maxRequestBytes()}. Scores follow
 * {@link dev.imagesearch.store.Metric}: cosine similarity, inner product, or squared L2 distance (what Milvus
 * returns for L2).
 *
 * <p>Thread-safe; writes are serialised per collection.
 */
public final class MilvusCollection implements VectorCollection {

    /** Largest top-k (and offset + limit) Milvus serves. */
    public static final int MAX_TOP_K = 16_384;
    /** Ids per query of {@link #existing} and per delete message. */
    static final int IDS_PER_REQUEST = 1_000;
    /** Assumed bytes per row beside the vector's floats: id, field names, null fields, framing. */
    static final int ROW_OVERHEAD_BYTES = 256;

    private final MilvusVectorStore store;
    private final CollectionSpec spec;
    private final String name;
    private final ReentrantLock writeLock;
    private final int rowsPerRequest;

    MilvusCollection(MilvusVectorStore store, CollectionSpec spec, String name, ReentrantLock writeLock) {
        this.store = store;
        this.spec = spec;
        this.name = name;
        this.writeLock = writeLock;
        this.rowsPerRequest = rowsPerRequest(spec.dimension(), store.config().maxRequestBytes());
    }

    /** Rows per upsert message so that one message stays below {@code maxBytes}. */
    static int rowsPerRequest(int dimension, int maxBytes) {
        long perRow = 4L * dimension + ROW_OVERHEAD_BYTES;
        return (int) Math.max(1, Math.min(100_000, maxBytes / perRow));
    }

    @Override
    public CollectionSpec spec() {
        return spec;
    }

    /** The name of the collection on the Milvus server. */
    public String milvusName() {
        return name;
    }

    /** How many rows go into one upsert message. */
    public int rowsPerRequest() {
        return rowsPerRequest;
    }

    @Override
    public void upsert(List<VectorRecord> records) {
        Objects.requireNonNull(records, "records");
        List<MilvusRecord> rows = new ArrayList<>(records.size());
        for (VectorRecord r : records) {
            rows.add(new MilvusRecord(r.id(), r.vector(), null, null));
        }
        upsertRecords(rows);
    }

    /**
     * Inserts or replaces rows with their optional {@code location} and {@code content_hash}. Like
     * {@link #upsert}: the last row of an id wins, and all rows of one call are written before the next write
     * to this collection starts.
     */
    public void upsertRecords(List<MilvusRecord> records) {
        Objects.requireNonNull(records, "records");
        if (records.isEmpty()) {
            return;
        }
        // Last one wins for an id given twice; Milvus does not promise that within one message.
        Map<Long, MilvusRecord> byId = new LinkedHashMap<>();
        for (MilvusRecord r : records) {
            checkDimension(r.vector(), "vector of id " + r.id());
            byId.remove(r.id());
            byId.put(r.id(), r);
        }
        List<MilvusRecord> unique = new ArrayList<>(byId.values());
        writeLock.lock();
        try {
            store.ensureOpen();
            for (int from = 0; from < unique.size(); from += rowsPerRequest) {
                List<MilvusRecord> chunk = unique.subList(from, Math.min(unique.size(), from + rowsPerRequest));
                List<JsonObject> rows = new ArrayList<>(chunk.size());
                for (MilvusRecord r : chunk) {
                    rows.add(toRow(r));
                }
                UpsertReq req = UpsertReq.builder().collectionName(name).data(rows).build();
                store.calls().call("upsert of " + rows.size() + " rows into " + name,
                        () -> store.client().upsert(req));
            }
        } finally {
            writeLock.unlock();
        }
    }

    private static JsonObject toRow(MilvusRecord r) {
        JsonObject row = new JsonObject();
        row.addProperty(MilvusVectorStore.ID_FIELD, r.id());
        JsonArray v = new JsonArray(r.vector().length);
        for (float f : r.vector()) {
            v.add(f);
        }
        row.add(MilvusVectorStore.VECTOR_FIELD, v);
        if (r.location() != null) {
            row.addProperty(MilvusVectorStore.LOCATION_FIELD, r.location());
        }
        if (r.contentHash() != null) {
            row.addProperty(MilvusVectorStore.CONTENT_HASH_FIELD, r.contentHash());
        }
        return row;
    }

    @Override
    public List<ScoredId> search(float[] query, int k) {
        return search(query, k, null);
    }

    /**
     * The {@code k} nearest vectors among those matching a Milvus boolean filter expression over the fields
     * {@code id}, {@code location} and {@code content_hash} (e.g. {@code location like "/photos/%"}), best
     * first; {@code filter} null or blank means all. {@code k} above {@value #MAX_TOP_K} is cut to it.
     */
    public List<ScoredId> search(float[] query, int k, String filter) {
        Objects.requireNonNull(query, "query");
        return searchBatch(List.of(query), k, filter).get(0);
    }

    @Override
    public List<List<ScoredId>> searchBatch(List<float[]> queries, int k) {
        return searchBatch(queries, k, null);
    }

    /** Several queries in one call per chunk of queries; one result list per query, in order. */
    public List<List<ScoredId>> searchBatch(List<float[]> queries, int k, String filter) {
        Objects.requireNonNull(queries, "queries");
        SearchArguments.checkK(k);
        for (float[] q : queries) {
            checkDimension(Objects.requireNonNull(q, "query"), "query");
        }
        store.ensureOpen();
        List<List<ScoredId>> out = new ArrayList<>(queries.size());
        if (k == 0 || queries.isEmpty()) {
            queries.forEach(q -> out.add(List.of()));
            return out;
        }
        int topK = Math.min(k, MAX_TOP_K);
        // Keep request (queries) and response (hits) well below the message limits.
        int perCall = Math.max(1, Math.min(Math.min(1_000, rowsPerRequest), MAX_TOP_K * 4 / topK));
        for (int from = 0; from < queries.size(); from += perCall) {
            List<BaseVector> data = new ArrayList<>();
            for (float[] q : queries.subList(from, Math.min(queries.size(), from + perCall))) {
                data.add(new FloatVec(q));
            }
            SearchReq.SearchReqBuilder req = SearchReq.builder()
                    .collectionName(name)
                    .annsField(MilvusVectorStore.VECTOR_FIELD)
                    .data(data)
                    .limit(topK)
                    .consistencyLevel(ConsistencyLevel.STRONG)
                    .outputFields(List.of(MilvusVectorStore.ID_FIELD));
            if (filter != null && !filter.isBlank()) {
                req.filter(filter);
            }
            SearchReq built = req.build();
            SearchResp resp = store.calls().call("search in " + name, () -> store.client().search(built));
            for (List<SearchResp.SearchResult> hits : resp.getSearchResults()) {
                List<ScoredId> list = new ArrayList<>(hits.size());
                for (SearchResp.SearchResult hit : hits) {
                    list.add(new ScoredId(((Number) hit.getId()).longValue(), hit.getScore()));
                }
                out.add(list);
            }
        }
        return out;
    }

    @Override
    public int delete(Collection<Long> ids) {
        Objects.requireNonNull(ids, "ids");
        if (ids.isEmpty()) {
            return 0;
        }
        writeLock.lock();
        try {
            // Milvus reports the ids it was asked to delete, present or not: count the present ones first.
            Set<Long> present = existing(ids);
            List<Object> list = new ArrayList<>(present);
            for (int from = 0; from < list.size(); from += IDS_PER_REQUEST) {
                List<Object> chunk = list.subList(from, Math.min(list.size(), from + IDS_PER_REQUEST));
                DeleteReq req = DeleteReq.builder().collectionName(name).ids(new ArrayList<>(chunk)).build();
                store.calls().call("delete of " + chunk.size() + " ids from " + name,
                        () -> store.client().delete(req));
            }
            return present.size();
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Set<Long> existing(Collection<Long> ids) {
        Set<Long> out = new HashSet<>();
        queryByIds(ids, List.of(MilvusVectorStore.ID_FIELD), IDS_PER_REQUEST, "ids",
                (id, entity) -> out.add(id));
        return out;
    }

    /** The stored vector of an id: {@link #vectors} of that id. */
    @Override
    public java.util.Optional<float[]> vector(long id) {
        return java.util.Optional.ofNullable(vectors(List.of(id)).get(id));
    }

    /**
     * STRONG queries by primary key returning id and vector, {@value #IDS_PER_REQUEST} ids (at most
     * {@code maxRequestBytes} of vectors) per request.
     */
    @Override
    public Map<Long, float[]> vectors(Collection<Long> ids) {
        Map<Long, float[]> out = new HashMap<>();
        queryByIds(ids, List.of(MilvusVectorStore.ID_FIELD, MilvusVectorStore.VECTOR_FIELD),
                Math.min(IDS_PER_REQUEST, rowsPerRequest), "vectors",
                (id, entity) -> out.put(id, floats(entity.get(MilvusVectorStore.VECTOR_FIELD), id)));
        return out;
    }

    /** STRONG queries by primary key, {@code perRequest} distinct ids each; every row found goes to {@code row}. */
    private void queryByIds(Collection<Long> ids, List<String> fields, int perRequest, String what,
                            BiConsumer<Long, Map<String, Object>> row) {
        Objects.requireNonNull(ids, "ids");
        store.ensureOpen();
        List<Object> list = new ArrayList<>(new HashSet<>(ids));
        for (int from = 0; from < list.size(); from += perRequest) {
            List<Object> chunk = list.subList(from, Math.min(list.size(), from + perRequest));
            QueryReq req = QueryReq.builder()
                    .collectionName(name)
                    .ids(new ArrayList<>(chunk))
                    .outputFields(fields)
                    .consistencyLevel(ConsistencyLevel.STRONG)
                    .build();
            QueryResp resp = store.calls().call("query of " + chunk.size() + " " + what + " by id in " + name,
                    () -> store.client().query(req));
            for (QueryResp.QueryResult r : resp.getQueryResults()) {
                Map<String, Object> entity = r.getEntity();
                row.accept(((Number) entity.get(MilvusVectorStore.ID_FIELD)).longValue(), entity);
            }
        }
    }

    private float[] floats(Object field, long id) {
        if (!(field instanceof List<?> values)) {
            throw new VectorStoreException("Milvus returned no vector field for id " + id + " in " + name);
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).floatValue();
        }
        return out;
    }

    /** Exact: a STRONG {@code count(*)} query (collection statistics lag behind deletes). */
    @Override
    public long count() {
        store.ensureOpen();
        QueryReq req = QueryReq.builder()
                .collectionName(name)
                .filter("")
                .outputFields(List.of("count(*)"))
                .consistencyLevel(ConsistencyLevel.STRONG)
                .build();
        QueryResp resp = store.calls().call("count(*) of " + name, () -> store.client().query(req));
        if (resp.getQueryResults().isEmpty()) {
            return 0;
        }
        return ((Number) resp.getQueryResults().get(0).getEntity().get("count(*)")).longValue();
    }

    /** Pages through the ids with a Milvus query iterator (primary-key order, 1000 per page). */
    @Override
    public void forEachId(LongConsumer action) {
        Objects.requireNonNull(action, "action");
        store.ensureOpen();
        QueryIteratorReq req = QueryIteratorReq.builder()
                .collectionName(name)
                .expr("")
                .outputFields(List.of(MilvusVectorStore.ID_FIELD))
                .batchSize(IDS_PER_REQUEST)
                .consistencyLevel(ConsistencyLevel.STRONG)
                .build();
        QueryIterator it = store.calls().call("query iterator over " + name, () -> store.client().queryIterator(req));
        try {
            while (true) {
                List<QueryResultsWrapper.RowRecord> page = store.calls().call("query iterator page of " + name,
                        it::next);
                if (page.isEmpty()) {
                    return;
                }
                for (QueryResultsWrapper.RowRecord row : page) {
                    action.accept(((Number) row.getFieldValues().get(MilvusVectorStore.ID_FIELD)).longValue());
                }
            }
        } finally {
            it.close();
        }
    }

    /**
     * With {@link MilvusConfig#serverFlush()} off (the default) this only checks the store is open: Milvus
     * makes a write durable (its write-ahead log) before acknowledging it, so every write that returned is
     * durable. With it on, calls Milvus flush, which also seals the collection's growing segments.
     */
    @Override
    public void flush() {
        store.ensureOpen();
        if (store.config().serverFlush()) {
            FlushReq req = FlushReq.builder().collectionNames(List.of(name)).build();
            writeLock.lock();
            try {
                store.calls().run("flush of " + name, () -> store.client().flush(req));
            } finally {
                writeLock.unlock();
            }
        }
    }

    private void checkDimension(float[] v, String what) {
        if (v.length != spec.dimension()) {
            throw new IllegalArgumentException(what + " has " + v.length + " values but collection '" + name
                    + "' has dimension " + spec.dimension());
        }
    }

    @Override
    public String toString() {
        return "MilvusCollection{" + name + ", " + spec.dimension() + "-d " + spec.metric() + "}";
    }
}
