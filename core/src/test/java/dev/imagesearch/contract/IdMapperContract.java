package dev.imagesearch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.idmap.ImageRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link IdMapper} must have, as documented on {@link IdMapper}. A backend module extends this
 * class and implements {@link #newMapper()}; JUnit then runs every test here against it.
 */
public abstract class IdMapperContract {

    private static final String H1 = "1111111111111111111111111111111111111111111111111111111111111111";
    private static final String H2 = "2222222222222222222222222222222222222222222222222222222222222222";
    private static final String H3 = "3333333333333333333333333333333333333333333333333333333333333333";

    private IdMapper mapper;

    /** A fresh, empty id map for one test. */
    protected abstract IdMapper newMapper();

    /**
     * A new id map over the same data as the one {@link #newMapper()} returned, called after that one was closed.
     * Return {@code null} (the default) if it cannot be reopened; the persistence tests are then skipped.
     */
    protected IdMapper reopenMapper() {
        return null;
    }

    @BeforeEach
    void openMapperForTest() {
        mapper = newMapper();
        assertThat(mapper).as("newMapper()").isNotNull();
    }

    @AfterEach
    void closeMapperAfterTest() {
        if (mapper != null) {
            mapper.close();
            mapper = null;
        }
    }

    /** The id map of the running test. */
    protected IdMapper mapper() {
        return mapper;
    }

    /** Flushes, closes and reopens the id map; skips the test if it cannot be reopened. */
    protected IdMapper reopen() {
        mapper.flush();
        mapper.close();
        mapper = null;
        IdMapper again = reopenMapper();
        Assumptions.assumeTrue(again != null, "this id map does not support reopening");
        mapper = again;
        return mapper;
    }

    private static Set<Long> allIds(IdMapper m) {
        Set<Long> out = new HashSet<>();
        m.forEachId(out::add);
        return out;
    }

    @Test
    void emptyMapKnowsNothing() {
        IdMapper m = mapper();
        assertThat(m.size()).isZero();
        assertThat(m.get(1)).isEmpty();
        assertThat(m.lookup("/a.jpg")).isEmpty();
        assertThat(m.getAll(List.of(1L, 2L))).isEmpty();
        assertThat(m.remove("/a.jpg")).isEmpty();
        assertThat(m.removeId(1)).isFalse();
        assertThat(allIds(m)).isEmpty();
    }

    @Test
    void putNewLocation() {
        IdMapper m = mapper();
        assertThat(m.put("/photos/a.jpg", 1, H1)).isEmpty();
        ImageRecord expected = new ImageRecord(1, H1, List.of("/photos/a.jpg"));
        assertThat(m.get(1)).contains(expected);
        assertThat(m.lookup("/photos/a.jpg")).contains(expected);
        assertThat(m.lookup("/photos/a.jpg").orElseThrow().primaryLocation()).isEqualTo("/photos/a.jpg");
        assertThat(m.size()).isEqualTo(1);
    }

    @Test
    void putAllAppliesLinksInOrderLikeSinglePuts() {
        IdMapper m = mapper();
        m.put("/a.jpg", 1, H1);
        List<java.util.OptionalLong> previous = m.putAll(List.of(
                new IdMapper.Link("/b.jpg", 2, H2),      // new
                new IdMapper.Link("/a.jpg", 2, H2),      // a changed: 1 -> 2
                new IdMapper.Link("/c.jpg", 1, H1),      // 1's bytes found again at c
                new IdMapper.Link("/b.jpg", 2, H2)));    // same again: no-op
        assertThat(previous).containsExactly(java.util.OptionalLong.empty(), java.util.OptionalLong.of(1),
                java.util.OptionalLong.empty(), java.util.OptionalLong.empty());
        assertThat(m.get(2).orElseThrow().locations()).containsExactly("/b.jpg", "/a.jpg");
        assertThat(m.get(1).orElseThrow().locations()).containsExactly("/c.jpg");
        assertThat(m.putAll(List.of())).isEmpty();
        assertThat(m.size()).isEqualTo(2);
    }

    @Test
    void lookupAllAnswersForManyLocationsAndLeavesUnknownOnesOut() {
        IdMapper m = mapper();
        m.put("/a.jpg", 1, H1);
        m.put("/b.jpg", 1, H1);
        m.put("/c.jpg", 2, H2);
        java.util.Map<String, ImageRecord> found = m.lookupAll(List.of("/a.jpg", "/nope.jpg", "/c.jpg"));
        assertThat(found).containsOnlyKeys("/a.jpg", "/c.jpg");
        assertThat(found.get("/a.jpg")).isEqualTo(new ImageRecord(1, H1, List.of("/a.jpg", "/b.jpg")));
        assertThat(found.get("/c.jpg").id()).isEqualTo(2);
        assertThat(m.lookupAll(List.of())).isEmpty();
    }

    @Test
    void putSameLocationSameIdIsANoOp() {
        IdMapper m = mapper();
        m.put("/a.jpg", 1, H1);
        assertThat(m.put("/a.jpg", 1, H1)).isEmpty();
        assertThat(m.get(1).orElseThrow().locations()).containsExactly("/a.jpg");
        assertThat(m.size()).isEqualTo(1);
    }

    @Test
    void putSameLocationNewIdReturnsThePreviousIdAndDropsItWhenOrphaned() {
        IdMapper m = mapper();
        m.put("/a.jpg", 1, H1);
        OptionalLong previous = m.put("/a.jpg", 2, H2);
        assertThat(previous).hasValue(1);
        assertThat(m.get(1)).isEmpty();
        assertThat(m.get(2)).contains(new ImageRecord(2, H2, List.of("/a.jpg")));
        assertThat(m.lookup("/a.jpg").orElseThrow().id()).isEqualTo(2);
        assertThat(m.size()).isEqualTo(1);
        assertThat(allIds(m)).containsExactly(2L);
    }

    @Test
    void putSameLocationNewIdKeepsThePreviousIdWhenItHasOtherLocations() {
        IdMapper m = mapper();
        m.put("/a.jpg", 1, H1);
        m.put("/copy-of-a.jpg", 1, H1);
        assertThat(m.put("/a.jpg", 2, H2)).hasValue(1);
        assertThat(m.get(1)).contains(new ImageRecord(1, H1, List.of("/copy-of-a.jpg")));
        assertThat(m.get(2)).contains(new ImageRecord(2, H2, List.of("/a.jpg")));
        assertThat(m.size()).isEqualTo(2);
    }

    @Test
    void twoLocationsOfOneIdOldestFirst() {
        IdMapper m = mapper();
        m.put("/b/second.jpg", 5, H1);
        assertThat(m.put("/a/first-by-name.jpg", 5, H1)).isEmpty();
        ImageRecord r = m.get(5).orElseThrow();
        assertThat(r.locations()).containsExactly("/b/second.jpg", "/a/first-by-name.jpg");
        assertThat(r.primaryLocation()).isEqualTo("/b/second.jpg");
        assertThat(r.contentHash()).isEqualTo(H1);
        assertThat(m.lookup("/a/first-by-name.jpg")).contains(r);
        assertThat(m.size()).isEqualTo(1);
    }

    @Test
    void getAllLeavesOutMissingIds() {
        IdMapper m = mapper();
        m.put("/a.jpg", 1, H1);
        m.put("/b.jpg", 2, H2);
        m.put("/b2.jpg", 2, H2);
        Map<Long, ImageRecord> all = m.getAll(List.of(1L, 3L, 2L, 4L));
        assertThat(all).containsOnlyKeys(1L, 2L);
        assertThat(all.get(1L)).isEqualTo(new ImageRecord(1, H1, List.of("/a.jpg")));
        assertThat(all.get(2L)).isEqualTo(new ImageRecord(2, H2, List.of("/b.jpg", "/b2.jpg")));
        assertThat(m.getAll(List.of())).isEmpty();
    }

    @Test
    void removeLocationReturnsTheRecordAfterRemoval() {
        IdMapper m = mapper();
        m.put("/a.jpg", 1, H1);
        m.put("/a-copy.jpg", 1, H1);
        assertThat(m.remove("/a.jpg")).contains(new ImageRecord(1, H1, List.of("/a-copy.jpg")));
        assertThat(m.lookup("/a.jpg")).isEmpty();
        assertThat(m.get(1)).contains(new ImageRecord(1, H1, List.of("/a-copy.jpg")));
        assertThat(m.size()).isEqualTo(1);

        ImageRecord last = m.remove("/a-copy.jpg").orElseThrow();
        assertThat(last.id()).isEqualTo(1);
        assertThat(last.locations()).isEmpty();
        assertThat(last.primaryLocation()).isNull();
        assertThat(m.get(1)).isEmpty();
        assertThat(m.size()).isZero();
        assertThat(allIds(m)).isEmpty();
        assertThat(m.remove("/a-copy.jpg")).isEmpty();
    }

    @Test
    void removeUnknownLocationChangesNothing() {
        IdMapper m = mapper();
        m.put("/a.jpg", 1, H1);
        assertThat(m.remove("/b.jpg")).isEmpty();
        assertThat(m.size()).isEqualTo(1);
        assertThat(m.lookup("/a.jpg")).isPresent();
    }

    @Test
    void removeIdForgetsAllItsLocations() {
        IdMapper m = mapper();
        m.put("/a.jpg", 1, H1);
        m.put("/a2.jpg", 1, H1);
        m.put("/b.jpg", 2, H2);
        assertThat(m.removeId(1)).isTrue();
        assertThat(m.get(1)).isEmpty();
        assertThat(m.lookup("/a.jpg")).isEmpty();
        assertThat(m.lookup("/a2.jpg")).isEmpty();
        assertThat(m.lookup("/b.jpg")).isPresent();
        assertThat(m.size()).isEqualTo(1);
        assertThat(m.removeId(1)).isFalse();
        // a removed location can be mapped again
        assertThat(m.put("/a.jpg", 3, H3)).isEmpty();
        assertThat(m.get(3)).contains(new ImageRecord(3, H3, List.of("/a.jpg")));
    }

    @Test
    void sizeCountsIdsNotLocations() {
        IdMapper m = mapper();
        m.put("/a.jpg", 1, H1);
        m.put("/a2.jpg", 1, H1);
        m.put("/b.jpg", 2, H2);
        m.put("/c.jpg", 3, H3);
        assertThat(m.size()).isEqualTo(3);
        m.remove("/c.jpg");
        assertThat(m.size()).isEqualTo(2);
    }

    @Test
    void forEachIdVisitsEveryMappedIdOnce() {
        IdMapper m = mapper();
        m.put("/a.jpg", 1, H1);
        m.put("/a2.jpg", 1, H1);
        m.put("/b.jpg", Long.MAX_VALUE, H2);
        m.put("/c.jpg", 3, H3);
        m.remove("/c.jpg");
        List<Long> seen = new ArrayList<>();
        m.forEachId(seen::add);
        assertThat(seen).containsExactlyInAnyOrder(1L, Long.MAX_VALUE);
    }

    @Test
    void unicodeAndLongLocations() {
        IdMapper m = mapper();
        String unicode = "/photos/日本/café ☕ 🐱/ü ß é — \"quoted\" 'x'\\back.jpg";
        String longPath = "/deep/" + "directory-name/".repeat(300) + "photo.jpg";
        String uri = "https://example.org/images/a%20b.jpg?size=large&x=1#frag";
        m.put(unicode, 1, H1);
        m.put(longPath, 2, H2);
        m.put(uri, 2, H2);
        assertThat(m.lookup(unicode).orElseThrow().locations()).containsExactly(unicode);
        assertThat(m.get(2).orElseThrow().locations()).containsExactly(longPath, uri);
        // Near-identical strings are different locations.
        assertThat(m.lookup("/photos/日本/café ☕ 🐱/ü ß é — \"quoted\" 'x'\\back.JPG")).isEmpty();
    }

    @Test
    void unicodeAndLongLocationsSurviveReopen() {
        IdMapper m = mapper();
        String unicode = "/photos/日本/café ☕ 🐱/ü ß é — \"quoted\" 'x'\\back.jpg";
        String longPath = "/deep/" + "directory-name/".repeat(300) + "photo.jpg";
        String uri = "https://example.org/images/a%20b.jpg?size=large&x=1#frag";
        m.put(unicode, 1, H1);
        m.put(longPath, 2, H2);
        m.put(uri, 2, H2);
        IdMapper again = reopen();
        assertThat(again.lookup(unicode).orElseThrow().id()).isEqualTo(1);
        assertThat(again.lookup(longPath).orElseThrow().locations()).containsExactly(longPath, uri);
        assertThat(again.remove(unicode).orElseThrow().locations()).isEmpty();
    }

    @Test
    void everythingSurvivesFlushAndReopen() {
        IdMapper m = mapper();
        m.put("/a.jpg", 1, H1);
        m.put("/a2.jpg", 1, H1);
        m.put("/b.jpg", 2, H2);
        m.put("/c.jpg", 3, H3);
        m.put("/b.jpg", 4, H3); // changed file: 2 is gone
        m.remove("/a.jpg");
        m.removeId(3);
        IdMapper again = reopen();
        assertThat(again.size()).isEqualTo(2);
        assertThat(again.get(1)).contains(new ImageRecord(1, H1, List.of("/a2.jpg")));
        assertThat(again.get(2)).isEmpty();
        assertThat(again.get(3)).isEmpty();
        assertThat(again.get(4)).contains(new ImageRecord(4, H3, List.of("/b.jpg")));
        assertThat(again.lookup("/a.jpg")).isEmpty();
        assertThat(again.lookup("/c.jpg")).isEmpty();
        assertThat(allIds(again)).containsExactlyInAnyOrder(1L, 4L);
        // still writable after reopening
        assertThat(again.put("/a2.jpg", 5, H2)).hasValue(1);
        assertThat(again.size()).isEqualTo(2);
    }

    @Test
    void manyEntriesRoundTrip() {
        IdMapper m = mapper();
        int n = 5_000;
        for (int i = 0; i < n; i++) {
            long id = 1_000_000_007L * (i + 1);
            m.put("/many/" + i + ".jpg", id, String.format("%064x", id));
            if (i % 10 == 0) {
                m.put("/many/copies/" + i + ".jpg", id, String.format("%064x", id));
            }
        }
        m.flush();
        checkMany(m, n);
    }

    @Test
    void manyEntriesSurviveReopen() {
        IdMapper m = mapper();
        int n = 5_000;
        for (int i = 0; i < n; i++) {
            long id = 1_000_000_007L * (i + 1);
            m.put("/many/" + i + ".jpg", id, String.format("%064x", id));
            if (i % 10 == 0) {
                m.put("/many/copies/" + i + ".jpg", id, String.format("%064x", id));
            }
        }
        checkMany(reopen(), n);
    }

    private static void checkMany(IdMapper m, int n) {
        assertThat(m.size()).isEqualTo(n);
        assertThat(allIds(m)).hasSize(n);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i += 7) {
            long id = 1_000_000_007L * (i + 1);
            ids.add(id);
            ImageRecord r = m.lookup("/many/" + i + ".jpg").orElseThrow();
            assertThat(r.id()).isEqualTo(id);
            assertThat(r.contentHash()).isEqualTo(String.format("%064x", id));
            if (i % 10 == 0) {
                assertThat(r.locations()).containsExactly("/many/" + i + ".jpg", "/many/copies/" + i + ".jpg");
            } else {
                assertThat(r.locations()).containsExactly("/many/" + i + ".jpg");
            }
        }
        assertThat(m.getAll(ids)).hasSize(ids.size());
    }
}
