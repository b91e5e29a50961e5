package dev.imagesearch.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.store.CollectionMismatchException;
import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import dev.imagesearch.store.VectorStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link VectorStore} must have, as documented on {@link VectorStore} and
 * {@link VectorCollection}. A backend module extends this class and implements {@link #newStore()}; JUnit then
 * runs every test here against it.
 *
 * <p>Conventions the suite relies on:
 * <ul>
 *   <li>Reads are asserted after {@link VectorCollection#flush()}, so a store only needs read-after-flush
 *       consistency.</li>
 *   <li>Collection names passed to {@link #collectionName(String)} are lower-case letters, digits and
 *       underscores, starting with a letter (valid for Milvus and the embedded store).</li>
 *   <li>Scores follow the Milvus conventions: cosine similarity and inner product (higher is better), squared L2
 *       distance (lower is better).</li>
 *   <li>The order of hits with equal scores is not asserted.</li>
 * </ul>
 */
public abstract class VectorStoreContract {

    /** Default tolerance for float scores. */
    protected static final float EPS = 1e-4f;

    private VectorStore store;

    /**
     * Absolute tolerance for the scores the tests compute in double precision (default {@link #EPS}). A store that
     * keeps vectors at lower precision (the embedded store's FLOAT16) widens it.
     */
    protected float scoreTolerance() {
        return EPS;
    }

    /** A fresh store for one test. Collections this test opens must be empty (see {@link #collectionName}). */
    protected abstract VectorStore newStore();

    /**
     * A new store over the same data as the one {@link #newStore()} returned, called after that one was closed.
     * Return {@code null} (the default) if the store cannot be reopened; the persistence tests are then skipped.
     */
    protected VectorStore reopenStore() {
        return null;
    }

    /**
     * The collection name a test uses for {@code base}. Override to make names unique per test run (for a shared
     * server); must return the same name for the same base within one test.
     */
    protected String collectionName(String base) {
        return base;
    }

    @BeforeEach
    void openStoreForTest() {
        store = newStore();
        assertThat(store).as("newStore()").isNotNull();
    }

    @AfterEach
    void closeStoreAfterTest() {
        if (store != null) {
            store.close();
            store = null;
        }
    }

    /** The store of the running test. */
    protected VectorStore store() {
        return store;
    }

    /** Closes the current store and opens it again; skips the test if the store cannot be reopened. */
    protected VectorStore reopen() {
        store.close();
        store = null;
        VectorStore again = reopenStore();
        Assumptions.assumeTrue(again != null, "this store does not support reopening");
        store = again;
        return store;
    }

    protected CollectionSpec spec(String base, int dimension, Metric metric) {
        return CollectionSpec.builder(collectionName(base), dimension).metric(metric)
                .fingerprint("contract-model-v1").build();
    }

    protected static VectorRecord rec(long id, float... v) {
        return new VectorRecord(id, v);
    }

    /** Upserts and flushes. */
    protected static void write(VectorCollection c, VectorRecord... records) {
        c.upsert(List.of(records));
        c.flush();
    }

    private static List<Long> ids(List<ScoredId> hits) {
        return hits.stream().map(ScoredId::id).toList();
    }

    private static Set<Long> allIds(VectorCollection c) {
        Set<Long> out = new HashSet<>();
        c.forEachId(out::add);
        return out;
    }

    // ---------------------------------------------------------------- opening

    @Test
    void opensNewCollectionWithItsSpec() {
        CollectionSpec spec = spec("open_new", 3, Metric.L2);
        VectorCollection c = store().open(spec);
        assertThat(c.spec()).isEqualTo(spec);
        assertThat(c.count()).isZero();
        assertThat(c.search(new float[] {1, 0, 0}, 5)).isEmpty();
    }

    @Test
    void existsAndCollectionNamesSeeOpenedCollectionsWithoutCreatingOthers() {
        String name = collectionName("exists_yes");
        String never = collectionName("exists_never");
        assertThat(store().exists(never)).isFalse();
        store().open(spec("exists_yes", 3, Metric.COSINE));
        assertThat(store().exists(name)).isTrue();
        assertThat(store().exists(never)).as("exists() must not create").isFalse();
        assertThat(store().collectionNames()).isNotEmpty().isSorted();
    }

    @Test
    void vectorReturnsWhatWasStoredAndNothingForAnUnknownId() {
        VectorCollection c = store().open(spec("vector_get", 3, Metric.L2));
        write(c, rec(7, 1.5f, -2f, 0.25f));
        assertThat(c.vector(7)).hasValueSatisfying(v -> assertThat(v).containsExactly(1.5f, -2f, 0.25f));
        assertThat(c.vector(8)).isEmpty();
    }

    @Test
    void vectorsReadsManyIdsAtOnceAndLeavesOutUnknownOnes() {
        VectorCollection c = store().open(spec("vectors_get", 3, Metric.L2));
        write(c, rec(1, 1f, 0f, 0f), rec(2, 0f, 2f, 0f), rec(3, 0f, 0f, 3f));
        Map<Long, float[]> got = c.vectors(List.of(3L, 1L, 99L, 1L));
        assertThat(got).containsOnlyKeys(1L, 3L);
        assertThat(got.get(1L)).containsExactly(1f, 0f, 0f);
        assertThat(got.get(3L)).containsExactly(0f, 0f, 3f);
        assertThat(c.vectors(List.of())).isEmpty();
    }

    @Test
    void vectorsReadsMoreIdsThanOneRequestOfARemoteStoreHolds() {
        VectorCollection c = store().open(spec("vectors_many", 3, Metric.L2));
        List<VectorRecord> records = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (long id = 1; id <= 2_500; id++) {
            records.add(rec(id, id % 16, -(id % 8), 0.5f)); // small integers: exact in FLOAT16 stores too
            ids.add(id);
        }
        write(c, records.toArray(VectorRecord[]::new));
        ids.add(9_999L);
        Map<Long, float[]> got = c.vectors(ids);
        assertThat(got).hasSize(2_500).doesNotContainKey(9_999L);
        assertThat(got.get(2_345L)).containsExactly(9f, -1f, 0.5f);
    }

    @Test
    void reopeningWithTheSameSpecWorksAndKeepsVectors() {
        CollectionSpec spec = spec("open_same", 3, Metric.COSINE);
        write(store().open(spec), rec(1, 1, 0, 0), rec(2, 0, 1, 0));
        VectorCollection again = store().open(spec);
        assertThat(again.spec()).isEqualTo(spec);
        assertThat(again.count()).isEqualTo(2);
    }

    @Test
    void otherDimensionIsRefusedNamingBothValues() {
        CollectionSpec spec = spec("mismatch_dim", 12, Metric.COSINE);
        VectorCollection c = store().open(spec);
        write(c, rec(1, unit(12, 0)));
        CollectionSpec other = spec("mismatch_dim", 17, Metric.COSINE);
        assertThatThrownBy(() -> store().open(other))
                .isInstanceOf(CollectionMismatchException.class)
                .hasMessageContaining("12").hasMessageContaining("17");
        assertThat(store().open(spec).count()).isEqualTo(1);
    }

    @Test
    void otherMetricIsRefusedNamingBothValues() {
        CollectionSpec spec = spec("mismatch_metric", 3, Metric.COSINE);
        write(store().open(spec), rec(1, 1, 0, 0));
        assertThatThrownBy(() -> store().open(spec("mismatch_metric", 3, Metric.L2)))
                .isInstanceOf(CollectionMismatchException.class)
                .hasMessageContaining("COSINE").hasMessageContaining("L2");
        assertThat(store().open(spec).count()).isEqualTo(1);
    }

    @Test
    void otherFingerprintIsRefusedNamingBothValues() {
        CollectionSpec spec = spec("mismatch_fp", 3, Metric.COSINE);
        write(store().open(spec), rec(1, 1, 0, 0));
        CollectionSpec other = CollectionSpec.builder(spec.name(), 3).metric(Metric.COSINE)
                .fingerprint("contract-model-v2").build();
        assertThatThrownBy(() -> store().open(other))
                .isInstanceOf(CollectionMismatchException.class)
                .hasMessageContaining("contract-model-v1").hasMessageContaining("contract-model-v2");
        assertThat(store().open(spec).count()).isEqualTo(1);
    }

    @Test
    void mismatchIsAlsoDetectedAfterReopen() {
        CollectionSpec spec = spec("mismatch_reopen", 4, Metric.IP);
        write(store().open(spec), rec(1, 1, 0, 0, 0), rec(2, 0, 1, 0, 0));
        reopen();
        assertThatThrownBy(() -> store().open(spec("mismatch_reopen", 5, Metric.IP)))
                .isInstanceOf(CollectionMismatchException.class)
                .hasMessageContaining("4").hasMessageContaining("5");
        assertThatThrownBy(() -> store().open(spec("mismatch_reopen", 4, Metric.COSINE)))
                .isInstanceOf(CollectionMismatchException.class)
                .hasMessageContaining("IP").hasMessageContaining("COSINE");
        CollectionSpec otherModel = CollectionSpec.builder(spec.name(), 4).metric(Metric.IP)
                .fingerprint("contract-model-v2").build();
        assertThatThrownBy(() -> store().open(otherModel))
                .isInstanceOf(CollectionMismatchException.class)
                .hasMessageContaining("contract-model-v1").hasMessageContaining("contract-model-v2");
        VectorCollection c = store().open(spec);
        assertThat(c.count()).isEqualTo(2);
        assertThat(c.spec()).isEqualTo(spec);
    }

    // ---------------------------------------------------------------- writing

    @Test
    void upsertAndCount() {
        VectorCollection c = store().open(spec("upsert_count", 3, Metric.COSINE));
        write(c, rec(1, 1, 0, 0), rec(2, 0, 1, 0), rec(3, 0, 0, 1));
        assertThat(c.count()).isEqualTo(3);
        assertThat(allIds(c)).containsExactlyInAnyOrder(1L, 2L, 3L);
    }

    @Test
    void upsertingAnIdAgainKeepsOneVectorTheLastOne() {
        VectorCollection c = store().open(spec("upsert_twice", 3, Metric.IP));
        write(c, rec(7, 1, 0, 0), rec(8, 0, 0, 1));
        write(c, rec(7, 0, 2, 0));
        assertThat(c.count()).isEqualTo(2);
        List<ScoredId> hits = c.search(new float[] {0, 1, 0}, 10);
        assertThat(hits).hasSize(2);
        assertThat(hits.get(0).id()).isEqualTo(7);
        assertThat(hits.get(0).score()).isCloseTo(2f, within(scoreTolerance()));
    }

    @Test
    void sameIdTwiceInOneBatchKeepsTheLastOne() {
        VectorCollection c = store().open(spec("upsert_batch_twice", 3, Metric.IP));
        write(c, rec(5, 1, 0, 0), rec(5, 0, 3, 0));
        assertThat(c.count()).isEqualTo(1);
        List<ScoredId> hits = c.search(new float[] {0, 1, 0}, 10);
        assertThat(ids(hits)).containsExactly(5L);
        assertThat(hits.get(0).score()).isCloseTo(3f, within(scoreTolerance()));
    }

    @Test
    void wrongVectorDimensionIsRefusedAndNothingIsStored() {
        VectorCollection c = store().open(spec("upsert_bad_dim", 3, Metric.COSINE));
        List<VectorRecord> batch = List.of(rec(1, 1, 0, 0), rec(2, 1, 0, 0, 0), rec(3, 0, 1, 0));
        assertThatThrownBy(() -> c.upsert(batch))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3");
        c.flush();
        assertThat(c.count()).isZero();
        assertThat(c.existing(List.of(1L, 2L, 3L))).isEmpty();
    }

    @Test
    void emptyUpsertIsANoOp() {
        VectorCollection c = store().open(spec("upsert_empty", 3, Metric.COSINE));
        c.upsert(List.of());
        c.flush();
        assertThat(c.count()).isZero();
        write(c, rec(1, 1, 0, 0));
        c.upsert(List.of());
        c.flush();
        assertThat(c.count()).isEqualTo(1);
    }

    @Test
    void deleteRemovesPresentIdsIgnoresAbsentOnesAndCountsThePresent() {
        VectorCollection c = store().open(spec("delete_ids", 3, Metric.L2));
        write(c, rec(1, 1, 0, 0), rec(2, 0, 1, 0), rec(3, 0, 0, 1));
        int removed = c.delete(List.of(2L, 99L, 3L));
        c.flush();
        assertThat(removed).isEqualTo(2);
        assertThat(c.count()).isEqualTo(1);
        assertThat(allIds(c)).containsExactly(1L);
        assertThat(ids(c.search(new float[] {0, 1, 0}, 10))).containsExactly(1L);
        assertThat(c.delete(List.of(2L, 3L))).isZero();
        assertThat(c.delete(List.of())).isZero();
        c.flush();
        assertThat(c.count()).isEqualTo(1);
    }

    @Test
    void deletedIdCanBeUpsertedAgain() {
        VectorCollection c = store().open(spec("delete_reinsert", 3, Metric.IP));
        write(c, rec(1, 1, 0, 0));
        c.delete(List.of(1L));
        c.flush();
        write(c, rec(1, 0, 0, 4));
        assertThat(c.count()).isEqualTo(1);
        List<ScoredId> hits = c.search(new float[] {0, 0, 1}, 1);
        assertThat(ids(hits)).containsExactly(1L);
        assertThat(hits.get(0).score()).isCloseTo(4f, within(scoreTolerance()));
    }

    @Test
    void existingReturnsOnlyStoredIds() {
        VectorCollection c = store().open(spec("existing_ids", 3, Metric.COSINE));
        assertThat(c.existing(List.of(1L, 2L))).isEmpty();
        write(c, rec(1, 1, 0, 0), rec(Long.MAX_VALUE, 0, 1, 0));
        assertThat(c.existing(List.of(1L, 2L, Long.MAX_VALUE, 0L)))
                .containsExactlyInAnyOrder(1L, Long.MAX_VALUE);
        assertThat(c.existing(List.of())).isEmpty();
    }

    @Test
    void forEachIdVisitsEveryIdOnce() {
        VectorCollection c = store().open(spec("for_each_id", 3, Metric.COSINE));
        List<Long> seen = new ArrayList<>();
        c.forEachId(seen::add);
        assertThat(seen).isEmpty();
        List<VectorRecord> batch = new ArrayList<>();
        for (long id = 1; id <= 50; id++) {
            batch.add(rec(id * 1_000_003L, 1, id, 0));
        }
        c.upsert(batch);
        c.flush();
        c.delete(List.of(1_000_003L));
        c.flush();
        c.forEachId(seen::add);
        assertThat(seen).hasSize(49).doesNotHaveDuplicates().doesNotContain(1_000_003L)
                .contains(50 * 1_000_003L);
    }

    // ---------------------------------------------------------------- searching

    /** a=(1,0,0) b=(1,1,0) c=(0,1,0) d=(-1,0,0) */
    private VectorCollection fourVectors(String base, Metric metric) {
        VectorCollection c = store().open(spec(base, 3, metric));
        write(c, rec(10, 1, 0, 0), rec(20, 1, 1, 0), rec(30, 0, 1, 0), rec(40, -1, 0, 0));
        return c;
    }

    private void assertHits(List<ScoredId> hits, long[] ids, float[] scores) {
        assertThat(ids(hits)).containsExactly(java.util.Arrays.stream(ids).boxed().toArray(Long[]::new));
        for (int i = 0; i < scores.length; i++) {
            assertThat(hits.get(i).score()).as("score of hit %d (id %d)", i, ids[i])
                    .isCloseTo(scores[i], within(scoreTolerance()));
        }
    }

    @Test
    void cosineSearchReturnsCosineSimilarityBestFirst() {
        VectorCollection c = fourVectors("search_cosine", Metric.COSINE);
        // The query is not normalised: cosine must not depend on its length.
        assertHits(c.search(new float[] {2, 0, 0}, 4),
                new long[] {10, 20, 30, 40}, new float[] {1f, (float) (1 / Math.sqrt(2)), 0f, -1f});
        // q=(1,2,0)/sqrt5: a=1/sqrt5, b=3/sqrt10, c=2/sqrt5, d=-1/sqrt5
        assertHits(c.search(new float[] {1, 2, 0}, 4), new long[] {20, 30, 10, 40},
                new float[] {(float) (3 / Math.sqrt(10)), (float) (2 / Math.sqrt(5)), (float) (1 / Math.sqrt(5)),
                        (float) (-1 / Math.sqrt(5))});
    }

    @Test
    void innerProductSearchReturnsInnerProductBestFirst() {
        VectorCollection c = fourVectors("search_ip", Metric.IP);
        assertHits(c.search(new float[] {1, 2, 0}, 4), new long[] {20, 30, 10, 40}, new float[] {3f, 2f, 1f, -1f});
        assertHits(c.search(new float[] {0.9f, 0.2f, 0}, 4), new long[] {20, 10, 30, 40},
                new float[] {1.1f, 0.9f, 0.2f, -0.9f});
    }

    @Test
    void l2SearchReturnsSquaredDistanceSmallestFirst() {
        VectorCollection c = fourVectors("search_l2", Metric.L2);
        assertHits(c.search(new float[] {0.9f, 0.2f, 0}, 4), new long[] {10, 20, 30, 40},
                new float[] {0.05f, 0.65f, 1.45f, 3.65f});
        assertHits(c.search(new float[] {1, 2, 0}, 2), new long[] {20, 30}, new float[] {1f, 2f});
    }

    @Test
    void topKKeepsOnlyTheBestK() {
        VectorCollection c = fourVectors("search_top_k", Metric.IP);
        assertHits(c.search(new float[] {1, 2, 0}, 2), new long[] {20, 30}, new float[] {3f, 2f});
        assertHits(c.search(new float[] {1, 2, 0}, 1), new long[] {20}, new float[] {3f});
    }

    @Test
    void kLargerThanCountReturnsEverything() {
        VectorCollection c = fourVectors("search_k_large", Metric.COSINE);
        assertThat(ids(c.search(new float[] {2, 0, 0}, 100))).containsExactly(10L, 20L, 30L, 40L);
    }

    @Test
    void kZeroReturnsNothing() {
        VectorCollection c = fourVectors("search_k_zero", Metric.COSINE);
        assertThat(c.search(new float[] {1, 0, 0}, 0)).isEmpty();
    }

    @Test
    void negativeKIsRefused() {
        VectorCollection c = fourVectors("search_k_negative", Metric.COSINE);
        assertThatThrownBy(() -> c.search(new float[] {1, 0, 0}, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    @Test
    void queryOfWrongDimensionIsRefused() {
        VectorCollection c = fourVectors("search_bad_dim", Metric.L2);
        assertThatThrownBy(() -> c.search(new float[] {1, 0}, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3");
        assertThatThrownBy(() -> c.search(new float[] {1, 0, 0, 0}, 3))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void searchOfAnEmptyCollectionReturnsNothing() {
        VectorCollection c = store().open(spec("search_empty", 3, Metric.COSINE));
        assertThat(c.search(new float[] {1, 0, 0}, 10)).isEmpty();
    }

    @Test
    void searchBatchEqualsIndividualSearches() {
        VectorCollection c = fourVectors("search_batch", Metric.IP);
        List<float[]> queries = List.of(new float[] {1, 2, 0}, new float[] {0.9f, 0.2f, 0}, new float[] {-1, 0.5f, 0});
        List<List<ScoredId>> batch = c.searchBatch(queries, 3);
        assertThat(batch).hasSize(3);
        for (int i = 0; i < queries.size(); i++) {
            List<ScoredId> single = c.search(queries.get(i), 3);
            assertThat(ids(batch.get(i))).as("query %d", i).isEqualTo(ids(single));
            for (int j = 0; j < single.size(); j++) {
                assertThat(batch.get(i).get(j).score()).isCloseTo(single.get(j).score(), within(scoreTolerance()));
            }
        }
        assertThat(c.searchBatch(List.of(), 3)).isEmpty();
    }

    @Test
    void readAfterWriteSeesTheNewVector() {
        VectorCollection c = store().open(spec("read_after_write", 3, Metric.COSINE));
        for (int i = 1; i <= 5; i++) {
            float[] v = {i, 10 - i, i % 2};
            write(c, rec(i, v));
            List<ScoredId> hits = c.search(v, 1);
            assertThat(ids(hits)).as("after writing id %d", i).containsExactly((long) i);
            assertThat(hits.get(0).score()).isCloseTo(1f, within(scoreTolerance()));
            assertThat(c.count()).isEqualTo(i);
        }
    }

    @Test
    void twoThousandVectorsRoundTrip() {
        int dim = 37; // not a multiple of 4 or 8, so unrolled loops meet their tails
        int n = 2_000;
        VectorCollection c = store().open(spec("bulk_2000", dim, Metric.COSINE));
        Random random = new Random(42);
        Map<Long, float[]> vectors = new HashMap<>();
        List<VectorRecord> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long id = (random.nextLong() & Long.MAX_VALUE) | 1;
            float[] v = new float[dim];
            for (int j = 0; j < dim; j++) {
                v[j] = (float) random.nextGaussian();
            }
            vectors.put(id, v);
            batch.add(new VectorRecord(id, v));
        }
        c.upsert(batch);
        c.flush();
        assertThat(c.count()).isEqualTo(n);
        assertThat(c.existing(vectors.keySet())).hasSize(n);
        assertThat(allIds(c)).isEqualTo(vectors.keySet());
        List<Long> sample = new ArrayList<>(vectors.keySet()).subList(0, 20);
        for (long id : sample) {
            List<ScoredId> hits = c.search(vectors.get(id), 5);
            assertThat(hits).hasSize(5);
            assertThat(hits.get(0).id()).isEqualTo(id);
            assertThat(hits.get(0).score()).isCloseTo(1f, within(scoreTolerance()));
            for (int i = 0; i < hits.size(); i++) {
                ScoredId hit = hits.get(i);
                assertThat(hit.score()).as("score of %d", hit.id())
                        .isCloseTo(cosine(vectors.get(id), vectors.get(hit.id())), within(scoreTolerance()));
                if (i > 0) {
                    assertThat(hit.score()).isLessThanOrEqualTo(hits.get(i - 1).score());
                }
            }
        }
    }

    // ---------------------------------------------------------------- persistence

    @Test
    void everythingSurvivesCloseAndReopen() {
        CollectionSpec cos = spec("persist_cosine", 3, Metric.COSINE);
        CollectionSpec l2 = spec("persist_l2", 3, Metric.L2);
        VectorCollection c = store().open(cos);
        write(c, rec(10, 1, 0, 0), rec(20, 1, 1, 0), rec(30, 0, 1, 0), rec(40, -1, 0, 0));
        write(c, rec(30, 0, 0, 1)); // overwrite
        c.delete(List.of(40L));
        c.flush();
        VectorCollection d = store().open(l2);
        write(d, rec(1, 1, 2, 3));

        reopen();
        VectorCollection c2 = store().open(cos);
        assertThat(c2.count()).isEqualTo(3);
        assertThat(allIds(c2)).containsExactlyInAnyOrder(10L, 20L, 30L);
        List<ScoredId> overwritten = c2.search(new float[] {0, 0, 5}, 1); // 30 was overwritten with (0,0,1)
        assertHits(overwritten, new long[] {30}, new float[] {1f});
        List<ScoredId> hits = c2.search(new float[] {2, 0, 0}, 3);
        assertThat(hits.get(0).id()).isEqualTo(10);
        assertThat(hits.get(1).id()).isEqualTo(20);
        assertThat(hits.get(1).score()).isCloseTo((float) (1 / Math.sqrt(2)), within(scoreTolerance()));
        VectorCollection d2 = store().open(l2);
        assertThat(d2.count()).isEqualTo(1);
        assertHits(d2.search(new float[] {1, 2, 2}, 1), new long[] {1}, new float[] {1f});
        // and it is still writable
        write(c2, rec(50, 0, -1, 0));
        assertThat(c2.count()).isEqualTo(4);
    }

    @Test
    void twoThousandVectorsSurviveReopen() {
        int dim = 8;
        VectorCollection c = store().open(spec("persist_bulk", dim, Metric.IP));
        List<VectorRecord> batch = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            float[] v = new float[dim];
            v[i % dim] = 1 + i;
            batch.add(new VectorRecord(i + 1L, v));
        }
        c.upsert(batch);
        c.flush();
        reopen();
        VectorCollection again = store().open(spec("persist_bulk", dim, Metric.IP));
        assertThat(again.count()).isEqualTo(2_000);
        float[] q = new float[dim];
        q[3] = 1;
        List<ScoredId> hits = again.search(q, 2);
        // v[3] = 1 + i for i % 8 == 3; the largest is i = 1995 -> id 1996, score 1996
        assertHits(hits, new long[] {1996, 1988}, new float[] {1996f, 1988f});
    }

    private static float[] unit(int dim, int axis) {
        float[] v = new float[dim];
        v[axis] = 1;
        return v;
    }

    private static float cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return (float) (dot / Math.sqrt(na * nb));
    }
}
