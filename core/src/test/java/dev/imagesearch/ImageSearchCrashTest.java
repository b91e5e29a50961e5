package dev.imagesearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.testing.ChildJvm;
import dev.imagesearch.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills an indexing process with SIGKILL several times and checks that nothing it reported is lost, that the data
 * opens again, and that a final run completes the index without duplicates.
 */
class ImageSearchCrashTest {

    private static final int DISTINCT = 400;
    private static final int COPIES = 40;

    @TempDir
    Path tmp;

    @Test
    void killedIndexingLosesNothingReportedAndResumesWithoutDuplicates() throws Exception {
        Path images = tmp.resolve("images");
        Path data = tmp.resolve("data");
        for (int i = 0; i < DISTINCT; i++) {
            TestImages.write(images.resolve(String.format("%03d/img-%04d.png", i / 50, i)), TestImages.png(i, 24));
        }
        for (int i = 0; i < COPIES; i++) { // the same bytes under another name
            Path original = images.resolve(String.format("%03d/img-%04d.png", (i * 9) / 50, i * 9));
            TestImages.write(images.resolve(String.format("copies/copy-%02d.png", i)), Files.readAllBytes(original));
        }

        Set<String> reported = new HashSet<>();
        Random random = new Random(7);
        for (int round = 1; round <= 3; round++) {
            try (ChildJvm child = ChildJvm.start(CrashIndexer.class, data.toString(), images.toString(), "10")) {
                List<String> batches = child.awaitLines(l -> l.startsWith("BATCH ") && !l.equals("BATCH 0"), 3,
                        Duration.ofSeconds(120));
                assertThat(batches).as("round %d, child output %s", round, child.lines()).hasSize(3);
                Thread.sleep(random.nextInt(40)); // land the kill anywhere in the next call
                child.kill();
                assertThat(child.lines()).as("round %d was killed before finishing", round)
                        .doesNotContain("ALL-DONE");
                child.lines().stream().filter(l -> l.startsWith("DONE ")).map(l -> l.substring(5))
                        .forEach(reported::add);
            }
        }
        assertThat(reported).hasSizeGreaterThanOrEqualTo(3 * 30);

        try (ImageSearch search = ImageSearch.builder().embedder(CrashIndexer.embedder()).dataDirectory(data)
                .build()) {
            // Everything reported as done is there, with its vector.
            for (String location : reported) {
                ImageRecord r = search.idMapper().lookup(location).orElse(null);
                assertThat(r).as("reported location %s", location).isNotNull();
                assertThat(search.collection().existing(List.of(r.id()))).as("vector of %s", location)
                        .containsExactly(r.id());
            }
            // Vectors are made durable before locations, so every mapped id has a vector even after a crash.
            assertThat(vectorIds(search)).containsAll(mappedIds(search));

            IndexReport rest = search.indexDirectory(images);
            assertThat(rest.failures()).isEmpty();
            assertThat(rest.total()).isEqualTo(DISTINCT + COPIES);
            assertThat(rest.unchanged()).isGreaterThanOrEqualTo(reported.size());

            assertThat(search.count()).isEqualTo(DISTINCT);
            assertThat(search.collection().count()).isEqualTo(DISTINCT);
            assertThat(vectorIds(search)).isEqualTo(mappedIds(search));
            int locations = 0;
            for (long id : mappedIds(search)) {
                locations += search.idMapper().get(id).orElseThrow().locations().size();
            }
            assertThat(locations).isEqualTo(DISTINCT + COPIES);
            assertThat(search.indexDirectory(images).unchanged()).isEqualTo(DISTINCT + COPIES);
        }
    }

    private static Set<Long> vectorIds(ImageSearch search) {
        Set<Long> ids = new HashSet<>();
        search.collection().forEachId(ids::add);
        return ids;
    }

    private static Set<Long> mappedIds(ImageSearch search) {
        Set<Long> ids = new HashSet<>();
        search.idMapper().forEachId(ids::add);
        return ids;
    }
}
