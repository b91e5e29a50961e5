package dev.imagesearch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A NaN would rank above every real score and block the top-k: it is refused at the door. */
class NonFiniteVectorsTest {

    @TempDir
    Path tmp;

    @Test
    void nanOrInfiniteVectorsAndQueriesAreRefusedAndNothingIsStored() {
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(tmp)) {
            VectorCollection c = store.open(CollectionSpec.builder("c", 2).metric(Metric.IP).build());
            c.upsert(List.of(new VectorRecord(1, new float[] {1, 0})));
            assertThatThrownBy(() -> c.upsert(List.of(new VectorRecord(2, new float[] {0, 1}),
                    new VectorRecord(3, new float[] {Float.NaN, 0}))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id 3").hasMessageContaining("NaN");
            assertThatThrownBy(() -> c.upsert(List.of(new VectorRecord(4, new float[] {Float.POSITIVE_INFINITY, 0}))))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(c.count()).isEqualTo(1);
            assertThatThrownBy(() -> c.search(new float[] {Float.NaN, 1}, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
            assertThat(c.search(new float[] {1, 0}, 5)).extracting(h -> h.id()).containsExactly(1L);
        }
    }
}
