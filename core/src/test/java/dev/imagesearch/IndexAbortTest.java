package dev.imagesearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.when;

import dev.imagesearch.embedded.EmbeddedVectorStore;
import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorStore;
import dev.imagesearch.store.VectorStoreException;
import dev.imagesearch.testing.PixelEmbedder;
import dev.imagesearch.testing.TestImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backend failing mid-run (fault injected with Mockito around the real embedded store). */
class IndexAbortTest {

    @TempDir
    Path tmp;

    @Test
    void aStoreFailureStopsTheRunAndSaysWhatWasDoneAndWhatWasNotStored() {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            files.add(TestImages.write(tmp.resolve("p/" + i + ".png"), TestImages.png(i, 32)));
        }
        EmbeddedVectorStore real = EmbeddedVectorStore.open(tmp.resolve("data"));
        AtomicInteger upserts = new AtomicInteger();
        VectorStore failing = mock(VectorStore.class);
        when(failing.open(any(CollectionSpec.class))).thenAnswer(inv -> {
            CollectionSpec spec = inv.getArgument(0);
            VectorCollection c = spy(real.open(spec));
            doAnswer(call -> {
                if (upserts.incrementAndGet() == 2) {
                    throw new VectorStoreException("server at 10.0.0.1:19530 unavailable");
                }
                return call.callRealMethod();
            }).when(c).upsert(anyList());
            return c;
        });
        try (ImageSearch search = ImageSearch.builder().embedder(PixelEmbedder.builder().build())
                .vectorStore(failing).dataDirectory(tmp.resolve("data")).batchSize(4).build()) {
            assertThatThrownBy(() -> search.index(files))
                    .isInstanceOfSatisfying(IndexAbortedException.class, e -> {
                        assertThat(e.completed().indexed()).isEqualTo(4);
                        assertThat(e.notStored()).containsExactlyElementsOf(files.subList(4, 8));
                        assertThat(e.getMessage()).contains("unavailable").contains(files.get(4).toString())
                                .contains("not attempted");
                    })
                    .hasCauseInstanceOf(VectorStoreException.class);
            assertThat(search.count()).isEqualTo(4);

            IndexReport again = search.index(files); // the backend is back
            assertThat(again.unchanged()).isEqualTo(4);
            assertThat(again.indexed()).isEqualTo(8);
            assertThat(search.count()).isEqualTo(12);
            assertThat(search.verify().consistent()).isTrue();
        } finally {
            real.close();
        }
    }

    @Test
    void aFileNamedTwiceInTheFailingBatchIsNotReportedBeforeItIsStored() {
        Path a = TestImages.write(tmp.resolve("p/a.png"), TestImages.png(1, 32));
        Path b = TestImages.write(tmp.resolve("p/b.png"), TestImages.png(2, 32));
        EmbeddedVectorStore real = EmbeddedVectorStore.open(tmp.resolve("data"));
        VectorStore failing = mock(VectorStore.class);
        when(failing.open(any(CollectionSpec.class))).thenAnswer(inv -> {
            CollectionSpec spec = inv.getArgument(0);
            VectorCollection c = spy(real.open(spec));
            doAnswer(call -> {
                throw new VectorStoreException("server unavailable");
            }).when(c).upsert(anyList());
            return c;
        });
        List<String> events = new ArrayList<>();
        try (ImageSearch search = ImageSearch.builder().embedder(PixelEmbedder.builder().build())
                .vectorStore(failing).dataDirectory(tmp.resolve("data")).batchSize(4).build()) {
            assertThatThrownBy(() -> search.index(List.of(a, a, b), (p, o, why) -> events.add(p + " " + o)))
                    .isInstanceOfSatisfying(IndexAbortedException.class, e -> {
                        assertThat(e.notStored()).containsExactly(a, a, b);
                        assertThat(e.completed().unchanged()).isZero();
                    });
            assertThat(events).isEmpty();
        } finally {
            real.close();
        }
    }
}
