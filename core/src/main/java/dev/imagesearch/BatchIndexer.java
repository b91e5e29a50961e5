package dev.imagesearch;

import dev.imagesearch.BatchPrefetch.Batch;
import dev.imagesearch.BatchPrefetch.Item;
import dev.imagesearch.embed.PreparedImage;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The indexing pipeline behind {@link ImageSearch#index(Iterable, IndexListener)}: batches of files are read,
 * hashed, checked against the stores, decoded on the decode pool ({@link BatchPrefetch}), embedded by every model
 * and written (vectors before locations). Memory stays bounded by two batches (the one being embedded and the next
 * one, read and decoded meanwhile), not the folder. After each batch the vectors and then the id map are flushed;
 * a crash between the two leaves at most a vector without a location, which searches skip and the next
 * {@code index} reuses. While a batch is embedded, the decode threads ask the vector collections which of the next
 * batch's images they already hold (a guess of what to decode; the decision is taken again after the batch's
 * writes), so collections see {@code existing} calls beside the indexing thread's writes, as they see searches.
 * Not thread-safe: {@code ImageSearch} serialises indexing calls.
 */
final class BatchIndexer {

    private static final Logger LOG = LoggerFactory.getLogger(ImageSearch.class);
    /** Files whose locations are looked up in the id map together (see {@link LocationLookahead}). */
    static final int LOOKAHEAD = 1_000;

    private final List<IndexedModel> models;
    private final IdMapper ids;
    private final ExecutorService decodePool;
    private final BatchPrefetch prefetch;

    private BatchIndexer(List<IndexedModel> models, IdMapper ids, IndexDecoding decoding, int batchSize,
                         ExecutorService decodePool) {
        this.models = List.copyOf(models);
        this.ids = ids;
        this.decodePool = decodePool;
        this.prefetch = new BatchPrefetch(this.models, decoding, batchSize, decodePool);
    }

