package dev.imagesearch.cli;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.embedded.EmbeddedVectorStore;
import dev.imagesearch.milvus.MilvusIdMapper;
import dev.imagesearch.milvus.MilvusVectorStore;
import dev.imagesearch.redis.RedisIdMapper;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Where vectors and id → location links are kept: the embedded files under {@code --data} (default), a Milvus
 * server ({@code --store milvus://HOST:PORT[?token=..&db=..]}) and/or an id map in Redis
 * ({@code --ids redis://HOST:PORT}) or in Milvus ({@code --ids milvus://HOST:PORT[?namespace=NS]}).
 */
public final class StoreOptions {

    /** The data directory used when neither {@code --data} nor {@code IMAGESEARCH_DATA} is given. */
    public static final String DEFAULT_DATA = "imagesearch-data";

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:IMAGESEARCH_DATA:-" + DEFAULT_DATA + "}",
            description = "Directory of the embedded index (default: ${DEFAULT-VALUE} in the working directory; "
                    + "env IMAGESEARCH_DATA).")
    Path data;

    @Option(names = "--store", paramLabel = "URI", defaultValue = "${env:IMAGESEARCH_STORE:-embedded}",
            description = "Vector store: 'embedded' (files under --data; default) or milvus://HOST:PORT"
                    + "[?token=T&db=NAME&index=FLAT|HNSW|IVF_FLAT|AUTOINDEX] (milvuss:// for TLS); env IMAGESEARCH_STORE.")
    String store;

    @Option(names = "--ids", paramLabel = "URI", defaultValue = "${env:IMAGESEARCH_IDS:-embedded}",
            description = "Id map: 'embedded' (files under --data; default), redis://[[USER]:PASSWORD@]HOST:PORT"
                    + "[/DB][?namespace=NS&prefix=P] (rediss:// for TLS; several hosts = a cluster) or "
                    + "milvus://HOST:PORT[?namespace=NS&token=T&db=NAME&prefix=P] (milvuss:// for TLS); "
                    + "env IMAGESEARCH_IDS.")
    String ids;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "${env:IMAGESEARCH_PRECISION:-float32}",
            description = "How the embedded store holds vectors in memory: float32 (default) or float16 (half the "
                    + "memory; cosine scores within ~5e-4; faster single searches with the Vector API module). The "
                    + "files keep full precision either way. Embedded store only; env IMAGESEARCH_PRECISION.")
    String precision;

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
     * Points the builder at the chosen backends, connecting to the servers. Returns what it opened, for the caller
     * to close if {@code build()} fails (afterwards the {@code ImageSearch} owns them).
     */
    List<AutoCloseable> configure(ImageSearch.Builder builder) {
        builder.dataDirectory(data);
        URI storeUri = parse("--store", store, "milvus://HOST:PORT", "milvus", "milvuss");
        URI idsUri = parse("--ids", ids, "redis://HOST:PORT or milvus://HOST:PORT", "redis", "rediss", "milvus",
                "milvuss");
        EmbeddedVectorStore.Precision vectorPrecision = precision();
        if (storeUri != null && vectorPrecision != EmbeddedVectorStore.Precision.FLOAT32) {
            throw CliException.usage("--precision (or IMAGESEARCH_PRECISION) " + precision.trim() + " applies to the "
                    + "embedded store only, not to " + store.trim());
        }
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            if (storeUri == null && vectorPrecision != EmbeddedVectorStore.Precision.FLOAT32) {
                EmbeddedVectorStore embedded = EmbeddedVectorStore.builder(data).precision(vectorPrecision).open();
                opened.add(embedded);
                builder.vectorStore(embedded);
            }
            if (storeUri != null) {
                MilvusVectorStore milvus = MilvusVectorStore.fromUri(store.trim());
                opened.add(milvus);
                builder.vectorStore(milvus);
            }
            if (idsUri != null && idsUri.getScheme().toLowerCase(Locale.ROOT).startsWith("milvus")) {
                MilvusIdMapper milvusIds = MilvusIdMapper.fromUri(ids.trim(), null);
                opened.add(milvusIds);
                builder.idMapper(milvusIds);
            } else if (idsUri != null) {
                RedisIdMapper redis = RedisIdMapper.fromUri(ids.trim(), null);
                opened.add(redis);
                builder.idMapper(redis);
            }
            return opened;
        } catch (RuntimeException e) {
            closeQuietly(opened);
            throw new CliException(ImageSearchCli.EXIT_ERROR, e.getMessage());
        }
    }

    private EmbeddedVectorStore.Precision precision() {
        String p = precision == null ? "" : precision.trim().toLowerCase(Locale.ROOT);
        switch (p) {
            case "", "float32" -> {
                return EmbeddedVectorStore.Precision.FLOAT32;
            }
            case "float16" -> {
                return EmbeddedVectorStore.Precision.FLOAT16;
            }
            default -> throw CliException.usage("--precision '" + precision + "' is not supported: expected float32 "
                    + "or float16");
        }
    }

    static void closeQuietly(List<AutoCloseable> opened) {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception ignored) {
                // already failing; the first error is the one to report
            }
        }
    }

    /** A one-line description for progress messages. */
    String describe() {
        return embeddedOnly() ? data.toString() : "store " + store + ", ids " + ids;
    }

    private static boolean isEmbedded(String value) {
        return value == null || value.isBlank() || "embedded".equalsIgnoreCase(value.trim());
    }

    /** Null for the embedded default, else a {@code scheme://host:port} URI of one of the expected schemes. */
    private static URI parse(String option, String value, String expected, String... schemes) {
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
        if (!List.of(schemes).contains(s) || uri.getAuthority() == null) {
            throw CliException.usage(option + " '" + value + "' is not supported: expected 'embedded' or "
                    + expected);
        }
        return uri;
    }
}
