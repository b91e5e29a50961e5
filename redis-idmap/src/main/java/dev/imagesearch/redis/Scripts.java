package dev.imagesearch.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The Lua scripts that make every write atomic. Each one touches only the keys it is given, and all of them share
 * one hash tag, so they run in Redis Cluster as well.
 *
 * <p>Keys: {@code KEYS[1]} marker, {@code KEYS[2]} ids hash (id → record JSON {@code {"h":hash,"l":[locations]}}),
 * {@code KEYS[3]} locations hash (location → id). Ids travel as decimal strings and are never turned into Lua
 * numbers (doubles lose 63-bit ids).
 */
final class Scripts {

    /** Value of the marker key: owner and format version. */
    static final String MARKER = "imagesearch idmap v1";

    /**
     * Checks the marker and, when {@code create} and the namespace is empty, writes it. Returns {@code ok},
     * {@code created}, {@code empty} (no marker, no data, create off), {@code nomarker} (our hashes exist without a
     * marker), {@code type:<type>} (the marker key is not a string) or {@code other:<value>}.
     */
    private static final String MARKER_FN = """
            local MARKER = '%s'
            local function marker(create)
              local t = redis.call('TYPE', KEYS[1])['ok']
              if t == 'none' then
                if redis.call('EXISTS', KEYS[2]) + redis.call('EXISTS', KEYS[3]) > 0 then return 'nomarker' end
                if not create then return 'empty' end
                redis.call('SET', KEYS[1], MARKER)
                return 'created'
              end
              if t ~= 'string' then return 'type:' .. t end
              local v = redis.call('GET', KEYS[1])
              if v == MARKER then return 'ok' end
              return 'other:' .. v
            end
            local function bad(st) return st ~= 'ok' and st ~= 'created' and st ~= 'empty' end
            local function without(list, item)
              local out = {}
              for _, x in ipairs(list) do if x ~= item then out[#out + 1] = x end end
              return out
            end
            """.formatted(MARKER);

    /** ARGV[1] = "create" or "check". Returns the marker state. */
    static final Scripts.Script INIT = new Script(MARKER_FN + """
            return marker(ARGV[1] == 'create')
            """);

    /** Links one location to an id; returns the id it pointed to before when that was another id, else false. */
    private static final String PUT_FN = """
            local function put_one(loc, id, hash)
              local prev = redis.call('HGET', KEYS[3], loc)
              if prev == id then return false end
              if prev then
                local old = redis.call('HGET', KEYS[2], prev)
                if old then
                  local r = cjson.decode(old)
                  r.l = without(r.l, loc)
                  if #r.l == 0 then redis.call('HDEL', KEYS[2], prev)
                  else redis.call('HSET', KEYS[2], prev, cjson.encode(r)) end
                end
              end
              local cur = redis.call('HGET', KEYS[2], id)
              local r
              if cur then r = cjson.decode(cur) else r = {h = hash, l = {}} end
              r.l = without(r.l, loc)
              r.l[#r.l + 1] = loc
              redis.call('HSET', KEYS[2], id, cjson.encode(r))
              redis.call('HSET', KEYS[3], loc, id)
              return prev or false
            end
            """;

    /** ARGV: location, id, hash. Returns {state, previous id or false}. */
    static final Script PUT = new Script(MARKER_FN + PUT_FN + """
            local st = marker(true)
            if bad(st) then return {st} end
            return {st, put_one(ARGV[1], ARGV[2], ARGV[3])}
            """);

    /** ARGV: (location, id, hash) triples, applied in order, atomically. Returns {state, previous id or false...}. */
    static final Script PUT_ALL = new Script(MARKER_FN + PUT_FN + """
            local st = marker(true)
            if bad(st) then return {st} end
            local out = {st}
            for i = 1, #ARGV, 3 do
              out[#out + 1] = put_one(ARGV[i], ARGV[i + 1], ARGV[i + 2])
            end
            return out
            """);

    /** ARGV: location. Returns {state, id, hash, remaining locations...} or {state} when unknown. */
    static final Script REMOVE = new Script(MARKER_FN + """
            local st = marker(false)
            if bad(st) then return {st} end
            local loc = ARGV[1]
            local id = redis.call('HGET', KEYS[3], loc)
            if not id then return {st} end
            redis.call('HDEL', KEYS[3], loc)
            local cur = redis.call('HGET', KEYS[2], id)
            if not cur then return {st, id, ''} end
            local r = cjson.decode(cur)
            r.l = without(r.l, loc)
            if #r.l == 0 then redis.call('HDEL', KEYS[2], id)
            else redis.call('HSET', KEYS[2], id, cjson.encode(r)) end
            local out = {st, id, r.h}
            for _, x in ipairs(r.l) do out[#out + 1] = x end
            return out
            """);

    /** ARGV: id. Returns {state, 1 or 0}. */
    static final Script REMOVE_ID = new Script(MARKER_FN + """
            local st = marker(false)
            if bad(st) then return {st} end
            local id = ARGV[1]
            local cur = redis.call('HGET', KEYS[2], id)
            if not cur then return {st, 0} end
            for _, x in ipairs(cjson.decode(cur).l) do
              if redis.call('HGET', KEYS[3], x) == id then redis.call('HDEL', KEYS[3], x) end
            end
            redis.call('HDEL', KEYS[2], id)
            return {st, 1}
            """);

    /** KEYS[1] = ids hash; ARGV: ids. Returns one entry per id: {hash, locations...} or nil. */
    static final Script GET_ALL = new Script("""
            local vals = redis.call('HMGET', KEYS[1], unpack(ARGV))
            local out = {}
            for i = 1, #ARGV do
              local v = vals[i]
              if v then
                local r = cjson.decode(v)
                local e = {r.h}
                for _, x in ipairs(r.l) do e[#e + 1] = x end
                out[i] = e
              else
                out[i] = false
              end
            end
            return out
            """);

    /** KEYS[1] = ids hash, KEYS[2] = locations hash; ARGV: location. Returns {id, hash, locations...} or nil. */
    static final Script LOOKUP = new Script("""
            local id = redis.call('HGET', KEYS[2], ARGV[1])
            if not id then return false end
            local v = redis.call('HGET', KEYS[1], id)
            if not v then return false end
            local r = cjson.decode(v)
            local out = {id, r.h}
            for _, x in ipairs(r.l) do out[#out + 1] = x end
            return out
            """);

    /** KEYS[1] = ids hash, KEYS[2] = locations hash; ARGV: locations. Per location {id, hash, locations...} or false. */
    static final Script LOOKUP_ALL = new Script("""
            local ids = redis.call('HMGET', KEYS[2], unpack(ARGV))
            local out = {}
            for i = 1, #ARGV do
              local id = ids[i]
              local v = id and redis.call('HGET', KEYS[1], id)
              if v then
                local r = cjson.decode(v)
                local e = {id, r.h}
                for _, x in ipairs(r.l) do e[#e + 1] = x end
                out[i] = e
              else
                out[i] = false
              end
            end
            return out
            """);

    private Scripts() {
    }

    /** A script sent by its SHA-1 once the server has cached it. */
    static final class Script {
        final String text;
        final String sha;

        Script(String text) {
            this.text = text;
            try {
                this.sha = HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is missing from this JVM", e);
            }
        }

        Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
            try {
                return redis.evalsha(sha, keys, args);
            } catch (JedisNoScriptException e) {
                return redis.eval(text, keys, args); // EVAL caches it on that node for the next EVALSHA
            }
        }
    }
}
