package dev.imagesearch.milvus;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Parses the {@code milvus://HOST[:PORT][/DB][?option=value&...]} addresses of {@link MilvusConfig#parse} (grammar
 * and options there and on {@link MilvusVectorStoreProvider}) onto a {@link MilvusConfig.Builder}.
 */
final class MilvusUris {

    private MilvusUris() {
    }

    static MilvusConfig parse(String address) {
        Objects.requireNonNull(address, "address");
        URI u;
        try {
            u = new URI(address.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Not a Milvus address: '" + address + "' (" + e.getMessage()
                    + "); expected milvus://HOST:PORT?token=...&db=...", e);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = switch (scheme) {
            case "milvus", "http" -> false;
            case "milvuss", "https" -> true;
            default -> throw new IllegalArgumentException("Unsupported scheme in Milvus address '" + address
                    + "'; expected milvus://, milvuss://, http:// or https://");
        };
        if (u.getHost() == null || u.getHost().isBlank()) {
            throw new IllegalArgumentException("No host in Milvus address '" + address
                    + "'; expected milvus://HOST:PORT");
        }
        String path = u.getPath() == null || u.getPath().equals("/") ? "" : u.getPath();
        if (path.indexOf('/', 1) >= 0) {
            throw new IllegalArgumentException("Unexpected path '" + path + "' in Milvus address '"
                    + MilvusConfig.redact(address) + "'; expected milvus://HOST:PORT/DB or ?db=DB");
        }
        int port = u.getPort() > 0 ? u.getPort() : 19530;
        MilvusConfig.Builder b = MilvusConfig.builder().uri((tls ? "https://" : "http://") + u.getHost() + ":" + port).secure(tls);
        if (!path.isEmpty()) {
            b.databaseName(path.substring(1));
        }
        String query = u.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (!path.isEmpty() && (key.equals("db") || key.equals("database"))) {
                    throw new IllegalArgumentException("The database is given twice in Milvus address '"
                            + MilvusConfig.redact(address) + "': as the path " + path + " and as ?" + key + "=; keep one");
                }
                applyOption(b, key, value, address);
            }
        }
        return b.build();
    }

    private static void applyOption(MilvusConfig.Builder b, String key, String value, String address) {
        try {
            switch (key) {
                case "token" -> b.token(value);
                case "user" -> b.user(value);
                case "password" -> b.password(value);
                case "db", "database" -> b.databaseName(value);
                case "prefix" -> b.collectionPrefix(value);
                case "index" -> b.indexType(MilvusConfig.IndexType.valueOf(value.trim().toUpperCase(Locale.ROOT)));
                case "timeout" -> b.callTimeout(Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000)));
                case "connectTimeout" -> b.connectTimeout(
                        Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000)));
                case "retries" -> b.retries(Integer.parseInt(value));
                case "retryBackoff" -> b.initialBackoff(Duration.ofMillis(Long.parseLong(value)));
                case "secure" -> b.secure(parseBoolean(value));
                case "serverFlush" -> b.serverFlush(parseBoolean(value));
                default -> throw new IllegalArgumentException("unknown option");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Bad option '" + key + "=" + value + "' in Milvus address '"
                    + MilvusConfig.redact(address) + "': " + e.getMessage() + "; known options: token, user, password, db, "
                    + "prefix, index, timeout, connectTimeout, retries, retryBackoff, secure, serverFlush", e);
        }
    }

    private static boolean parseBoolean(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
