package dev.imagesearch.backend;

import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.store.VectorStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Opens a vector store or an id map from a URI, with whichever provider on the class or module path declares the
 * URI's scheme ({@link VectorStoreProvider}, {@link IdMapperProvider}, found by {@link ServiceLoader}). The one way
 * a library user, the CLI, the server and the Spring Boot starter open a backend:
 *
 * <pre>{@code
 * try (VectorStore store = Backends.vectorStore("milvus://milvus.internal:19530/photos?index=HNSW");
 *      IdMapper ids = Backends.idMapper("redis://redis.internal:6379?namespace=photos");
 *      ImageSearch search = ImageSearch.builder().embedder(embedder).vectorStore(store).idMapper(ids).build()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>URIs of this project's providers (each documents every option on its class):
 * <ul>
 *   <li>{@code embedded:DIR[?precision=float32|float16]}, or just a file path {@code DIR}: the files under
 *       {@code DIR} ({@code "embedded"} alone is {@code embedded:imagesearch-data}); core ({@code EmbeddedVectorStoreProvider},
 *       {@code EmbeddedIdMapperProvider});</li>
 *   <li>{@code milvus://HOST[:PORT][/DB][?options]} and {@code milvuss://} (TLS): vector store and id map, artifact
 *       {@code dev.imagesearch:imagesearch-milvus-store} ({@code MilvusVectorStoreProvider},
 *       {@code MilvusIdMapperProvider});</li>
 *   <li>{@code redis://[[USER]:PASSWORD@]HOST[:PORT][,HOST:PORT...][/DB][?options]} and {@code rediss://} (TLS): id
 *       map, artifact {@code dev.imagesearch:imagesearch-redis-idmap} ({@code RedisIdMapperProvider}).</li>
 * </ul>
 * A scheme no provider declares fails with an {@link IllegalArgumentException} that lists the schemes available
 * and, for this project's schemes, the Maven artifact to add.
 *
 * <p>Providers are looked up with the thread's context class loader first (application servers, Spring Boot's
 * nested jars, Spark executors), then with this library's own loader.
 */
public final class Backends {

    /** The scheme of the embedded files. */
    public static final String EMBEDDED = "embedded";
    /** The embedded data directory of {@code "embedded"} without a path: that of {@code ImageSearch.Builder}. */
    public static final String DEFAULT_DIRECTORY = "imagesearch-data";

    /** Schemes of this project's optional modules, for the hint when such a module is missing. */
    private static final Map<String, String> STORE_ARTIFACTS = Map.of(
            "milvus", "imagesearch-milvus-store", "milvuss", "imagesearch-milvus-store");
    private static final Map<String, String> IDS_ARTIFACTS = Map.of(
            "milvus", "imagesearch-milvus-store", "milvuss", "imagesearch-milvus-store",
            "redis", "imagesearch-redis-idmap", "rediss", "imagesearch-redis-idmap");
    /** A URI scheme of two or more characters (one letter followed by a colon is a Windows drive). */
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:");

    private Backends() {
    }

    /** Opens the vector store {@code uri} names: a URI, {@code "embedded"} or a directory path (see class comment). */
    public static VectorStore vectorStore(String uri) {
        return vectorStore(toUri(uri));
    }

    /** Opens the vector store {@code uri} names (see the class comment). The caller closes it. */
    public static VectorStore vectorStore(URI uri) {
        VectorStoreProvider p = find(VectorStoreProvider.class, VectorStoreProvider::schemes, uri, "vector store",
                STORE_ARTIFACTS);
        return p.open(uri);
    }

    /** Opens the id map {@code uri} names: a URI, {@code "embedded"} or a directory path (see the class comment). */
    public static IdMapper idMapper(String uri) {
        return idMapper(toUri(uri));
    }

    /** Opens the id map {@code uri} names (see the class comment). The caller closes it. */
    public static IdMapper idMapper(URI uri) {
        IdMapperProvider p = find(IdMapperProvider.class, IdMapperProvider::schemes, uri, "id map", IDS_ARTIFACTS);
        return p.open(uri);
    }

    /** The schemes of the vector store providers found, sorted. */
    public static Set<String> vectorStoreSchemes() {
        return schemes(VectorStoreProvider.class, VectorStoreProvider::schemes);
    }

    /** The schemes of the id map providers found, sorted. */
    public static Set<String> idMapperSchemes() {
        return schemes(IdMapperProvider.class, IdMapperProvider::schemes);
    }

    /**
     * The URI a backend string stands for: {@code embedded:imagesearch-data} for null, blank or
     * {@code "embedded"};
     * {@code embedded:PATH} for a plain file path (no scheme, or a Windows drive letter); else the string parsed
     * as a URI.
     *
     * @throws IllegalArgumentException if it is neither a path nor a valid URI
     */
    public static URI toUri(String uri) {
        String s = uri == null ? "" : uri.strip();
        if (s.isEmpty() || s.equalsIgnoreCase(EMBEDDED)) {
            return URI.create(EMBEDDED + ":" + DEFAULT_DIRECTORY);
        }
        if (!SCHEME.matcher(s).find()) {
            // a path: percent-encode it, so that spaces and '?' or '#' in file names stay part of the path
            return URI.create(EMBEDDED + ":" + URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20")
                    .replace("%2F", "/"));
        }
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + redact(s) + "' is not a valid backend URI: " + e.getReason()
                    + " at index " + e.getIndex(), e);
        }
    }

    /** Whether {@code uri} names the embedded files (null, blank, {@code "embedded"}, {@code embedded:...}, a path). */
    public static boolean isEmbedded(String uri) {
        String s = uri == null ? "" : uri.strip();
        return s.isEmpty() || s.equalsIgnoreCase(EMBEDDED) || !SCHEME.matcher(s).find()
                || s.regionMatches(true, 0, EMBEDDED + ":", 0, EMBEDDED.length() + 1);
    }

    /** The URI's scheme in lower case, or {@code ""}. */
    public static String scheme(URI uri) {
        return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    }

    /** {@code uri} with a user-info password and {@code token=} / {@code password=} values hidden, for messages. */
    public static String redact(String uri) {
        return uri.replaceAll("(?i)((?:token|password)=)[^&]*", "$1***")
                .replaceAll("(://[^/@?#:]*:)[^/@?#]*@", "$1***@");
    }

    private static <P> P find(Class<P> type, Function<P, Set<String>> schemesOf, URI uri, String kind,
            Map<String, String> artifacts) {
        Objects.requireNonNull(uri, "uri");
        String scheme = scheme(uri);
        for (ClassLoader loader : loaders()) {
            for (P p : ServiceLoader.load(type, loader)) {
                if (schemesOf.apply(p).contains(scheme)) {
                    return p;
                }
            }
        }
        String artifact = artifacts.get(scheme);
        String hint = artifact != null
                ? " Add the Maven dependency dev.imagesearch:" + artifact + " to open " + scheme + "://."
                : scheme.isEmpty() ? " Give a URI such as embedded:DIR or " + String.join("://, ", artifacts.keySet()
                        .stream().sorted().toList()) + "://HOST:PORT." : "";
        throw new IllegalArgumentException("No " + kind + " for '" + redact(uri.toString()) + "': no provider for "
                + "the scheme '" + scheme + "' on the class path. Schemes available: "
                + String.join(", ", schemes(type, schemesOf)) + "." + hint);
    }

    private static <P> Set<String> schemes(Class<P> type, Function<P, Set<String>> schemesOf) {
        Set<String> all = new TreeSet<>();
        for (ClassLoader loader : loaders()) {
            ServiceLoader.load(type, loader).forEach(p -> all.addAll(schemesOf.apply(p)));
        }
        return all;
    }

    private static ClassLoader[] loaders() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader own = Backends.class.getClassLoader();
        return context == null || context == own ? new ClassLoader[] {own} : new ClassLoader[] {context, own};
    }
}
