package dev.imagesearch.idmap;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * Keeps the link between vector ids and image locations. One id is one image content; one content may be found
 * at several locations; one location points to one id at a time. Every implementation passes the shared
 * contract suite ({@code IdMapperContract} in core's test jar).
 */
public interface IdMapper extends AutoCloseable {

    /**
     * Records that {@code location} holds the image {@code id} with the given content hash.
     *
     * @return the id {@code location} pointed to before, if it was another id (the file changed)
     */
    OptionalLong put(String location, long id, String contentHash);

    /** The record of an id, if it has at least one location. */
    Optional<ImageRecord> get(long id);

    /** The records of several ids in one go; ids without a record are left out of the map. */
    Map<Long, ImageRecord> getAll(Collection<Long> ids);

    /** The record of the image at {@code location}, if that location is mapped. */
    Optional<ImageRecord> lookup(String location);

    /**
     * Forgets {@code location}.
     *
     * @return the record of the id it pointed to, after the removal (its {@code locations} is empty when no
     *         location is left, and the id is then gone from the map); empty if the location was unknown
     */
    Optional<ImageRecord> remove(String location);

    /** Forgets an id and all its locations. Returns whether it was present. */
    boolean removeId(long id);

    /** Number of ids with at least one location. */
    long size();

    /** Calls {@code action} with every mapped id (for reconciliation with a vector store). */
    void forEachId(LongConsumer action);

    /** Makes every write so far durable. */
    void flush();

    @Override
    void close();
}
