package dev.imagesearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.embedded.EmbeddedIdMapper;
import dev.imagesearch.embedded.EmbeddedVectorStore;
import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconcilerTest {

    @TempDir
    Path dir;

    private EmbeddedVectorStore store;
    private VectorCollection vectors;
    private EmbeddedIdMapper ids;

    @BeforeEach
    void open() {
        store = EmbeddedVectorStore.open(dir);
        vectors = store.open(CollectionSpec.builder("test", 2).build());
        ids = EmbeddedIdMapper.open(dir);
    }

    @AfterEach
    void close() {
        ids.close();
        store.close();
    }

    private void vector(long id) {
        vectors.upsert(List.of(new VectorRecord(id, new float[] {1, id})));
    }

    @Test
    void consistentPairReportsNothing() {
        vector(1);
        vector(2);
        ids.put("/a", 1, "h1");
        ids.put("/b", 2, "h2");
        ids.put("/c", 2, "h2");
        Reconciler.Report r = new Reconciler(vectors, ids).verify();
        assertThat(r.consistent()).isTrue();
        assertThat(r.vectorsChecked()).isEqualTo(2);
        assertThat(r.mappingsChecked()).isEqualTo(2);
    }

    @Test
    void findsAndRepairsBothKinds() {
        vector(1);
        vector(2); // no location: an interrupted index
        ids.put("/a", 1, "h1");
        ids.put("/x", 3, "h3"); // no vector: the store lost it
        ids.put("/y", 3, "h3");
        Reconciler reconciler = new Reconciler(vectors, ids);

        Reconciler.Report found = reconciler.verify();
        assertThat(found.vectorsWithoutMapping()).containsExactly(2L);
        assertThat(found.mappingsWithoutVector()).containsExactly(3L);
        assertThat(found.consistent()).isFalse();
        assertThat(vectors.count()).isEqualTo(2); // verify changes nothing
        assertThat(ids.size()).isEqualTo(2);

        assertThat(reconciler.repair()).isEqualTo(found);
        assertThat(vectors.existing(List.of(1L, 2L))).containsExactly(1L);
        assertThat(ids.get(3)).isEmpty();
        assertThat(ids.lookup("/y")).isEmpty();
        assertThat(ids.lookup("/a")).isPresent();
        assertThat(reconciler.verify().consistent()).isTrue();
    }

    @Test
    void worksAcrossChunks() {
        List<Long> orphans = new ArrayList<>();
        for (long id = 1; id <= 2 * Reconciler.CHUNK + 17; id++) {
            vector(id);
            if (id % 7 == 0) {
                orphans.add(id);
            } else {
                ids.put("/f" + id, id, "h" + id);
            }
        }
        for (long id = 100_000; id < 100_000 + Reconciler.CHUNK + 3; id++) {
            ids.put("/m" + id, id, "h");
        }
        Reconciler.Report r = new Reconciler(vectors, ids).repair();
        assertThat(r.vectorsWithoutMapping()).containsExactlyInAnyOrderElementsOf(orphans);
        assertThat(r.mappingsWithoutVector()).hasSize(Reconciler.CHUNK + 3);
        assertThat(vectors.count()).isEqualTo(2 * Reconciler.CHUNK + 17 - orphans.size());
        assertThat(ids.size()).isEqualTo(vectors.count());
    }
}
