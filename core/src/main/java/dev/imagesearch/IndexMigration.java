package dev.imagesearch;

import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import dev.imagesearch.store.VectorStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies an index to another vector store and id map without embedding anything again: for example an embedded
 * index to Milvus + Redis when it outgrows one machine.
 *
 * <pre>{@code
 * try (ImageSearch from = ImageSearch.builder().embedder(model).dataDirectory(dir).existingCollectionsOnly(true).build();
 *      MilvusVectorStore store = MilvusVectorStore.fromUri("milvus://milvus:19530");
 *      RedisIdMapper ids = RedisIdMapper.fromUri("redis://redis:6379", null)) {
 *     IndexMigration.Report r = IndexMigration.builder(from, store, ids).build().run();
 * }
 * }</pre>
 *
 * <p>Each model's collection is created in the target with the source's spec (name, dimension, metric and model
 * fingerprint, decoding included), so the facade opens the copy exactly as it opened the original. Vectors are copied
 * before locations, as {@code index} writes them, so an interrupted copy leaves at most vectors without a location.
 * A copy is resumable: what the target already holds (vectors by content id, locations pointing to the same id) is
 * skipped, so running it again after an interruption copies only the rest. At the end it is verified: every source
 * vector and location must be in the target, and each target collection must agree with the target id map
 * ({@link Reconciler}, as {@link ImageSearch#verify()}). The source is only read. Nothing else may write to the
 * target meanwhile.
 */
public final class IndexMigration {

    private static final Logger LOG = LoggerFactory.getLogger(IndexMigration.class);

    private final ImageSearch from;
    private final VectorStore toStore;
    private final IdMapper toIds;
    private final int batchSize;

    private IndexMigration(Builder b) {
        this.from = b.from;
        this.toStore = b.toStore;
        this.toIds = b.toIds;
        this.batchSize = b.batchSize;
    }

    /** A copy of {@code from} (every model of it, and its id map) into {@code toStore} and {@code toIds}. */
    public static Builder builder(ImageSearch from, VectorStore toStore, IdMapper toIds) {
        return new Builder(from, toStore, toIds);
    }

    /**
     * What a copy did and found.
     *
     * @param vectorsCopied   per model: vectors written to the target
     * @param vectorsSkipped  per model: vectors the target already held (an earlier, interrupted run)
     * @param locationsCopied locations written to the target id map
     * @param locationsSkipped locations the target already mapped to the same id
     * @param missing         what verification found missing from the target (empty when verified)
     * @param consistency     per model: the target collection checked against the target id map
     */
    public record Report(Map<String, Long> vectorsCopied, Map<String, Long> vectorsSkipped, long locationsCopied,
                         long locationsSkipped, List<String> missing, Map<String, Reconciler.Report> consistency) {
        public Report {
            vectorsCopied = Map.copyOf(vectorsCopied);
            vectorsSkipped = Map.copyOf(vectorsSkipped);
            missing = List.copyOf(missing);
            consistency = Map.copyOf(consistency);
        }

        /** Whether everything of the source is in the target and the target is consistent. */
        public boolean verified() {
            return missing.isEmpty() && consistency.values().stream().allMatch(Reconciler.Report::consistent);
        }
    }

    /** Copies, then verifies. Backend failures propagate; running it again resumes. */
    public Report run() {
        Map<String, Long> copied = new LinkedHashMap<>();
        Map<String, Long> skipped = new LinkedHashMap<>();
        Map<String, VectorCollection> targets = new LinkedHashMap<>();
        for (IndexedModel m : from.models()) { // open every target first: a mismatch fails before any write
            targets.put(m.name(), toStore.open(m.collection().spec()));
        }
        for (IndexedModel m : from.models()) {
            long[] counts = copyVectors(m.collection(), targets.get(m.name()));
            copied.put(m.name(), counts[0]);
            skipped.put(m.name(), counts[1]);
            LOG.info("Model {}: {} vectors copied, {} already there", m.name(), counts[0], counts[1]);
        }
        long[] links = copyLocations();
        List<String> missing = new ArrayList<>();
        Map<String, Reconciler.Report> consistency = new LinkedHashMap<>();
        for (IndexedModel m : from.models()) {
            VectorCollection target = targets.get(m.name());
            long absent = countAbsent(m.collection(), target);
            if (absent > 0) {
                missing.add(m.name() + ": " + absent + " of " + m.collection().count() + " vectors");
            }
            consistency.put(m.name(), new Reconciler(target, toIds).verify());
        }
        long unmapped = countUnmapped();
        if (unmapped > 0) {
            missing.add("id map: " + unmapped + " locations");
        }
        return new Report(copied, skipped, links[0], links[1], missing, consistency);
    }

    /** Returns {copied, skipped}. */
    private long[] copyVectors(VectorCollection source, VectorCollection target) {
        long[] counts = new long[2];
        for (List<Long> chunk : chunks(source)) {
            Set<Long> there = target.existing(chunk);
            List<Long> absent = chunk.stream().filter(id -> !there.contains(id)).toList();
            Map<Long, float[]> found = absent.isEmpty() ? Map.of() : source.vectors(absent); // one read per chunk
            List<VectorRecord> records = new ArrayList<>();
            for (long id : absent) {
                float[] v = found.get(id);
                if (v != null) {
                    records.add(new VectorRecord(id, v));
                }
            }
            if (!records.isEmpty()) {
                target.upsert(records);
                target.flush();
            }
            counts[0] += records.size();
            counts[1] += there.size();
        }
        return counts;
    }

    /** Returns {copied, skipped}. */
    private long[] copyLocations() {
        long[] counts = new long[2];
        for (List<Long> chunk : chunks(from.idMapper())) {
            List<IdMapper.Link> todo = notInTarget(chunk, counts);
            if (!todo.isEmpty()) {
                toIds.putAll(todo);
                toIds.flush();
            }
            counts[0] += todo.size();
        }
        return counts;
    }

    /** The source links of these ids that the target does not map to the same id; adds the others to counts[1]. */
    private List<IdMapper.Link> notInTarget(List<Long> ids, long[] counts) {
        List<IdMapper.Link> links = new ArrayList<>();
        for (ImageRecord r : from.idMapper().getAll(ids).values()) {
            for (String location : r.locations()) {
                links.add(new IdMapper.Link(location, r.id(), r.contentHash()));
            }
        }
        Map<String, ImageRecord> there = toIds.lookupAll(links.stream().map(IdMapper.Link::location).toList());
        List<IdMapper.Link> todo = links.stream().filter(l -> {
            ImageRecord t = there.get(l.location());
            return t == null || t.id() != l.id();
        }).toList();
        counts[1] += links.size() - todo.size();
        return todo;
    }

    private long countAbsent(VectorCollection source, VectorCollection target) {
        long absent = 0;
        for (List<Long> chunk : chunks(source)) {
            absent += chunk.size() - target.existing(chunk).size();
        }
        return absent;
    }

    private long countUnmapped() {
        long unmapped = 0;
        for (List<Long> chunk : chunks(from.idMapper())) {
            unmapped += notInTarget(chunk, new long[2]).size();
        }
        return unmapped;
    }

    private List<List<Long>> chunks(VectorCollection c) {
        List<Long> ids = new ArrayList<>();
        c.forEachId(ids::add);
        return split(ids);
    }

    private List<List<Long>> chunks(IdMapper m) {
        List<Long> ids = new ArrayList<>();
        m.forEachId(ids::add);
        return split(ids);
    }

    private List<List<Long>> split(List<Long> ids) {
        List<List<Long>> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += batchSize) {
            out.add(ids.subList(i, Math.min(ids.size(), i + batchSize)));
        }
        return out;
    }

    /** Builder; every default is listed with its setter. */
    public static final class Builder {
        private final ImageSearch from;
        private final VectorStore toStore;
        private final IdMapper toIds;
        private int batchSize = 1000;

        private Builder(ImageSearch from, VectorStore toStore, IdMapper toIds) {
            this.from = Objects.requireNonNull(from, "from");
            this.toStore = Objects.requireNonNull(toStore, "toStore");
            this.toIds = Objects.requireNonNull(toIds, "toIds");
        }

        /** Ids read, checked and written together. Default 1000. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        public IndexMigration build() {
            return new IndexMigration(this);
        }
    }
}
