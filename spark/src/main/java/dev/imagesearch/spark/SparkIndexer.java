package dev.imagesearch.spark;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.store.CollectionMismatchException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Indexes images on Spark into Milvus (vectors, one collection per model, upserted by content id) and an id map
 * (Redis), producing the same index as {@code ImageSearch.index} in one JVM: the normal {@code ImageSearch} facade
 * opens and searches it unchanged.
 *
 * <pre>{@code
 * IndexSettings settings = IndexSettings.builder("milvus://milvus:19530", "redis://redis:6379").build();
 * Dataset<Row> images = SparkIndexer.readImages(spark, List.of("s3a://bucket/photos/"));
 * IndexSummary summary = SparkIndexer.run(settings, images, "s3a://bucket/features/");  // or null: no Parquet
 * }</pre>
 */
public final class SparkIndexer {

    private static final Logger LOG = LoggerFactory.getLogger(SparkIndexer.class);

    /** Names with one of {@link ImageSearch#IMAGE_EXTENSIONS}, any case (not lower(): Spark 4 runs that through ICU). */
    private static final String IMAGE_NAME = "(?i)\\.("
            + String.join("|", new java.util.TreeSet<>(ImageSearch.IMAGE_EXTENSIONS)) + ")$";

    private SparkIndexer() {
    }

    /**
     * The image files under the given Hadoop paths (local, HDFS, S3A; globs allowed), recursively, with
     * {@code binaryFile}'s columns ({@code path}, {@code modificationTime}, {@code length}, {@code content}). Only
     * names with one of {@link ImageSearch#IMAGE_EXTENSIONS} are kept, as the CLI's directory listing does.
     */
    public static Dataset<Row> readImages(SparkSession spark, List<String> paths) {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("No input path given");
        }
        return spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(paths.toArray(String[]::new))
                .filter(functions.col("path").rlike(IMAGE_NAME));
    }


    /**
     * The image files listed in a column of a table (a Spark table name, or a Parquet path): the paths are
     * collected on the driver, then read with {@code binaryFile}.
     */
    public static Dataset<Row> readImagesFromTable(SparkSession spark, String table, String pathColumn) {
        Dataset<Row> t = table.contains("/") || table.contains(":") ? spark.read().parquet(table) : spark.table(table);
        List<String> paths = t.select(functions.col(pathColumn)).distinct().as(Encoders.STRING()).collectAsList()
                .stream().filter(Objects::nonNull).toList();
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("Table " + table + " lists no path in column " + pathColumn);
        }
        return spark.read().format("binaryFile").load(paths.toArray(String[]::new));
    }

    /**
     * Indexes {@code images} (rows with a {@code path} string and a {@code content} binary column, as
     * {@code binaryFile} gives): one result row per image and model, see {@link ResultRows}. The returned dataset is
     * lazy; the writes happen when it is computed, once per row, whatever retries or speculative copies Spark runs
     * (writes are idempotent upserts by content id).
     *
     * <p>Before returning, the driver opens the index as every executor will: a model whose collection exists with
     * another dimension, metric, model or decoding fails here, with the library's one-line message, before any task
     * writes anything. Missing collections are created.
     *
     * @throws CollectionMismatchException if a collection was made by another model
     */
    public static Dataset<Row> index(IndexSettings settings, Dataset<Row> images) {
        IndexSettings resolved = prepare(settings);
        int pathField = images.schema().fieldIndex("path");
        int contentField = images.schema().fieldIndex("content");
        return images.mapPartitions((MapPartitionsFunction<Row, Row>) rows ->
                        new PartitionIndexer(IndexSession.of(resolved), rows, pathField, contentField),
                Encoders.row(ResultRows.SCHEMA));
    }

    /**
     * Runs {@link #index} to the end and counts the outcome. With a {@code parquet} path the result rows are written
     * there (overwriting it) and counted from it, so nothing is embedded twice.
     */
    public static IndexSummary run(IndexSettings settings, Dataset<Row> images, String parquet) {
        Dataset<Row> results = index(settings, images);
        Dataset<Row> counted;
        if (parquet != null) {
            results.write().mode("overwrite").parquet(parquet);
            counted = images.sparkSession().read().parquet(parquet).drop("vector");
        } else {
            counted = results.drop("vector").localCheckpoint(true); // computed once, then counted twice
        }
        return summarize(counted);
    }

    /** Counts rows by status without a shuffle (a groupBy would run spark.sql.shuffle.partitions tasks). */
    private static IndexSummary summarize(Dataset<Row> rows) {
        long[] byStatus = rows.select("status").javaRDD().aggregate(new long[ResultRows.Status.values().length],
                (counts, r) -> {
                    counts[ResultRows.Status.valueOf(r.getString(0).toUpperCase(java.util.Locale.ROOT)).ordinal()]++;
                    return counts;
                },
                (a, b) -> {
                    for (int i = 0; i < a.length; i++) {
                        a[i] += b[i];
                    }
                    return a;
                });
        List<String> failures = new ArrayList<>();
        if (byStatus[ResultRows.Status.FAILED.ordinal()] > 0) {
            for (Row r : rows.filter(functions.col("status").equalTo(ResultRows.Status.FAILED.value()))
                    .select("location", "model", "error").limit(IndexSummary.MAX_FAILURES).collectAsList()) {
                failures.add(r.getString(0) + " (" + r.getString(1) + "): " + r.getString(2));
            }
            failures.sort(null);
        }
        return new IndexSummary(byStatus[0], byStatus[1], byStatus[2], byStatus[3], failures);
    }

    /**
     * Resolves {@link IndexSettings.JpegDecoding#AUTO} as the CLI does (OpenCV where it loads, unless the index was
     * built with ImageIO) and opens the driver's session, which checks and creates the collections.
     */
    static IndexSettings prepare(IndexSettings settings) {
        if (settings.jpegDecoding() != IndexSettings.JpegDecoding.AUTO) {
            IndexSession.of(settings);
            return settings;
        }
        if (!Models.openCvLoads()) {
            LOG.warn("OpenCV does not load on the driver; decoding JPEGs with ImageIO");
            return prepare(settings.withJpegDecoding(IndexSettings.JpegDecoding.IMAGEIO));
        }
        IndexSettings opencv = settings.withJpegDecoding(IndexSettings.JpegDecoding.OPENCV);
        try {
            IndexSession.of(opencv);
            return opencv;
        } catch (CollectionMismatchException e) {
            IndexSettings imageio = settings.withJpegDecoding(IndexSettings.JpegDecoding.IMAGEIO);
            try {
                IndexSession.of(imageio);
            } catch (RuntimeException again) {
                e.addSuppressed(again);
                throw e;
            }
            LOG.info("The index was built with ImageIO JPEG decoding; indexing the same way");
            return imageio;
        }
    }
}
