package dev.imagesearch;

import dev.imagesearch.duplicates.DuplicateFinder;
import dev.imagesearch.embed.Embedder;
import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.files.ImageFiles;
import dev.imagesearch.fusion.Fusion;
import dev.imagesearch.fusion.MultiModelResult;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ImageLimits;
import dev.imagesearch.image.RgbImages;
import dev.imagesearch.query.SearchRefinement;
import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.search.Match;
import dev.imagesearch.search.MatchFinder;
import dev.imagesearch.store.SearchArguments;
import dev.imagesearch.store.VectorCollection;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

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
 * their path and however often they are indexed. Files are processed in small batches (see {@code BatchIndexer}:
 * memory stays bounded by two batches; vectors are flushed before locations, so a crash leaves at most a vector
 * without a location, which searches skip and the next {@code index} reuses).
 *
 * <p>Several models can run side by side ({@link Builder#addEmbedder}): each image is read and decoded once, every
 * model embeds it into its own collection, and all models share the id map. A file is unchanged only when every
 * model has its vector, so adding a model later embeds just what it is missing. {@code similar(image, k)} searches
 * with the primary (first) model; {@link #similar(IndexedModel, BufferedImage, int)} with any other.
 *
 * <p>The facade only delegates: {@code IndexOpener} opens and checks the collections, {@code BatchIndexer}
 * indexes, {@link MatchFinder} searches, {@link Reconciler} verifies and repairs, {@link ImageFiles} lists files
 * and decides locations, and the multi-model features ({@code fusion}, {@code compare}, {@code duplicates}) work
 * on the {@link dev.imagesearch.search.SimilaritySearch} this class implements (see {@link MultiModelFeatures}).
 *
 * <p>An {@code ImageSearch} owns the embedder, store and id map it is built with and closes them in
 * {@link #close()}. Its methods are thread-safe; indexing calls are serialised.
 */
public final class ImageSearch implements MultiModelFeatures, AutoCloseable {

    /** File name extensions {@link #indexDirectory} picks up (lower case). */
    public static final Set<String> IMAGE_EXTENSIONS = ImageFiles.EXTENSIONS;

    private final List<IndexedModel> models;
    private final IndexOpener.Opened resources;
    private final IdMapper ids;
    private final IndexDecoding decoding;
    private final BatchIndexer indexer;
    private final MatchFinder finder;
    private final Reconciler reconciler;
    private final Object indexLock = new Object();
    private volatile boolean closed;

    private ImageSearch(ImageSearchSettings<?> b, IndexOpener.Opened opened) {
        this.models = opened.models();
        this.resources = opened;
        this.ids = opened.ids();
        this.decoding = IndexDecoding.of(b, models);
        this.indexer = BatchIndexer.create(b, models, ids, decoding);
        this.finder = new MatchFinder(ids);
        this.reconciler = new Reconciler(models.stream().map(IndexedModel::collection).toList(), ids);
    }

    public static Builder builder() {
        return new Builder();
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
    @Override
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
    @Override
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

    /** The location string used for a path: its absolute, normalised form ({@link ImageFiles#locationOf}). */
    public static String locationOf(Path path) {
        return ImageFiles.locationOf(path);
    }

    /**
     * The {@code k} images most similar to the image file at {@code image}, best first.
     *
     * @throws ImageDecodeException if the file cannot be read or decoded, and {@link EmbeddingException} if the
     *         model fails on it; both messages start with the file's path
     */
    public List<Match> similar(Path image, int k) throws ImageDecodeException {
        return similar(image, k, SearchRefinement.NONE);
    }

    /** The {@code k} indexed images most similar to encoded image bytes (JPEG, PNG, ...), best first. */
    public List<Match> similar(byte[] image, int k) throws ImageDecodeException {
        return similarRgb(models.get(0), decode(image), k);
    }

    /**
     * Decodes encoded image bytes as {@code index} and {@code similar(byte[], k)} do (size limits, EXIF orientation,
     * reduced decoding), for the {@code BufferedImage} methods such as {@link #searchAll(BufferedImage, int,
     * Fusion)}: an indexed file's bytes decoded here find that file with score 1.
     *
     * @throws ImageDecodeException if the bytes are not a supported image or exceed the {@link ImageLimits}
     */
    public BufferedImage decode(byte[] image) throws ImageDecodeException {
        Objects.requireNonNull(image, "image");
        ensureOpen();
        return decoding.decode(image);
    }

    /** As {@link #decode(byte[])} for a file; the message of a failure starts with its path. */
    @Override
    public BufferedImage decode(Path image) throws ImageDecodeException {
        Objects.requireNonNull(image, "image");
        ensureOpen();
        return decoding.decode(image);
    }

    /** The {@code k} indexed images most similar to {@code image}, best first. */
    public List<Match> similar(BufferedImage image, int k) {
        return similar(models.get(0), image, k);
    }

    /**
     * Embeds an image with one of this index's models as indexing and search do: one call at a time for an
     * embedder that is not thread-safe, and checked against the collection's dimension.
     *
     * @throws EmbeddingException if the model fails or returns a vector of the wrong length
     */
    @Override
    public float[] embed(IndexedModel model, BufferedImage image) {
        ensureOpen();
        return model.embed(RgbImages.toRgb(image));
    }

    /** The {@code k} indexed images nearest to a vector of the primary model, best first. */
    public List<Match> similar(float[] vector, int k) {
        return similar(models.get(0), vector, k);
    }

    /** The {@code k} indexed images most similar to {@code image} according to one model, best first. */
    public List<Match> similar(IndexedModel model, BufferedImage image, int k) {
        Objects.requireNonNull(image, "image");
        return similarRgb(model, RgbImages.toRgb(image), k);
    }

    /** Embeds an image that is already RGB (decoded here, or converted once) and searches with it. */
    private List<Match> similarRgb(IndexedModel model, BufferedImage rgb, int k) {
        SearchArguments.checkK(k);
        ensureOpen();
        return k == 0 ? List.of() : finder.nearest(model.collection(), model.embed(rgb), k);
    }

    /** The {@code k} indexed images nearest to a vector of {@code model}, best first. */
    @Override
    public List<Match> similar(IndexedModel model, float[] vector, int k) {
        SearchArguments.checkK(k);
        ensureOpen();
        return finder.nearest(model.collection(), vector, k);
    }

    /**
     * Removes a file from the index. Its vector is deleted when no other location holds the same content.
     *
     * @return whether the file was indexed
     */
    public boolean remove(Path path) {
        synchronized (indexLock) {
            ensureOpen();
            return indexer.remove(locationOf(path));
        }
    }

    /**
     * Checks that each model's vector collection and the id map agree: every mapped id has a vector and every
     * vector has a location. Changes nothing. With several models the report is the union over models.
     */
    public Reconciler.Report verify() {
        synchronized (indexLock) { // a batch in progress has vectors whose locations are not written yet
            ensureOpen();
            return reconciler.verify();
        }
    }

    /**
     * Repairs what a crash or an outage between the two writes of {@code index} leaves behind, and what the
     * id map and the stores disagree on, under the policy of {@link Reconciler#repair()}: vectors without a
     * location are deleted; locations without a vector are forgotten when their file is gone, and kept (to be
     * embedded again by the next {@code index}) when it exists.
     *
     * @return what was found before the repair
     */
    public Reconciler.Report repair() {
        synchronized (indexLock) {
            ensureOpen();
            return reconciler.repair();
        }
    }

    /** Number of distinct indexed images (one per content, whatever the number of locations). */
    public long count() {
        ensureOpen();
        return ids.size();
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
            indexer.close(); // lets work of an aborted run stop before the backends it may call are closed
            resources.close();
        }
    }

    /**
     * Builds an {@link ImageSearch}. Only the embedder is required; everything else has a default, listed with
     * each setter (see {@link ImageSearchSettings}).
     */
    public static final class Builder extends ImageSearchSettings<Builder> {

        private Builder() {
        }

        @Override
        Builder self() {
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
            return new ImageSearch(this, IndexOpener.open(this));
        }
    }

    // fused search, comparison and near-duplicates: defaults of MultiModelFeatures; these only check the state

    @Override
    public MultiModelResult searchAll(BufferedImage image, int k, Fusion fusion) {
        ensureOpen();
        return MultiModelFeatures.super.searchAll(image, k, fusion);
    }

    @Override
    public DuplicateFinder.Result duplicates() {
        ensureOpen();
        return MultiModelFeatures.super.duplicates();
    }

    @Override
    public DuplicateFinder.Result duplicates(double threshold) {
        ensureOpen();
        return MultiModelFeatures.super.duplicates(threshold);
    }
}
