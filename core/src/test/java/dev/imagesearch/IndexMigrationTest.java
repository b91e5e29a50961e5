package dev.imagesearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.embedded.EmbeddedIdMapper;
import dev.imagesearch.embedded.EmbeddedVectorStore;
import dev.imagesearch.store.CollectionMismatchException;
import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.testing.PixelEmbedder;
import dev.imagesearch.testing.TestImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copying an index to another store and id map: complete, resumable, verified, and searchable the same way. */
class IndexMigrationTest {

    @TempDir
    Path tmp;

    private List<Path> images(int n) {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TestImages.write(tmp.resolve("img/" + i + ".png"), TestImages.png(i, 64)));
        }
        out.add(TestImages.write(tmp.resolve("img/copy-of-0.png"), TestImages.png(0, 64))); // one content, two places
        return out;
    }

    private static ImageSearch open(Path dir, String... models) {
        ImageSearch.Builder b = ImageSearch.builder().dataDirectory(dir)
                .embedder(PixelEmbedder.builder().name(models[0]).build());
        for (int i = 1; i < models.length; i++) {
            b.addEmbedder(PixelEmbedder.builder().name(models[i]).grid(4).build());
        }
        return b.build();
    }

    @Test
    void copiesEveryModelAndLocationAndSearchesAlike() {
        List<Path> files = images(12);
        try (ImageSearch source = open(tmp.resolve("a"), "pixels", "coarse")) {
            assertThat(source.index(files).failures()).isEmpty();
        }
        try (ImageSearch source = open(tmp.resolve("a"), "pixels", "coarse");
             EmbeddedVectorStore toStore = EmbeddedVectorStore.open(tmp.resolve("b"));
             EmbeddedIdMapper toIds = EmbeddedIdMapper.open(tmp.resolve("b"))) {
            IndexMigration.Report r = IndexMigration.builder(source, toStore, toIds).batchSize(5).build().run();
            assertThat(r.verified()).isTrue();
            assertThat(r.vectorsCopied()).containsEntry("pixels", 12L).containsEntry("coarse", 12L);
            assertThat(r.locationsCopied()).isEqualTo(13);
        }
        try (ImageSearch source = open(tmp.resolve("a"), "pixels", "coarse");
             ImageSearch copy = open(tmp.resolve("b"), "pixels", "coarse")) {
            assertThat(copy.verify().consistent()).isTrue();
            assertThat(copy.count()).isEqualTo(source.count());
            for (Path f : files) {
                long id = source.idMapper().lookup(ImageSearch.locationOf(f)).orElseThrow().id();
                float[] v = source.collection().vector(id).orElseThrow();
                assertThat(copy.similar(v, 5)).isEqualTo(source.similar(v, 5));
                assertThat(copy.idMapper().lookup(ImageSearch.locationOf(f))).isEqualTo(
                        source.idMapper().lookup(ImageSearch.locationOf(f)));
            }
            assertThat(copy.index(files).unchanged()).as("the copy knows every file").isEqualTo(files.size());
        }
    }

    @Test
    void anInterruptedCopyResumesWhereItStopped() {
        List<Path> files = images(10);
        try (ImageSearch source = open(tmp.resolve("a"), "pixels")) {
            source.index(files);
        }
        // an earlier run copied some vectors and one location, then stopped
        try (ImageSearch source = open(tmp.resolve("a"), "pixels");
             ImageSearch partial = open(tmp.resolve("b"), "pixels")) {
            partial.index(files.subList(0, 4));
            partial.remove(files.get(1)); // its vector goes, so the copy must bring it back
        }
        try (ImageSearch source = open(tmp.resolve("a"), "pixels");
             EmbeddedVectorStore toStore = EmbeddedVectorStore.open(tmp.resolve("b"));
             EmbeddedIdMapper toIds = EmbeddedIdMapper.open(tmp.resolve("b"))) {
            IndexMigration.Report r = IndexMigration.builder(source, toStore, toIds).build().run();
            assertThat(r.vectorsSkipped()).containsEntry("pixels", 3L);
            assertThat(r.vectorsCopied()).containsEntry("pixels", 7L);
            assertThat(r.locationsSkipped()).isEqualTo(3);
            assertThat(r.locationsCopied()).isEqualTo(8);
            assertThat(r.verified()).isTrue();

            IndexMigration.Report again = IndexMigration.builder(source, toStore, toIds).build().run();
            assertThat(again.vectorsCopied()).containsEntry("pixels", 0L);
            assertThat(again.locationsCopied()).isZero();
            assertThat(again.verified()).isTrue();
        }
    }

    @Test
    void aTargetCollectionOfAnotherModelFailsBeforeAnyWrite() {
        List<Path> files = images(3);
        try (ImageSearch source = open(tmp.resolve("a"), "pixels")) {
            source.index(files);
        }
        try (ImageSearch source = open(tmp.resolve("a"), "pixels");
             EmbeddedVectorStore toStore = EmbeddedVectorStore.open(tmp.resolve("b"));
             EmbeddedIdMapper toIds = EmbeddedIdMapper.open(tmp.resolve("b"))) {
            VectorCollection other = toStore.open(CollectionSpec.builder("pixels", 5).build());
            assertThatThrownBy(() -> IndexMigration.builder(source, toStore, toIds).build().run())
                    .isInstanceOf(CollectionMismatchException.class);
            assertThat(other.count()).isZero();
            assertThat(toIds.size()).isZero();
        }
    }

    @Test
    void aVectorLostAfterACopyIsCopiedBackByTheNextRun() {
        List<Path> files = images(4);
        try (ImageSearch source = open(tmp.resolve("a"), "pixels")) {
            source.index(files);
        }
        try (ImageSearch source = open(tmp.resolve("a"), "pixels");
             EmbeddedVectorStore toStore = EmbeddedVectorStore.open(tmp.resolve("b"));
             EmbeddedIdMapper toIds = EmbeddedIdMapper.open(tmp.resolve("b"))) {
            IndexMigration.builder(source, toStore, toIds).build().run();
            VectorCollection target = toStore.open(source.collection().spec());
            List<Long> ids = new ArrayList<>();
            target.forEachId(ids::add);
            target.delete(ids.subList(0, 1)); // lost after the copy
            IndexMigration.Report r = IndexMigration.builder(source, toStore, toIds).build().run();
            assertThat(r.vectorsCopied()).containsEntry("pixels", 1L);
            assertThat(r.verified()).isTrue();
        }
    }
}
