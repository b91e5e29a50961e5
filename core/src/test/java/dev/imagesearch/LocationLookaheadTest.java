package dev.imagesearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.imagesearch.embedded.EmbeddedIdMapper;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.testing.PixelEmbedder;
import dev.imagesearch.testing.TestImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The id map is asked about a whole window of files at once, not once per batch, and never answers stale. */
class LocationLookaheadTest {

    @TempDir
    Path tmp;

    @Test
    void aRerunAsksTheIdMapOncePerWindowAndFindsEverythingUnchanged() {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            files.add(TestImages.write(tmp.resolve("in/f" + i + ".png"), TestImages.png(i, 16)));
        }
        IdMapper ids = spy(EmbeddedIdMapper.open(tmp.resolve("ids")));
        try (ImageSearch search = ImageSearch.builder().embedder(PixelEmbedder.builder().build())
                .dataDirectory(tmp.resolve("data")).idMapper(ids).batchSize(4).build()) {
            assertThat(search.index(files).indexed()).isEqualTo(30);
            clearInvocations(ids);

            IndexReport again = search.index(files);
            assertThat(again.unchanged()).isEqualTo(30);
            verify(ids, times(1)).lookupAll(anyCollection()); // 8 batches of 4, one window
        }
    }

    @Test
    void aFileListedTwiceSeesItsFirstOccurrencesWrite() {
        Path a = TestImages.write(tmp.resolve("in/a.png"), TestImages.png(1, 16));
        List<Path> files = new ArrayList<>(List.of(a));
        for (int i = 0; i < 9; i++) {
            files.add(TestImages.write(tmp.resolve("in/g" + i + ".png"), TestImages.png(10 + i, 16)));
        }
        files.add(a); // in a later batch, but looked up with the first window, before the first write
        try (ImageSearch search = ImageSearch.builder().embedder(PixelEmbedder.builder().build())
                .dataDirectory(tmp.resolve("data")).batchSize(3).build()) {
            IndexReport r = search.index(files);
            assertThat(r.indexed()).isEqualTo(10);
            assertThat(r.unchanged()).as("the second a.png found the first one's write").isEqualTo(1);
            assertThat(search.count()).isEqualTo(10);

            // a changed file in the second run is indexed again, whatever was looked up ahead
            TestImages.write(a, TestImages.png(99, 16));
            IndexReport changed = search.index(files);
            assertThat(changed.indexed()).isEqualTo(1);
            assertThat(changed.unchanged()).isEqualTo(10);
            assertThat(search.count()).isEqualTo(10);
        }
    }
}
