package dev.imagesearch.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.IndexAbortedException;
import dev.imagesearch.IndexReport;
import dev.imagesearch.search.Match;
import dev.imagesearch.Reconciler;
import dev.imagesearch.embed.Embedder;
import dev.imagesearch.embedded.EmbeddedVectorStore;
import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.image.ContentId;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis dies (SIGKILL) in the middle of indexing, between the vectors of a batch being stored and their
 * locations being written. Indexing fails with a {@link RedisIdMapException} naming the file; after Redis is back
 * (same port, append-only file) the vectors of that batch are the only disagreement, and indexing again completes
 * the job without duplicates.
 */
class RedisOutageDuringIndexingIT {

    private static final int IMAGES = 30;
    private static final int BATCH = 4;

    @TempDir
    Path tmp;

    @Test
    void indexAgainAfterRedisRestartIsConsistent() throws Exception {
        List<Path> files = writeImages(tmp.resolve("images"));
        Set<Long> distinct = new HashSet<>();
        for (Path f : files) {
            distinct.add(ContentId.of(Files.readAllBytes(f)).id());
        }
        assertThat(distinct).hasSize(IMAGES); // two files are copies of others

        try (RedisServerProcess redis = RedisServerProcess.start(tmp.resolve("redis"))) {
            AtomicInteger embedded = new AtomicInteger();
            // The third batch is embedded, then Redis dies before its locations are written.
            Embedder killing = new BlockMeanEmbedder() {
                @Override
                public List<float[]> embedBatch(List<BufferedImage> images) {
                    List<float[]> out = super.embedBatch(images);
                    if (embedded.addAndGet(images.size()) > 2 * BATCH && embedded.get() <= 3 * BATCH) {
                        killQuietly(redis);
                    }
                    return out;
                }
            };
            RedisIdMapper ids = RedisIdMapper.fromUri(redis.uri() + "?socketTimeout=1000&connectTimeout=500",
                    "outage");
            try (ImageSearch search = ImageSearch.builder().embedder(killing).idMapper(ids)
                    .vectorStore(EmbeddedVectorStore.open(tmp.resolve("vectors")))
                    .batchSize(BATCH).decodeThreads(1).build()) {

                assertThatThrownBy(() -> search.index(files))
                        .isInstanceOfSatisfying(IndexAbortedException.class, e -> {
                            // the report names what was done and which files were not stored
                            assertThat(e.completed().indexed()).isEqualTo(2 * BATCH);
                            assertThat(e.notStored()).containsExactlyElementsOf(files.subList(2 * BATCH, 3 * BATCH));
                            assertThat(e.getMessage()).contains(files.get(2 * BATCH).toString());
                        })
                        .cause()
                        .isInstanceOf(RedisIdMapException.class)
                        .hasMessageContaining(redis.uri())
                        .hasMessageContaining("put " + ImageSearch.locationOf(files.get(2 * BATCH)))
                        .hasMessageContaining("cannot connect");
                assertThat(search.collection().count()).isEqualTo(3 * BATCH); // batch 3's vectors are stored

                redis.start(); // same port, same append-only file
                Reconciler.Report gap = new Reconciler(search.collection(), ids).verify();
                assertThat(gap.mappingsWithoutVector()).isEmpty();
                assertThat(gap.vectorsWithoutMapping()).hasSize(BATCH)
                        .containsExactlyInAnyOrderElementsOf(idsOf(files.subList(2 * BATCH, 3 * BATCH)));
                assertThat(ids.size()).isEqualTo(2 * BATCH); // the first two batches survived the crash

                IndexReport again = search.index(files);
                assertThat(again.failures()).isEmpty();
                assertThat(again.unchanged()).isEqualTo(2 * BATCH);
                assertThat(again.indexed()).isEqualTo(files.size() - 2 * BATCH);
                // batch 3 reuses its stored vectors: only the files after it go through the model
                assertThat(again.embedded()).isEqualTo(IMAGES - 3 * BATCH);

                assertThat(new Reconciler(search.collection(), ids).verify().consistent()).isTrue();
                assertThat(search.count()).isEqualTo(distinct.size());
                assertThat(search.collection().count()).isEqualTo(distinct.size());
                for (Path f : files) {
                    ImageRecord r = ids.lookup(ImageSearch.locationOf(f)).orElseThrow();
                    assertThat(r.id()).isEqualTo(ContentId.of(Files.readAllBytes(f)).id());
                }
                List<Match> hits = search.similar(files.get(5), 1);
                assertThat(hits.get(0).locations()).contains(ImageSearch.locationOf(files.get(5)));
            }
        }
    }

    private static void killQuietly(RedisServerProcess redis) {
        try {
            redis.kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<Long> idsOf(List<Path> files) throws IOException {
        List<Long> out = new ArrayList<>();
        for (Path f : files) {
            out.add(ContentId.of(Files.readAllBytes(f)).id());
        }
        return out;
    }

    /** {@code IMAGES} distinct random PNGs, plus two byte-identical copies at other paths (at the end). */
    private static List<Path> writeImages(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        Random rnd = new Random(7);
        for (int i = 0; i < IMAGES; i++) {
            BufferedImage img = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
            int base = rnd.nextInt(0xFFFFFF);
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    img.setRGB(x, y, base ^ (rnd.nextInt(64) * (x + 1) * (y + 1)));
                }
            }
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(img, "png", png);
            Path f = dir.resolve(String.format("img-%02d.png", i));
            Files.write(f, png.toByteArray());
            files.add(f);
        }
        files.add(Files.copy(files.get(1), dir.resolve("copy-of-01.png")));
        files.add(Files.copy(files.get(20), dir.resolve("copy-of-20.png")));
        return files;
    }
}
