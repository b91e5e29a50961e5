package dev.imagesearch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import dev.imagesearch.store.VectorStoreException;
import dev.imagesearch.testing.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On-disk behaviour of the embedded store and id map: torn writes, foreign files, compaction, locking. */
class EmbeddedDurabilityTest {

    /** Bytes of one vector record of dimension 3: length, type, id, 3 floats, checksum. */
    private static final int RECORD_3D = 4 + 1 + 8 + 12 + 4;
    private static final CollectionSpec SPEC = CollectionSpec.builder("c", 3).metric(Metric.COSINE).build();

    @TempDir
    Path dir;

    private Path vectorFile() {
        return dir.resolve("vectors").resolve("c.vec");
    }

    private static VectorRecord rec(long id) {
        return new VectorRecord(id, new float[] {id, 1, -id});
    }

    private static Set<Long> ids(VectorCollection c) {
        Set<Long> out = new HashSet<>();
        c.forEachId(out::add);
        return out;
    }

    private void writeVectors(long from, long to) {
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
            VectorCollection c = store.open(SPEC);
            List<VectorRecord> batch = new ArrayList<>();
            for (long id = from; id <= to; id++) {
                batch.add(rec(id));
            }
            c.upsert(batch);
            c.flush();
        }
    }

    private static void truncate(Path file, long size) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    private static void append(Path file, byte[] bytes) throws Exception {
        Files.write(file, bytes, StandardOpenOption.APPEND);
    }

    /** Runs {@code action} with System.err captured (slf4j-simple logs there) and returns what was logged. */
    private static <T> String capturingStderr(Supplier<T> action, List<T> result) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            result.add(action.get());
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- torn tail

    @Test
    void tornTailIsCutOffWithAWarningAndCompleteRecordsSurvive() throws Exception {
        writeVectors(1, 10);
        long complete = Files.size(vectorFile());
        writeVectors(11, 11);
        assertThat(Files.size(vectorFile())).isEqualTo(complete + RECORD_3D);
        // A crash while appending record 11: half of it reached the disk, followed by junk.
        truncate(vectorFile(), complete + RECORD_3D / 2);
        byte[] junk = new byte[100];
        new Random(1).nextBytes(junk);
        append(vectorFile(), junk);

        List<EmbeddedVectorStore> opened = new ArrayList<>();
        String log = capturingStderr(() -> EmbeddedVectorStore.open(dir), opened);
        try (EmbeddedVectorStore store = opened.get(0)) {
            List<VectorCollection> c = new ArrayList<>();
            log += capturingStderr(() -> store.open(SPEC), c);
            assertThat(c.get(0).count()).isEqualTo(10);
            assertThat(ids(c.get(0))).isEqualTo(Set.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L));
            assertThat(log).contains("WARN").contains(vectorFile().toString()).contains("cut off");
            assertThat(Files.size(vectorFile())).isEqualTo(complete);
            // still appendable at the right place
            c.get(0).upsert(List.of(rec(12)));
            c.get(0).flush();
        }
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
            VectorCollection c = store.open(SPEC);
            assertThat(c.count()).isEqualTo(11);
            assertThat(c.existing(List.of(11L, 12L))).containsExactly(12L);
            List<ScoredId> hits = c.search(new float[] {12, 1, -12}, 1);
            assertThat(hits.get(0).id()).isEqualTo(12);
            assertThat(hits.get(0).score()).isCloseTo(1f, within(1e-5f));
        }
    }

    // ---------------------------------------------------------------- failed writes

    @Test
    void aWriteThatFailsMidRecordIsCutBackAndEveryFlushedBatchSurvives() throws Exception {
        // a real I/O error: the child's file size limit (200 KiB) stops the log mid-record, as a full disk would
        List<String> out;
        try (ChildJvm child = ChildJvm.startWithFileSizeLimit(200 * 1024, DiskFullWriter.class, dir.toString())) {
            assertThat(child.waitFor(Duration.ofSeconds(60))).as("output %s", child.lines()).isZero();
            out = child.lines();
        }
        String failed = out.stream().filter(l -> l.startsWith("FAILED ")).findFirst().orElseThrow(
                () -> new AssertionError("the child never failed to write: " + out));
        int flushed = Integer.parseInt(failed.split(" ")[1]);
        assertThat(flushed).as("batches made durable before the limit").isGreaterThan(0);
        assertThat(failed).contains("Cannot write collection 'full'").contains("File too large");
        assertThat(out).anyMatch(l -> l.startsWith("REFUSED ") && l.contains("an earlier write failed; reopen"))
                .noneMatch(l -> l.equals("WROTE AFTER FAILURE")).contains("CLOSED");
        // cut back to the last flushed batch: at most one batch short of the limit
        assertThat(Files.size(dir.resolve("vectors/full.vec"))).isLessThanOrEqualTo(200 * 1024)
                .isGreaterThan(200 * 1024 - DiskFullWriter.BATCH * (4 + 1 + 8 + 4 * DiskFullWriter.DIM + 4));

        List<EmbeddedVectorStore> opened = new ArrayList<>();
        String log = capturingStderr(() -> EmbeddedVectorStore.open(dir), opened);
        try (EmbeddedVectorStore store = opened.get(0)) {
            List<VectorCollection> c = new ArrayList<>();
            log += capturingStderr(() -> store.open(DiskFullWriter.SPEC), c);
            assertThat(log).as("the failed write was cut back: no torn tail to warn about").doesNotContain("WARN");
            VectorCollection full = c.get(0);
            assertThat(full.count()).isEqualTo(flushed);
            for (long id = 1; id <= flushed; id++) {
                assertThat(full.vector(id)).as("id %d", id).hasValue(DiskFullWriter.vector(id));
            }
            assertThat(full.existing(List.of(flushed + 1L, 999_999L))).isEmpty();
            // and it takes writes again where the durable part ends
            full.upsert(List.of(new VectorRecord(999_999, DiskFullWriter.vector(999_999))));
            full.flush();
        }
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
            assertThat(store.open(DiskFullWriter.SPEC).count()).isEqualTo(flushed + 1);
        }
    }

    @Test
    void tailWithAValidLengthButABadChecksumIsCutOff() throws Exception {
        writeVectors(1, 3);
        long complete = Files.size(vectorFile());
        writeVectors(4, 4);
        // Flip one byte inside the last record's vector: its checksum no longer matches.
        byte[] bytes = Files.readAllBytes(vectorFile());
        bytes[(int) complete + 4 + 1 + 8 + 2] ^= 0x40;
        Files.write(vectorFile(), bytes);
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
            assertThat(ids(store.open(SPEC))).containsExactlyInAnyOrder(1L, 2L, 3L);
        }
    }

    @Test
    void damageInTheMiddleFailsClearlyAndLeavesTheFileAlone() throws Exception {
        writeVectors(1, 3);
        long second = Files.size(vectorFile()) - 2 * RECORD_3D; // start of record 2
        byte[] bytes = Files.readAllBytes(vectorFile());
        bytes[(int) second + 4 + 1 + 8 + 2] ^= 0x40; // flip a bit inside record 2; record 3 is intact
        Files.write(vectorFile(), bytes);
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
            assertThatThrownBy(() -> store.open(SPEC))
                    .hasMessageContaining(vectorFile().toString())
                    .hasMessageContaining("damaged")
                    .hasMessageContaining("offset " + second);
        }
        assertThat(Files.readAllBytes(vectorFile())).isEqualTo(bytes);
    }

    @Test
    void idMapTornTailKeepsCompleteRecords() throws Exception {
        Path file = dir.resolve("ids.log");
        try (EmbeddedIdMapper m = EmbeddedIdMapper.open(dir)) {
            for (int i = 1; i <= 10; i++) {
                m.put("/p/" + i + ".jpg", i, "h" + i);
            }
        }
        long complete = Files.size(file);
        try (EmbeddedIdMapper m = EmbeddedIdMapper.open(dir)) {
            m.put("/p/11.jpg", 11, "h11");
        }
        truncate(file, complete + 7);
        append(file, "garbage after a crash".getBytes(StandardCharsets.US_ASCII));
        List<EmbeddedIdMapper> opened = new ArrayList<>();
        String log = capturingStderr(() -> EmbeddedIdMapper.open(dir), opened);
        try (EmbeddedIdMapper m = opened.get(0)) {
            assertThat(log).contains("WARN").contains("ids.log");
            assertThat(m.size()).isEqualTo(10);
            assertThat(m.lookup("/p/10.jpg").orElseThrow().id()).isEqualTo(10);
            assertThat(m.lookup("/p/11.jpg")).isEmpty();
        }
    }

    // ---------------------------------------------------------------- foreign or newer files

    @Test
    void fileWithBadMagicIsRefusedAndLeftAlone() throws Exception {
        byte[] foreign = "this is somebody else's file, not ours".getBytes(StandardCharsets.US_ASCII);
        Files.createDirectories(vectorFile().getParent());
        Files.write(vectorFile(), foreign);
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
            assertThatThrownBy(() -> store.open(SPEC))
                    .isInstanceOf(VectorStoreException.class)
                    .hasMessageContaining(vectorFile().toString())
                    .hasMessageContaining("not an imagesearch data file");
        }
        assertThat(Files.readAllBytes(vectorFile())).isEqualTo(foreign);
    }

    @Test
    void newerFormatVersionIsRefusedWithAnUpgradeHint() throws Exception {
        writeVectors(1, 2);
        byte[] bytes = Files.readAllBytes(vectorFile());
        ByteBuffer.wrap(bytes).putInt(8, 2); // the int after the 8-byte magic
        Files.write(vectorFile(), bytes);
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
            assertThatThrownBy(() -> store.open(SPEC))
                    .isInstanceOf(VectorStoreException.class)
                    .hasMessageContaining("format version 2")
                    .hasMessageContaining("upgrade");
        }
        assertThat(Files.readAllBytes(vectorFile())).isEqualTo(bytes);
    }

    @Test
    void idMapFileInPlaceOfACollectionIsRefused() throws Exception {
        try (EmbeddedIdMapper m = EmbeddedIdMapper.open(dir)) {
            m.put("/a.jpg", 1, "h");
        }
        Files.createDirectories(vectorFile().getParent());
        Files.copy(dir.resolve("ids.log"), vectorFile());
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
            assertThatThrownBy(() -> store.open(SPEC))
                    .isInstanceOf(VectorStoreException.class)
                    .hasMessageContaining("'idmap'").hasMessageContaining("'vectors'");
        }
    }

    @Test
    void collectionFileInPlaceOfTheIdMapIsRefused() throws Exception {
        writeVectors(1, 1);
        Files.copy(vectorFile(), dir.resolve("ids.log"));
        assertThatThrownBy(() -> EmbeddedIdMapper.open(dir))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("ids.log")
                .hasMessageContaining("'vectors'").hasMessageContaining("'idmap'");
    }

    @Test
    void damagedOrTruncatedHeaderIsRefused() throws Exception {
        writeVectors(1, 1);
        byte[] good = Files.readAllBytes(vectorFile());
        byte[] damaged = good.clone();
        damaged[8 + 4 + 4 + "vectors".length() + 4 + 3] ^= 0x01; // inside the spec payload
        Files.write(vectorFile(), damaged);
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
            assertThatThrownBy(() -> store.open(SPEC)).isInstanceOf(VectorStoreException.class)
                    .hasMessageContaining("damaged header");
        }
        Files.write(vectorFile(), java.util.Arrays.copyOf(good, 10));
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
            assertThatThrownBy(() -> store.open(SPEC)).isInstanceOf(VectorStoreException.class)
                    .hasMessageContaining("truncated header");
        }
        Files.write(vectorFile(), new byte[0]);
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
            assertThatThrownBy(() -> store.open(SPEC)).isInstanceOf(VectorStoreException.class)
                    .hasMessageContaining("truncated header");
        }
    }

    // ---------------------------------------------------------------- compaction

    @Test
    void compactionAfterManyOverwritesKeepsTheLatestVectors() throws Exception {
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
            VectorCollection c = store.open(SPEC);
            for (int round = 0; round < 50; round++) {
                List<VectorRecord> batch = new ArrayList<>();
                for (long id = 1; id <= 100; id++) {
                    batch.add(new VectorRecord(id, new float[] {id, round + 1, 0}));
                }
                c.upsert(batch);
                c.flush();
            }
            // 5,000 records were written; compaction cut them to 100 (plus the rounds written after it).
            assertThat(Files.size(vectorFile())).isLessThan(5000L * RECORD_3D / 4);
            assertThat(c.count()).isEqualTo(100);
            // writes after compaction go to the new file
            c.upsert(List.of(new VectorRecord(1000, new float[] {0, 0, 1})));
            c.flush();
        }
        assertThat(Files.list(vectorFile().getParent()).map(p -> p.getFileName().toString()))
                .as("no temporary file is left behind").containsExactlyInAnyOrder("c.vec", "c.vec.lock");
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
            VectorCollection c = store.open(SPEC);
            assertThat(c.count()).isEqualTo(101);
            EmbeddedCollection ec = (EmbeddedCollection) c;
            for (long id = 1; id <= 100; id++) {
                float[] expected = normalized(new float[] {id, 50, 0});
                assertThat(ec.vector(id).orElseThrow()).as("vector %d", id).containsExactly(expected, within(1e-6f));
            }
            assertThat(ec.vector(1000).orElseThrow()).containsExactly(0f, 0f, 1f);
        }
    }

    @Test
    void aCompactionThatFailsIsLoggedAndRetriedLaterWhileWritesGoOn() throws Exception {
        // a directory where compaction writes its new file: a real I/O error for both precisions' compactions
        for (EmbeddedVectorStore.Precision p : EmbeddedVectorStore.Precision.values()) {
            Path blocker = Files.createDirectories(dir.resolve("vectors").resolve("c.vec.compact"));
            Files.writeString(blocker.resolve("keep"), "not empty");
            List<EmbeddedVectorStore> opened = new ArrayList<>();
            String log = capturingStderr(() -> EmbeddedVectorStore.builder(dir).precision(p).open(), opened);
            try (EmbeddedVectorStore store = opened.get(0)) {
                VectorCollection c = store.open(SPEC);
                List<String> logs = new ArrayList<>();
                for (int round = 0; round < 45; round++) { // past 4,096 dead records: compaction is due and fails
                    int r = round;
                    logs.add(capturingStderr(() -> {
                        List<VectorRecord> batch = new ArrayList<>();
                        for (long id = 1; id <= 100; id++) {
                            batch.add(new VectorRecord(id, new float[] {id, r + 1, 0}));
                        }
                        c.upsert(batch);
                        c.flush(); // never throws: everything is durable, only the space is not reclaimed
                        return null;
                    }, new ArrayList<>()));
                }
                log += String.join("", logs);
                assertThat(log).as(p.name()).contains("WARN").contains("Could not compact collection 'c'")
                        .containsOnlyOnce("Could not compact"); // retried only after twice as many dead records
                long big = Files.size(vectorFile());
                assertThat(big).isGreaterThan(4000L * RECORD_3D);
                Files.delete(blocker.resolve("keep"));
                Files.delete(blocker);
                for (int round = 45; round < 90; round++) { // the retry, after 2 x the dead records, succeeds
                    List<VectorRecord> batch = new ArrayList<>();
                    for (long id = 1; id <= 100; id++) {
                        batch.add(new VectorRecord(id, new float[] {id, round + 1, 0}));
                    }
                    c.upsert(batch);
                    c.flush();
                }
                assertThat(Files.size(vectorFile())).isLessThan(big);
            }
            try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
                VectorCollection c = store.open(SPEC);
                assertThat(c.count()).isEqualTo(100);
                assertThat(c.vector(3)).hasValueSatisfying(v -> assertThat(v)
                        .containsExactly(normalized(new float[] {3, 90, 0}), within(1e-3f)));
            }
            Files.delete(vectorFile()); // the next precision starts afresh
        }
    }

    @Test
    void compactionAfterManyDeletesKeepsTheRest() throws Exception {
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
            VectorCollection c = store.open(SPEC);
            List<VectorRecord> batch = new ArrayList<>();
            for (long id = 1; id <= 3000; id++) {
                batch.add(rec(id));
            }
            c.upsert(batch);
            c.flush();
            List<Long> gone = new ArrayList<>();
            for (long id = 1; id <= 3000; id++) {
                if (id % 6 != 0) {
                    gone.add(id);
                }
            }
            assertThat(c.delete(gone)).isEqualTo(2500);
            c.flush();
            assertThat(Files.size(vectorFile())).isLessThan(1000L * RECORD_3D);
        }
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
            VectorCollection c = store.open(SPEC);
            assertThat(c.count()).isEqualTo(500);
            Set<Long> ids = ids(c);
            assertThat(ids).allMatch(id -> id % 6 == 0).hasSize(500);
            assertThat(((EmbeddedCollection) c).vector(600).orElseThrow())
                    .containsExactly(normalized(new float[] {600, 1, -600}), within(1e-6f));
        }
    }

    @Test
    void idMapCompactionKeepsTheLiveMapping() {
        try (EmbeddedIdMapper m = EmbeddedIdMapper.open(dir)) {
            for (int round = 0; round < 60; round++) {
                for (int i = 0; i < 100; i++) {
                    m.put("/p/" + i + ".jpg", round * 1000L + i + 1, "h" + round);
                }
                m.put("/copy/0.jpg", round * 1000L + 1, "h" + round);
                m.flush();
            }
            for (int i = 50; i < 100; i++) {
                m.remove("/p/" + i + ".jpg");
            }
            m.flush();
            assertThat(m.size()).isEqualTo(50);
        }
        try (EmbeddedIdMapper m = EmbeddedIdMapper.open(dir)) {
            assertThat(m.size()).isEqualTo(50);
            assertThat(m.lookup("/p/0.jpg").orElseThrow().locations()).containsExactly("/p/0.jpg", "/copy/0.jpg");
            assertThat(m.lookup("/p/0.jpg").orElseThrow().id()).isEqualTo(59_001L);
            assertThat(m.lookup("/p/49.jpg").orElseThrow().contentHash()).isEqualTo("h59");
            assertThat(m.lookup("/p/50.jpg")).isEmpty();
        }
        try {
            // 6,060 puts of at least 36 bytes each were written; compaction keeps far fewer.
            assertThat(Files.size(dir.resolve("ids.log"))).isLessThan(6060L * 36 / 2);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static float[] normalized(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        float[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (out[i] / Math.sqrt(s));
        }
        return out;
    }

    // ---------------------------------------------------------------- locking

    @Test
    void secondOpenInTheSameProcessFailsClearly() {
        try (EmbeddedVectorStore first = EmbeddedVectorStore.open(dir)) {
            VectorCollection c = first.open(SPEC);
            c.upsert(List.of(rec(1)));
            c.flush();
            try (EmbeddedVectorStore second = EmbeddedVectorStore.open(dir)) {
                assertThatThrownBy(() -> second.open(SPEC))
                        .isInstanceOf(VectorStoreException.class)
                        .hasMessageContaining(vectorFile().toString())
                        .hasMessageContaining("already open in this process");
            }
            // the first one is unharmed
            c.upsert(List.of(rec(2)));
            c.flush();
            assertThat(c.count()).isEqualTo(2);
        }
        try (EmbeddedIdMapper first = EmbeddedIdMapper.open(dir)) {
            assertThatThrownBy(() -> EmbeddedIdMapper.open(dir))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("already open in this process");
            first.put("/a.jpg", 1, "h");
        }
    }

    @Test
    void anotherProcessCannotOpenWhatThisProcessHolds() throws Exception {
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir);
                EmbeddedIdMapper ids = EmbeddedIdMapper.open(dir)) {
            store.open(SPEC);
            ids.flush();
            assertChildFails("vectors");
            assertChildFails("ids");
        }
        // released on close
        try (ChildJvm child = ChildJvm.start(LockProbe.class, "vectors", dir.toString())) {
            assertThat(child.waitFor(Duration.ofSeconds(60))).as("output %s", child.lines()).isZero();
            assertThat(child.lines()).contains("OPENED");
        }
    }

    @Test
    void aFailedSecondOpenInThisProcessDoesNotReleaseTheLock() throws Exception {
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir);
                EmbeddedIdMapper ids = EmbeddedIdMapper.open(dir)) {
            store.open(SPEC);
            ids.flush();
            try (EmbeddedVectorStore second = EmbeddedVectorStore.open(dir)) {
                assertThatThrownBy(() -> second.open(SPEC)).isInstanceOf(VectorStoreException.class);
            }
            assertThatThrownBy(() -> EmbeddedIdMapper.open(dir)).isInstanceOf(UncheckedIOException.class);
            // On Linux, closing any channel of a file drops this process's locks on it; the store must not.
            assertChildFails("vectors");
            assertChildFails("ids");
        }
    }

    @Test
    void thisProcessCannotOpenWhatAnotherProcessHolds() throws Exception {
        writeVectors(1, 1);
        try (ChildJvm child = ChildJvm.start(LockProbe.class, "vectors", dir.toString(), "hold")) {
            assertThat(child.awaitLines(l -> l.equals("OPENED"), 1, Duration.ofSeconds(60)))
                    .as("child output %s", child.lines()).hasSize(1);
            try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
                assertThatThrownBy(() -> store.open(SPEC))
                        .isInstanceOf(VectorStoreException.class)
                        .hasMessageContaining(vectorFile().toString())
                        .hasMessageContaining("in use by another process");
            }
            child.kill();
        }
        // A killed holder leaves no stale lock behind.
        try (EmbeddedVectorStore store = EmbeddedVectorStore.open(dir)) {
            assertThat(store.open(SPEC).count()).isEqualTo(1);
        }
    }

    private void assertChildFails(String what) throws InterruptedException {
        try (ChildJvm child = ChildJvm.start(LockProbe.class, what, dir.toString())) {
            int exit = child.waitFor(Duration.ofSeconds(60));
            assertThat(child.lines()).as("child output, exit %d", exit)
                    .anyMatch(l -> l.startsWith("FAILED: ") && l.contains("in use by another process"));
            assertThat(exit).isEqualTo(3);
        }
    }
}
