package dev.imagesearch.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Ids derived from image content: the SHA-256 of the file's bytes, and the first 63 bits of it as a positive
 * {@code long} id. The same bytes always give the same id, whatever the path, so re-indexing adds nothing and a
 * file copied to two paths is one vector with two locations.
 *
 * @param id          positive 63-bit id (fits Milvus INT64 primary keys)
 * @param contentHash lower-case hex SHA-256 of the bytes
 */
public record ContentId(long id, String contentHash) {

    public static ContentId of(byte[] bytes) {
        return of(bytes, 0, bytes.length);
    }

    public static ContentId of(byte[] bytes, int offset, int length) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        sha.update(bytes, offset, length);
        byte[] digest = sha.digest();
        long id = 0;
        for (int i = 0; i < 8; i++) {
            id = (id << 8) | (digest[i] & 0xFF);
        }
        return new ContentId(id & Long.MAX_VALUE, HexFormat.of().formatHex(digest));
    }
}
