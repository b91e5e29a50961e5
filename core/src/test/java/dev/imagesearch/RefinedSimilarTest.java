package dev.imagesearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.query.DatabaseAugmentation;
import dev.imagesearch.query.QueryExpansion;
import dev.imagesearch.query.SearchRefinement;
import dev.imagesearch.search.Match;
import dev.imagesearch.store.Metric;
import dev.imagesearch.testing.PixelEmbedder;
import dev.imagesearch.testing.TestImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code similar(image, k, refinement)}: the plain search without one, re-ranked with one, errors with the path. */
class RefinedSimilarTest {

    @TempDir
    Path tmp;

    @Test
    void refinementsReRankThePrimaryModelsSearch() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            files.add(TestImages.write(tmp.resolve("p/" + i + ".png"), TestImages.png(i, 48)));
        }
        try (ImageSearch search = ImageSearch.builder().embedder(PixelEmbedder.builder().name("a").grid(3).build())
                .dataDirectory(tmp.resolve("data")).build()) {
            search.index(files);
            Path q = files.get(3);
            assertThat(search.similar(q, 5, SearchRefinement.NONE)).isEqualTo(search.similar(q, 5));
            List<Match> refined = search.similar(q, 8, new SearchRefinement(QueryExpansion.alpha(2, 3),
                    DatabaseAugmentation.average(2)));
            List<Match> plain = search.similar(q, 8);
            // the same eight images, scored against expanded and augmented vectors
            assertThat(refined).extracting(Match::location)
                    .containsExactlyInAnyOrderElementsOf(plain.stream().map(Match::location).toList());
            assertThat(refined).extracting(Match::score).isNotEqualTo(plain.stream().map(Match::score).toList());
            assertThat(refined).extracting(Match::rank).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
            assertThat(search.similar(q, 0, SearchRefinement.NONE)).isEmpty();
            Path missing = tmp.resolve("nope.png");
            assertThatThrownBy(() -> search.similar(missing, 3, SearchRefinement.NONE))
                    .isInstanceOf(ImageDecodeException.class).hasMessageContaining(missing.toString());
            assertThatThrownBy(() -> search.similar(q, -1, SearchRefinement.NONE))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        // both refinements add and compare vectors as similarities: a distance metric is refused, not mis-ranked
        try (ImageSearch search = ImageSearch.builder().embedder(PixelEmbedder.builder().name("a").grid(3).build())
                .metric(Metric.L2).dataDirectory(tmp.resolve("l2")).build()) {
            search.index(files);
            assertThat(search.similar(files.get(3), 3, SearchRefinement.NONE)).hasSize(3);
            assertThatThrownBy(() -> search.similar(files.get(3), 3,
                    new SearchRefinement(null, DatabaseAugmentation.average(2))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("dba2 needs a similarity metric (COSINE or IP); model a uses L2");
        }
    }
}
