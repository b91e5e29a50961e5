package dev.imagesearch.duplicates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.search.Match;
import dev.imagesearch.search.SimilaritySearch;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.testing.PixelEmbedder;
import dev.imagesearch.testing.TestImages;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the store cannot return vectors, {@link DuplicateFinder} re-embeds each image decoded the way the index
 * decodes (its limits, JPEG and PNG decoders, reduced decoding: {@link SimilaritySearch#decode}), not with a
 * decoder of its own, so the re-embedded vectors are the ones indexing stored.
 */
class DuplicateFinderDecodingTest {

    @TempDir
    Path tmp;

    @Test
    void reembeddingDecodesThroughTheIndex() {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            files.add(TestImages.write(tmp.resolve("p/" + i + ".png"), TestImages.png(i, 64)));
        }
        files.add(TestImages.write(tmp.resolve("p/0-copy.jpg"), TestImages.encode(TestImages.blocks(0, 64), "jpg")));
        try (ImageSearch search = ImageSearch.builder().embedder(PixelEmbedder.builder().build())
                .dataDirectory(tmp.resolve("data")).build()) {
            search.index(files);
            List<Path> decoded = new ArrayList<>();
            SimilaritySearch counting = new SimilaritySearch() {
                @Override
                public List<IndexedModel> models() {
                    return search.models();
                }

                @Override
                public IdMapper idMapper() {
                    return search.idMapper();
                }

                @Override
                public BufferedImage decode(Path image) throws ImageDecodeException {
                    decoded.add(image);
                    return search.decode(image);
                }

                @Override
                public float[] embed(IndexedModel model, BufferedImage image) {
                    return search.embed(model, image);
                }

                @Override
                public List<Match> similar(IndexedModel model, float[] vector, int k) {
                    return search.similar(model, vector, k);
                }
            };
            IndexedModel noVectors = new IndexedModel("test-pixels", search.embedder(),
                    new NoVectors(search.collection()));
            DuplicateFinder.Result r = DuplicateFinder.builder(counting).model(noVectors).threshold(0.98).build()
                    .find();
            assertThat(r.skipped()).isZero();
            assertThat(r.groups()).singleElement().satisfies(g -> assertThat(g.members()).hasSize(2));
            assertThat(decoded).hasSize(5).allSatisfy(p -> assertThat(files).contains(p));
        }
    }

    /** A collection that searches but cannot return stored vectors (as some servers). */
    private record NoVectors(VectorCollection d) implements VectorCollection {
        @Override
        public Optional<float[]> vector(long id) {
            throw new UnsupportedOperationException("no vectors here");
        }

        @Override
        public dev.imagesearch.store.CollectionSpec spec() {
            return d.spec();
        }

        @Override
        public void upsert(List<dev.imagesearch.store.VectorRecord> records) {
            d.upsert(records);
        }

        @Override
        public List<ScoredId> search(float[] query, int k) {
            return d.search(query, k);
        }

        @Override
        public int delete(Collection<Long> ids) {
            return d.delete(ids);
        }

        @Override
        public Set<Long> existing(Collection<Long> ids) {
            return d.existing(ids);
        }

        @Override
        public long count() {
            return d.count();
        }

        @Override
        public void forEachId(LongConsumer action) {
            d.forEachId(action);
        }

        @Override
        public void flush() {
            d.flush();
        }
    }
}
