package dev.imagesearch.redis;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The keys of one id map namespace, all under the hash tag {@code {prefix:namespace}} (one cluster slot), and the
 * checks that the namespace holds an imagesearch id map of this format and nothing else.
 */
record RedisKeys(RedisIdMapConfig config, String markerKey, String idsKey, String locsKey, List<String> writeKeys) {

    private static final Logger LOG = LoggerFactory.getLogger(RedisIdMapper.class);

    static RedisKeys of(RedisIdMapConfig config) {
        String tag = "{" + config.prefix() + ":" + config.namespace() + "}:";
        return new RedisKeys(config, tag + "marker", tag + "ids", tag + "locs",
                List.of(tag + "marker", tag + "ids", tag + "locs"));
    }

    /** Server, prefix and namespace, for messages (no password). */
    String where() {
        return config.describe() + " prefix=" + config.prefix() + " namespace=" + config.namespace();
    }

    /** Up to 3 keys under the namespace's hash tag that are not the id map's own. */
    List<String> foreignKeys(UnifiedJedis redis) {
        // The pattern holds the hash tag, so in a cluster only the node of that slot is scanned.
        String pattern = "{" + config.prefix() + ":" + config.namespace() + "}:*";
        ScanParams params = new ScanParams().match(pattern).count(1000);
        List<String> found = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> r = redis.scan(cursor, params);
            for (String k : r.getResult()) {
                if (!writeKeys.contains(k) && found.size() < 3) {
                    found.add(k);
                }
            }
            cursor = r.getCursor();
        } while (!"0".equals(cursor) && found.isEmpty());
        return found;
    }

    /** Throws unless a marker state returned by a script lets us go on. */
    String checkState(String state, String op) {
        switch (state) {
            case "ok", "empty" -> {
                return state;
            }
            case "created" -> {
                if (!"open".equals(op)) {
                    LOG.warn("Redis id map {} had lost its marker and all its data (server restarted without"
                            + " persistence, or flushed?): created it again; reconcile the vector store", where());
                }
                return state;
            }
            case "nomarker" -> throw new RedisIdMapException("Redis namespace " + where() + " has keys " + idsKey
                    + "/" + locsKey + " but no marker key " + markerKey + ": not an imagesearch id map (or a"
                    + " damaged one); nothing was written. Choose another prefix or namespace.");
            default -> {
                if (state.startsWith("type:")) {
                    throw new RedisIdMapException("Redis key " + markerKey + " on " + config.describe() + " is a "
                            + state.substring(5) + ", not an imagesearch id map marker: nothing was written."
                            + " Choose another prefix or namespace.");
                }
                String value = state.startsWith("other:") ? state.substring(6) : state;
                if (value.startsWith("imagesearch idmap v")) {
                    throw new RedisIdMapException("Redis id map " + where() + " has format '" + value
                            + "', this library reads '" + Scripts.MARKER + "' (written by another version?)");
                }
                throw new RedisIdMapException("Redis key " + markerKey + " on " + config.describe() + " holds '"
                        + abbreviate(value) + "', not an imagesearch id map marker: nothing was written. Choose"
                        + " another prefix or namespace.");
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
