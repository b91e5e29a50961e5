package dev.imagesearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.embed.Embedder;
import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.fusion.Fusion;
import dev.imagesearch.testing.TestImages;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way an image reaches a model checks the vector against the collection's dimension: indexing, and queries
 * by file, bytes or {@code BufferedImage} (which skipped the check before the model owned it).
 */
class QueryVectorCheckTest {

    @TempDir
    Path tmp;

    /** Four dimensions, as declared, until {@code broken}: then three values. */
    private static final class FlakyEmbedder implements Embedder {
        volatile boolean broken;

        @Override
        public String name() {
            return "flaky";
        }

        @Override
        public int dimension() {
            return 4;
        }

        @Override
        public float[] embed(BufferedImage image) {
            int rgb = image.getRGB(0, 0);
            float[] v = {1, (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF};
            return broken ? new float[] {1, 2, 3} : v;
        }
    }

    @Test
    void everyQueryPathChecksTheVector() throws Exception {
        FlakyEmbedder embedder = new FlakyEmbedder();
        Path file = TestImages.write(tmp.resolve("a.png"), TestImages.png(1, 16));
        try (ImageSearch search = ImageSearch.builder().embedder(embedder).dataDirectory(tmp.resolve("data"))
                .build()) {
            assertThat(search.index(List.of(file)).indexed()).isEqualTo(1);
            assertThat(search.similar(file, 1)).singleElement().satisfies(m -> assertThat(m.score()).isEqualTo(1f));
            embedder.broken = true;
            BufferedImage image = TestImages.blocks(1, 16);
            assertThatThrownBy(() -> search.similar(image, 1)).isInstanceOf(EmbeddingException.class)
                    .hasMessageContaining("3 values").hasMessageContaining("dimension 4");
            assertThatThrownBy(() -> search.similar(search.models().get(0), image, 1))
                    .isInstanceOf(EmbeddingException.class).hasMessageContaining("dimension 4");
            assertThatThrownBy(() -> search.similar(file, 1)).isInstanceOf(EmbeddingException.class)
                    .hasMessageStartingWith(file.toString());
            assertThatThrownBy(() -> search.searchAll(image, 1, Fusion.rrf()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("dimension 4");
        }
    }
}
