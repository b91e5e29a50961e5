package dev.imagesearch.spark;

import dev.imagesearch.ImageSearch;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The rows an indexing job returns (and writes to Parquet): one per image and model.
 *
 * <ul>
 *   <li>{@code content_id} (long) and {@code content_hash} (hex SHA-256): the library's content id of the bytes;</li>
 *   <li>{@code location}: what the id map records (an absolute path for local files, else the file's URI);</li>
 *   <li>{@code model}: the model's collection name;</li>
 *   <li>{@code vector}: the embedding when this run computed it, else null;</li>
 *   <li>{@code status}: {@link Status} in lower case;</li>
 *   <li>{@code error}: why the image failed for that model, else null.</li>
 * </ul>
 */
public final class ResultRows {

    /** What happened to one image for one model. */
    public enum Status {
        /** Embedded by this run; vector and location written. */
        EMBEDDED,
        /** The vector was already stored (same bytes elsewhere, or an earlier attempt); the location was written. */
        LINKED,
        /** Vector and location were already stored: nothing to do (an incremental rerun). */
        UNCHANGED,
        /** The image could not be read, decoded or embedded; see {@code error}. */
        FAILED;

        String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final StructType SCHEMA = new StructType()
            .add("content_id", DataTypes.LongType, true)
            .add("content_hash", DataTypes.StringType, true)
            .add("location", DataTypes.StringType, false)
            .add("model", DataTypes.StringType, false)
            .add("vector", DataTypes.createArrayType(DataTypes.FloatType, false), true)
            .add("status", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true);

    private ResultRows() {
    }

    static Row row(Long contentId, String hash, String location, String model, float[] vector, Status status,
                   String error) {
        return RowFactory.create(contentId, hash, location, model, vector, status.value(), error);
    }

    /**
     * The location the id map records for a file of {@code binaryFile}'s {@code path} column: for local files
     * ({@code file:/...}, as Hadoop prints paths: not percent-encoded) the absolute path, as
     * {@link ImageSearch#locationOf} gives for the CLI's files, so both index the same keys; any other file system's
     * path (HDFS, S3A, ...) as it is.
     */
    public static String locationOf(String path) {
        String local = null;
        if (path.regionMatches(true, 0, "file:", 0, 5)) {
            local = path.substring(5);
            if (local.startsWith("//")) { // file:///x or file://localhost/x: drop the (empty) authority
                int slash = local.indexOf('/', 2);
                local = slash < 0 ? "/" : local.substring(slash);
            }
        } else if (path.startsWith("/")) {
            local = path;
        }
        return local == null ? path : ImageSearch.locationOf(Path.of(local));
    }
}