    /**
     * An indexer with the settings' batch size (default: the smallest preferred batch size of the models) and
     * decode threads (default: the number of processors).
     */
    static BatchIndexer create(ImageSearchSettings<?> b, List<IndexedModel> models, IdMapper ids,
                               IndexDecoding decoding) {
        int batchSize = b.batchSize > 0 ? b.batchSize
                : Math.max(1, models.stream().mapToInt(m -> m.embedder().preferredBatchSize()).min().orElse(8));
        int threads = b.decodeThreads > 0 ? b.decodeThreads : Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "imagesearch-decode");
            t.setDaemon(true);
            return t;
        });
        return new BatchIndexer(models, ids, decoding, batchSize, pool);
    }

    /** Stops the decode threads, waiting a little for work of an aborted run. */
    void close() {
        decodePool.shutdownNow();
        try {
            decodePool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Indexes the files; see {@link ImageSearch#index(Iterable, IndexListener)} for the contract. */
    IndexReport index(Iterable<Path> paths, IndexListener listener, long start) {
        Counters c = new Counters();
        Set<Path> settled = new HashSet<>(); // files of the current batch that are durable or reported
        IndexListener tracking = (path, outcome, reason) -> {
            settled.add(path);
            listener.fileDone(path, outcome, reason);
        };
        listener.started(paths instanceof Collection<?> all ? all.size() : IndexListener.UNKNOWN_TOTAL);
        LocationLookahead it = new LocationLookahead(paths.iterator(), LOOKAHEAD);
        Batch batch = it.hasNext() && !listener.cancelled() ? prefetch.start(it, Set.of()) : null;
        while (batch != null) {
            settled.clear();
            Batch next = null;
            try {
                next = indexBatch(batch, tracking, c, it);
            } catch (RuntimeException e) {
                Batch.cancel(batch);
                List<Path> notStored = batch.paths.stream().filter(p -> !settled.contains(p)).toList();
                throw new IndexAbortedException(report(c, start), notStored, e);
            } catch (Error e) {
                Batch.cancel(batch);
                throw e;
            }
            batch = next;
            if (batch != null && listener.cancelled()) {
                Batch.cancel(batch);
                throw new IndexCancelledException(report(c, start));
            }
        }
        return report(c, start);
    }

    /** Forgets a location; deletes its content's vectors when no location is left for it. */
    boolean remove(String location) {
        Optional<ImageRecord> after = ids.remove(location);
        ids.flush();
        after.filter(left -> left.locations().isEmpty()).ifPresent(left -> deleteVectors(List.of(left.id())));
        return after.isPresent();
    }

    private void deleteVectors(List<Long> vectorIds) {
        for (IndexedModel m : models) {
            m.collection().delete(vectorIds);
            m.collection().flush();
        }
    }

    private static IndexReport report(Counters c, long start) {
        return new IndexReport(c.indexed, c.embedded, c.unchanged, c.failures,
                Duration.ofNanos(System.nanoTime() - start), c.partialFailures);
    }

    private static final class Counters {
        int indexed;
        int embedded;
        int unchanged;
        final List<IndexReport.Failure> failures = new ArrayList<>();
        final List<IndexReport.Failure> partialFailures = new ArrayList<>();
    }

    /** What a batch must do, decided after the previous batch's writes. */
    private static final class Plan {
        /** The batch's first occurrences of each location. */
        final List<Item> items;
        /** Per model: the ids it already holds. */
        final List<Set<Long>> stored = new ArrayList<>();
        /** Per model: the content it has no vector for yet (first occurrence in this batch embeds it). */
        final List<Map<Long, Item>> toEmbed = new ArrayList<>();
        /** Files whose location must be (re)written. */
        final List<Item> toMap = new ArrayList<>();
        final List<Item> unchanged = new ArrayList<>();

        Plan(List<Item> items) {
            this.items = items;
        }
    }

    /**
     * Indexes one batch: checks what is unchanged and what each model must embed, starts the next batch's
     * prefetch, embeds, then writes vectors, then locations. Returns the next batch, or null at the end.
     */
    private Batch indexBatch(Batch batch, IndexListener listener, Counters c, LocationLookahead more) {
        BatchPrefetch.await(batch.read, "reading files");
        Plan plan = plan(batch, more);
        Set<Long> embedding = new HashSet<>();
        plan.toEmbed.forEach(perModel -> embedding.addAll(perModel.keySet()));
        batch.next = more.hasNext() ? prefetch.start(more, embedding) : null;
        BatchPrefetch.await(batch.decoded, "decoding"); // the items are not touched by the pool any more
        for (Item item : plan.unchanged) {
            item.bytes = null;
            item.image = null;
            c.unchanged++;
            listener.fileDone(item.path, IndexListener.Outcome.UNCHANGED, null);
        }
        embedAll(plan.toEmbed, plan.items);
        List<Set<Long>> embeddedIds = writeVectors(plan);
        List<Long> replaced = writeLocations(plan, embeddedIds);
        more.forget(plan.items.stream().map(i -> i.location).toList());
        // Everything of this batch is durable now: count it and tell the listener before the clean-up below.
        count(plan, listener, c);
        countDuplicates(batch, plan.items, listener, c);
        deleteReplaced(replaced);
        return batch.next;
    }

    /** Sorts the readable files of a batch into unchanged, to embed (per model) and to map. */
    private Plan plan(Batch batch, LocationLookahead more) {
        Plan plan = new Plan(batch.items.stream().filter(i -> !i.duplicate).toList());
        List<Item> ok = plan.items.stream().filter(i -> i.failure == null).toList();
        List<Long> okIds = ok.stream().map(i -> i.cid.id()).toList();
        for (IndexedModel m : models) {
            plan.stored.add(okIds.isEmpty() ? Set.of() : m.collection().existing(okIds));
            plan.toEmbed.add(new LinkedHashMap<>());
        }
        Map<String, ImageRecord> mapped = ok.isEmpty() ? Map.of()
                : more.lookup(ids, ok.stream().map(i -> i.location).toList()); // one round trip per window
        for (Item item : ok) {
            long id = item.cid.id();
            boolean complete = true;
            for (int m = 0; m < models.size(); m++) {
                if (!plan.stored.get(m).contains(id)) {
                    plan.toEmbed.get(m).putIfAbsent(id, item);
                    complete = false;
                }
            }
            ImageRecord current = mapped.get(item.location);
            if (complete && current != null && current.id() == id) {
                plan.unchanged.add(item);
            } else {
                plan.toMap.add(item);
            }
        }
        return plan;
    }

    /** 1. vectors, durable, model by model; returns per model the ids written. */
    private List<Set<Long>> writeVectors(Plan plan) {
        List<Set<Long>> embeddedIds = new ArrayList<>(models.size());
        for (int m = 0; m < models.size(); m++) {
            List<VectorRecord> records = new ArrayList<>();
            Set<Long> done = new HashSet<>();
            for (Item item : plan.toEmbed.get(m).values()) {
                if (item.vectors[m] != null) {
                    records.add(new VectorRecord(item.cid.id(), item.vectors[m]));
                    done.add(item.cid.id());
                }
            }
            if (!records.isEmpty()) {
                VectorCollection col = models.get(m).collection();
                col.upsert(records);
                col.flush();
            }
            embeddedIds.add(done);
        }
        return embeddedIds;
    }

    /**
     * 2. locations, durable, for content that has a vector in at least one model; a file no model could embed
     * fails with the reasons. Returns the ids of content the files held before (replaced).
     */
    private List<Long> writeLocations(Plan plan, List<Set<Long>> embeddedIds) {
        int n = models.size();
        List<IdMapper.Link> links = new ArrayList<>();
        for (Item item : plan.toMap) {
            long id = item.cid.id();
            boolean anyVector = false;
            List<String> reasons = new ArrayList<>();
            for (int m = 0; m < n; m++) {
                if (plan.stored.get(m).contains(id) || embeddedIds.get(m).contains(id)) {
                    anyVector = true;
                } else {
                    Item owner = plan.toEmbed.get(m).get(id);
                    String why = owner.failure != null ? owner.failure : owner.modelFailures[m];
                    reasons.add(n == 1 || owner.failure != null ? why : models.get(m).name() + ": " + why);
                    item.modelFailures[m] = why;
                }
            }
            if (!anyVector) {
                item.failure = String.join("; ", new LinkedHashSet<>(reasons));
                continue;
            }
            links.add(new IdMapper.Link(item.location, id, item.cid.contentHash()));
        }
        List<Long> replaced = new ArrayList<>();
        for (OptionalLong previous : links.isEmpty() ? List.<OptionalLong>of() : ids.putAll(links)) {
            previous.ifPresent(replaced::add); // the file changed: its old content may now be found nowhere
        }
        ids.flush();
        return replaced;
    }

    /** Counts and reports each file of a durable batch: failed, or indexed (with the models that skipped it). */
    private void count(Plan plan, IndexListener listener, Counters c) {
        for (Item item : plan.items) {
            if (item.failure != null) {
                c.failures.add(new IndexReport.Failure(item.path, item.failure));
                listener.fileDone(item.path, IndexListener.Outcome.FAILED, item.failure);
                LOG.warn("Skipped {}: {}", item.path, item.failure);
            } else if (plan.toMap.contains(item)) {
                c.indexed++;
                boolean embeddedHere = false;
                for (int m = 0; m < models.size(); m++) {
                    embeddedHere |= plan.toEmbed.get(m).get(item.cid.id()) == item && item.vectors[m] != null;
                    if (item.modelFailures[m] != null) {
                        c.partialFailures.add(new IndexReport.Failure(item.path, item.modelFailures[m],
                                models.get(m).name()));
                        LOG.warn("Model {} skipped {}: {}", models.get(m).name(), item.path, item.modelFailures[m]);
                    }
                }
                if (embeddedHere) {
                    c.embedded++;
                }
                listener.fileDone(item.path, IndexListener.Outcome.INDEXED, null);
            }
        }
    }

    /** The same file twice in one batch: the first copy did the work; the others share its outcome. */
    private static void countDuplicates(Batch batch, List<Item> items, IndexListener listener, Counters c) {
        Map<String, Item> first = new HashMap<>();
        for (Item item : items) {
            first.putIfAbsent(item.location, item);
        }
        for (Item item : batch.items) {
            if (item.duplicate) {
                Item original = first.get(item.location);
                if (original != null && original.failure != null) {
                    c.failures.add(new IndexReport.Failure(item.path, original.failure));
                    listener.fileDone(item.path, IndexListener.Outcome.FAILED, original.failure);
                } else {
                    c.unchanged++;
                    listener.fileDone(item.path, IndexListener.Outcome.UNCHANGED, null);
                }
            }
        }
    }

    /**
     * 3. vectors of content no location points to any more (decided after every put of the batch: a file renamed
     * onto another file's old path in the same batch still needs its vector). Best effort: the batch is already
     * durable and reported; a vector left here is found by repair().
     */
    private void deleteReplaced(List<Long> replaced) {
        try {
            if (!replaced.isEmpty()) {
                replaced.removeAll(ids.getAll(replaced).keySet());
            }
            if (!replaced.isEmpty()) {
                deleteVectors(replaced);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not delete {} vectors of replaced content ({}); ImageSearch.repair() removes them",
                    replaced.size(), e.toString());
        }
    }

    /** Decodes each needed image once (in parallel, unless the prefetch did) and runs every model that needs it. */
    private void embedAll(List<Map<Long, Item>> toEmbed, List<Item> items) {
        Map<Long, Item> needed = new LinkedHashMap<>();
        for (Map<Long, Item> perModel : toEmbed) {
            for (Item item : perModel.values()) {
                needed.putIfAbsent(item.cid.id(), item);
            }
        }
        try {
            prefetch.decodeMissing(needed.values(), toEmbed.stream().map(Map::keySet).toList());
            for (Item item : needed.values()) {
                if (item.decodeFailure != null) {
                    item.failure = item.decodeFailure;
                }
            }
            for (int m = 0; m < models.size(); m++) {
                List<Item> decoded = toEmbed.get(m).values().stream().filter(i -> i.image != null).toList();
                embed(m, decoded);
            }
        } finally {
            for (Item item : items) { // including images the prefetch decoded for nothing
                item.image = null;
                item.bytes = null;
                Arrays.fill(item.prepared, null);
            }
        }
    }

    /** Runs model {@code m} on decoded items; failures are recorded per item and model. */
    private void embed(int m, List<Item> decoded) {
        if (decoded.isEmpty()) {
            return;
        }
        IndexedModel model = models.get(m);
        try {
            List<PreparedImage> inputs = decoded.stream() // prepared on the decode pool, unless that failed
                    .map(i -> i.prepared[m] != null ? i.prepared[m] : model.prepare(i.image)).toList();
            List<float[]> vectors = model.embedPrepared(inputs);
            for (int i = 0; i < decoded.size(); i++) {
                decoded.get(i).vectors[m] = vectors.get(i);
            }
        } catch (RuntimeException batchFailure) {
            // Find out which image is at fault, one at a time, so the others still get indexed.
            for (Item item : decoded) {
                try {
                    item.vectors[m] = model.embed(item.image);
                } catch (RuntimeException e) {
                    item.vectors[m] = null;
                    item.modelFailures[m] = "embedding failed: " + e.getMessage();
                }
            }
        }
    }
}
