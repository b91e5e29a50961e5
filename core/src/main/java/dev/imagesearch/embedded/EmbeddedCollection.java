package dev.imagesearch.embedded;

import dev.imagesearch.store.CollectionMismatchException;
import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.SearchArguments;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import dev.imagesearch.store.VectorStoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One collection of the embedded store: the rows ({@link SlotTable}: vectors in a flat array, {@link VectorRows}, in
 * the store's precision), exact search ({@link ExactSearch}), persisted in a {@link CollectionFile}. The file holds
 * the vectors as given (normalised, for cosine), as 32-bit floats, in either precision; FLOAT16 rounds only what it
 * holds in memory, and its compaction copies the logged records instead of writing memory back. So a collection
 * can be reopened in either precision, and never loses precision on disk. This class checks input and guards the
 * parts with one read-write lock.
 */
final class EmbeddedCollection implements VectorCollection, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCollection.class);
    /** Dead records that trigger a compaction (with more dead than live ones). */
    private static final long COMPACT_AFTER = 4096;

    private final CollectionSpec spec;
    private final int dim;
    private final DotKernel kernel = DotKernel.best();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final SlotTable rows;
    private CollectionFile file;
    /** {@link #COMPACT_AFTER}, raised after a failed compaction. */
    private long compactAfter = COMPACT_AFTER;

    private EmbeddedCollection(CollectionSpec spec, EmbeddedVectorStore.Precision precision) {
        this.spec = spec;
        this.dim = spec.dimension();
        this.rows = new SlotTable(spec.name(), dim, precision);
    }

    static EmbeddedCollection open(Path file, CollectionSpec requested, EmbeddedVectorStore.Precision precision)
            throws IOException {
        if (RecordLog.exists(file)) {
            // Check before replaying or locking anything, so a mismatch fails fast and writes nothing.
            checkCompatible(CollectionFile.readSpec(file), requested);
        }
        EmbeddedCollection c = new EmbeddedCollection(requested, precision);
        c.file = CollectionFile.open(file, requested, c.rows);
        return c;
    }

    void checkCompatible(CollectionSpec requested) {
        checkCompatible(spec, requested);
    }

    private static void checkCompatible(CollectionSpec existing, CollectionSpec requested) {
        if (existing.dimension() != requested.dimension()) {
            throw CollectionMismatchException.of(existing.name(), "dimension", existing.dimension(),
                    requested.dimension());
        }
        if (existing.metric() != requested.metric()) {
            throw CollectionMismatchException.of(existing.name(), "metric", existing.metric(), requested.metric());
        }
        if (!existing.fingerprint().equals(requested.fingerprint())) { // the stored strings, compared as ever
            throw CollectionMismatchException.of(existing.name(), existing.modelFingerprint(),
                    requested.modelFingerprint());
        }
    }

    @Override
    public CollectionSpec spec() {
        return spec;
    }

    @Override
    public void upsert(List<VectorRecord> records) {
        // Copy and check everything first, so a bad vector anywhere in the batch leaves nothing written.
        VectorRecord[] batch = records.toArray(new VectorRecord[0]);
        float[][] prepared = new float[batch.length][];
        for (int i = 0; i < prepared.length; i++) {
            VectorRecord r = batch[i];
            float[] v = r.vector().clone(); // the caller may change its array meanwhile
            if (v.length != dim) {
                throw new IllegalArgumentException("Vector for id " + r.id() + " has " + v.length
                        + " elements but collection '" + spec.name() + "' has dimension " + dim);
            }
            if (!finite(v)) {
                // a NaN would sort above every real score and poison every search
                throw new IllegalArgumentException("Vector for id " + r.id() + " has a NaN or infinite element");
            }
            prepared[i] = spec.metric() == Metric.COSINE ? normalizeInPlace(v) : v;
            String misfit = rows.vectors.misfit(prepared[i]);
            if (misfit != null) {
                throw new IllegalArgumentException("Vector for id " + r.id() + " has " + misfit + "; collection '"
                        + spec.name() + "' is held in FLOAT16 precision, use FLOAT32 for such vectors");
            }
        }
        lock.writeLock().lock();
        try {
            ensureOpen();
            for (int i = 0; i < prepared.length; i++) {
                file.appendUpsert(batch[i].id(), prepared[i]);
                rows.put(batch[i].id(), prepared[i]);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static float[] normalized(float[] v) {
        return normalizeInPlace(v.clone());
    }

    private static float[] normalizeInPlace(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum > 0) {
            double norm = Math.sqrt(sum); // in double: 1 / norm overflows a float for norms below ~3e-39
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / norm);
            }
        }
        return v;
    }

    @Override
    public List<ScoredId> search(float[] query, int k) {
        checkQuery(query, k);
        float[] q = spec.metric() == Metric.COSINE ? normalized(query) : query;
        lock.readLock().lock();
        try {
            ensureOpen();
            return ExactSearch.search(rows, kernel, spec.metric(), q, k);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Exact search of several queries in one pass over the vectors: each tile of stored vectors is read once (from
     * memory into cache) for all queries, so a batch costs less per query than single searches. The same hits as
     * {@link #search} query by query; scores may differ in the last bits (the SIMD kernel sums in another order),
     * so near-exact ties can swap.
     */
    @Override
    public List<List<ScoredId>> searchBatch(List<float[]> queries, int k) {
        int nq = queries.size();
        float[][] qs = new float[nq][];
        for (int j = 0; j < nq; j++) {
            float[] query = queries.get(j);
            checkQuery(query, k);
            qs[j] = spec.metric() == Metric.COSINE ? normalized(query) : query;
        }
        if (nq <= 1 || spec.metric() == Metric.L2) {
            return VectorCollection.super.searchBatch(queries, k);
        }
        lock.readLock().lock();
        try {
            ensureOpen();
            return ExactSearch.searchBatch(rows, kernel, spec.metric(), qs, k);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A copy of the stored vector of an id (normalised, for cosine; rounded, in FLOAT16 precision). */
    @Override
    public Optional<float[]> vector(long id) {
        lock.readLock().lock();
        try {
            ensureOpen();
            int slot = rows.slot(id);
            return slot < 0 ? Optional.empty() : Optional.of(rows.vectors.get(slot));
        } finally {
            lock.readLock().unlock();
        }
    }

    private void checkQuery(float[] query, int k) {
        SearchArguments.checkK(k);
        if (query.length != dim) {
            throw new IllegalArgumentException("Query has " + query.length + " elements but collection '"
                    + spec.name() + "' has dimension " + dim);
        }
        if (!finite(query)) {
            throw new IllegalArgumentException("Query has a NaN or infinite element");
        }
    }

    private static boolean finite(float[] v) {
        for (float x : v) {
            if (!Float.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    /** The search kernel in use: {@code scalar}, or {@code vector-api-<bits>} (see {@link DotKernel#best()}). */
    String kernelName() {
        return kernel.name();
    }

    @Override
    public int delete(Collection<Long> idsToDelete) {
        lock.writeLock().lock();
        try {
            ensureOpen();
            int removed = 0;
            for (long id : idsToDelete) {
                if (rows.contains(id)) {
                    file.appendDelete(id);
                    rows.remove(id);
                    removed++;
                }
            }
            return removed;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public Set<Long> existing(Collection<Long> query) {
        lock.readLock().lock();
        try {
            Set<Long> out = new HashSet<>();
            for (Long id : query) {
                if (rows.contains(id)) {
                    out.add(id);
                }
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public long count() {
        lock.readLock().lock();
        try {
            return rows.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void forEachId(LongConsumer action) {
        long[] snapshot;
        lock.readLock().lock();
        try {
            snapshot = rows.idsSnapshot();
        } finally {
            lock.readLock().unlock();
        }
        for (long id : snapshot) {
            action.accept(id);
        }
    }

    @Override
    public void flush() {
        lock.writeLock().lock();
        try {
            ensureOpen();
            file.sync();
            if (rows.superseded > compactAfter && rows.superseded > rows.size()) {
                try {
                    file.compact(rows);
                    rows.superseded = 0;
                    compactAfter = COMPACT_AFTER;
                } catch (IOException | UncheckedIOException e) {
                    // everything is durable already; only the space is not reclaimed: try again much later
                    compactAfter = 2 * rows.superseded;
                    LOG.warn("Could not compact collection '{}' ({}); it stays as it is and works, and compaction "
                            + "is retried after {} more superseded records", spec.name(), e.getMessage(),
                            compactAfter - rows.superseded);
                }
            }
        } catch (IOException e) {
            throw new VectorStoreException("Cannot write collection '" + spec.name() + "': " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void ensureOpen() {
        if (file == null) {
            throw new IllegalStateException("collection '" + spec.name() + "' is closed");
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (file != null) {
                file.close();
                file = null;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
