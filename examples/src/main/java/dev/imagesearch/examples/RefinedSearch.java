package dev.imagesearch.examples;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.query.DatabaseAugmentation;
import dev.imagesearch.query.QueryExpansion;
import dev.imagesearch.query.SearchRefinement;
import dev.imagesearch.search.Match;
import java.nio.file.Path;
import java.util.List;

/**
 * Indexes a folder with the default model, then prints the images most similar to a query twice: plain, and refined
 * by query expansion and database-side augmentation (the README's example of a refined search). Usage:
 * {@code RefinedSearch FOLDER}, the query being {@code ./query.jpg}; the index is kept in {@code ./my-index}.
 */
public final class RefinedSearch {

    private RefinedSearch() {
    }

    public static void main(String[] args) throws Exception {
        try (ImageSearch search = ImageSearch.builder().dataDirectory(Path.of("my-index")).build()) {
            search.indexDirectory(Path.of(args[0]));
            for (Match m : search.similar(Path.of("query.jpg"), 10)) {
                System.out.printf("plain %d %.4f %s%n", m.rank(), m.score(), m.location());
            }
            // README-BEGIN
            SearchRefinement refined = new SearchRefinement(QueryExpansion.alpha(5, 3), DatabaseAugmentation.alpha(10, 3));
            List<Match> hits = search.similar(Path.of("query.jpg"), 10, refined);   // also searchAll(image, k, fusion, refined)
            // README-END
            for (Match m : hits) {
                System.out.printf("refined %d %.4f %s%n", m.rank(), m.score(), m.location());
            }
        }
    }
}
