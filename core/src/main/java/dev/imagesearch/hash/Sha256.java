package dev.imagesearch.hash;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 and its lower-case hex form, the one place the project computes them: content ids, model file hashes,
 * short name hashes.
 */
public final class Sha256 {

    private static final HexFormat HEX = HexFormat.of();

    private Sha256() {
    }

    /** A fresh digest (every Java runtime has SHA-256). */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The digest of {@code length} bytes from {@code offset}. */
    public static byte[] digest(byte[] bytes, int offset, int length) {
        MessageDigest sha = newDigest();
        sha.update(bytes, offset, length);
        return sha.digest();
    }

    /** Lower-case hex of the digest of {@code bytes}. */
    public static String hex(byte[] bytes) {
        return toHex(digest(bytes, 0, bytes.length));
    }

    /** Lower-case hex of the digest of a string's UTF-8 bytes. */
    public static String hex(String text) {
        return hex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Lower-case hex of the digest of everything {@code in} holds (read to its end, not closed). */
    public static String hex(InputStream in) throws IOException {
        MessageDigest sha = newDigest();
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            sha.update(buf, 0, n);
        }
        return toHex(sha.digest());
    }

    /** Lower-case hex of bytes (a digest). */
    public static String toHex(byte[] digest) {
        return HEX.formatHex(digest);
    }
}
