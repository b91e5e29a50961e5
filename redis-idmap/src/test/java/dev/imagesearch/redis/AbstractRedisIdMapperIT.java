package dev.imagesearch.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.idmap.ImageRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * Behaviour of {@link RedisIdMapper} against a real server; subclasses pick standalone or cluster. Each test uses
 * its own namespace and deletes its keys afterwards.
 */
abstract class AbstractRedisIdMapperIT {

    private static final String H1 = "a".repeat(64);
    private static final String H2 = "b".repeat(64);

    protected RedisIdMapConfig config;
    protected RedisIdMapper ids;
    protected UnifiedJedis raw;

    /** The server under test (skips or fails when it is not configured). */
    protected abstract RedisIdMapConfig.Builder server();

    @BeforeEach
    void open() {
        config = server().namespace(RedisTestServers.freshNamespace()).build();
        raw = RedisTestServers.rawClient(config);
        ids = RedisIdMapper.open(config);
    }

    @AfterEach
    void cleanUp() {
        if (ids != null) {
            ids.close();
        }
        if (raw != null) {
            for (String k : RedisTestServers.keys(config)) {
                raw.del(k);
            }
            raw.close();
        }
    }

    @Test
    void putGetLookupRoundTrip() {
        assertThat(ids.put("/a.jpg", 1L, H1)).isEmpty();
        assertThat(ids.put("/b.jpg", 1L, H1)).isEmpty();
        ImageRecord r = ids.get(1L).orElseThrow();
        assertThat(r).isEqualTo(new ImageRecord(1L, H1, List.of("/a.jpg", "/b.jpg")));
        assertThat(ids.lookup("/b.jpg")).contains(r);
        assertThat(ids.lookup("/c.jpg")).isEmpty();
        assertThat(ids.get(2L)).isEmpty();
        assertThat(ids.size()).isEqualTo(1);
    }

    @Test
    void putOfTheSameLocationAndIdIsANoOp() {
        ids.put("/a.jpg", 1L, H1);
        assertThat(ids.put("/a.jpg", 1L, H1)).isEmpty();
        assertThat(ids.get(1L).orElseThrow().locations()).containsExactly("/a.jpg");
    }

    @Test
    void putMovesALocationAtomicallyAndReportsThePreviousId() {
        ids.put("/a.jpg", 1L, H1);
        ids.put("/b.jpg", 1L, H1);
        assertThat(ids.put("/a.jpg", 2L, H2)).isEqualTo(OptionalLong.of(1L));
        assertThat(ids.get(1L).orElseThrow().locations()).containsExactly("/b.jpg");
        assertThat(ids.get(2L).orElseThrow()).isEqualTo(new ImageRecord(2L, H2, List.of("/a.jpg")));
        // the last location of id 2 moves away: id 2 is gone
        assertThat(ids.put("/a.jpg", 1L, H1)).isEqualTo(OptionalLong.of(2L));
        assertThat(ids.get(2L)).isEmpty();
        assertThat(ids.get(1L).orElseThrow().locations()).containsExactly("/b.jpg", "/a.jpg");
        assertThat(ids.size()).isEqualTo(1);
    }

    @Test
    void removeLocationAndId() {
        ids.put("/a.jpg", 1L, H1);
        ids.put("/b.jpg", 1L, H1);
        ids.put("/c.jpg", 2L, H2);
        assertThat(ids.remove("/a.jpg")).contains(new ImageRecord(1L, H1, List.of("/b.jpg")));
        assertThat(ids.remove("/b.jpg")).contains(new ImageRecord(1L, H1, List.of()));
        assertThat(ids.get(1L)).isEmpty();
        assertThat(ids.remove("/b.jpg")).isEmpty();
        assertThat(ids.removeId(2L)).isTrue();
        assertThat(ids.removeId(2L)).isFalse();
        assertThat(ids.lookup("/c.jpg")).isEmpty();
        assertThat(ids.size()).isZero();
    }

    @Test
    void largeIdsAndOddLocationsSurvive() {
        long big = Long.MAX_VALUE; // 63-bit ids must not pass through Lua numbers
        String odd = "/photos/naïve \"quoted\"\n{tab}\t/ünï©ødé 😀.jpg";
        ids.put(odd, big, H1);
        ids.put("s3://bucket/x?y=1&z=[2]", big - 1, H2);
        assertThat(ids.lookup(odd)).contains(new ImageRecord(big, H1, List.of(odd)));
        assertThat(ids.get(big - 1).orElseThrow().locations()).containsExactly("s3://bucket/x?y=1&z=[2]");
        List<Long> seen = new ArrayList<>();
        ids.forEachId(seen::add);
        assertThat(seen).containsExactlyInAnyOrder(big, big - 1);
    }

