package dev.imagesearch;

import dev.imagesearch.embed.Embedder;
import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.embedded.EmbeddedIdMapper;
import dev.imagesearch.embedded.EmbeddedVectorStore;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.image.ContentId;
import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.image.ImageLimits;
import dev.imagesearch.image.RgbImages;
import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import dev.imagesearch.store.VectorStore;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade: index image files and find the most similar ones.
 *
 * <pre>{@code
 * try (ImageSearch search = ImageSearch.builder().embedder(embedder).build()) {
 *     search.index(List.of(Path.of("photos/cat.jpg"), Path.of("photos/dog.jpg")));
 *     List<Match> hits = search.similar(Path.of("query.jpg"), 5);
 * }
 * }</pre>
 *
 * <p>Ids come from image content (SHA-256), so indexing is idempotent: the same bytes are embedded once, whatever
 * their path and however often they are indexed. Files are processed in small batches, so memory stays bounded
 * by the batch, not the folder. After each batch the vectors and then the id map are flushed; a crash between the
 * two leaves at most a vector without a location, which searches skip and the next {@code index} reuses.
 *
 * <p>An {@code ImageSearch} owns the embedder, store and id map it is built with and closes them in
 * {@link #close()}. Its methods are thread-safe; indexing calls are serialised.
 */
public final class ImageSearch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImageSearch.class);

    /** File name extensions {@link #indexDirectory} picks up (lower case). */
    public static final Set<String> IMAGE_EXTENSIONS = Set.of(
            "jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff", "wbmp");

    private final Embedder embedder;
    private final VectorStore store;
    private final VectorCollection collection;
    private final IdMapper ids;
    private final ImageDecoder decoder;
    private final int batchSize;
    private final ExecutorService decodePool;
    private final Object indexLock = new Object();
    private boolean closed;

    private ImageSearch(Builder b, VectorStore store, VectorCollection collection, IdMapper ids) {
        this.embedder = b.embedder;
        this.store = store;
        this.collection = collection;
        this.ids = ids;
        this.decoder = new ImageDecoder(b.limits);
        this.batchSize = b.batchSize > 0 ? b.batchSize : Math.max(1, embedder.preferredBatchSize());
        int threads = b.decodeThreads > 0 ? b.decodeThreads : Runtime.getRuntime().availableProcessors();
        this.decodePool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "imagesearch-decode");
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The embedder in use. */
    public Embedder embedder() {
        return embedder;
    }

    /** The vector collection of the embedder's model. */
    public VectorCollection collection() {
        return collection;
    }

    /** The id map in use. */
    public IdMapper idMapper() {
        return ids;
    }

    /** Indexes the given image files. See {@link #index(Iterable, IndexListener)}. */
    public IndexReport index(Collection<Path> paths) {
        return index(paths, IndexListener.NONE);
    }

    /**
     * Indexes image files, batch by batch. A file that cannot be read, decoded or embedded is reported in
     * {@link IndexReport#failures()} with its reason and the rest go on. Returns when everything reported as
     * indexed is durable.
     *
     * @throws dev.imagesearch.store.VectorStoreException if the store fails (for example a server outage); files
     *         of earlier batches stay indexed, and running {@code index} again completes the rest without
     *         duplicates
     * @throws RuntimeException from the id map (for example {@code RedisIdMapException} on a Redis outage), with
     *         the same guarantees; {@link #repair()} then removes vectors whose location was never written
     */
    public IndexReport index(Iterable<Path> paths, IndexListener listener) {
        Objects.requireNonNull(paths, "paths");
        Objects.requireNonNull(listener, "listener");
        long start = System.nanoTime();
        synchronized (indexLock) {
            ensureOpen();
            Counters c = new Counters();
            List<Path> batch = new ArrayList<>(batchSize);
            Iterator<Path> it = paths.iterator();
            while (it.hasNext()) {
                batch.add(it.next());
                if (batch.size() == batchSize) {
                    indexBatch(batch, listener, c);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                indexBatch(batch, listener, c);
            }
            return new IndexReport(c.indexed, c.embedded, c.unchanged, c.failures,
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** Indexes every image file (by extension) under a directory, recursively, in a stable (sorted) order. */
    public IndexReport indexDirectory(Path directory) {
        return indexDirectory(directory, IndexListener.NONE);
    }

    /** As {@link #indexDirectory(Path)}, reporting each file to {@code listener}. */
    public IndexReport indexDirectory(Path directory, IndexListener listener) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("Not a directory: " + directory);
        }
        try (Stream<Path> files = listImages(directory)) {
            return index(files::iterator, listener);
        }
    }

    /**
     * The image files under a directory, recursively, sorted by path within each directory. The stream is lazy;
     * close it.
     */
    public static Stream<Path> listImages(Path directory) {
        try {
            return Files.walk(directory)
                    .filter(p -> isImageName(p) && Files.isRegularFile(p))
                    .sorted();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Whether a file name has one of the {@link #IMAGE_EXTENSIONS}. */
    public static boolean isImageName(Path p) {
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static final class Counters {
        int indexed;
        int embedded;
        int unchanged;
        final List<IndexReport.Failure> failures = new ArrayList<>();
    }

    /** One file on its way through a batch. */
    private static final class Item {
        final Path path;
        final String location;
        ContentId cid;
        byte[] bytes;
        BufferedImage image;
        float[] vector;
        String failure;

        Item(Path path) {
            this.path = path;
            this.location = locationOf(path);
        }
    }

    private void indexBatch(List<Path> paths, IndexListener listener, Counters c) {
        List<Item> items = new ArrayList<>(paths.size());
        for (Path p : paths) {
            Item item = new Item(p);
            try {
                item.bytes = decoder.readFile(p);
                item.cid = ContentId.of(item.bytes);
            } catch (ImageDecodeException e) {
                item.failure = e.getMessage();
            }
            items.add(item);
        }
        List<Item> ok = items.stream().filter(i -> i.failure == null).toList();
        Set<Long> stored = collection.existing(ok.stream().map(i -> i.cid.id()).toList());

        // Which items need the model: content not stored yet, first occurrence in this batch.
        Map<Long, Item> toEmbed = new LinkedHashMap<>();
        List<Item> toMap = new ArrayList<>();
        for (Item item : ok) {
            long id = item.cid.id();
            Optional<ImageRecord> current = ids.lookup(item.location);
            if (stored.contains(id) && current.isPresent() && current.get().id() == id) {
                item.bytes = null;
                c.unchanged++;
                listener.fileDone(item.path, IndexListener.Outcome.UNCHANGED, null);
                continue;
            }
            if (!stored.contains(id)) {
                toEmbed.putIfAbsent(id, item);
            }
            toMap.add(item);
        }
        embed(new ArrayList<>(toEmbed.values()));

        // 1. vectors, durable
        List<VectorRecord> records = new ArrayList<>();
        Set<Long> embeddedIds = new HashSet<>();
        for (Item item : toEmbed.values()) {
            if (item.failure == null) {
                records.add(new VectorRecord(item.cid.id(), item.vector));
                embeddedIds.add(item.cid.id());
            }
        }
        if (!records.isEmpty()) {
            collection.upsert(records);
            collection.flush();
        }
        // 2. locations, durable; items whose content failed to embed fail with the same reason
        List<Long> replaced = new ArrayList<>();
        for (Item item : toMap) {
            long id = item.cid.id();
            if (!stored.contains(id) && !embeddedIds.contains(id)) {
                Item owner = toEmbed.get(id);
                item.failure = item.failure != null ? item.failure : owner.failure;
                continue;
            }
            OptionalLong previous = ids.put(item.location, id, item.cid.contentHash());
            if (previous.isPresent() && ids.get(previous.getAsLong()).isEmpty()) {
                replaced.add(previous.getAsLong()); // the file changed and its old content is found nowhere else
            }
        }
        ids.flush();
        // 3. vectors of content no location points to any more
        if (!replaced.isEmpty()) {
            collection.delete(replaced);
            collection.flush();
        }
        for (Item item : items) {
            if (item.failure != null) {
                c.failures.add(new IndexReport.Failure(item.path, item.failure));
                listener.fileDone(item.path, IndexListener.Outcome.FAILED, item.failure);
                LOG.warn("Skipped {}: {}", item.path, item.failure);
            } else if (toMap.contains(item)) {
                c.indexed++;
                if (toEmbed.get(item.cid.id()) == item) {
                    c.embedded++;
                }
                listener.fileDone(item.path, IndexListener.Outcome.INDEXED, null);
            }
        }
    }

    /** Decodes (in parallel) and embeds the items; failures are recorded on the items. */
    private void embed(List<Item> items) {
        if (items.isEmpty()) {
            return;
        }
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
        List<Item> decoded = items.stream().filter(i -> i.failure == null).toList();
        if (decoded.isEmpty()) {
            return;
        }
        try {
            List<float[]> vectors = embedder.embedBatch(decoded.stream().map(i -> i.image).toList());
            for (int i = 0; i < decoded.size(); i++) {
                decoded.get(i).vector = checkVector(vectors.get(i));
            }
        } catch (RuntimeException batchFailure) {
            // Find out which image is at fault, one at a time, so the others still get indexed.
            for (Item item : decoded) {
                try {
                    item.vector = checkVector(embedder.embed(item.image));
                } catch (RuntimeException e) {
                    item.failure = "embedding failed: " + e.getMessage();
                }
            }
        } finally {
            for (Item item : decoded) {
                item.image = null;
            }
        }
    }

    private float[] checkVector(float[] v) {
        if (v == null || v.length != collection.spec().dimension()) {
            throw new EmbeddingException("the embedder returned " + (v == null ? "no vector" : v.length
                    + " values") + " but the collection has dimension " + collection.spec().dimension());
        }
        return v;
    }

    /** The {@code k} images most similar to the image file at {@code image}, best first. */
    public List<Match> similar(Path image, int k) throws ImageDecodeException {
        return similar(decoder.decode(image), k);
    }

    /** The {@code k} indexed images most similar to encoded image bytes (JPEG, PNG, ...), best first. */
    public List<Match> similar(byte[] image, int k) throws ImageDecodeException {
        return similar(decoder.decode(image), k);
    }

    /** The {@code k} indexed images most similar to {@code image}, best first. */
    public List<Match> similar(BufferedImage image, int k) {
        Objects.requireNonNull(image, "image");
        checkK(k);
        ensureOpen();
        if (k == 0) {
            return List.of();
        }
        return similar(embedder.embed(RgbImages.toRgb(image)), k);
    }

    /** The {@code k} indexed images nearest to a vector of this model, best first. */
    public List<Match> similar(float[] vector, int k) {
        checkK(k);
        ensureOpen();
        if (k == 0) {
            return List.of(); // the loop below only stops early once it has k > 0 hits
        }
        List<Match> out = new ArrayList<>(k);
        // Over-fetch a little: ids without a location (left by an interrupted run) are skipped.
        int fetch = k + Math.max(8, k / 4);
        while (true) {
            List<ScoredId> hits = collection.search(vector, fetch);
            Map<Long, ImageRecord> records = ids.getAll(hits.stream().map(ScoredId::id).toList());
            out.clear();
            for (ScoredId hit : hits) {
                ImageRecord r = records.get(hit.id());
                if (r != null && !r.locations().isEmpty()) {
                    out.add(new Match(out.size() + 1, hit.id(), r.primaryLocation(), r.locations(), hit.score(),
                            r.contentHash()));
                    if (out.size() == k) {
                        return out;
                    }
                }
            }
            if (hits.size() < fetch || fetch >= collection.count()) {
                return out;
            }
            fetch = (int) Math.min(Integer.MAX_VALUE - 8, (long) fetch * 2);
        }
    }

    private static void checkK(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
    }

    /**
     * Removes a file from the index. Its vector is deleted when no other location holds the same content.
     *
     * @return whether the file was indexed
     */
    public boolean remove(Path path) {
        synchronized (indexLock) {
            ensureOpen();
            Optional<ImageRecord> after = ids.remove(locationOf(path));
            ids.flush();
            if (after.isEmpty()) {
                return false;
            }
            if (after.get().locations().isEmpty()) {
                collection.delete(List.of(after.get().id()));
                collection.flush();
            }
            return true;
        }
    }

    /**
     * Checks that the vector collection and the id map agree: every mapped id has a vector and every vector has a
     * location. Changes nothing.
     */
    public Reconciler.Report verify() {
        synchronized (indexLock) { // a batch in progress has vectors whose locations are not written yet
            ensureOpen();
            return new Reconciler(collection, ids).verify();
        }
    }

    /**
     * Repairs what a crash or an outage between the two writes of {@code index} leaves behind: deletes vectors that
     * no location points to. Locations whose vector is missing are kept (the id map may be shared with other
     * models' collections); the next {@code index} of those files embeds them again, since a file counts as
     * unchanged only when its vector is present.
     *
     * @return what was found before the repair
     */
    public Reconciler.Report repair() {
        synchronized (indexLock) {
            ensureOpen();
            Reconciler.Report found = new Reconciler(collection, ids).verify();
            if (!found.vectorsWithoutMapping().isEmpty()) {
                collection.delete(found.vectorsWithoutMapping());
                collection.flush();
            }
            return found;
        }
    }

    /** Number of distinct indexed images (one per content, whatever the number of locations). */
    public long count() {
        ensureOpen();
        return ids.size();
    }

    /** The location string used for a path: its absolute, normalised form. */
    public static String locationOf(Path path) {
        return path.toAbsolutePath().normalize().toString();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ImageSearch is closed");
        }
    }

    /** Flushes and closes the id map, the store and the embedder. */
    @Override
    public void close() {
        synchronized (indexLock) {
            if (closed) {
                return;
            }
            closed = true;
            decodePool.shutdownNow();
            RuntimeException failure = null;
            for (AutoCloseable c : new AutoCloseable[] {ids, store, embedder}) {
                try {
                    c.close();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = new IllegalStateException("Closing ImageSearch failed: " + e.getMessage(), e);
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * Builds an {@link ImageSearch}. Only the embedder is required; everything else has a default, listed with
     * each setter.
     */
    public static final class Builder {
        private Embedder embedder;
        private VectorStore store;
        private IdMapper ids;
        private Path dataDirectory = Path.of("imagesearch-data");
        private String collectionName;
        private Metric metric = Metric.COSINE;
        private ImageLimits limits = ImageLimits.DEFAULT;
        private int batchSize;
        private int decodeThreads;

        private Builder() {
        }

        /** The model that turns images into vectors. Required. */
        public Builder embedder(Embedder embedder) {
            this.embedder = embedder;
            return this;
        }

        /** Where vectors are kept. Default: {@link EmbeddedVectorStore} under {@link #dataDirectory}. */
        public Builder vectorStore(VectorStore store) {
            this.store = store;
            return this;
        }

        /** Where id → location links are kept. Default: {@link EmbeddedIdMapper} under {@link #dataDirectory}. */
        public Builder idMapper(IdMapper ids) {
            this.ids = ids;
            return this;
        }

        /** Directory of the embedded store and id map. Default: {@code imagesearch-data} in the working directory. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory);
            return this;
        }

        /** Name of the vector collection. Default: the embedder's {@link Embedder#name()}. */
        public Builder collectionName(String name) {
            this.collectionName = name;
            return this;
        }

        /** Metric of a new collection. Default: {@link Metric#COSINE}. */
        public Builder metric(Metric metric) {
            this.metric = Objects.requireNonNull(metric);
            return this;
        }

        /** Limits on files and image sizes. Default: {@link ImageLimits#DEFAULT}. */
        public Builder imageLimits(ImageLimits limits) {
            this.limits = Objects.requireNonNull(limits);
            return this;
        }

        /** Files per batch (memory holds one batch of decoded images). Default: the embedder's preferred batch size. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Threads that decode images. Default: the number of processors. */
        public Builder decodeThreads(int threads) {
            this.decodeThreads = threads;
            return this;
        }

        /**
         * Opens the collection and the id map.
         *
         * @throws dev.imagesearch.store.CollectionMismatchException if the collection was made by another model
         *         (nothing is written then)
         */
        public ImageSearch build() {
            if (embedder == null) {
                throw new IllegalStateException("An embedder is required: builder().embedder(...)");
            }
            CollectionSpec spec = CollectionSpec
                    .builder(collectionName != null ? collectionName : embedder.name(), embedder.dimension())
                    .metric(metric)
                    .fingerprint(embedder.fingerprint())
                    .build();
            VectorStore s = store != null ? store : EmbeddedVectorStore.open(dataDirectory);
            IdMapper m = null;
            try {
                VectorCollection c = s.open(spec); // checks dimension, metric and model before anything is written
                m = ids != null ? ids : EmbeddedIdMapper.open(dataDirectory);
                return new ImageSearch(this, s, c, m);
            } catch (RuntimeException e) {
                if (store == null) {
                    s.close();
                }
                if (m != null && ids == null) {
                    m.close();
                }
                throw e;
            }
        }
    }
}
