package dev.imagesearch.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.search.Match;
import dev.imagesearch.Reconciler;
import dev.imagesearch.milvus.MilvusVectorStore;
import dev.imagesearch.store.CollectionMismatchException;
import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.testing.TestResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job in local mode ({@code local[2]}, two attempts per task) against the real Milvus Lite and
 * redis-server that scripts/test.sh starts, with the real default model on the real sample photos.
 */
class SparkIndexIT {

    private static final String MODEL = "efficientnet-lite0";
    private static SparkSession spark;

    private SparkServers servers;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder().master("local[2,2]").appName("imagesearch-spark-it")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    @BeforeEach
    void place() {
        TestResources.model(MODEL);
        servers = new SparkServers();
    }

    @AfterEach
    void cleanUp() {
        if (servers != null) {
            servers.close();
        }
    }

    private Dataset<Row> sample() {
        return SparkIndexer.readImages(spark, List.of(SparkServers.samplePhotos().toString())).repartition(4);
    }

    private static long imageCount(Path dir) throws Exception {
        try (Stream<Path> s = ImageSearch.listImages(dir)) {
            return s.count();
        }
    }

    /** The Spark index equals the single-JVM one: same top-10 for every photo, vectors within 1e-5. */
    @Test
    void sameTopTenAndVectorsAsTheSingleJvmIndex() throws Exception {
        Path photos = SparkServers.samplePhotos();
        IndexSummary s = SparkIndexer.run(servers.settings(MODEL).build(), sample(), null);
        long n = imageCount(photos);
        assertThat(s.embedded() + s.linked()).isEqualTo(n);
        assertThat(s.failed()).isZero();

        try (SparkServers single = new SparkServers();
             ImageSearch cli = single.open(MODEL);
             ImageSearch fromSpark = servers.open(MODEL)) {
            assertThat(cli.indexDirectory(photos).failures()).isEmpty();
            assertThat(fromSpark.count()).isEqualTo(cli.count());
            assertThat(fromSpark.verify().consistent()).isTrue();
            IndexedModel a = cli.models().get(0);
            IndexedModel b = fromSpark.models().get(0);
            assertThat(b.collection().spec()).isEqualTo(a.collection().spec()); // same fingerprint and decoding
            List<Long> ids = new ArrayList<>();
            a.collection().forEachId(ids::add);
            assertThat(ids).hasSize((int) b.collection().count());
            for (long id : ids) {
                float[] va = a.collection().vector(id).orElseThrow();
                float[] vb = b.collection().vector(id).orElseThrow();
                for (int i = 0; i < va.length; i++) {
                    assertThat(vb[i]).as("id %d element %d", id, i).isCloseTo(va[i], within(1e-5f));
                }
            }
            try (Stream<Path> files = ImageSearch.listImages(photos)) {
                for (Path photo : files.toList()) {
                    List<String> expected = cli.similar(photo, 10).stream().map(Match::location).toList();
                    List<String> actual = fromSpark.similar(photo, 10).stream().map(Match::location).toList();
                    assertThat(actual).as("top-10 of %s", photo).isEqualTo(expected);
                    assertThat(actual.get(0)).isEqualTo(ImageSearch.locationOf(photo));
                }
            }
        }
    }

    /** A rerun over the same input writes nothing: every row is unchanged. */
    @Test
    void rerunSkipsWhatIsIndexed() throws Exception {
        IndexSettings settings = servers.settings(MODEL).build();
        IndexSummary first = SparkIndexer.run(settings, sample(), null);
        IndexSummary second = SparkIndexer.run(settings, sample(), null);
        assertThat(first.embedded()).isPositive();
        assertThat(second.unchanged()).isEqualTo(first.total());
        assertThat(second.embedded() + second.linked() + second.failed()).isZero();
    }

    /** A broken image is a failed row with its reason; the other images are indexed and the job succeeds. */
    @Test
    void brokenImageBecomesAnErrorRow() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        List<Path> good;
        try (Stream<Path> s = ImageSearch.listImages(SparkServers.samplePhotos())) {
            good = s.limit(3).toList();
        }
        for (Path p : good) {
            Files.copy(p, dir.resolve(p.getFileName()));
        }
        Files.copy(good.get(1), dir.resolve("with space, 50%20 é.JPG")); // odd names keep the CLI's location
        byte[] head = Files.readAllBytes(good.get(0));
        Files.write(dir.resolve("broken.jpg"), java.util.Arrays.copyOf(head, 300)); // a JPEG cut short
        Files.writeString(dir.resolve("text.png"), "not an image");
        Path parquet = tmp.resolve("out.parquet");

        IndexSummary s = SparkIndexer.run(servers.settings(MODEL).build(),
                SparkIndexer.readImages(spark, List.of(dir.toString())), parquet.toString());

