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
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The indexing pipeline behind {@link ImageSearch#index(Iterable, IndexListener)}: batches of files are read,
 * hashed, checked against the stores, decoded on the decode pool, embedded by every model and written (vectors
 * before locations). Not thread-safe: {@code ImageSearch} serialises indexing calls.
 */
final class BatchIndexer {

    private static final Logger LOG = LoggerFactory.getLogger(ImageSearch.class);

    private final List<IndexedModel> models;
    private final IdMapper ids;
    private final ImageDecoder decoder;
    private final int batchSize;
    private final ExecutorService decodePool;

    BatchIndexer(List<IndexedModel> models, IdMapper ids, ImageDecoder decoder, int batchSize,
                 ExecutorService decodePool) {
        this.models = List.copyOf(models);
        this.ids = ids;
        this.decoder = decoder;
        this.batchSize = batchSize;
        this.decodePool = decodePool;
    }

    /** Indexes the files; see {@link ImageSearch#index(Iterable, IndexListener)} for the contract. */
    IndexReport index(Iterable<Path> paths, IndexListener listener, long start) {
        Counters c = new Counters();
        List<Path> batch = new ArrayList<>(batchSize);
        Set<Path> settled = new HashSet<>(); // files of the current batch that are durable or reported
        IndexListener tracking = (path, outcome, reason) -> {
            settled.add(path);
            listener.fileDone(path, outcome, reason);
        };
        Iterator<Path> it = paths.iterator();
        while (it.hasNext() || !batch.isEmpty()) {
            if (it.hasNext()) {
                batch.add(it.next());
            }
            if (batch.size() == batchSize || (!it.hasNext() && !batch.isEmpty())) {
                settled.clear();
                try {
                    indexBatch(batch, tracking, c, settled::addAll);
                } catch (RuntimeException e) {
                    List<Path> notStored = batch.stream().filter(p -> !settled.contains(p)).toList();
                    throw new IndexAbortedException(report(c, start), notStored, e);
                }
                batch.clear();
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
        ContentId cid;
        byte[] bytes;
        BufferedImage image;
        /** Per model: the new vector, or null. */
        float[][] vectors;
        /** Per model: why it could not embed this image, or null. */
        String[] modelFailures;
        /** Why the whole file failed, or null. */
        String failure;

        Item(Path path, int models) {
            this.path = path;
            this.location = ImageSearch.locationOf(path);
            this.vectors = new float[models][];
            this.modelFailures = new String[models];
        }
    }

    private void indexBatch(List<Path> paths, IndexListener listener, Counters c,
                            java.util.function.Consumer<List<Path>> settled) {
        int n = models.size();
        List<Item> items = new ArrayList<>(paths.size());
        Set<String> seen = new HashSet<>();
        for (Path p : paths) {
            Item item = new Item(p, n);
            if (!seen.add(item.location)) {
                // the same file twice in one batch: the first one does the work
                c.unchanged++;
                listener.fileDone(p, IndexListener.Outcome.UNCHANGED, null);
                continue;
            }
            try {
                item.bytes = decoder.readFile(p);
                item.cid = ContentId.of(item.bytes);
            } catch (ImageDecodeException e) {
                item.failure = e.getMessage();
            }
            items.add(item);
        }
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
        Map<String, ImageRecord> mapped = ok.isEmpty() ? Map.of()
                : ids.lookupAll(ok.stream().map(i -> i.location).toList()); // one round trip per batch
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
                item.bytes = null;
                c.unchanged++;
                listener.fileDone(item.path, IndexListener.Outcome.UNCHANGED, null);
                continue;
            }
            toMap.add(item);
        }
        embedAll(toEmbed);

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
        settled.accept(toMap.stream().filter(i -> i.failure == null).map(i -> i.path).toList());
        // 3. vectors of content no location points to any more (decided after every put of the batch: a file
        // renamed onto another file's old path in the same batch still needs its vector)
        if (!replaced.isEmpty()) {
            replaced.removeAll(ids.getAll(replaced).keySet());
        }
        if (!replaced.isEmpty()) {
            for (IndexedModel m : models) {
                m.collection().delete(replaced);
                m.collection().flush();
            }
        }
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
    }

    /** Decodes each needed image once (in parallel) and runs every model that needs it. */
    private void embedAll(List<Map<Long, Item>> toEmbed) {
        Map<Long, Item> needed = new LinkedHashMap<>();
        for (Map<Long, Item> perModel : toEmbed) {
            for (Item item : perModel.values()) {
                needed.putIfAbsent(item.cid.id(), item);
            }
        }
        if (needed.isEmpty()) {
            return;
        }
        decodeAll(needed.values());
        try {
            for (int m = 0; m < models.size(); m++) {
                List<Item> decoded = toEmbed.get(m).values().stream().filter(i -> i.image != null).toList();
                embed(m, decoded);
            }
        } finally {
            for (Item item : needed.values()) {
                item.image = null;
            }
        }
    }

    private void decodeAll(Collection<Item> items) {
        List<Future<?>> decoding = new ArrayList<>(items.size());
        for (Item item : items) {
            decoding.add(decodePool.submit(() -> {
                try {
                    item.image = decoder.decode(item.bytes);
                } catch (ImageDecodeException e) {
                    item.failure = e.getMessage();
                } catch (RuntimeException e) {
                    item.failure = "cannot decode: " + e;
                } finally {
                    item.bytes = null;
                }
            }));
        }
        for (Future<?> f : decoding) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while decoding", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("Decoder crashed", e.getCause());
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

    private static float[] checkVector(IndexedModel model, float[] v) {
        int dim = model.collection().spec().dimension();
        if (v == null || v.length != dim) {
            throw new EmbeddingException("the embedder returned " + (v == null ? "no vector" : v.length
                    + " values") + " but the collection has dimension " + dim);
        }
        return v;
    }
}
