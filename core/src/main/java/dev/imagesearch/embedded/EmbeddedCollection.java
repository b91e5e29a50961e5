package dev.imagesearch.embedded;

import dev.imagesearch.store.CollectionMismatchException;
import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import dev.imagesearch.store.VectorStoreException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One collection of the embedded store: vectors in a flat array ({@link VectorRows}, in the store's precision),
 * exact search, persisted in a {@link RecordLog}. The log holds the vectors as given (normalised, for cosine), as
 * 32-bit floats, in either precision; FLOAT16 rounds only what it holds in memory, and its compaction copies the
 * logged records instead of writing memory back. So a collection can be reopened in either precision, and never
 * loses precision on disk.
 */
final class EmbeddedCollection implements VectorCollection, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCollection.class);
    private static final byte UPSERT = 1;
    private static final byte DELETE = 2;

    /** Rows scored per kernel call of a single search (a reusable score buffer of this size). */
    private static final int SINGLE_TILE = 4096;
    /** Rows per tile of a batch search: 128 rows of 1280 floats (640 KB) stay in a core's L2 cache for all queries. */
    private static final int BATCH_TILE = 128;
    /** Dead records that trigger a compaction (with more dead than live ones). */
    private static final long COMPACT_AFTER = 4096;

    private final CollectionSpec spec;
    private final int dim;
    private final DotKernel kernel = DotKernel.best();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<Long, Integer> slotOf = new HashMap<>();
    private final VectorRows vectors;
    private long[] ids = new long[0];
    private int size;
    private RecordLog log;
    private long superseded;
    /** {@link #COMPACT_AFTER}, raised after a failed compaction. */
    private long compactAfter = COMPACT_AFTER;
    /** While replaying in FLOAT16: ids whose latest vector cannot be held; opening fails if any stays live. */
    private Set<Long> replayMisfits = new HashSet<>();
    private String firstMisfit;

    private EmbeddedCollection(CollectionSpec spec, EmbeddedVectorStore.Precision precision) {
        this.spec = spec;
        this.dim = spec.dimension();
        this.vectors = VectorRows.create(precision, dim);
    }

    static EmbeddedCollection open(Path file, CollectionSpec requested, EmbeddedVectorStore.Precision precision)
            throws IOException {
        if (RecordLog.exists(file)) {
            // Check before replaying or locking anything, so a mismatch fails fast and writes nothing.
            checkCompatible(decodeSpec(RecordLog.readHeader(file, EmbeddedVectorStore.KIND)), requested);
        }
        EmbeddedCollection c = new EmbeddedCollection(requested, precision);
        c.log = RecordLog.open(file, EmbeddedVectorStore.KIND, encodeSpec(requested), c::replay);
        if (!c.replayMisfits.isEmpty()) {
            c.log.close();
            throw new IOException(c.firstMisfit + "; open this collection with precision FLOAT32");
        }
        c.replayMisfits = null;
        c.trimToSize(); // a reopened collection holds its vectors plus a little, not a growth margin
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
        if (!existing.fingerprint().equals(requested.fingerprint())) {
            throw CollectionMismatchException.of(existing.name(), "model fingerprint",
                    "'" + existing.fingerprint() + "'", "'" + requested.fingerprint() + "'");
        }
    }

    private static byte[] encodeSpec(CollectionSpec s) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(b);
            out.writeUTF(s.name());
            out.writeInt(s.dimension());
            out.writeUTF(s.metric().name());
            out.writeUTF(s.fingerprint());
            out.flush();
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CollectionSpec decodeSpec(byte[] header) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(header));
        String name = in.readUTF();
        int dim = in.readInt();
        Metric metric = Metric.parse(in.readUTF());
        String fingerprint = in.readUTF();
        return CollectionSpec.builder(name, dim).metric(metric).fingerprint(fingerprint).build();
    }

    private void replay(byte type, ByteBuffer body) throws IOException {
        body.order(ByteOrder.LITTLE_ENDIAN);
        long id = body.getLong();
        if (type == UPSERT) {
            if (body.remaining() != 4 * dim) {
                throw new IOException("vector record of " + body.remaining() / 4 + " elements in a collection of "
                        + dim + " dimensions");
            }
            float[] v = new float[dim];
            body.asFloatBuffer().get(v);
            String misfit = vectors.misfit(v);
            if (misfit != null) {
                // fatal only if it is still live at the end (a later record may overwrite or delete it)
                if (replayMisfits.add(id) && firstMisfit == null) {
                    firstMisfit = "the vector of id " + id + " has " + misfit;
                }
                put(id, new float[dim]);
            } else {
                replayMisfits.remove(id);
                put(id, v);
            }
        } else if (type == DELETE) {
            replayMisfits.remove(id);
            remove(id);
        } else {
            throw new IOException("unknown record type " + type + " (written by a newer version?)");
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
            String misfit = vectors.misfit(prepared[i]);
            if (misfit != null) {
                throw new IllegalArgumentException("Vector for id " + r.id() + " has " + misfit + "; collection '"
                        + spec.name() + "' is held in FLOAT16 precision, use FLOAT32 for such vectors");
            }
        }
        lock.writeLock().lock();
        try {
            ensureOpen();
            ByteBuffer buf = ByteBuffer.allocate(8 + 4 * dim).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < prepared.length; i++) {
                long id = batch[i].id();
                buf.clear();
                buf.putLong(id);
                buf.asFloatBuffer().put(prepared[i]);
                log.append(UPSERT, buf.array());
                put(id, prepared[i]);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void trimToSize() {
        if (ids.length > size) {
            ids = Arrays.copyOf(ids, size);
            vectors.resize(size);
        }
    }

    private void put(long id, float[] v) {
        Integer slot = slotOf.get(id);
        if (slot != null) {
            vectors.set(slot, v);
            superseded++;
            return;
        }
        if (size == ids.length) {
            // grow by half: large collections would otherwise hold up to twice their vectors' memory
            int cap = Math.max(16, ids.length + (ids.length >> 1));
            ids = Arrays.copyOf(ids, cap);
            long elements = (long) cap * dim;
            if (elements > Integer.MAX_VALUE - 8) {
                cap = (Integer.MAX_VALUE - 8) / dim;
                if (cap <= size) {
                    throw new VectorStoreException("Collection '" + spec.name() + "' is full: the embedded store "
                            + "holds at most " + cap + " vectors of " + dim + " dimensions (one Java array); "
                            + "use a server store such as Milvus for more");
                }
                ids = Arrays.copyOf(ids, cap);
            }
            vectors.resize(cap);
        }
        ids[size] = id;
        vectors.set(size, v);
        slotOf.put(id, size);
        size++;
    }

    private boolean remove(long id) {
        Integer slot = slotOf.remove(id);
        if (slot == null) {
            return false;
        }
        int last = size - 1;
        if (slot != last) {
            ids[slot] = ids[last];
            vectors.move(last, slot);
            slotOf.put(ids[slot], slot);
        }
        size--;
        superseded += 2; // the upsert and the delete record are both dead weight now
        return true;
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
            int n = Math.min(k, size);
            if (n == 0) {
                return List.of();
            }
            TopK top = new TopK(n, spec.metric().higherIsBetter(), spec.metric() == Metric.COSINE);
            VectorRows.QueryScorer scorer = spec.metric() == Metric.L2 ? vectors.l2Scorer(q)
                    : vectors.dotScorer(kernel, q);
            float[] scores = new float[Math.min(SINGLE_TILE, size)];
            for (int from = 0; from < size; from += SINGLE_TILE) {
                int to = Math.min(size, from + SINGLE_TILE);
                scorer.score(from, to, scores);
                for (int s = from; s < to; s++) {
                    top.offer(scores[s - from], ids[s]);
                }
            }
            return top.result();
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
            int n = Math.min(k, size);
            List<List<ScoredId>> out = new ArrayList<>(nq);
            if (n == 0) {
                for (int j = 0; j < nq; j++) {
                    out.add(List.of());
                }
                return out;
            }
            TopK[] tops = new TopK[nq];
            for (int j = 0; j < nq; j++) {
                tops[j] = new TopK(n, true, spec.metric() == Metric.COSINE);
            }
            float[][] scores = new float[nq][Math.min(BATCH_TILE, size)];
            VectorRows.TileScorer scorer = vectors.batchScorer(kernel, Math.min(BATCH_TILE, size));
            for (int from = 0; from < size; from += BATCH_TILE) {
                int to = Math.min(size, from + BATCH_TILE);
                scorer.dots(from, to, qs, nq, scores);
                for (int j = 0; j < nq; j++) {
                    float[] sj = scores[j];
                    TopK top = tops[j];
                    for (int s = from; s < to; s++) {
                        top.offer(sj[s - from], ids[s]);
                    }
                }
            }
            for (TopK top : tops) {
                out.add(top.result());
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A copy of the stored vector of an id (normalised, for cosine; rounded, in FLOAT16 precision). */
    @Override
    public java.util.Optional<float[]> vector(long id) {
        lock.readLock().lock();
        try {
            ensureOpen();
            Integer slot = slotOf.get(id);
            if (slot == null) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(vectors.get(slot));
        } finally {
            lock.readLock().unlock();
        }
    }

    private void checkQuery(float[] query, int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
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
            ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (long id : idsToDelete) {
                if (slotOf.containsKey(id)) {
                    buf.clear();
                    buf.putLong(id);
                    log.append(DELETE, buf.array());
                    remove(id);
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
                if (slotOf.containsKey(id)) {
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
            return size;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void forEachId(LongConsumer action) {
        long[] snapshot;
        lock.readLock().lock();
        try {
            snapshot = Arrays.copyOf(ids, size);
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
            log.sync();
            if (superseded > compactAfter && superseded > size) {
                try {
                    compact();
                } catch (IOException | UncheckedIOException e) {
                    // everything is durable already; only the space is not reclaimed: try again much later
                    compactAfter = 2 * superseded;
                    LOG.warn("Could not compact collection '{}' ({}); it stays as it is and works, and compaction "
                            + "is retried after {} more superseded records", spec.name(), e.getMessage(),
                            compactAfter - superseded);
                }
            }
        } catch (IOException e) {
            throw new VectorStoreException("Cannot write collection '" + spec.name() + "': " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void compact() throws IOException {
        if (vectors.lossless()) {
            ByteBuffer buf = ByteBuffer.allocate(8 + 4 * dim).order(ByteOrder.LITTLE_ENDIAN);
            log.compact(fresh -> {
                for (int s = 0; s < size; s++) {
                    buf.clear();
                    buf.putLong(ids[s]);
                    buf.asFloatBuffer().put(vectors.get(s));
                    fresh.append(UPSERT, buf.array());
                }
            });
        } else {
            compactFromLog();
        }
        superseded = 0;
        compactAfter = COMPACT_AFTER;
    }

    /**
     * Compaction when memory holds rounded values: copies each live id's last upsert record from the old file, so
     * the file keeps the vectors as they were given. Two passes over the old file: find the record number of each
     * live slot's last upsert, then copy those records.
     */
    private void compactFromLog() throws IOException {
        long[] last = new long[size];
        Arrays.fill(last, -1);
        long[] seq = {0};
        log.scan((type, body) -> {
            int slot = liveSlot(type, body);
            if (slot >= 0) {
                last[slot] = seq[0];
            }
            seq[0]++;
        });
        try {
            log.compact(fresh -> copyLastUpserts(fresh, last));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void copyLastUpserts(RecordLog fresh, long[] last) {
        long[] seq = {0};
        long[] copied = {0};
        try {
            log.scan((type, body) -> {
                int slot = liveSlot(type, body);
                if (slot >= 0 && last[slot] == seq[0]) {
                    fresh.append(UPSERT, body.array(), body.arrayOffset() + body.position(), body.remaining());
                    copied[0]++;
                }
                seq[0]++;
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (copied[0] != size) { // every live vector was logged: anything else means the file changed under us
            throw new UncheckedIOException(new IOException("compaction found " + copied[0] + " of the " + size
                    + " live vectors in " + log.file() + "; the file was left as it is"));
        }
    }

    /** The slot of an upsert record's id if that id is live, else -1. */
    private int liveSlot(byte type, ByteBuffer body) {
        if (type != UPSERT) {
            return -1;
        }
        Integer slot = slotOf.get(body.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(body.position()));
        return slot == null ? -1 : slot;
    }

    private void ensureOpen() {
        if (log == null) {
            throw new IllegalStateException("collection '" + spec.name() + "' is closed");
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (log != null) {
                log.close();
                log = null;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Bounded selection of the best n scores; ties are broken by smaller id for a stable order. Cosine scores are
     * clamped to [-1, 1] as they come in: rounding (of the sums, and up to ~5e-4 of FLOAT16's elements) can take a
     * unit vector's score against itself above 1.
     */
    private static final class TopK {
        private final int n;
        private final boolean higherIsBetter;
        private final boolean clampUnit;
        private final float[] scores;
        private final long[] topIds;
        private int count;

        TopK(int n, boolean higherIsBetter, boolean clampUnit) {
            this.n = n;
            this.higherIsBetter = higherIsBetter;
            this.clampUnit = clampUnit;
            this.scores = new float[n];
            this.topIds = new long[n];
        }

        private boolean better(float s1, long id1, float s2, long id2) {
            if (s1 != s2) {
                return higherIsBetter ? s1 > s2 : s1 < s2;
            }
            return id1 < id2;
        }

        void offer(float raw, long id) {
            float score = clampUnit ? Math.max(-1f, Math.min(1f, raw)) : raw;
            if (count == n && !better(score, id, scores[n - 1], topIds[n - 1])) {
                return;
            }
            int i = count < n ? count++ : n - 1;
            while (i > 0 && better(score, id, scores[i - 1], topIds[i - 1])) {
                scores[i] = scores[i - 1];
                topIds[i] = topIds[i - 1];
                i--;
            }
            scores[i] = score;
            topIds[i] = id;
        }

        List<ScoredId> result() {
            List<ScoredId> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                out.add(new ScoredId(topIds[i], scores[i]));
            }
            return out;
        }
    }
}
