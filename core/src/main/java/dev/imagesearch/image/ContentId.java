package dev.imagesearch.image;

import dev.imagesearch.hash.Sha256;

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
        byte[] digest = Sha256.digest(bytes, offset, length);
        long id = 0;
        for (int i = 0; i < 8; i++) {
            id = (id << 8) | (digest[i] & 0xFF);
        }
        return new ContentId(id & Long.MAX_VALUE, Sha256.toHex(digest));
    }
}
