package dev.imagesearch.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RedisIdMapper} on a standalone server ({@code IMAGESEARCH_REDIS_URI}). */
class RedisIdMapperStandaloneIT extends AbstractRedisIdMapperIT {

    @Override
    protected RedisIdMapConfig.Builder server() {
        return RedisTestServers.standalone();
    }

    /** getAll of many ids is one script call per 1000 ids, not one command per id. */
    @Test
    void getAllIsOneRoundTripPerChunk() {
        List<Long> all = new ArrayList<>();
        for (long i = 1; i <= 900; i++) {
            ids.put("/f" + i, i, "h" + i);
            all.add(i);
        }
        ids.getAll(List.of(1L)); // the script is cached now
        long before = scriptCalls();
        assertThat(ids.getAll(all)).hasSize(900);
        assertThat(scriptCalls() - before).isEqualTo(1);
    }

    private long scriptCalls() {
        long n = 0;
        for (String line : raw.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                String calls = line.substring(line.indexOf("calls=") + 6);
                n += Long.parseLong(calls.substring(0, calls.indexOf(',')));
            }
        }
        return n;
    }

    @Test
    void databaseIndexSeparatesData() {
        ids.put("/a.jpg", 1L, "h");
        RedisIdMapConfig db1 = config.toBuilder().database(1).build();
        try (RedisIdMapper other = RedisIdMapper.open(db1)) {
            assertThat(other.lookup("/a.jpg")).isEmpty();
            other.put("/a.jpg", 2L, "h2");
            assertThat(ids.lookup("/a.jpg").orElseThrow().id()).isEqualTo(1L);
        } finally {
            try (var r = RedisTestServers.rawClient(db1)) {
                RedisTestServers.keys(db1).forEach(r::del);
            }
        }
    }
}
