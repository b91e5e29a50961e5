package dev.imagesearch.spark;

import dev.imagesearch.onnx.ModelCatalog;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The indexing job: {@code spark-submit --class dev.imagesearch.spark.SparkIndexJob imagesearch-spark.jar ...}, or
 * {@code imagesearch spark-index ...} (local mode). See docs/SPARK.md.
 */
@Command(name = "spark-index", mixinStandardHelpOptions = true,
        description = {"Index images on Apache Spark into Milvus (vectors, one collection per model) and an id map "
                + "(Redis), optionally writing a Parquet table of the vectors. Reruns skip what is indexed.",
                "Inputs are Hadoop paths (local, hdfs://, s3a://; globs allowed), read recursively; only image "
                        + "file names (jpg, jpeg, png, gif, bmp, webp, tif, tiff, wbmp) are indexed."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (failed images are listed)", "1:error", "2:usage error", "3:every image failed"})
public final class SparkIndexJob implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "PATH", description = "Directories, files or globs to index.")
    List<String> inputs = List.of();

    @Option(names = "--paths-table", paramLabel = "TABLE",
            description = "Index the files listed in a table (a Spark table name or a Parquet path) instead.")
    String pathsTable;

    @Option(names = "--path-column", paramLabel = "NAME", defaultValue = "path",
            description = "Column of --paths-table holding the paths (default: ${DEFAULT-VALUE}).")
    String pathColumn;

    @Option(names = "--store", required = true, paramLabel = "URI",
            description = "Milvus: milvus://HOST:PORT[?token=T&db=NAME&index=...]")
    String store;

    @Option(names = "--ids", required = true, paramLabel = "URI",
            description = "Id map: redis://HOST:PORT[?namespace=NS] (or milvus://HOST:PORT).")
    String ids;

    @Option(names = "--models", split = ",", paramLabel = "A,B,...", defaultValue = ModelCatalog.DEFAULT_MODEL,
            description = "Models, the primary one first; each image is decoded once and embedded by each "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--model-dir", paramLabel = "DIR",
            description = "Model catalog directory on every executor (default: ~/.cache/imagesearch/models, or "
                    + "$IMAGESEARCH_MODELS / $IMAGESEARCH_CACHE/models).")
    String modelDirectory;

    @Option(names = "--jpeg-decoder", paramLabel = "auto|opencv|imageio", defaultValue = "auto",
            description = "JPEG decoder, as the CLI's (default: ${DEFAULT-VALUE}).")
    String jpegDecoder;

    @Option(names = "--full-decoding", description = "Decode every image at full size (default: reduced, as the CLI).")
    boolean fullDecoding;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "0",
            description = "Images embedded together per task (default: the models' preferred batch size).")
    int batch;

    @Option(names = "--onnx-threads", paramLabel = "N", defaultValue = "1",
            description = "ONNX Runtime threads per model run; tasks of an executor share one model session "
                    + "(default: ${DEFAULT-VALUE}: one per task core; 0 = ONNX Runtime's choice).")
    int onnxThreads;

    @Option(names = "--parquet", paramLabel = "PATH",
            description = "Also write the result rows (content_id, content_hash, location, model, vector, status, "
                    + "error) as Parquet here (overwritten).")
    String parquet;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
            description = "Repartition the images into N tasks (default: as Spark splits the files).")
    int partitions;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when spark-submit does not set one (default: local[*]).")
    String master;

    /** Runs the job; exits with the command's exit code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the job and returns its exit code (tests, the CLI). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new SparkIndexJob());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("spark-index: error: " + message(e));
            return 1;
        });
        return cl.execute(args);
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof org.apache.spark.SparkException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    @Override
    public Integer call() {
        if (inputs.isEmpty() == (pathsTable == null)) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "give either PATH... or --paths-table, not both");
        }
        IndexSettings settings = IndexSettings.builder(store, ids).models(models).modelDirectory(modelDirectory)
                .jpegDecoding(IndexSettings.JpegDecoding.valueOf(jpegDecoder.trim().toUpperCase(Locale.ROOT)))
                .reducedDecoding(!fullDecoding).batchSize(batch).onnxThreads(onnxThreads).build();
        SparkConf conf = new SparkConf().setAppName("imagesearch spark-index");
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        PrintWriter out = new PrintWriter(System.out, true);
        boolean owned = SparkSession.getDefaultSession().isEmpty(); // else (tests) the caller's session is reused
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            Dataset<Row> images = pathsTable != null
                    ? SparkIndexer.readImagesFromTable(spark, pathsTable, pathColumn)
                    : SparkIndexer.readImages(spark, inputs);
            if (partitions > 0) {
                images = images.repartition(partitions);
            }
            long start = System.nanoTime();
            SparkIndexer.prepare(settings); // the driver's session: models loaded, collections checked and created
            long prepared = System.nanoTime();
            IndexSummary s = SparkIndexer.run(settings, images, parquet);
            double seconds = (System.nanoTime() - prepared) / 1e9;
            long imagesDone = s.total() / models.size();
            out.printf(Locale.ROOT, "models:    %s%n", String.join(", ", models));
            out.printf(Locale.ROOT, "embedded:  %d%n", s.embedded());
            out.printf(Locale.ROOT, "linked:    %d (vector already stored)%n", s.linked());
            out.printf(Locale.ROOT, "unchanged: %d%n", s.unchanged());
            out.printf(Locale.ROOT, "failed:    %d%n", s.failed());
            s.failures().forEach(f -> out.println("  " + f));
            out.printf(Locale.ROOT, "setup:     %.1f s (models loaded, collections checked)%n",
                    (prepared - start) / 1e9);
            out.printf(Locale.ROOT, "elapsed:   %.1f s (%.1f img/s) on %s%n", seconds, imagesDone / seconds,
                    spark.sparkContext().master());
            return s.total() > 0 && s.failed() == s.total() ? 3 : 0;
        } finally {
            if (owned) {
                spark.stop();
            }
        }
    }
}
