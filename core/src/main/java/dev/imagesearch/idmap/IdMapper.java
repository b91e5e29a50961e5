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

    /** One location → id link, for {@link #putAll}. */
    record Link(String location, long id, String contentHash) {
        public Link {
            java.util.Objects.requireNonNull(location, "location");
            java.util.Objects.requireNonNull(contentHash, "contentHash");
        }
    }

    /**
     * {@link #put} for several links, applied in order. Server-backed implementations send them in one round trip
     * (the default calls {@code put} for each).
     *
     * @return per link, in order, the id its location pointed to before if it was another id
     */
    default java.util.List<OptionalLong> putAll(java.util.List<Link> links) {
        java.util.List<OptionalLong> out = new java.util.ArrayList<>(links.size());
        for (Link l : links) {
            out.add(put(l.location(), l.id(), l.contentHash()));
        }
        return out;
    }

    /**
     * {@link #lookup} for several locations; unmapped locations are left out of the map. Server-backed
     * implementations answer in one round trip (the default calls {@code lookup} for each).
     */
    default Map<String, ImageRecord> lookupAll(Collection<String> locations) {
        Map<String, ImageRecord> out = new java.util.LinkedHashMap<>();
        for (String l : locations) {
            lookup(l).ifPresent(r -> out.put(l, r));
        }
        return out;
    }

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
