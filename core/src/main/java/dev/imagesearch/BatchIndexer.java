package dev.imagesearch;

import dev.imagesearch.embed.Embedder;
import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.image.ContentId;
import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The indexing pipeline behind {@link ImageSearch#index(Iterable, IndexListener)}: batches of files are read,
 * hashed, checked against the stores, decoded on the decode pool, embedded by every model and written (vectors
 * before locations). Not thread-safe: {@code ImageSearch} serialises indexing calls.
 */
final class BatchIndexer {

    private static final Logger LOG = LoggerFactory.getLogger(ImageSearch.class);
    /** Files whose locations are looked up in the id map together (see {@link LocationLookahead}). */
    static final int LOOKAHEAD = 1_000;

    private final List<IndexedModel> models;
    private final IdMapper ids;
    private final ImageDecoder decoder;
    private final int batchSize;
    private final ExecutorService decodePool;
    /** Passed to {@link ImageDecoder#decode(byte[], int)}: 0 decodes at full resolution. */
    private final int minSide;

    BatchIndexer(List<IndexedModel> models, IdMapper ids, ImageDecoder decoder, int batchSize,
                 ExecutorService decodePool, int minSide) {
        this.models = List.copyOf(models);
        this.ids = ids;
        this.decoder = decoder;
        this.batchSize = batchSize;
        this.decodePool = decodePool;
        this.minSide = minSide;
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
        Batch batch = it.hasNext() && !listener.cancelled() ? prefetch(it, Set.of()) : null;
        while (batch != null) {
            settled.clear();
            Batch next = null;
            try {
                next = indexBatch(batch, tracking, c, it);
            } catch (RuntimeException e) {
                cancel(batch);
                cancel(batch.next);
                List<Path> notStored = batch.paths.stream().filter(p -> !settled.contains(p)).toList();
                throw new IndexAbortedException(report(c, start), notStored, e);
            } catch (Error e) {
                cancel(batch);
                cancel(batch.next);
                throw e;
            }
            batch = next;
            if (batch != null && listener.cancelled()) {
                cancel(batch);
                throw new IndexCancelledException(report(c, start));
            }
        }
        return report(c, start);
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

    /** One file on its way through a batch. */
    private static final class Item {
        final Path path;
        final String location;
        /** The same location came earlier in this batch: that one does the work. */
        final boolean duplicate;
        ContentId cid;
        byte[] bytes;
        BufferedImage image;
        /** Why decoding failed (counts only if the image turns out to be needed), or null. */
        String decodeFailure;
        /** Whether decoding was attempted (successfully or not). */
        boolean decoded;
        /** Per model: the new vector, or null. */
        float[][] vectors;
        /** Per model: why it could not embed this image, or null. */
        String[] modelFailures;
        /** Why the whole file failed, or null. */
        String failure;

        Item(Path path, int models, boolean duplicate) {
            this.path = path;
            this.location = ImageSearch.locationOf(path);
            this.duplicate = duplicate;
            this.vectors = new float[models][];
            this.modelFailures = new String[models];
        }
    }

    /**
     * A batch whose files are being read, hashed and (speculatively) decoded on the decode pool while the
     * previous batch is embedded. Only pixels are prepared ahead: which files are unchanged and what each model
     * must embed is decided when the batch's turn comes, after the previous batch's writes.
     */
    private static final class Batch {
        final List<Path> paths;
        final List<Item> items;
        /** Completes when every file is read and hashed. */
        CompletableFuture<Void> read;
        /** Completes when the speculative decoding is done (after {@link #read}). */
        CompletableFuture<Void> decoded;
        volatile boolean cancelled;
        /** The batch prefetched while this one is embedded, once started. */
        Batch next;

        Batch(List<Path> paths, List<Item> items) {
            this.paths = paths;
            this.items = items;
        }
    }

    /**
     * Takes the next batch of paths from {@code it} and starts reading, hashing and decoding it on the decode
     * pool. Decoded are the images that no model seems to have yet, judged from the stores now and counting
     * {@code embedding} (the ids the batch in flight is embedding) as stored; a wrong guess only costs time
     * (an image decoded for nothing, or decoded later on demand).
     */
    private Batch prefetch(Iterator<Path> it, Set<Long> embedding) {
        List<Path> paths = new ArrayList<>(batchSize);
        while (paths.size() < batchSize && it.hasNext()) {
            paths.add(it.next());
        }
        List<Item> items = new ArrayList<>(paths.size());
        Set<String> seen = new HashSet<>();
        for (Path p : paths) {
            String location = ImageSearch.locationOf(p);
            items.add(new Item(p, models.size(), !seen.add(location)));
        }
        Batch batch = new Batch(paths, items);
        List<CompletableFuture<Void>> reads = new ArrayList<>();
        for (Item item : items) {
            if (!item.duplicate) {
                reads.add(CompletableFuture.runAsync(() -> read(batch, item), decodePool));
            }
        }
        batch.read = CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new));
        batch.decoded = batch.read.thenComposeAsync(v -> {
            List<CompletableFuture<Void>> decodes = new ArrayList<>();
            for (Item item : guessNeeded(batch, embedding)) {
                decodes.add(CompletableFuture.runAsync(() -> decode(batch, item), decodePool));
            }
            return CompletableFuture.allOf(decodes.toArray(CompletableFuture[]::new));
        }, decodePool);
        return batch;
    }

    private void read(Batch batch, Item item) {
        if (batch.cancelled) {
            return;
        }
        try {
            item.bytes = decoder.readFile(item.path);
            item.cid = ContentId.of(item.bytes);
        } catch (ImageDecodeException e) {
            item.failure = e.getMessage();
        } catch (RuntimeException e) {
            item.failure = "cannot read: " + e; // one file's problem, not the run's
        }
    }

    /** The readable items of a batch that some model has no vector for, as far as the stores tell now. */
    private List<Item> guessNeeded(Batch batch, Set<Long> embedding) {
        List<Item> readable = batch.items.stream()
                .filter(i -> !i.duplicate && i.failure == null && i.cid != null).toList();
        if (batch.cancelled || readable.isEmpty()) {
            return List.of();
        }
        List<Long> unknown = readable.stream().map(i -> i.cid.id()).filter(id -> !embedding.contains(id))
                .distinct().toList();
        Set<Long> needed = new HashSet<>();
        try {
            for (IndexedModel m : models) {
                if (!unknown.isEmpty()) {
                    Set<Long> stored = m.collection().existing(unknown);
                    unknown.stream().filter(id -> !stored.contains(id)).forEach(needed::add);
                }
            }
        } catch (RuntimeException e) {
            // only a guess: the batch's own check (on the indexing thread) reports a backend failure
            LOG.debug("Cannot look ahead in the vector store: {}", e.toString());
            return List.of();
        }
        Set<Long> first = new HashSet<>();
        return readable.stream().filter(i -> needed.contains(i.cid.id()) && first.add(i.cid.id())).toList();
    }

    private void decode(Batch batch, Item item) {
        if (batch.cancelled || item.decoded) {
            return;
        }
        try {
            item.image = decoder.decode(item.bytes, minSide);
        } catch (ImageDecodeException e) {
            item.decodeFailure = e.getMessage();
        } catch (RuntimeException e) {
            item.decodeFailure = "cannot decode: " + e;
        } finally {
            item.decoded = true;
            item.bytes = null;
        }
    }

    /** Stops the work of a prefetched batch that will not be indexed (tasks already running finish). */
    private static void cancel(Batch batch) {
        if (batch != null) {
            batch.cancelled = true;
        }
    }

    /** Waits for a stage of a batch, rethrowing what a task threw (a reader's unexpected exception). */
    private static void await(CompletableFuture<Void> stage, String what) {
        try {
            stage.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException ce
                    && ce.getCause() != null ? ce.getCause() : e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("Failed while " + what, cause);
        }
    }

    /**
     * Indexes one batch: checks what is unchanged and what each model must embed, starts the next batch's
     * prefetch, embeds, then writes vectors, then locations. Returns the next batch, or null at the end.
     */
    private Batch indexBatch(Batch batch, IndexListener listener, Counters c, LocationLookahead more) {
        int n = models.size();
        await(batch.read, "reading files");
        List<Item> items = batch.items.stream().filter(i -> !i.duplicate).toList();
        List<Item> ok = items.stream().filter(i -> i.failure == null).toList();
        List<Long> okIds = ok.stream().map(i -> i.cid.id()).toList();
        List<Set<Long>> stored = new ArrayList<>(n);
        for (IndexedModel m : models) {
            stored.add(okIds.isEmpty() ? Set.of() : m.collection().existing(okIds));
        }

        // Per model, the content it has no vector for yet (first occurrence in this batch embeds it).
        List<Map<Long, Item>> toEmbed = new ArrayList<>(n);
        for (int m = 0; m < n; m++) {
            toEmbed.add(new LinkedHashMap<>());
        }
        List<Item> toMap = new ArrayList<>();
        List<Item> unchanged = new ArrayList<>();
        Map<String, ImageRecord> mapped = ok.isEmpty() ? Map.of()
                : more.lookup(ids, ok.stream().map(i -> i.location).toList()); // one round trip per window
        for (Item item : ok) {
            long id = item.cid.id();
            boolean complete = true;
            for (int m = 0; m < n; m++) {
                if (!stored.get(m).contains(id)) {
                    toEmbed.get(m).putIfAbsent(id, item);
                    complete = false;
                }
            }
            ImageRecord current = mapped.get(item.location);
            if (complete && current != null && current.id() == id) {
                unchanged.add(item);
                continue;
            }
            toMap.add(item);
        }
        Set<Long> embedding = new HashSet<>();
        toEmbed.forEach(perModel -> embedding.addAll(perModel.keySet()));
        batch.next = more.hasNext() ? prefetch(more, embedding) : null;
        await(batch.decoded, "decoding"); // the items are not touched by the pool any more
        for (Item item : unchanged) {
            item.bytes = null;
            item.image = null;
            c.unchanged++;
            listener.fileDone(item.path, IndexListener.Outcome.UNCHANGED, null);
        }
        embedAll(toEmbed, items);

        // 1. vectors, durable, model by model
        List<Set<Long>> embeddedIds = new ArrayList<>(n);
        for (int m = 0; m < n; m++) {
            List<VectorRecord> records = new ArrayList<>();
            Set<Long> done = new HashSet<>();
            for (Item item : toEmbed.get(m).values()) {
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
        // 2. locations, durable, for content that has a vector in at least one model
        List<Long> replaced = new ArrayList<>();
        List<IdMapper.Link> links = new ArrayList<>();
        for (Item item : toMap) {
            long id = item.cid.id();
            boolean anyVector = false;
            List<String> reasons = new ArrayList<>();
            for (int m = 0; m < n; m++) {
                if (stored.get(m).contains(id) || embeddedIds.get(m).contains(id)) {
                    anyVector = true;
                } else {
                    Item owner = toEmbed.get(m).get(id);
                    String why = owner.failure != null ? owner.failure : owner.modelFailures[m];
                    reasons.add(n == 1 || owner.failure != null ? why : models.get(m).name() + ": " + why);
                    item.modelFailures[m] = why;
                }
            }
            if (!anyVector) {
                item.failure = String.join("; ", new java.util.LinkedHashSet<>(reasons));
                continue;
            }
            links.add(new IdMapper.Link(item.location, id, item.cid.contentHash()));
        }
        for (OptionalLong previous : links.isEmpty() ? List.<OptionalLong>of() : ids.putAll(links)) {
            previous.ifPresent(replaced::add); // the file changed: its old content may now be found nowhere
        }
        ids.flush();
        more.forget(items.stream().map(i -> i.location).toList());
        // Everything of this batch is durable now: count it and tell the listener before the clean-up below.
        for (Item item : items) {
            if (item.failure != null) {
                c.failures.add(new IndexReport.Failure(item.path, item.failure));
                listener.fileDone(item.path, IndexListener.Outcome.FAILED, item.failure);
                LOG.warn("Skipped {}: {}", item.path, item.failure);
            } else if (toMap.contains(item)) {
                c.indexed++;
                boolean embeddedHere = false;
                for (int m = 0; m < n; m++) {
                    embeddedHere |= toEmbed.get(m).get(item.cid.id()) == item && item.vectors[m] != null;
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
        // The same file twice in one batch: the first copy did the work; the others share its outcome.
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
        // 3. vectors of content no location points to any more (decided after every put of the batch: a file
        // renamed onto another file's old path in the same batch still needs its vector)
        // Best effort: the batch is already durable and reported; a vector left here is found by repair().
        try {
            if (!replaced.isEmpty()) {
                replaced.removeAll(ids.getAll(replaced).keySet());
            }
            if (!replaced.isEmpty()) {
                for (IndexedModel m : models) {
                    m.collection().delete(replaced);
                    m.collection().flush();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not delete {} vectors of replaced content ({}); ImageSearch.repair() removes them",
                    replaced.size(), e.toString());
        }
        return batch.next;
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
            decodeMissing(needed.values());
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
            }
        }
    }

    private void decodeMissing(Collection<Item> needed) {
        Batch now = new Batch(List.of(), List.of());
        List<CompletableFuture<Void>> decoding = new ArrayList<>();
        for (Item item : needed) {
            if (!item.decoded) {
                decoding.add(CompletableFuture.runAsync(() -> decode(now, item), decodePool));
            }
        }
        await(CompletableFuture.allOf(decoding.toArray(CompletableFuture[]::new)), "decoding");
    }

    /** Runs model {@code m} on decoded items; failures are recorded per item and model. */
    private void embed(int m, List<Item> decoded) {
        if (decoded.isEmpty()) {
            return;
        }
        IndexedModel model = models.get(m);
        try {
            List<float[]> vectors = embedBatch(model, decoded.stream().map(i -> i.image).toList());
            for (int i = 0; i < decoded.size(); i++) {
                decoded.get(i).vectors[m] = checkVector(model, vectors.get(i));
            }
        } catch (RuntimeException batchFailure) {
            // Find out which image is at fault, one at a time, so the others still get indexed.
            for (Item item : decoded) {
                try {
                    item.vectors[m] = checkVector(model, embedOne(model, item.image));
                } catch (RuntimeException e) {
                    item.vectors[m] = null;
                    item.modelFailures[m] = "embedding failed: " + e.getMessage();
                }
            }
        }
    }

    /** Embeds with {@code model}, one call at a time unless the embedder is thread-safe. */
    static float[] embedOne(IndexedModel model, BufferedImage image) {
        Embedder e = model.embedder();
        if (e.threadSafe()) {
            return e.embed(image);
        }
        synchronized (e) {
            return e.embed(image);
        }
    }

    private static List<float[]> embedBatch(IndexedModel model, List<BufferedImage> images) {
        Embedder e = model.embedder();
        if (e.threadSafe()) {
            return e.embedBatch(images);
        }
        synchronized (e) {
            return e.embedBatch(images);
        }
    }

    static float[] checkVector(IndexedModel model, float[] v) {
        int dim = model.collection().spec().dimension();
        if (v == null || v.length != dim) {
            throw new EmbeddingException("the embedder returned " + (v == null ? "no vector" : v.length
                    + " values") + " but the collection has dimension " + dim);
        }
        return v;
    }
}