    @Test
    void getAllAndForEachIdOnManyIds() {
        Map<Long, String> expected = new HashMap<>();
        Random rnd = new Random(42);
        for (int i = 0; i < 2500; i++) {
            long id = rnd.nextLong() & Long.MAX_VALUE;
            expected.put(id, "/img/" + i + ".png");
            ids.put("/img/" + i + ".png", id, H1);
        }
        List<Long> query = new ArrayList<>(expected.keySet());
        query.add(7L); // unknown: left out
        Map<Long, ImageRecord> all = ids.getAll(query);
        assertThat(all).hasSize(expected.size()).doesNotContainKey(7L);
        expected.forEach((id, loc) -> assertThat(all.get(id).locations()).containsExactly(loc));
        List<Long> seen = new ArrayList<>();
        ids.forEachId(seen::add);
        assertThat(seen).hasSize(expected.size()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(ids.size()).isEqualTo(expected.size());
        assertThat(ids.getAll(List.of())).isEmpty();
    }

    @Test
    void reopeningSeesTheData() {
        ids.put("/a.jpg", 1L, H1);
        ids.flush();
        ids.close();
        ids = RedisIdMapper.open(config);
        assertThat(ids.lookup("/a.jpg")).map(ImageRecord::id).contains(1L);
    }

    @Test
    void namespacesAreSeparate() {
        ids.put("/a.jpg", 1L, H1);
        RedisIdMapConfig other = config.withNamespace(RedisTestServers.freshNamespace());
        try (RedisIdMapper o = RedisIdMapper.open(other)) {
            assertThat(o.lookup("/a.jpg")).isEmpty();
            assertThat(o.size()).isZero();
        } finally {
            for (String k : RedisTestServers.keys(other)) {
                raw.del(k);
            }
        }
    }

    /** Many threads move the same locations between ids: every location must end in exactly one record. */
    @Test
    void concurrentMovesNeverLeaveHalfAState() throws Exception {
        int locations = 20;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                jobs.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    for (int i = 0; i < 300; i++) {
                        String loc = "/l" + rnd.nextInt(locations);
                        long id = 1 + rnd.nextInt(5);
                        if (rnd.nextInt(10) == 0) {
                            ids.remove(loc);
                        } else {
                            ids.put(loc, id, Long.toString(id));
                        }
                    }
                }));
            }
            for (Future<?> f : jobs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Long> owner = new HashMap<>();
        List<Long> all = new ArrayList<>();
        ids.forEachId(all::add);
        for (ImageRecord r : ids.getAll(all).values()) {
            assertThat(r.locations()).isNotEmpty().doesNotHaveDuplicates();
            assertThat(r.contentHash()).isEqualTo(Long.toString(r.id()));
            for (String l : r.locations()) {
                assertThat(owner.put(l, r.id())).as("location %s in two records", l).isNull();
            }
        }
        for (int i = 0; i < locations; i++) {
            Optional<ImageRecord> r = ids.lookup("/l" + i);
            assertThat(r.map(ImageRecord::id)).isEqualTo(Optional.ofNullable(owner.get("/l" + i)));
        }
        assertThat(ids.size()).isEqualTo(all.size());
    }

    @Test
    void refusesForeignDataAndWritesNothing() {
        String ns = RedisTestServers.freshNamespace();
        RedisIdMapConfig foreign = config.withNamespace(ns);
        List<String> keys = RedisTestServers.keys(foreign);
        String tag = keys.get(0).substring(0, keys.get(0).length() - "marker".length());
        try {
            raw.set(tag + "something", "else");
            assertThatThrownBy(() -> RedisIdMapper.open(foreign)).isInstanceOf(RedisIdMapException.class)
                    .hasMessageContaining("not an imagesearch id map").hasMessageContaining(tag + "something");
            assertThat(raw.exists(keys.get(0))).isFalse();
            raw.del(tag + "something");

            raw.hset(keys.get(1), "1", "not json");
            assertThatThrownBy(() -> RedisIdMapper.open(foreign)).isInstanceOf(RedisIdMapException.class)
                    .hasMessageContaining("no marker key");
            assertThat(raw.exists(keys.get(0))).isFalse();
            raw.del(keys.get(1));

            raw.set(keys.get(0), "someone else's marker");
            assertThatThrownBy(() -> RedisIdMapper.open(foreign)).isInstanceOf(RedisIdMapException.class)
                    .hasMessageContaining("holds 'someone else's marker'");
            raw.set(keys.get(0), "imagesearch idmap v9");
            assertThatThrownBy(() -> RedisIdMapper.open(foreign)).isInstanceOf(RedisIdMapException.class)
                    .hasMessageContaining("format 'imagesearch idmap v9'");
            assertThat(raw.get(keys.get(0))).isEqualTo("imagesearch idmap v9");
            raw.del(keys.get(0));
            raw.hset(keys.get(0), "a", "b");
            assertThatThrownBy(() -> RedisIdMapper.open(foreign)).isInstanceOf(RedisIdMapException.class)
                    .hasMessageContaining("is a hash");
        } finally {
            for (String k : keys) {
                raw.del(k);
            }
            raw.del(tag + "something");
        }
    }

    @Test
    void aMarkerReplacedBehindOurBackStopsWrites() {
        ids.put("/a.jpg", 1L, H1);
        raw.set(RedisTestServers.keys(config).get(0), "other");
        assertThatThrownBy(() -> ids.put("/b.jpg", 2L, H2)).isInstanceOf(RedisIdMapException.class)
                .hasMessageContaining("holds 'other'");
        assertThat(raw.hexists(RedisTestServers.keys(config).get(2), "/b.jpg")).isFalse();
    }

    @Test
    void closedMapperRefusesCalls() {
        ids.close();
        assertThatThrownBy(() -> ids.size()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
