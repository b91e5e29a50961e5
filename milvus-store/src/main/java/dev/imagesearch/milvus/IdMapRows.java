package dev.imagesearch.milvus;

import static dev.imagesearch.milvus.MilvusIdMapper.CONTENT_HASH_FIELD;
import static dev.imagesearch.milvus.MilvusIdMapper.IDS_PER_REQUEST;
import static dev.imagesearch.milvus.MilvusIdMapper.ID_FIELD;
import static dev.imagesearch.milvus.MilvusIdMapper.LOCATION_FIELD;
import static dev.imagesearch.milvus.MilvusIdMapper.MAX_HASH_LENGTH;
import static dev.imagesearch.milvus.MilvusIdMapper.MAX_LOCATION_BYTES;
import static dev.imagesearch.milvus.MilvusIdMapper.SEQ_FIELD;
import static dev.imagesearch.milvus.MilvusIdMapper.VECTOR_FIELD;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.store.VectorStoreException;
import io.milvus.orm.iterator.QueryIterator;
import io.milvus.response.QueryResultsWrapper;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.utility.request.FlushReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.QueryIteratorReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.response.QueryResp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The rows of one id map collection as {@link MilvusIdMapper} reads them: queries (consistency STRONG), the paged
 * scan, and every call run through the connection's retry policy with failures turned into
 * {@link MilvusIdMapException}s that name the server, the collection and the call.
 */
final class IdMapRows {

    /** Characters of a {@code location in [...]} filter after which no further location is added to it. */
    private static final int MAX_FILTER_CHARS = 256 * 1024;
    private static final List<String> ROW_FIELDS = List.of(LOCATION_FIELD, ID_FIELD, CONTENT_HASH_FIELD, SEQ_FIELD);
    private static final Comparator<Row> OLDEST_FIRST =
            Comparator.comparingLong(Row::seq).thenComparing(Row::location);

    /** One row: one location of one id. */
    record Row(String location, long id, String contentHash, long seq) {
    }

    private final MilvusConnection connection;
    private final String name;
    private final AtomicLong lastSeq = new AtomicLong();

    IdMapRows(MilvusConnection connection, String name) {
        this.connection = connection;
        this.name = name;
    }

    MilvusClientV2 client() {
        return connection.client();
    }

    String name() {
        return name;
    }

    /** Runs a Milvus call with the retry policy; failures name the server, the collection and the call. */
    <T> T call(String what, Supplier<T> op) {
        try {
            return connection.calls().call(what + " of id map " + name, op);
        } catch (VectorStoreException e) {
            throw new MilvusIdMapException(e.getMessage(), e.getCause() != null ? e.getCause() : e);
        }
    }

    /** The row of {@code location}, or null. */
    Row row(String location) {
        List<Row> rows = query("query by location", pkFilter(location), 0);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** The records of {@code ids} that have rows: one query {@code id in [...]} per {@value
     * MilvusIdMapper#IDS_PER_REQUEST} ids. */
    Map<Long, ImageRecord> records(Collection<Long> ids) {
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

    /** The id of each of the distinct {@code locations} that is mapped: one query per chunk of locations. */
    Map<String, Long> idsOf(List<String> unique) {
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
        return idOf;
    }

    /** The rows of {@code id}. */
    List<Row> byId(long id, long limit) {
        return query("query by id", ID_FIELD + " == " + id, limit);
    }

    List<Row> query(String what, String filter, long limit) {
        QueryReq.QueryReqBuilder b = QueryReq.builder()
                .collectionName(name)
                .filter(filter)
                .outputFields(ROW_FIELDS)
                .consistencyLevel(ConsistencyLevel.STRONG);
        if (limit > 0) {
            b.limit(limit);
        }
        QueryReq req = b.build();
        QueryResp resp = call(what, () -> client().query(req));
        List<Row> rows = new ArrayList<>(resp.getQueryResults().size());
        for (QueryResp.QueryResult r : resp.getQueryResults()) {
            Map<String, Object> e = r.getEntity();
            rows.add(new Row((String) e.get(LOCATION_FIELD), ((Number) e.get(ID_FIELD)).longValue(),
                    (String) e.get(CONTENT_HASH_FIELD), ((Number) e.get(SEQ_FIELD)).longValue()));
        }
        return rows;
    }

    /** Every row's id (repeated once per location), by a query iterator of {@value MilvusIdMapper#IDS_PER_REQUEST}. */
    void scanIds(LongConsumer each) {
        QueryIteratorReq req = QueryIteratorReq.builder()
                .collectionName(name)
                .expr("")
                .outputFields(List.of(ID_FIELD))
                .batchSize(IDS_PER_REQUEST)
                .consistencyLevel(ConsistencyLevel.STRONG)
                .build();
        QueryIterator it = call("query iterator", () -> client().queryIterator(req));
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

    /** The next insertion order: strictly increasing within this mapper, close to the time in microseconds. */
    long nextSeq() {
        long now = System.currentTimeMillis() * 1_000;
        return lastSeq.updateAndGet(prev -> Math.max(prev + 1, now));
    }

    /** Refuses a row the collection cannot hold (empty or too long location, too long hash). */
    static void check(String location, String contentHash) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(contentHash, "contentHash");
        if (location.isEmpty()) {
            throw new IllegalArgumentException("Location must not be empty");
        }
        int bytes = location.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_LOCATION_BYTES) {
            throw new IllegalArgumentException("Location of " + bytes + " UTF-8 bytes is longer than the "
                    + MAX_LOCATION_BYTES + " a Milvus id map keeps: '" + location.substring(0, 80) + "...'");
        }
        if (contentHash.length() > MAX_HASH_LENGTH) {
            throw new IllegalArgumentException("Content hash longer than " + MAX_HASH_LENGTH + " characters: '"
                    + contentHash + "'");
        }
    }

    /** Writes one row (an upsert by its primary key, the location); {@code dummy_vector} is {@code [0, 0]}. */
    void upsert(Row r) {
        JsonObject row = new JsonObject();
        row.addProperty(LOCATION_FIELD, r.location());
        row.addProperty(ID_FIELD, r.id());
        row.addProperty(CONTENT_HASH_FIELD, r.contentHash());
        row.addProperty(SEQ_FIELD, r.seq());
        JsonArray vector = new JsonArray(2);
        vector.add(0f);
        vector.add(0f);
        row.add(VECTOR_FIELD, vector);
        UpsertReq req = UpsertReq.builder().collectionName(name).data(List.of(row)).build();
        call("upsert", () -> client().upsert(req));
    }

    /** Deletes the rows {@code filter} selects; {@code what} names the call in messages. */
    void delete(String what, String filter) {
        DeleteReq req = DeleteReq.builder().collectionName(name).filter(filter).build();
        call(what, () -> client().delete(req));
    }

    /** Milvus flush of the collection (seals the growing segment). */
    void flush() {
        FlushReq req = FlushReq.builder().collectionNames(List.of(name)).build();
        call("flush", () -> {
            client().flush(req);
            return null;
        });
    }

    /** The record of {@code id} from its rows, locations oldest first; empty for no rows. */
    static Optional<ImageRecord> toRecord(long id, List<Row> rows) {
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(OLDEST_FIRST);
        return Optional.of(new ImageRecord(id, sorted.get(0).contentHash(),
                sorted.stream().map(Row::location).toList()));
    }

    /** {@code location in ["..."]}: the primary-key form every Milvus serves from its pk index. */
    static String pkFilter(String location) {
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
}
