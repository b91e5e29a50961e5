package dev.imagesearch;

import dev.imagesearch.embed.DefaultEmbedderProvider;
import dev.imagesearch.embed.Embedder;
import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.embedded.EmbeddedIdMapper;
import dev.imagesearch.embedded.EmbeddedVectorStore;
import dev.imagesearch.files.ImageFiles;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.image.ImageLimits;
import dev.imagesearch.image.RgbImages;
import dev.imagesearch.image.PngDecoder;
import dev.imagesearch.image.ScaledJpegDecoder;
import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorStore;
import dev.imagesearch.store.VectorStoreException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * by two batches (the one being embedded and the next one, read and decoded meanwhile on the decode threads), not
 * the folder. After each batch the vectors and then the id map are flushed; a crash between the two leaves at most
 * a vector without a location, which searches skip and the next {@code index} reuses. While a batch is embedded,
 * the decode threads ask the vector collections which of the next batch's images they already hold (a guess of
 * what to decode; the decision is taken again after the batch's writes), so collections see {@code existing}
 * calls beside the indexing thread's writes, as they see searches.
 *
 * <p>Several models can run side by side ({@link Builder#addEmbedder}): each image is read and decoded once, every
 * model embeds it into its own collection, and all models share the id map. A file is unchanged only when every
 * model has its vector, so adding a model later embeds just what it is missing. {@code similar(image, k)} searches
 * with the primary (first) model; {@link #similar(IndexedModel, BufferedImage, int)} with any other.
 *
 * <p>An {@code ImageSearch} owns the embedder, store and id map it is built with and closes them in
 * {@link #close()}. Its methods are thread-safe; indexing calls are serialised.
 */
public final class ImageSearch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImageSearch.class);

    /** File name extensions {@link #indexDirectory} picks up (lower case). */
    public static final Set<String> IMAGE_EXTENSIONS = ImageFiles.EXTENSIONS;

    private final List<IndexedModel> models;
    private final VectorStore store;
    private final IdMapper ids;
    private final ImageDecoder decoder;
    private final ExecutorService decodePool;
    private final BatchIndexer indexer;
    /** The side passed to {@link ImageDecoder#decode(byte[], int)}, for indexing and query files alike. */
    private final int minSide;
    private final Object indexLock = new Object();
    private volatile boolean closed;

    private ImageSearch(Builder b, VectorStore store, List<IndexedModel> models, IdMapper ids) {
        this.models = List.copyOf(models);
        this.store = store;
        this.ids = ids;
        this.decoder = ImageDecoder.builder().limits(b.limits).scaledJpegDecoder(b.jpegDecoder).pngDecoder(b.pngDecoder)
                .build();
        int batchSize = b.batchSize > 0 ? b.batchSize
                : Math.max(1, models.stream().mapToInt(m -> m.embedder().preferredBatchSize()).min().orElse(8));
        int threads = b.decodeThreads > 0 ? b.decodeThreads : Runtime.getRuntime().availableProcessors();
        this.decodePool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "imagesearch-decode");
            t.setDaemon(true);
            return t;
        });
        this.minSide = b.reducedDecoding
                ? models.stream().mapToInt(m -> m.embedder().minimumInputSide()).max().orElse(0) : 0;
        this.indexer = new BatchIndexer(this.models, ids, decoder, batchSize, decodePool, minSide);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * What each collection's fingerprint records of the decoding, appended to the model's fingerprint:
     * {@code ""} for ImageIO at full size, else {@code ";decode=reduced"}, {@code ";decode=reduced+jpeg=NAME"} or
     * {@code ";decode=jpeg=NAME"} (NAME = {@link ScaledJpegDecoder#name()}).
     */
    public static String decodingPolicy(boolean reducedDecoding, ScaledJpegDecoder jpegDecoder) {
        String jpeg = jpegDecoder == null ? "" : "jpeg=" + jpegDecoder.name();
        String policy = reducedDecoding ? (jpeg.isEmpty() ? "reduced" : "reduced+" + jpeg) : jpeg;
        return policy.isEmpty() ? "" : ";decode=" + policy;
    }

    /** The embedder of the primary (first) model. */
    public Embedder embedder() {
        return models.get(0).embedder();
    }

    /** The vector collection of the primary (first) model. */
    public VectorCollection collection() {
        return models.get(0).collection();
    }

    /** Every model, the primary one first. */
    public List<IndexedModel> models() {
        return models;
    }

    /**
     * The model of that name.
     *
     * @throws IllegalArgumentException naming the available models if there is none of that name
     */
    public IndexedModel model(String name) {
        for (IndexedModel m : models) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("No model '" + name + "' in this index; models: "
                + models.stream().map(IndexedModel::name).toList());
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
     * @throws IndexCancelledException if {@code listener} cancelled the call (see {@link IndexListener#cancelled()})
     * @throws IndexAbortedException if the vector store or the id map fails (for example a server outage): it
     *         carries the report of what was completed and the files that were not stored, and its cause is the
     *         backend's exception; running {@code index} again completes the rest without duplicates
     */
    public IndexReport index(Iterable<Path> paths, IndexListener listener) {
        Objects.requireNonNull(paths, "paths");
        Objects.requireNonNull(listener, "listener");
        long start = System.nanoTime();
        synchronized (indexLock) {
            ensureOpen();
            return indexer.index(paths, listener, start);
        }
    }

    /**
     * Indexes every image file (by extension) under a directory, recursively, in a stable (sorted) order. Every
     * other entry is listed in {@link IndexReport#skipped()} with its reason (see {@link ImageFiles#scan}).
     */
    public IndexReport indexDirectory(Path directory) {
        return indexDirectory(directory, IndexListener.NONE);
    }

    /** As {@link #indexDirectory(Path)}, reporting each file to {@code listener}. */
    public IndexReport indexDirectory(Path directory, IndexListener listener) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("Not a directory: " + directory);
        }
        ImageFiles.Scan scan = ImageFiles.scan(directory); // a list: the listener is told the total
        return index(scan.images(), listener).withSkipped(scan.skipped());
    }

    /**
     * The image files under a directory, recursively, sorted by path (see {@link ImageFiles#scan}, which also says
     * why every other entry is left out).
     */
    public static Stream<Path> listImages(Path directory) {
        return ImageFiles.scan(directory).images().stream();
    }

    /** Whether a file name has one of the {@link #IMAGE_EXTENSIONS}. */
    public static boolean isImageName(Path p) {
        return ImageFiles.isImageName(p);
    }

    /**
     * The {@code k} images most similar to the image file at {@code image}, best first.
     *
     * @throws ImageDecodeException if the file cannot be read or decoded, and {@link EmbeddingException} if the
     *         model fails on it; both messages start with the file's path
     */
    public List<Match> similar(Path image, int k) throws ImageDecodeException {
        BufferedImage decoded = decodeQuery(image);
        try {
            return similar(decoded, k);
        } catch (EmbeddingException e) {
            throw new EmbeddingException(withPath(image, e.getMessage()), e);
        }
    }

    /** The {@code k} indexed images most similar to encoded image bytes (JPEG, PNG, ...), best first. */
    public List<Match> similar(byte[] image, int k) throws ImageDecodeException {
        return similar(decodeQuery(image), k);
    }

    /**
     * Decodes encoded image bytes as {@code index} and {@code similar(byte[], k)} do (size limits, EXIF orientation,
     * reduced decoding), for the {@code BufferedImage} methods such as {@link #searchAll(BufferedImage, int,
     * dev.imagesearch.fusion.Fusion)}: an indexed file's bytes decoded here find that file with score 1.
     *
     * @throws ImageDecodeException if the bytes are not a supported image or exceed the {@link ImageLimits}
     */
    public BufferedImage decode(byte[] image) throws ImageDecodeException {
        Objects.requireNonNull(image, "image");
        ensureOpen();
        return decodeQuery(image);
    }

    /** Decodes a query file or bytes as {@code index} decodes, so that an indexed file finds itself with score 1. */
    private BufferedImage decodeQuery(Path image) throws ImageDecodeException {
        try {
            return decoder.decode(decoder.readFile(image), minSide);
        } catch (ImageDecodeException e) {
            throw new ImageDecodeException(withPath(image, e.getMessage()), e);
        }
    }

    /** {@code path: message}, unless the message names the path already. */
    private static String withPath(Path path, String message) {
        return message != null && message.contains(path.toString()) ? message : path + ": " + message;
    }

    private BufferedImage decodeQuery(byte[] image) throws ImageDecodeException {
        return decoder.decode(image, minSide);
    }

    /** The {@code k} indexed images most similar to {@code image}, best first. */
    public List<Match> similar(BufferedImage image, int k) {
        Objects.requireNonNull(image, "image");
        checkK(k);
        ensureOpen();
        if (k == 0) {
            return List.of();
        }
        return similar(BatchIndexer.embedOne(models.get(0), RgbImages.toRgb(image)), k);
    }

    /**
     * Embeds an image with one of this index's models as indexing and search do: one call at a time for an
     * embedder that is not thread-safe, and checked against the collection's dimension.
     *
     * @throws EmbeddingException if the model fails or returns a vector of the wrong length
     */
    public float[] embed(IndexedModel model, BufferedImage image) {
        ensureOpen();
        return BatchIndexer.checkVector(model, BatchIndexer.embedOne(model, RgbImages.toRgb(image)));
    }

    /** The {@code k} indexed images nearest to a vector of the primary model, best first. */
    public List<Match> similar(float[] vector, int k) {
        return similar(models.get(0), vector, k);
    }

    /** The {@code k} indexed images most similar to {@code image} according to one model, best first. */
    public List<Match> similar(IndexedModel model, BufferedImage image, int k) {
        Objects.requireNonNull(image, "image");
        checkK(k);
        ensureOpen();
        if (k == 0) {
            return List.of();
        }
        return similar(model, BatchIndexer.embedOne(model, RgbImages.toRgb(image)), k);
    }

    /** The {@code k} indexed images nearest to a vector of {@code model}, best first. */
    public List<Match> similar(IndexedModel model, float[] vector, int k) {
        checkK(k);
        ensureOpen();
        VectorCollection collection = model.collection();
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
                for (IndexedModel m : models) {
                    m.collection().delete(List.of(after.get().id()));
                    m.collection().flush();
                }
            }
            return true;
        }
    }

    /**
     * Checks that each model's vector collection and the id map agree: every mapped id has a vector and every
     * vector has a location. Changes nothing. With several models the report is the union over models.
     */
    public Reconciler.Report verify() {
        synchronized (indexLock) { // a batch in progress has vectors whose locations are not written yet
            ensureOpen();
            List<Reconciler.Report> reports = new ArrayList<>();
            for (IndexedModel m : models) {
                reports.add(new Reconciler(m.collection(), ids).verify());
            }
            return union(reports);
        }
    }

    /**
     * Repairs what a crash or an outage between the two writes of {@code index} leaves behind, and what the
     * id map and the stores disagree on:
     * <ul>
     *   <li>vectors that no location points to are deleted, in every model's collection;</li>
     *   <li>locations whose vector is missing and whose file no longer exists are forgotten (with the vectors
     *       of content no location is left for);</li>
     *   <li>locations whose vector is missing but whose file exists are kept: the next {@code index} embeds them
     *       again (a file counts as unchanged only when every model has its vector).</li>
     * </ul>
     *
     * @return what was found before the repair
     */
    public Reconciler.Report repair() {
        synchronized (indexLock) {
            ensureOpen();
            List<Reconciler.Report> reports = new ArrayList<>();
            for (IndexedModel m : models) {
                Reconciler.Report found = new Reconciler(m.collection(), ids).verify();
                if (!found.vectorsWithoutMapping().isEmpty()) {
                    m.collection().delete(found.vectorsWithoutMapping());
                    m.collection().flush();
                }
                reports.add(found);
            }
            Reconciler.Report all = union(reports);
            List<Long> gone = new ArrayList<>();
            for (ImageRecord r : ids.getAll(all.mappingsWithoutVector()).values()) {
                for (String location : r.locations()) {
                    if (isMissingFile(location)) {
                        ids.remove(location).filter(left -> left.locations().isEmpty())
                                .ifPresent(left -> gone.add(left.id()));
                    }
                }
            }
            ids.flush();
            if (!gone.isEmpty()) {
                for (IndexedModel m : models) {
                    m.collection().delete(gone);
                    m.collection().flush();
                }
            }
            return all;
        }
    }

    /** Whether a location is a local path whose file is gone (URIs and other locations are never "gone"). */
    private static boolean isMissingFile(String location) {
        try {
            Path p = Path.of(location);
            return p.isAbsolute() && !Files.exists(p);
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    private static Reconciler.Report union(List<Reconciler.Report> reports) {
        if (reports.size() == 1) {
            return reports.get(0);
        }
        Set<Long> orphans = new java.util.LinkedHashSet<>();
        Set<Long> missing = new java.util.LinkedHashSet<>();
        long vectors = 0;
        long mappings = 0;
        for (Reconciler.Report r : reports) {
            orphans.addAll(r.vectorsWithoutMapping());
            missing.addAll(r.mappingsWithoutVector());
            vectors += r.vectorsChecked();
            mappings = Math.max(mappings, r.mappingsChecked());
        }
        return new Reconciler.Report(new ArrayList<>(orphans), new ArrayList<>(missing), vectors, mappings);
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
            try { // let work of an aborted run stop before the backends it may call are closed
                decodePool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            RuntimeException failure = null;
            List<AutoCloseable> closing = new ArrayList<>(List.of(ids, store));
            models.forEach(m -> closing.add(m.embedder()));
            for (AutoCloseable c : closing) {
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
        private final List<Embedder> moreEmbedders = new ArrayList<>();
        private VectorStore store;
        private IdMapper ids;
        private Path dataDirectory = Path.of("imagesearch-data");
        private String collectionName;
        private Metric metric = Metric.COSINE;
        private ImageLimits limits = ImageLimits.DEFAULT;
        private ScaledJpegDecoder jpegDecoder;
        private PngDecoder pngDecoder;
        private int batchSize;
        private int decodeThreads;
        private boolean existingOnly;
        private boolean reducedDecoding = true;

        private Builder() {
        }

        /**
         * The primary model that turns images into vectors. Default: the one a {@link DefaultEmbedderProvider} on
         * the classpath supplies ({@code imagesearch-onnx-embedder} with the default model's artifact,
         * {@code imagesearch-model-efficientnet-lite0}); without one, {@link #build()} says what to add.
         */
        public Builder embedder(Embedder embedder) {
            this.embedder = embedder;
            return this;
        }

        /**
         * Adds another model. Each image is read and decoded once and every model embeds it into its own
         * collection (named after the model). Adding a model to an existing index embeds only what it is missing.
         * Default: none (only the primary model).
         */
        public Builder addEmbedder(Embedder another) {
            this.moreEmbedders.add(Objects.requireNonNull(another, "embedder"));
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

        /** Name of the primary model's vector collection. Default: its {@link Embedder#name()}. Other models' collections are named after them. */
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

        /**
         * A JPEG decoder that scales in the DCT domain, for faster indexing of photos: the {@code opencv-decoder}
         * module's {@code OpenCvJpegDecoder.load()}. It decodes 8-bit gray and YCbCr JPEGs (at full size with the
         * same pixels as ImageIO; with {@link #reducedDecoding} at 1/2, 1/4 or 1/8 while both sides stay
         * {@value ImageDecoder#DEFAULT_DCT_MARGIN} × the models' input side); everything else still goes through
         * ImageIO. Default none. The decoder's {@link ScaledJpegDecoder#name() name} is part of each collection's
         * fingerprint: an index built with it must be opened with it, and one built without it without it.
         */
        public Builder jpegDecoder(ScaledJpegDecoder decoder) {
            this.jpegDecoder = decoder;
            return this;
        }

        /**
         * A faster PNG decoder: the {@code opencv-decoder} module's {@code OpenCvPngDecoder.load()} (libpng). It
         * decodes PNGs of at most 8 bits per sample without an ICC profile, with the same pixels as ImageIO, so it
         * is not part of any fingerprint: indexes built with or without it stay interchangeable. Everything else
         * still goes through ImageIO. Default none.
         */
        public Builder pngDecoder(PngDecoder decoder) {
            this.pngDecoder = decoder;
            return this;
        }

        /**
         * Files per batch (memory holds up to two batches of decoded images: one embedded, the next decoded
         * meanwhile). Default: the smallest preferred batch size of the models.
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Only open collections that already exist: for searching an index, where a model that was never indexed
         * must fail with a clear message instead of silently creating an empty collection. Default {@code false}
         * (missing collections are created).
         */
        public Builder existingCollectionsOnly(boolean existingOnly) {
            this.existingOnly = existingOnly;
            return this;
        }

        /**
         * Whether {@code index} (and query files) may decode large images at a reduced resolution when every model
         * resizes them far below their size anyway. Without a {@link #jpegDecoder}, ImageIO source subsampling
         * ({@link ImageDecoder#decode(byte[], int)}), only while both sides stay at least
         * {@value ImageDecoder#DEFAULT_REDUCE_MARGIN} × the largest {@link Embedder#minimumInputSide()} of the
         * models (ordinary photos, shorter side below about 1,000 pixels for a 256-pixel model, are decoded in
         * full; a 12-megapixel JPEG about 2.5× faster; cosine to the full decode's vector ≥ 0.995 measured). With a
         * {@link #jpegDecoder}, JPEGs are scaled in the DCT domain down to {@value ImageDecoder#DEFAULT_DCT_MARGIN}
         * × that side (Pillow's draft policy: a 12-megapixel JPEG about 5× faster than a full decode; cosine
         * ≥ 0.998 for photos at 1.5 × the side or more, 0.93–1 just above it). Default {@code true};
         * {@code false} decodes every image in full, for vectors identical to embedding the fully decoded image
         * (and to the Python reference pipelines, docs/PARITY.md). Measurements: docs/BENCHMARKS.md. The decoding
         * policy is part of each collection's fingerprint, so an index built one way refuses to be opened another
         * way instead of mixing two kinds of vectors.
         */
        public Builder reducedDecoding(boolean reduced) {
            this.reducedDecoding = reduced;
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
         * @throws dev.imagesearch.store.CollectionMismatchException if a collection was made by another model or
         *         another decoding policy (nothing is written then: existing collections are checked before any
         *         missing one is created)
         */

        public ImageSearch build() {
            if (embedder != null) {
                return build(embedder);
            }
            Embedder loaded = DefaultEmbedderProvider.loadDefault();
            try {
                return build(loaded);
            } catch (RuntimeException e) {
                try {
                    loaded.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }

        private ImageSearch build(Embedder primary) {
            List<Embedder> all = new ArrayList<>();
            all.add(primary);
            all.addAll(moreEmbedders);
            List<CollectionSpec> specs = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < all.size(); i++) {
                Embedder e = all.get(i);
                String name = i == 0 && collectionName != null ? collectionName : e.name();
                if (!names.add(name)) {
                    throw new IllegalArgumentException("Two models share the collection name '" + name
                            + "'; give each model a distinct name");
                }
                // the decoding policy changes the vectors of large images, so it is part of the model's identity;
                // so is the JPEG decoder (its pixels equal ImageIO's on the photos checked, not on every JPEG)
                String fingerprint = e.fingerprint() + decodingPolicy(reducedDecoding, jpegDecoder);
                specs.add(CollectionSpec.builder(name, e.dimension()).metric(metric).fingerprint(fingerprint)
                        .build());
            }
            VectorStore s = store != null ? store : EmbeddedVectorStore.open(dataDirectory);
            IdMapper m = null;
            try {
                List<IndexedModel> models = new ArrayList<>();
                for (CollectionSpec spec : specs) {
                    if (existingOnly && !s.exists(spec.name())) {
                        throw new VectorStoreException("No index for model '" + spec.name() + "' in " + s
                                + "; it holds " + (s.collectionNames().isEmpty() ? "no collection"
                                : "only " + String.join(", ", s.collectionNames()))
                                + " (index with this model first, or search with one of those)");
                    }
                }
                // Existing collections first: opening checks dimension, metric and model, so a mismatch fails before
                // a new model's collection is created (a retry with other settings then finds nothing half made).
                IndexedModel[] opened = new IndexedModel[all.size()];
                for (boolean existingOnes : new boolean[] {true, false}) {
                    for (int i = 0; i < all.size(); i++) {
                        // the second pass opens every one left, even one that appeared meanwhile
                        if (opened[i] == null && (!existingOnes || s.exists(specs.get(i).name()))) {
                            opened[i] = new IndexedModel(specs.get(i).name(), all.get(i), s.open(specs.get(i)));
                        }
                    }
                }
                models.addAll(List.of(opened));
                m = ids != null ? ids : EmbeddedIdMapper.open(dataDirectory);
                return new ImageSearch(this, s, models, m);
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

    // ---- several models: fused search, comparison, near-duplicates (logic in dev.imagesearch.fusion, .compare,
    // .duplicates; these only delegate)

    /**
     * Searches with every model and fuses the lists: each model's top {@code fusion.depth(k)} and the fused top
     * {@code k}, each fused result with every model's rank and score. A model that fails on the image is left out
     * and named in {@link dev.imagesearch.fusion.MultiModelResult#failures()}. With one model the fused list is
     * that model's list.
     *
     * @throws IllegalArgumentException for a negative {@code k}
     * @throws IllegalStateException    when every model fails on the image
     */
    public dev.imagesearch.fusion.MultiModelResult searchAll(BufferedImage image, int k,
                                                             dev.imagesearch.fusion.Fusion fusion) {
        ensureOpen();
        return dev.imagesearch.fusion.MultiModelSearch.search(this, image, k, fusion);
    }

    /** As {@link #searchAll(BufferedImage, int, dev.imagesearch.fusion.Fusion)} for an image file. */
    public dev.imagesearch.fusion.MultiModelResult searchAll(Path image, int k, dev.imagesearch.fusion.Fusion fusion)
            throws ImageDecodeException {
        checkK(k);
        return searchAll(decodeQuery(image), k, fusion);
    }

    /**
     * Every model's top {@code k} for one image side by side, with overlap@k and rank correlations between models
     * and each model's score distribution. A model that fails on the image is left out.
     *
     * @throws IllegalArgumentException for a negative {@code k}
     * @throws IllegalStateException    when every model fails on the image
     */
    public dev.imagesearch.compare.Comparison compare(BufferedImage image, int k) {
        checkK(k);
        dev.imagesearch.fusion.MultiModelResult r = searchAll(image, k,
                dev.imagesearch.fusion.Fusion.builder(dev.imagesearch.fusion.Fusion.Method.RRF).candidates(1).build());
        return dev.imagesearch.compare.Comparison.of(r.perModel(), k);
    }

    /** As {@link #compare(BufferedImage, int)} for an image file. */
    public dev.imagesearch.compare.Comparison compare(Path image, int k) throws ImageDecodeException {
        checkK(k);
        return compare(decodeQuery(image), k);
    }

    /**
     * Groups of near-identical indexed images according to the primary model, with the model's measured default
     * threshold. See {@link dev.imagesearch.duplicates.DuplicateFinder}.
     */
    public dev.imagesearch.duplicates.DuplicateFinder.Result duplicates() {
        ensureOpen();
        return dev.imagesearch.duplicates.DuplicateFinder.builder(this).build().find();
    }

    /** As {@link #duplicates()} with a threshold (cosine: pairs scoring at least {@code threshold}). */
    public dev.imagesearch.duplicates.DuplicateFinder.Result duplicates(double threshold) {
        ensureOpen();
        return dev.imagesearch.duplicates.DuplicateFinder.builder(this).threshold(threshold).build().find();
    }
}
