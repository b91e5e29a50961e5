package dev.imagesearch.spark;

import dev.imagesearch.embed.Embedder;
import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.image.ScaledJpegDecoder;
import java.awt.image.BufferedImage;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Adds an embedding column to a DataFrame of images, inside a user's own Spark application:
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile").load("s3a://bucket/photos/");
 * Dataset<Row> withVectors = ImageEmbeddings.of("efficientnet-lite0").withEmbedding(images);
 * // columns: path, modificationTime, length, content, embedding (array<float>), embedding_error (string)
 * }</pre>
 *
 * <p>Each executor loads the model once and shares it between its tasks; images are decoded and embedded as the
 * library indexes them (same decoders, same reduced decoding), so a vector equals the one {@code ImageSearch} stores.
 * An image that cannot be decoded or embedded gets a null embedding and the reason in the error column. Immutable;
 * build with {@link #of(String)} and the {@code with...} methods.
 */
public final class ImageEmbeddings implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Key key;
    private final String contentColumn;
    private final String outputColumn;

    /** What identifies an executor's model session. */
    private record Key(String model, String modelDirectory, IndexSettings.JpegDecoding decoding, boolean reduced,
                       int onnxThreads) implements Serializable {
    }

    private ImageEmbeddings(Key key, String contentColumn, String outputColumn) {
        this.key = key;
        this.contentColumn = Objects.requireNonNull(contentColumn);
        this.outputColumn = Objects.requireNonNull(outputColumn);
    }

    /**
     * Embeddings with {@code model} (a catalog name or model directory). Defaults: the catalog's default directory,
     * {@link IndexSettings.JpegDecoding#AUTO} decoding resolved on the driver, reduced decoding on, one ONNX Runtime
     * thread per run, input column {@code content}, output column {@code embedding}.
     */
    public static ImageEmbeddings of(String model) {
        return new ImageEmbeddings(new Key(model, null, IndexSettings.JpegDecoding.AUTO, true, 1), "content",
                "embedding");
    }

    /** The same with models looked up in {@code directory} on every executor. */
    public ImageEmbeddings withModelDirectory(String directory) {
        return new ImageEmbeddings(new Key(key.model, directory, key.decoding, key.reduced, key.onnxThreads),
                contentColumn, outputColumn);
    }

    /** The same with another JPEG decoding. */
    public ImageEmbeddings withJpegDecoding(IndexSettings.JpegDecoding decoding) {
        return new ImageEmbeddings(new Key(key.model, key.modelDirectory, decoding, key.reduced, key.onnxThreads),
                contentColumn, outputColumn);
    }

    /** The same with reduced decoding on or off. */
    public ImageEmbeddings withReducedDecoding(boolean reduced) {
        return new ImageEmbeddings(new Key(key.model, key.modelDirectory, key.decoding, reduced, key.onnxThreads),
                contentColumn, outputColumn);
    }

    /** The same with the image bytes read from {@code column}. */
    public ImageEmbeddings withContentColumn(String column) {
        return new ImageEmbeddings(key, column, outputColumn);
    }

    /** The same writing {@code column} and {@code column_error}. */
    public ImageEmbeddings withOutputColumn(String column) {
        return new ImageEmbeddings(key, contentColumn, column);
    }

    /** {@code images} with two more columns: the embedding (array of float, null on failure) and its error. */
    public Dataset<Row> withEmbedding(Dataset<Row> images) {
        Key resolved = key.decoding != IndexSettings.JpegDecoding.AUTO ? key
                : new Key(key.model, key.modelDirectory, Models.openCvLoads() ? IndexSettings.JpegDecoding.OPENCV
                        : IndexSettings.JpegDecoding.IMAGEIO, key.reduced, key.onnxThreads);
        StructType schema = images.schema()
                .add(outputColumn, DataTypes.createArrayType(DataTypes.FloatType, false), true)
                .add(outputColumn + "_error", DataTypes.StringType, true);
        int content = images.schema().fieldIndex(contentColumn);
        return images.mapPartitions((MapPartitionsFunction<Row, Row>) rows ->
                new Embedding(ExecutorSessions.get(resolved, ModelSession::open), rows, content), Encoders.row(schema));
    }

    /** An executor's model, decoder and decoding size for one {@link Key}. */
    private record ModelSession(Embedder embedder, ImageDecoder decoder, int minSide) implements AutoCloseable {
        static ModelSession open(Key k) {
            Embedder e = Models.load(List.of(k.model), k.modelDirectory, k.onnxThreads).get(0);
            ScaledJpegDecoder jpeg = Models.jpegDecoder(k.decoding);
            return new ModelSession(e, Models.decoder(jpeg, Models.pngDecoder(k.decoding)),
                    Models.minSide(List.of(e), k.reduced));
        }

        @Override
        public void close() {
            embedder.close();
        }
    }

    /** The output rows of one partition, embedded a batch at a time. */
    private static final class Embedding implements Iterator<Row> {
        private final ModelSession session;
        private final Iterator<Row> input;
        private final int content;
        private Iterator<Row> pending = List.<Row>of().iterator();

        Embedding(ModelSession session, Iterator<Row> input, int content) {
            this.session = session;
            this.input = input;
            this.content = content;
        }

        @Override
        public boolean hasNext() {
            while (!pending.hasNext() && input.hasNext()) {
                pending = batch().iterator();
            }
            return pending.hasNext();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return pending.next();
        }

        private List<Row> batch() {
            int size = Math.max(1, session.embedder().preferredBatchSize());
            List<Row> rows = new ArrayList<>(size);
            while (rows.size() < size && input.hasNext()) {
                rows.add(input.next());
            }
            float[][] vectors = new float[rows.size()][];
            String[] errors = new String[rows.size()];
            List<BufferedImage> images = new ArrayList<>();
            List<Integer> decoded = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                byte[] bytes = (byte[]) rows.get(i).get(content);
                try {
                    if (bytes == null) {
                        throw new ImageDecodeException("no content");
                    }
                    images.add(session.decoder().decode(bytes, session.minSide())); // as the library indexes
                    decoded.add(i);
                } catch (ImageDecodeException e) {
                    errors[i] = e.getMessage();
                } catch (RuntimeException e) {
                    errors[i] = "cannot decode: " + e;
                }
            }
            embed(images, decoded, vectors, errors);
            List<Row> out = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                Object[] values = new Object[r.length() + 2];
                for (int f = 0; f < r.length(); f++) {
                    values[f] = r.get(f);
                }
                values[r.length()] = vectors[i];
                values[r.length() + 1] = errors[i];
                out.add(RowFactory.create(values));
            }
            return out;
        }

        private void embed(List<BufferedImage> images, List<Integer> at, float[][] vectors, String[] errors) {
            if (images.isEmpty()) {
                return;
            }
            Embedder e = session.embedder();
            try {
                List<float[]> vs = call(e, images);
                for (int i = 0; i < at.size(); i++) {
                    vectors[at.get(i)] = checked(e, vs.get(i));
                }
            } catch (RuntimeException batchFailure) {
                for (int i = 0; i < at.size(); i++) { // one at a time, to find the image at fault
                    try {
                        vectors[at.get(i)] = checked(e, call(e, List.of(images.get(i))).get(0));
                    } catch (RuntimeException one) {
                        errors[at.get(i)] = "embedding failed: " + one.getMessage();
                    }
                }
            }
        }

        private static List<float[]> call(Embedder e, List<BufferedImage> images) {
            if (e.threadSafe()) {
                return e.embedBatch(images);
            }
            synchronized (e) {
                return e.embedBatch(images);
            }
        }

        private static float[] checked(Embedder e, float[] v) {
            if (v == null || v.length != e.dimension()) {
                throw new IllegalStateException("the embedder returned " + (v == null ? "no vector" : v.length
                        + " values") + " but its dimension is " + e.dimension());
            }
            return v;
        }
    }
}
