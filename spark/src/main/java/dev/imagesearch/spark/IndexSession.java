package dev.imagesearch.spark;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.backend.Backends;
import dev.imagesearch.embed.Embedder;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.image.PngDecoder;
import dev.imagesearch.image.ScaledJpegDecoder;
import dev.imagesearch.store.VectorStore;
import java.util.List;

/**
 * An executor's connection to the index: an {@link ImageSearch} over Milvus and the id map, built exactly as the CLI
 * builds one, so collection names, fingerprints (model and decoding) and the mismatch checks are the library's own;
 * plus a decoder configured as that {@code ImageSearch}'s. Shared by every task of the executor.
 */
final class IndexSession implements AutoCloseable {

    private final ImageSearch search;
    private final ImageDecoder decoder;
    private final int minSide;
    private final int batchSize;

    private IndexSession(ImageSearch search, ImageDecoder decoder, int minSide, int batchSize) {
        this.search = search;
        this.decoder = decoder;
        this.minSide = minSide;
        this.batchSize = batchSize;
    }

    /** The session of this JVM for {@code settings} (whose JPEG decoding is resolved). */
    static IndexSession of(IndexSettings settings) {
        return ExecutorSessions.get(settings, IndexSession::open);
    }

    /**
     * Connects and loads the models. Fails with the library's {@code CollectionMismatchException} when a collection
     * exists for another model, dimension or decoding, before anything is written.
     */
    static IndexSession open(IndexSettings s) {
        ScaledJpegDecoder jpeg = Models.jpegDecoder(s.jpegDecoding());
        PngDecoder png = Models.pngDecoder(s.jpegDecoding());
        VectorStore store = null;
        IdMapper ids = null;
        List<Embedder> embedders = List.of();
        try {
            if (Backends.isEmbedded(s.store())) {
                throw new IllegalArgumentException("The vector store must be on a server, e.g. milvus://HOST:PORT, "
                        + "was '" + Backends.redact(s.store()) + "' (executors cannot share embedded files)");
            }
            store = Backends.vectorStore(s.store());
            ids = openIds(s.ids());
            embedders = Models.load(s.models(), s.modelDirectory(), s.onnxThreads());
            ImageSearch.Builder b = ImageSearch.builder().vectorStore(store).idMapper(ids).jpegDecoder(jpeg)
                    .pngDecoder(png).reducedDecoding(s.reducedDecoding()).decodeThreads(1)
                    .embedder(embedders.get(0));
            embedders.subList(1, embedders.size()).forEach(b::addEmbedder);
            ImageSearch search = b.build();
            int batch = s.batchSize() > 0 ? s.batchSize()
                    : Math.max(1, embedders.stream().mapToInt(Embedder::preferredBatchSize).min().orElse(8));
            return new IndexSession(search, Models.decoder(jpeg, png), Models.minSide(embedders, s.reducedDecoding()),
                    batch);
        } catch (RuntimeException e) {
            embedders.forEach(Embedder::close);
            closeQuietly(ids, e);
            closeQuietly(store, e);
            throw e;
        }
    }

    private static IdMapper openIds(String uri) {
        if (Backends.isEmbedded(uri)) {
            throw new IllegalArgumentException("The id map must be on a server, e.g. redis://HOST:PORT or "
                    + "milvus://HOST:PORT, was '" + Backends.redact(uri) + "' (an embedded id map cannot be shared by "
                    + "executors)");
        }
        return Backends.idMapper(uri);
    }

    private static void closeQuietly(AutoCloseable c, RuntimeException failure) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }

    ImageSearch search() {
        return search;
    }

    ImageDecoder decoder() {
        return decoder;
    }

    int minSide() {
        return minSide;
    }

    int batchSize() {
        return batchSize;
    }

    @Override
    public void close() {
        search.close();
    }
}
