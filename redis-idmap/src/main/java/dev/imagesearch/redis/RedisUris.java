package dev.imagesearch.redis;

import dev.imagesearch.redis.RedisIdMapConfig.Endpoint;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Parses {@code redis://} and {@code rediss://} URIs (grammar and options on {@link RedisIdMapConfig} and
 * {@link RedisIdMapperProvider}) onto a {@link RedisIdMapConfig.Builder}.
 */
final class RedisUris {

    private RedisUris() {
    }

    /** Applies a URI: endpoints, TLS, user, password, database and the options in its query. */
    static void apply(RedisIdMapConfig.Builder b, String uri) {
        Objects.requireNonNull(uri, "uri");
        String rest;
        if (uri.startsWith("redis://")) {
            b.tls(false);
            rest = uri.substring("redis://".length());
        } else if (uri.startsWith("rediss://")) {
            b.tls(true);
            rest = uri.substring("rediss://".length());
        } else {
            throw new IllegalArgumentException("Not a Redis URI (redis:// or rediss://): " + redact(uri));
        }
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String info = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = info.indexOf(':');
            String u = colon >= 0 ? info.substring(0, colon) : info;
            String p = colon >= 0 ? info.substring(colon + 1) : null;
            if (p == null) { // redis://password@host is a common shorthand for the default user
                p = u;
                u = "";
            }
            b.user(u.isEmpty() ? null : decode(u));
            b.password(decode(p));
        }
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            String db = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
            if (!db.isEmpty()) {
                b.database(parseInt(db, "database", uri));
            }
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (String hp : rest.split(",")) {
            endpoints.add(parseEndpoint(hp.trim(), uri));
        }
        b.endpoints(endpoints);
        if (query != null) {
            for (String kv : query.split("&")) {
                if (!kv.isEmpty()) {
                    int eq = kv.indexOf('=');
                    option(b, eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "true" : decode(kv.substring(eq + 1)),
                            uri);
                }
            }
        }
    }

    private static void option(RedisIdMapConfig.Builder b, String key, String value, String uri) {
        switch (key) {
            case "prefix" -> b.prefix(value);
            case "namespace" -> b.namespace(value);
            case "connectTimeout" -> b.connectTimeout(Duration.ofMillis(parseInt(value, key, uri)));
            case "socketTimeout" -> b.socketTimeout(Duration.ofMillis(parseInt(value, key, uri)));
            case "maxConnections" -> b.maxConnections(parseInt(value, key, uri));
            case "clientName" -> b.clientName(value);
            case "cluster" -> b.cluster(Boolean.parseBoolean(value));
            case "retries" -> b.retry().retries(parseInt(value, key, uri));
            case "retryBackoff" -> b.retry().initialBackoff(Duration.ofMillis(parseInt(value, key, uri)));
            default -> throw new IllegalArgumentException("Unknown Redis URI option '" + key + "' in "
                    + redact(uri) + " (known: prefix, namespace, connectTimeout, socketTimeout, maxConnections,"
                    + " clientName, cluster, retries, retryBackoff)");
        }
    }

    private static Endpoint parseEndpoint(String hp, String uri) {
        if (hp.isEmpty()) {
            throw new IllegalArgumentException("Redis URI without a host: " + redact(uri));
        }
        String host = hp;
        int port = RedisIdMapConfig.DEFAULT_PORT;
        if (hp.startsWith("[")) { // [ipv6]:port
            int close = hp.indexOf(']');
            host = hp.substring(1, close);
            if (close + 1 < hp.length() && hp.charAt(close + 1) == ':') {
                port = parseInt(hp.substring(close + 2), "port", uri);
            }
        } else {
            int colon = hp.lastIndexOf(':');
            if (colon >= 0) {
                host = hp.substring(0, colon);
                port = parseInt(hp.substring(colon + 1), "port", uri);
            }
        }
        return new Endpoint(host, port);
    }

    private static int parseInt(String s, String what, String uri) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Bad " + what + " '" + s + "' in Redis URI " + redact(uri), e);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The URI with its password replaced, for error messages. */
    static String redact(String uri) {
        return uri.replaceAll("://([^:@/]*):[^@/]*@", "://$1:***@");
    }
}
