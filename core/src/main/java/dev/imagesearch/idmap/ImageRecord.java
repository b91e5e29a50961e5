package dev.imagesearch.idmap;

import java.util.List;
import java.util.Objects;

/**
 * What an id map knows about one image: its content id, the hex SHA-256 of its bytes, and every location
 * (path or URI) where those bytes were found, oldest first.
 */
public record ImageRecord(long id, String contentHash, List<String> locations) {
    public ImageRecord {
        Objects.requireNonNull(contentHash, "contentHash");
        locations = List.copyOf(locations);
    }

    /** The first known location, or {@code null} when the image has none left. */
    public String primaryLocation() {
        return locations.isEmpty() ? null : locations.get(0);
    }
}