        // the odd name holds the bytes of another photo: 'linked' when the same batch embedded them, 'embedded'
        // again (the same vector, upserted) when another task's batch did it at the same time
        assertThat(s.embedded() + s.linked()).isEqualTo(4);
        assertThat(s.embedded()).isBetween(3L, 4L);
        assertThat(s.failed()).isEqualTo(2);
        assertThat(s.failures()).anySatisfy(f -> assertThat(f).contains("broken.jpg"))
                .anySatisfy(f -> assertThat(f).contains("text.png"));
        List<Row> failed = spark.read().parquet(parquet.toString()).filter("status = 'failed'").collectAsList();
        assertThat(failed).hasSize(2).allSatisfy(r -> {
            assertThat(r.<String>getAs("error")).isNotBlank();
            assertThat((Object) r.getAs("vector")).isNull();
        });
        List<Row> embedded = spark.read().parquet(parquet.toString()).filter("status = 'embedded'").collectAsList();
        assertThat(embedded).hasSize((int) s.embedded())
                .allSatisfy(r -> assertThat(r.getList(r.fieldIndex("vector"))).hasSize(1280));
        try (ImageSearch search = servers.open(MODEL)) {
            assertThat(search.count()).isEqualTo(3);
            assertThat(search.verify().consistent()).isTrue();
            Path odd = dir.resolve("with space, 50%20 é.JPG");
            assertThat(search.idMapper().lookup(ImageSearch.locationOf(odd))).as("location of %s", odd).isPresent();
            assertThat(search.similar(odd, 1).get(0).locations()).contains(ImageSearch.locationOf(odd));
        }
    }

    /** A collection of the model's name with another dimension fails the job on the driver; nothing is written. */
    @Test
    void dimensionMismatchFailsBeforeWriting() {
        try (MilvusVectorStore store = MilvusVectorStore.fromUri(servers.store)) {
            store.open(CollectionSpec.builder(MODEL, 7).build());
        }
        IndexSettings settings = servers.settings(MODEL, "mobilenet-v2-nsfwjs").build();
        assertThatThrownBy(() -> SparkIndexer.run(settings, sample(), null))
                .isInstanceOf(CollectionMismatchException.class).hasMessageContaining("dimension")
                .hasMessageContaining("7").hasMessageContaining("1280");
        try (MilvusVectorStore store = MilvusVectorStore.fromUri(servers.store)) {
            assertThat(store.exists("mobilenet-v2-nsfwjs")).as("no collection created for the other model").isFalse();
            assertThat(store.open(CollectionSpec.builder(MODEL, 7).build()).count()).isZero();
        }
        try (var ids = dev.imagesearch.redis.RedisIdMapper.fromUri(servers.ids, null)) {
            assertThat(ids.size()).isZero();
        }
    }

    /**
     * Every task fails on its first attempt after part of its partition was written; the retries finish the job
     * and leave no duplicate, no vector without a location and no location without a vector.
     */
    @Test
    void taskRetriesLeaveNoDuplicatesOrOrphans() throws Exception {
        FailingFirstAttempts.reset();
        Dataset<Row> flaky = sample().mapPartitions(new FailingFirstAttempts(10), Encoders.row(sample().schema()));
        IndexSummary s = SparkIndexer.run(servers.settings(MODEL).batchSize(4).build(), flaky, null);

        long n = imageCount(SparkServers.samplePhotos());
        assertThat(FailingFirstAttempts.failures()).as("first attempts that failed").isPositive();
        assertThat(s.total()).isEqualTo(n);
        assertThat(s.failed()).isZero();
        assertThat(s.unchanged()).as("rows a failed attempt had written before it failed").isPositive();
        try (ImageSearch search = servers.open(MODEL)) {
            Reconciler.Report report = search.verify();
            assertThat(report.consistent()).as(report.toString()).isTrue();
            assertThat(search.count()).isEqualTo(search.collection().count());
            assertThat(search.collection().count()).isEqualTo(distinctContent(SparkServers.samplePhotos()));
        }
    }

    /** Two runs of the same input at once (as a speculative copy of every task) write each image once. */
    @Test
    void concurrentCopiesOfTheSameTasksWriteEachImageOnce() throws Exception {
        IndexSettings settings = servers.settings(MODEL).batchSize(4).build();
        SparkIndexer.prepare(settings); // the collection exists before the two copies race
        CompletableFuture<IndexSummary> a = CompletableFuture.supplyAsync(() -> SparkIndexer.run(settings, sample(), null));
        CompletableFuture<IndexSummary> b = CompletableFuture.supplyAsync(() -> SparkIndexer.run(settings, sample(), null));
        IndexSummary sa = a.get();
        IndexSummary sb = b.get();
        assertThat(sa.failed() + sb.failed()).isZero();
        try (ImageSearch search = servers.open(MODEL)) {
            assertThat(search.verify().consistent()).isTrue();
            assertThat(search.collection().count()).isEqualTo(distinctContent(SparkServers.samplePhotos()));
            assertThat(search.count()).isEqualTo(search.collection().count());
        }
    }

    /** Several models in one pass: one collection each, every image in each, and the facade opens both. */
    @Test
    void severalModelsInOnePass() throws Exception {
        TestResources.model("mobilenet-v2-nsfwjs");
        Path parquet = tmp.resolve("multi.parquet");
        IndexSummary s = SparkIndexer.run(servers.settings(MODEL, "mobilenet-v2-nsfwjs").build(), sample(),
                parquet.toString());
        long n = imageCount(SparkServers.samplePhotos());
        assertThat(s.total()).isEqualTo(2 * n);
        assertThat(s.failed()).isZero();
        Map<String, Long> perModel = spark.read().parquet(parquet.toString()).groupBy("model").count().collectAsList()
                .stream().collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1)));
        assertThat(perModel).containsEntry(MODEL, n).containsEntry("mobilenet-v2-nsfwjs", n);
        try (ImageSearch search = servers.open(MODEL, "mobilenet-v2-nsfwjs")) {
            assertThat(search.verify().consistent()).isTrue();
            long distinct = distinctContent(SparkServers.samplePhotos());
            for (IndexedModel m : search.models()) {
                assertThat(m.collection().count()).as(m.name()).isEqualTo(distinct);
            }
            Path query = SparkServers.samplePhotos().resolve("darknet-dog.jpg");
            if (Files.exists(query)) {
                assertThat(search.similar(search.model("mobilenet-v2-nsfwjs"),
                        javax.imageio.ImageIO.read(query.toFile()), 1).get(0).location())
                        .isEqualTo(ImageSearch.locationOf(query));
            }
        }
    }

    /** The DataFrame API gives the vectors the index stores. */
    @Test
    void embeddingColumnMatchesTheIndexedVectors() throws Exception {
        IndexSettings settings = servers.settings(MODEL).build();
        SparkIndexer.run(settings, sample(), null);
        Dataset<Row> withVectors = ImageEmbeddings.of(MODEL)
                .withModelDirectory(TestResources.cache().resolve("models").toString())
                .withEmbedding(SparkIndexer.readImages(spark, List.of(SparkServers.samplePhotos().toString())))
                .select(functions.col("path"), functions.col("content"), functions.col("embedding"),
                        functions.col("embedding_error"));
        List<Row> rows = withVectors.collectAsList();
        assertThat(rows).hasSize((int) imageCount(SparkServers.samplePhotos()));
        try (ImageSearch search = servers.open(MODEL)) {
            for (Row r : rows) {
                assertThat(r.<String>getAs("embedding_error")).isNull();
                List<Float> v = r.getList(r.fieldIndex("embedding"));
                long id = dev.imagesearch.image.ContentId.of((byte[]) r.getAs("content")).id();
                float[] stored = search.collection().vector(id).orElseThrow();
                assertThat(v).hasSize(stored.length);
                for (int i = 0; i < stored.length; i++) {
                    assertThat(v.get(i)).isCloseTo(stored[i], within(1e-5f));
                }
            }
        }
    }

    /** The job's main entry (what spark-submit and 'imagesearch spark-index' run), reusing this session. */
    @Test
    void jobEntryPointIndexesAndReports() throws Exception {
        Path parquet = tmp.resolve("job.parquet");
        int exit = SparkIndexJob.execute("--store", servers.store, "--ids", servers.ids, "--model-dir",
                TestResources.cache().resolve("models").toString(), "--parquet", parquet.toString(),
                "--partitions", "2", SparkServers.samplePhotos().toString());
        assertThat(exit).isZero();
        assertThat(spark.read().parquet(parquet.toString()).count()).isEqualTo(imageCount(SparkServers.samplePhotos()));
        assertThat(SparkIndexJob.execute("--store", servers.store, "--ids", servers.ids)).isEqualTo(2);
    }

    private static long distinctContent(Path dir) throws Exception {
        Set<String> hashes = new HashSet<>();
        try (Stream<Path> s = ImageSearch.listImages(dir)) {
            for (Path p : s.toList()) {
                hashes.add(dev.imagesearch.image.ContentId.of(Files.readAllBytes(p)).contentHash());
            }
        }
        return hashes.size();
    }

    /** Passes rows through, but the first attempt of every task throws after {@code after} rows. */
    static final class FailingFirstAttempts implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        // local mode: tasks run in this JVM, so the test can count what they did
        private static final java.util.concurrent.atomic.AtomicInteger FAILURES =
                new java.util.concurrent.atomic.AtomicInteger();
        private final int after;

        FailingFirstAttempts(int after) {
            this.after = after;
        }

        static void reset() {
            FAILURES.set(0);
        }

        static int failures() {
            return FAILURES.get();
        }

        @Override
        public java.util.Iterator<Row> call(java.util.Iterator<Row> rows) {
            boolean fail = TaskContext.get().attemptNumber() == 0;
            return new java.util.Iterator<>() {
                int served;

                @Override
                public boolean hasNext() {
                    if (fail && served == after && rows.hasNext()) {
                        FAILURES.incrementAndGet();
                        throw new IllegalStateException("injected failure of a first attempt");
                    }
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    served++;
                    return rows.next();
                }
            };
        }
    }
}
