package dev.imagesearch.search;

import java.util.List;

/**
 * One search result.
 *
 * @param rank        1 for the best match
 * @param id          content id of the matched image
 * @param location    where the image is (the first known location: an absolute path or a URI)
 * @param locations   every location holding the same bytes
 * @param score       similarity under the collection's metric (cosine: 1.0 is identical, higher is closer)
 * @param contentHash hex SHA-256 of the image file
 */
public record Match(int rank, long id, String location, List<String> locations, float score, String contentHash) {
    public Match {
        locations = List.copyOf(locations);
    }
}
