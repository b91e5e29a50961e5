package dev.imagesearch.redis;

import dev.imagesearch.backend.RetryPolicy;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.idmap.ImageRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * An {@link IdMapper} in Redis, standalone or Redis Cluster, so that several processes (or a fleet next to a
 * Milvus server) share one id map.
 *
 * <pre>{@code
 * try (RedisIdMapper ids = RedisIdMapper.fromUri("redis://127.0.0.1:6379", "photos");
 *      ImageSearch search = ImageSearch.builder().embedder(embedder).idMapper(ids).build()) { ... }
 * }</pre>
 *
 * <h2>Keys</h2>
 * Every key of one namespace shares the hash tag {@code {prefix:namespace}}, so all of them live in one cluster
 * slot and one Lua script may touch them all:
 * <ul>
 *   <li>{@code {prefix:ns}:marker}: string {@code "imagesearch idmap v1"}, owner and format version;</li>
 *   <li>{@code {prefix:ns}:ids}: hash, field = id (decimal), value = JSON {@code {"h":"<sha256>","l":[locations,
 *       oldest first]}};</li>
 *   <li>{@code {prefix:ns}:locs}: hash, field = location, value = id (decimal).</li>
 * </ul>
 * One namespace therefore lives on one node of a cluster: spread load with several namespaces, not one huge one.
 *
 * <h2>Consistency and failures</h2>
 * Every write is one Lua script, so it is atomic: a {@code put} that moves a location from one id to another never
 * leaves half a state, even if the client dies. Reads of several ids ({@link #getAll}) are one round trip.
 * A command that fails with a connection error is retried on a fresh connection as
 * {@link RedisIdMapConfig#retryPolicy()} says (a server restart leaves stale pooled connections); when an attempt of a {@code put} did reach the server before the connection
 * broke, the retry finds the location already mapped and reports no previous id, so the caller may keep a vector
 * nobody points to: a reconcile ({@code dev.imagesearch.Reconciler}) removes it. Any other failure is a
 * {@link RedisIdMapException} naming the server, the namespace and the operation; the write it was doing either
 * happened completely or not at all.
 *
 * <p>Durability is the server's: a write is acknowledged once applied in memory, and survives a server crash only
 * with persistence ({@code appendonly yes}; {@code appendfsync always} loses nothing). {@link #flush()} does not
 * change that; it only checks the server is still reachable.
 *
 * <p>Opening a namespace that holds data which is not an imagesearch id map (keys under {@code {prefix:ns}:}
 * without the marker, or a marker of another kind or version) fails with a {@link RedisIdMapException} and writes
 * nothing. Thread-safe.
 */
public final class RedisIdMapper implements IdMapper {

    private static final Logger LOG = LoggerFactory.getLogger(RedisIdMapper.class);
    /** Ids per script call in {@link #getAll}: keeps each script short (Redis is single-threaded). */
    private static final int GET_CHUNK = 1000;
    private static final int PUT_CHUNK = 500;

    private final RedisIdMapConfig config;
    private final UnifiedJedis redis;
    private final String markerKey;
    private final String idsKey;
    private final String locsKey;
    private final List<String> writeKeys;
    private final RedisKeys keys;
    private final RetryPolicy.Retrier retrier;
    private volatile boolean closed;

    private RedisIdMapper(RedisIdMapConfig config, UnifiedJedis redis) {
        this.config = config;
        this.redis = redis;
        this.keys = RedisKeys.of(config);
        this.markerKey = keys.markerKey();
        this.idsKey = keys.idsKey();
        this.locsKey = keys.locsKey();
        this.writeKeys = keys.writeKeys();
        this.retrier = config.retryPolicy().retrier("redis " + config.describe(),
                e -> e instanceof JedisConnectionException, (retry, wait, e) -> LOG.debug(
                        "Redis command failed ({}), retry {} in {} ms", e.getMessage(), retry, wait.toMillis()));
    }

    /**
     * Opens an id map from a URI ({@code redis://host:port}, {@code rediss://user:pass@host:port/db},
     * {@code redis://h1:p1,h2:p2,h3:p3} for a cluster; see {@link RedisIdMapConfig}).
     *
     * @param namespace the id map's namespace (for example the data set name), or null for the URI's
     *                  {@code ?namespace=} or {@value RedisIdMapConfig#DEFAULT_NAMESPACE}
     */
    public static RedisIdMapper fromUri(String uri, String namespace) {
        RedisIdMapConfig.Builder b = RedisIdMapConfig.builder().uri(uri);
        if (namespace != null) {
            b.namespace(namespace);
        }
        return open(b.build());
    }

    /**
     * Connects, checks the namespace and creates its marker if the namespace is empty.
     *
     * @throws RedisIdMapException if the server cannot be reached or refuses the credentials, or the namespace
     *                             holds foreign data (nothing is written then)
     */
    public static RedisIdMapper open(RedisIdMapConfig config) {
        Objects.requireNonNull(config, "config");
        UnifiedJedis client = RedisClients.connect(config);
        RedisIdMapper m = new RedisIdMapper(config, client);
        try {
            m.init();
            return m;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void init() {
        String state = call("open", () -> (String) Scripts.INIT.run(redis, writeKeys, List.of("check")));
        if ("ok".equals(state)) {
            return;
        }
        keys.checkState(state, "open");
        // Empty as far as our keys go: anything else under the hash tag belongs to someone else.
        List<String> foreign = call("open", () -> keys.foreignKeys(redis));
        if (!foreign.isEmpty()) {
            throw new RedisIdMapException("Redis namespace " + where() + " holds keys that are not an imagesearch"
                    + " id map (for example " + foreign + ") and no marker key " + markerKey + ": nothing was"
                    + " written; choose another prefix or namespace");
        }
        state = call("open", () -> (String) Scripts.INIT.run(redis, writeKeys, List.of("create")));
        keys.checkState(state, "open");
        LOG.info("Created Redis id map {}", where());
    }

    @Override
    public OptionalLong put(String location, long id, String contentHash) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(contentHash, "contentHash");
        List<?> r = write("put " + location, Scripts.PUT, List.of(location, Long.toString(id), contentHash));
        Object previous = r.size() > 1 ? r.get(1) : null;
        return previous == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(str(previous)));
    }

    /** One script call (atomic, one round trip) per chunk of links. */
    @Override
    public List<OptionalLong> putAll(List<Link> links) {
        Objects.requireNonNull(links, "links");
        List<OptionalLong> out = new ArrayList<>(links.size());
        for (int from = 0; from < links.size(); from += PUT_CHUNK) {
            List<Link> chunk = links.subList(from, Math.min(links.size(), from + PUT_CHUNK));
            List<String> args = new ArrayList<>(chunk.size() * 3);
            for (Link l : chunk) {
                args.add(l.location());
                args.add(Long.toString(l.id()));
                args.add(l.contentHash());
            }
            List<?> r = write("put " + chunk.get(0).location() + (chunk.size() > 1 ? " and " + (chunk.size() - 1)
                    + " more" : ""), Scripts.PUT_ALL, args);
            for (int i = 0; i < chunk.size(); i++) {
                Object previous = i + 1 < r.size() ? r.get(i + 1) : null;
                out.add(previous == null || Boolean.FALSE.equals(previous) ? OptionalLong.empty()
                        : OptionalLong.of(Long.parseLong(str(previous))));
            }
        }
        return out;
    }

    /** One script call (one round trip) per chunk of locations. */
    @Override
    public Map<String, ImageRecord> lookupAll(Collection<String> locations) {
        Objects.requireNonNull(locations, "locations");
        ensureOpen();
        Map<String, ImageRecord> out = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(locations);
        for (int from = 0; from < all.size(); from += GET_CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + GET_CHUNK));
            List<?> rows = (List<?>) call("lookupAll", () -> Scripts.LOOKUP_ALL.run(redis,
                    List.of(idsKey, locsKey), chunk));
            for (int i = 0; i < chunk.size(); i++) {
                if (rows.get(i) instanceof List<?> row) {
                    out.put(chunk.get(i), record(Long.parseLong(str(row.get(0))), row, 1));
                }
            }
        }
        return out;
    }

    @Override
    public Optional<ImageRecord> get(long id) {
        return Optional.ofNullable(getAll(List.of(id)).get(id));
    }

    @Override
    public Map<Long, ImageRecord> getAll(Collection<Long> ids) {
        Objects.requireNonNull(ids, "ids");
        ensureOpen();
        Map<Long, ImageRecord> out = new LinkedHashMap<>();
        List<Long> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += GET_CHUNK) {
            List<Long> chunk = all.subList(from, Math.min(all.size(), from + GET_CHUNK));
            List<String> args = chunk.stream().map(String::valueOf).toList();
            List<?> rows = (List<?>) call("getAll", () -> Scripts.GET_ALL.run(redis, List.of(idsKey), args));
            for (int i = 0; i < chunk.size(); i++) {
                if (rows.get(i) instanceof List<?> row) {
                    out.put(chunk.get(i), record(chunk.get(i), row, 0));
                }
            }
        }
        return out;
    }

    @Override
    public Optional<ImageRecord> lookup(String location) {
        Objects.requireNonNull(location, "location");
        ensureOpen();
        Object r = call("lookup " + location, () -> Scripts.LOOKUP.run(redis, List.of(idsKey, locsKey),
                List.of(location)));
        if (!(r instanceof List<?> row)) {
            return Optional.empty();
        }
        long id = Long.parseLong(str(row.get(0)));
        return Optional.of(record(id, row, 1));
    }

    @Override
    public Optional<ImageRecord> remove(String location) {
        Objects.requireNonNull(location, "location");
        List<?> r = write("remove " + location, Scripts.REMOVE, List.of(location));
        if (r.size() < 2) {
            return Optional.empty();
        }
        long id = Long.parseLong(str(r.get(1)));
        return Optional.of(record(id, r, 2));
    }

    @Override
    public boolean removeId(long id) {
        List<?> r = write("removeId " + id, Scripts.REMOVE_ID, List.of(Long.toString(id)));
        return r.size() > 1 && ((Long) r.get(1)) == 1L;
    }

    @Override
    public long size() {
        ensureOpen();
        return call("size", () -> redis.hlen(idsKey));
    }

    /**
     * Calls {@code action} with every mapped id, once each. The ids are read with {@code HSCAN} (never
     * {@code KEYS}), collected and de-duplicated first (HSCAN may repeat an entry), so the action sees a snapshot
     * taken while scanning: ids added meanwhile may or may not be included. Memory: 8 bytes per id.
     */
    @Override
    public void forEachId(LongConsumer action) {
        Objects.requireNonNull(action, "action");
        ensureOpen();
        long[] ids = call("forEachId", this::scanIds);
        for (long id : ids) {
            action.accept(id);
        }
    }

    private long[] scanIds() {
        long[] ids = new long[1024];
        int n = 0;
        ScanParams params = new ScanParams().count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<Map.Entry<String, String>> r = redis.hscan(idsKey, cursor, params);
            for (Map.Entry<String, String> e : r.getResult()) {
                if (n == ids.length) {
                    ids = Arrays.copyOf(ids, n * 2);
                }
                ids[n++] = Long.parseLong(e.getKey());
            }
            cursor = r.getCursor();
        } while (!"0".equals(cursor));
        long[] sorted = Arrays.copyOf(ids, n);
        Arrays.sort(sorted);
        int u = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[u++] = sorted[i];
            }
        }
        return Arrays.copyOf(sorted, u);
    }

    /**
     * Checks that the server is reachable. Every write was already acknowledged by the server when its method
     * returned; how durable it is depends on the server's persistence settings (see the class comment).
     */
    @Override
    public void flush() {
        ensureOpen();
        call("flush", redis::ping);
    }

    /** Closes the connection pool. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            redis.close();
        }
    }

    /** The configuration this id map was opened with. */
    public RedisIdMapConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "RedisIdMapper[" + where() + (closed ? ", closed" : "") + "]";
    }

    private List<?> write(String op, Scripts.Script script, List<String> args) {
        ensureOpen();
        List<?> r = (List<?>) call(op, () -> script.run(redis, writeKeys, args));
        keys.checkState(str(r.get(0)), op);
        return r;
    }

    private static ImageRecord record(long id, List<?> row, int hashIndex) {
        String hash = str(row.get(hashIndex));
        List<String> locations = new ArrayList<>(row.size() - hashIndex - 1);
        for (int i = hashIndex + 1; i < row.size(); i++) {
            locations.add(str(row.get(i)));
        }
        return new ImageRecord(id, hash, locations);
    }

    private static String str(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    private <T> T call(String op, Supplier<T> command) {
        try {
            // A restarted server leaves stale connections in the pool: a retry gets a fresh one.
            return retrier.call(command);
        } catch (JedisException e) {
            throw RedisClients.translate(config, op + " in namespace " + config.namespace(), e);
        }
    }

    private String where() {
        return keys.where();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Redis id map " + where() + " is closed");
        }
    }
}
