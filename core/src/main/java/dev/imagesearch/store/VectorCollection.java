package dev.imagesearch.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The vectors of one model. Every implementation passes the shared contract suite
 * ({@code VectorStoreContract} in core's test jar), so callers can rely on the behaviour documented here.
 */
public interface VectorCollection {

    /** The spec this collection was opened with. */
    CollectionSpec spec();

    /**
     * Inserts or replaces vectors by id. Upserting the same id twice keeps one vector (the last one). An empty
     * list does nothing.
     *
     * @throws IllegalArgumentException if a vector's length is not {@code spec().dimension()}
     */
    void upsert(List<VectorRecord> records);

    /**
     * The {@code k} nearest vectors to {@code query}, best first. Returns fewer than {@code k} hits when the
     * collection holds fewer vectors, and none for {@code k == 0}.
     *
     * @throws IllegalArgumentException for a negative {@code k} or a query of the wrong dimension
     */
    List<ScoredId> search(float[] query, int k);

    /** Searches several queries; one result list per query, in order. */
    default List<List<ScoredId>> searchBatch(List<float[]> queries, int k) {
        List<List<ScoredId>> out = new ArrayList<>(queries.size());
        for (float[] q : queries) {
            out.add(search(q, k));
        }
        return out;
    }

    /** Deletes vectors by id; ids that are absent are ignored. Returns how many were present. */
    int delete(Collection<Long> ids);

    /**
     * The stored vector of an id, as stored (a {@link Metric#COSINE} collection may keep it L2-normalised), or
     * empty when the id has none. Used to search with an indexed image without decoding and embedding it again
     * (near-duplicate search, evaluation).
     *
     * <p>The default throws {@link UnsupportedOperationException}, so stores written before this method existed
     * still compile; callers fall back to embedding the image again.
     */
    default java.util.Optional<float[]> vector(long id) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot return stored vectors");
    }

    /**
     * The stored vectors of many ids at once, by id; ids without a vector are absent from the map. A remote store
     * answers in one request (or a few) instead of one per id, which is what callers that need dozens of vectors
     * per query (database-side augmentation, duplicate search, copying an index) want. The default calls
     * {@link #vector(long)} per id, and so throws {@link UnsupportedOperationException} where that does.
     */
    default Map<Long, float[]> vectors(Collection<Long> ids) {
        Map<Long, float[]> out = new HashMap<>();
        for (Long id : new HashSet<>(ids)) { // each distinct id once, found or not
            vector(id).ifPresent(v -> out.put(id, v));
        }
        return out;
    }

    /** Which of the given ids have a stored vector. */
    Set<Long> existing(Collection<Long> ids);

    /** Number of stored vectors. */
    long count();

    /** Calls {@code action} with every stored id (for reconciliation with an id map). */
    void forEachId(LongConsumer action);

    /**
     * Makes every write made so far durable (on disk, or acknowledged by the server). Writes before a successful
     * {@code flush} survive a crash of this process.
     */
    void flush();
}
