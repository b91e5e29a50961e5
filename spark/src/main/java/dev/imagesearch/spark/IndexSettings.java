package dev.imagesearch.spark;

import dev.imagesearch.onnx.ModelCatalog;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What a Spark indexing job writes and how it embeds: sent to every executor, where it also keys the executor's
 * shared session ({@link ExecutorSessions}), so it must stay an immutable value with {@code equals}. Build it with
 * {@link #builder(String, String)}.
 *
 * @param models          model names (or model directories), the primary one first; each gets its own collection
 * @param modelDirectory  where models are looked up by name on every executor, or {@code null} for the default
 *                        ({@code $IMAGESEARCH_MODELS}, {@code $IMAGESEARCH_CACHE/models}, {@code ~/.cache/imagesearch/models})
 * @param store           the Milvus address, {@code milvus://HOST:PORT[?...]} (see {@code MilvusConfig.parse})
 * @param ids             the id map address, {@code redis://HOST:PORT[?namespace=NS]} or {@code milvus://...}
 * @param jpegDecoding    who decodes JPEGs; part of each collection's fingerprint, as in the CLI
 * @param reducedDecoding whether large images may be decoded at a reduced size (the library's default, {@code true})
 * @param batchSize       images embedded together per task, or 0 for the smallest preferred batch of the models
 * @param onnxThreads     ONNX Runtime intra-op threads per run, or 0 for ONNX Runtime's choice
 */
public record IndexSettings(List<String> models, String modelDirectory, String store, String ids,
                            JpegDecoding jpegDecoding, boolean reducedDecoding, int batchSize, int onnxThreads)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Who decodes JPEGs, as the CLI's {@code --jpeg-decoder}. */
    public enum JpegDecoding {
        /** OpenCV where its native library loads, else ImageIO; an index built with ImageIO is read with ImageIO. */
        AUTO,
        /** OpenCV (libjpeg-turbo, DCT-domain scaling); fails where it does not load. */
        OPENCV,
        /** The JDK's ImageIO. */
        IMAGEIO
    }

    public IndexSettings {
        models = List.copyOf(models);
        if (models.isEmpty()) {
            throw new IllegalArgumentException("At least one model is required");
        }
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(jpegDecoding, "jpegDecoding");
        if (batchSize < 0 || onnxThreads < 0) {
            throw new IllegalArgumentException("batchSize and onnxThreads must be >= 0");
        }
    }

    /** Settings writing vectors to {@code store} (Milvus) and links to {@code ids} (Redis or Milvus). */
    public static Builder builder(String store, String ids) {
        return new Builder(store, ids);
    }

    /** A copy with another JPEG decoding (the driver resolves {@link JpegDecoding#AUTO} before tasks start). */
    IndexSettings withJpegDecoding(JpegDecoding decoding) {
        return new IndexSettings(models, modelDirectory, store, ids, decoding, reducedDecoding, batchSize,
                onnxThreads);
    }

    /** Builder; every default is listed with its setter. */
    public static final class Builder {
        private final String store;
        private final String ids;
        private List<String> models = List.of(ModelCatalog.DEFAULT_MODEL);
        private String modelDirectory;
        private JpegDecoding jpegDecoding = JpegDecoding.AUTO;
        private boolean reducedDecoding = true;
        private int batchSize;
        private int onnxThreads = 1;

        private Builder(String store, String ids) {
            this.store = store;
            this.ids = ids;
        }

        /** Models, the primary one first. Default: {@link ModelCatalog#DEFAULT_MODEL} (the CLI's default model). */
        public Builder models(List<String> models) {
            this.models = List.copyOf(models);
            return this;
        }

        /** Where models are found on the executors. Default: the catalog's default directory on each executor. */
        public Builder modelDirectory(String directory) {
            this.modelDirectory = directory;
            return this;
        }

        /** Default {@link JpegDecoding#AUTO}, as the CLI. */
        public Builder jpegDecoding(JpegDecoding decoding) {
            this.jpegDecoding = decoding;
            return this;
        }

        /** Default {@code true}, as the library and the CLI. */
        public Builder reducedDecoding(boolean reduced) {
            this.reducedDecoding = reduced;
            return this;
        }

        /** Default 0: the smallest preferred batch size of the models. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * ONNX Runtime threads per model run. Default 1: Spark already runs one task per core, and every task of an
         * executor shares the executor's model session, so more threads would oversubscribe the cores. 0 leaves it
         * to ONNX Runtime (one per core).
         */
        public Builder onnxThreads(int threads) {
            this.onnxThreads = threads;
            return this;
        }

        public IndexSettings build() {
            return new IndexSettings(models, modelDirectory, store, ids, jpegDecoding, reducedDecoding, batchSize,
                    onnxThreads);
        }
    }
}
