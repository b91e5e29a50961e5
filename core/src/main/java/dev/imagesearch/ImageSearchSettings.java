package dev.imagesearch;

import dev.imagesearch.embed.DefaultEmbedderProvider;
import dev.imagesearch.embed.Embedder;
import dev.imagesearch.embedded.EmbeddedIdMapper;
import dev.imagesearch.embedded.EmbeddedVectorStore;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.image.ImageLimits;
import dev.imagesearch.image.PngDecoder;
import dev.imagesearch.image.ScaledJpegDecoder;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.VectorStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The settings of {@link ImageSearch.Builder}, each with its default: what to open (models, stores, data
 * directory) and how to decode. Kept apart from the facade so that the facade holds only its operations; the
 * setters return the builder, so {@code ImageSearch.builder().embedder(e).dataDirectory(dir).build()} reads as
 * before. {@link IndexOpener} turns the settings into an open index.
 *
 * @param <B> the builder type the setters return
 */
public abstract class ImageSearchSettings<B extends ImageSearchSettings<B>> {
    Embedder embedder;
    final List<Embedder> moreEmbedders = new ArrayList<>();
    VectorStore store;
    IdMapper ids;
    Path dataDirectory = Path.of("imagesearch-data");
    String collectionName;
    Metric metric = Metric.COSINE;
    ImageLimits limits = ImageLimits.DEFAULT;
    ScaledJpegDecoder jpegDecoder;
    PngDecoder pngDecoder;
    int batchSize;
    int decodeThreads;
    boolean existingOnly;
    boolean reducedDecoding = true;

    /**
     * The primary model that turns images into vectors. Default: the one a {@link DefaultEmbedderProvider} on
     * the classpath supplies ({@code imagesearch-onnx-embedder} with the default model's artifact,
     * {@code imagesearch-model-efficientnet-lite0}); without one, {@link #build()} says what to add.
     */
    public B embedder(Embedder embedder) {
        this.embedder = embedder;
        return self();
    }

    /**
     * Adds another model. Each image is read and decoded once and every model embeds it into its own
     * collection (named after the model). Adding a model to an existing index embeds only what it is missing.
     * Default: none (only the primary model).
     */
    public B addEmbedder(Embedder another) {
        this.moreEmbedders.add(Objects.requireNonNull(another, "embedder"));
        return self();
    }

    /** Where vectors are kept. Default: {@link EmbeddedVectorStore} under {@link #dataDirectory}. */
    public B vectorStore(VectorStore store) {
        this.store = store;
        return self();
    }

    /** Where id → location links are kept. Default: {@link EmbeddedIdMapper} under {@link #dataDirectory}. */
    public B idMapper(IdMapper ids) {
        this.ids = ids;
        return self();
    }

    /** Directory of the embedded store and id map. Default: {@code imagesearch-data} in the working directory. */
    public B dataDirectory(Path dataDirectory) {
        this.dataDirectory = Objects.requireNonNull(dataDirectory);
        return self();
    }

    /** Name of the primary model's vector collection. Default: its {@link Embedder#name()}. Other models' collections are named after them. */
    public B collectionName(String name) {
        this.collectionName = name;
        return self();
    }

    /** Metric of a new collection. Default: {@link Metric#COSINE}. */
    public B metric(Metric metric) {
        this.metric = Objects.requireNonNull(metric);
        return self();
    }

    /** Limits on files and image sizes. Default: {@link ImageLimits#DEFAULT}. */
    public B imageLimits(ImageLimits limits) {
        this.limits = Objects.requireNonNull(limits);
        return self();
    }

    /**
     * A JPEG decoder that scales in the DCT domain, for faster indexing of photos: the {@code opencv-decoder}
     * module's {@code OpenCvJpegDecoder.load()}. It decodes 8-bit gray and YCbCr JPEGs (at full size with the
     * same pixels as ImageIO; with {@link #reducedDecoding} at 1/2, 1/4 or 1/8 while both sides stay
     * {@value ImageDecoder#DEFAULT_DCT_MARGIN} × the models' input side); everything else still goes through
     * ImageIO. Default none. The decoder's {@link ScaledJpegDecoder#name() name} is part of each collection's
     * fingerprint: an index built with it must be opened with it, and one built without it without it.
     */
    public B jpegDecoder(ScaledJpegDecoder decoder) {
        this.jpegDecoder = decoder;
        return self();
    }

    /**
     * A faster PNG decoder: the {@code opencv-decoder} module's {@code OpenCvPngDecoder.load()} (libpng). It
     * decodes PNGs of at most 8 bits per sample without an ICC profile, with the same pixels as ImageIO, so it
     * is not part of any fingerprint: indexes built with or without it stay interchangeable. Everything else
     * still goes through ImageIO. Default none.
     */
    public B pngDecoder(PngDecoder decoder) {
        this.pngDecoder = decoder;
        return self();
    }

    /**
     * Files per batch (memory holds up to two batches of decoded and prepared images: one embedded, the next
     * decoded meanwhile). Default: the smallest preferred batch size of the models.
     */
    public B batchSize(int batchSize) {
        this.batchSize = batchSize;
        return self();
    }

    /**
     * Only open collections that already exist: for searching an index, where a model that was never indexed
     * must fail with a clear message instead of silently creating an empty collection. Default {@code false}
     * (missing collections are created).
     */
    public B existingCollectionsOnly(boolean existingOnly) {
        this.existingOnly = existingOnly;
        return self();
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
    public B reducedDecoding(boolean reduced) {
        this.reducedDecoding = reduced;
        return self();
    }

    /**
     * Threads that read, hash and decode images while the models run, and prepare them for each model
     * ({@code Embedder.prepare}: resizing, the input tensor). Default: the number of processors.
     */
    public B decodeThreads(int threads) {
        this.decodeThreads = threads;
        return self();
    }

    ImageSearchSettings() {
    }

    /** The builder itself, for the fluent setters. */
    abstract B self();
}
