package dev.imagesearch.onnx;

import dev.imagesearch.embed.EmbeddingException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A learned linear map applied to a pooled, L2-normalised vector: {@code y = P (x - m)}, then L2-normalised by
 * the embedding head. {@code P} holds the first {@code k} rows of a whitening (PCA) projection fitted offline
 * (scripts/models/fit_whitening.py), strongest component first, so keeping fewer rows reduces the dimension.
 *
 * <p>File format (little-endian): the 8 ASCII bytes {@code ISWHITEN}, int32 version (1), int32 input dimension
 * {@code d}, int32 rows {@code r}, then {@code d} float32 (the mean {@code m}) and {@code r * d} float32 (the
 * rows of {@code P}, row-major).
 *
 * <p>Immutable and thread-safe.
 */
public final class Whitening {

    private static final byte[] MAGIC = "ISWHITEN".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int HEADER = MAGIC.length + 12;

    private final float[] mean;
    private final float[][] rows;
    private final String sha256;

    private Whitening(float[] mean, float[][] rows, String sha256) {
        this.mean = mean;
        this.rows = rows;
        this.sha256 = sha256;
    }

    /**
     * A whitening from its parts (copied): {@code mean} of length {@code d}, {@code rows} of {@code k} rows of
     * length {@code d}. {@code sha256} identifies it in fingerprints (the file's hash when read from one).
     */
    public static Whitening of(float[] mean, float[][] rows, String sha256) {
        if (mean.length == 0 || rows.length == 0) {
            throw new IllegalArgumentException("a whitening needs a mean and at least one row");
        }
        float[][] copy = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != mean.length) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, the mean "
                        + mean.length);
            }
            copy[i] = rows[i].clone();
        }
        return new Whitening(mean.clone(), copy, sha256);
    }

    /**
     * Reads a whitening file, checks its SHA-256 and keeps its first {@code dimension} rows (0: all).
     *
     * @throws EmbeddingException naming the file: missing, unreadable, another hash, a bad header or length, or
     *                            fewer rows than {@code dimension}
     */
    public static Whitening read(Path file, String expectedSha256, int dimension) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new EmbeddingException("Whitening file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new EmbeddingException("Cannot read whitening file " + file + ": " + e.getMessage(), e);
        }
        String sha = sha256(bytes);
        if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(sha)) {
            throw new EmbeddingException("Whitening file " + file + " has SHA-256 " + sha + " but "
                    + ModelDescriptor.FILE_NAME + " expects " + expectedSha256);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < HEADER || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new EmbeddingException("Whitening file " + file + " is not a whitening file (no ISWHITEN header)");
        }
        b.position(MAGIC.length);
        int version = b.getInt();
        int d = b.getInt();
        int r = b.getInt();
        if (version != VERSION || d <= 0 || r <= 0 || (long) bytes.length != HEADER + 4L * d * (1L + r)) {
            throw new EmbeddingException("Whitening file " + file + " is damaged: version " + version + ", " + d
                    + " inputs, " + r + " rows, " + bytes.length + " bytes");
        }
        if (dimension > r) {
            throw new EmbeddingException("Whitening file " + file + " has " + r + " rows; cannot keep " + dimension);
        }
        int k = dimension > 0 ? dimension : r;
        float[] mean = new float[d];
        b.asFloatBuffer().get(mean);
        b.position(b.position() + 4 * d);
        float[][] rows = new float[k][d];
        for (int i = 0; i < k; i++) {
            b.asFloatBuffer().get(rows[i]);
            b.position(b.position() + 4 * d);
        }
        return new Whitening(mean, rows, sha);
    }

    /** Values per input vector. */
    public int inputDimension() {
        return mean.length;
    }

    /** Values per output vector (the rows kept). */
    public int outputDimension() {
        return rows.length;
    }

    /** The SHA-256 it was read with (lower-case hex). */
    public String sha256() {
        return sha256;
    }

    /** {@code P (x - m)}; {@code x} must have {@link #inputDimension()} values. */
    public float[] apply(float[] x) {
        if (x.length != mean.length) {
            throw new IllegalArgumentException("expected " + mean.length + " values, got " + x.length);
        }
        double[] centred = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            centred[j] = x[j] - mean[j];
        }
        float[] y = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            float[] row = rows[i];
            double s = 0;
            for (int j = 0; j < row.length; j++) {
                s += row[j] * centred[j];
            }
            y[i] = (float) s;
        }
        return y;
    }

    /** The fingerprint part: {@code whiten=<sha256>/<output dimension>}. */
    String describe() {
        return "whiten=" + sha256 + "/" + rows.length;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
