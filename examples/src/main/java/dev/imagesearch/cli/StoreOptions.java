package dev.imagesearch.cli;

import dev.imagesearch.ImageSearch;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Where vectors and id → location links are kept. Today only the embedded store (files under {@code --data}) is
 * built in; {@code milvus://} and {@code redis://} URIs are recognised and refused with a clear message, so the
 * backends can be added later as one factory call each in {@link #configure}.
 */
public final class StoreOptions {

    /** The data directory used when neither {@code --data} nor {@code IMAGESEARCH_DATA} is given. */
    public static final String DEFAULT_DATA = "imagesearch-data";

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:IMAGESEARCH_DATA:-" + DEFAULT_DATA + "}",
            description = "Directory of the embedded index (default: ${DEFAULT-VALUE} in the working directory; "
                    + "env IMAGESEARCH_DATA).")
    Path data;

    @Option(names = "--store", paramLabel = "URI", defaultValue = "${env:IMAGESEARCH_STORE:-embedded}",
            description = "Vector store: 'embedded' (files under --data; default) or milvus://HOST:PORT.")
    String store;

    @Option(names = "--ids", paramLabel = "URI", defaultValue = "${env:IMAGESEARCH_IDS:-embedded}",
            description = "Id map: 'embedded' (files under --data; default) or redis://HOST:PORT.")
    String ids;

    /** Whether everything lives in the embedded files under {@code --data}. */
    boolean embeddedOnly() {
        return isEmbedded(store) && isEmbedded(ids);
    }

    /**
     * For commands that only read: fails when the embedded index does not exist yet, instead of silently creating
     * an empty one.
     */
    void requireExistingIndex() {
        if (isEmbedded(store) && !Files.isDirectory(data)) {
            throw new CliException(ImageSearchCli.EXIT_ERROR, "no index at " + data.toAbsolutePath()
                    + ": the directory does not exist (run 'imagesearch index' first, or pass --data DIR)");
        }
    }

    /**
     * Points the builder at the chosen backends. Remote backends are plugged in here, one factory call each:
     * {@code builder.vectorStore(MilvusVectorStore.connect(uri))} and {@code builder.idMapper(RedisIdMapper
     * .connect(uri))}; the caller closes what it built if {@code build()} fails.
     */
    void configure(ImageSearch.Builder builder) {
        builder.dataDirectory(data);
        URI storeUri = parse("--store", store, "milvus");
        URI idsUri = parse("--ids", ids, "redis");
        if (storeUri != null) {
            throw CliException.usage("--store " + store + ": the Milvus store is not available in this build; "
                    + "use the embedded store (the default)");
        }
        if (idsUri != null) {
            throw CliException.usage("--ids " + ids + ": the Redis id map is not available in this build; "
                    + "use the embedded id map (the default)");
        }
    }

    /** A one-line description for progress messages. */
    String describe() {
        return embeddedOnly() ? data.toString() : "store " + store + ", ids " + ids;
    }

    private static boolean isEmbedded(String value) {
        return value == null || value.isBlank() || "embedded".equalsIgnoreCase(value.trim());
    }

    /** Null for the embedded default, else a {@code scheme://host:port} URI of the expected scheme. */
    private static URI parse(String option, String value, String scheme) {
        if (isEmbedded(value)) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw CliException.usage(option + " '" + value + "' is not a valid URI: " + e.getReason());
        }
        String s = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!s.equals(scheme) || uri.getHost() == null) {
            throw CliException.usage(option + " '" + value + "' is not supported: expected 'embedded' or "
                    + scheme + "://HOST:PORT");
        }
        return uri;
    }
}
