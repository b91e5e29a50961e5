package dev.imagesearch.cli;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.backend.Backends;
import dev.imagesearch.embedded.EmbeddedVectorStore;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.store.VectorStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Where vectors and id → location links are kept: the embedded files under {@code --data} (default), a Milvus
 * server ({@code --store milvus://HOST:PORT[/DB][?token=..]}) and/or an id map in Redis
 * ({@code --ids redis://HOST:PORT}) or in Milvus ({@code --ids milvus://HOST:PORT[?namespace=NS]}). Backends are
 * opened by URI through {@link Backends}: any scheme whose provider is on the class path works.
 */
public final class StoreOptions {

    /** The data directory used when neither {@code --data} nor {@code IMAGESEARCH_DATA} is given. */
    public static final String DEFAULT_DATA = "imagesearch-data";

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:IMAGESEARCH_DATA:-" + DEFAULT_DATA + "}",
            description = "Directory of the embedded index (default: ${DEFAULT-VALUE} in the working directory; "
                    + "env IMAGESEARCH_DATA).")
    Path data;

    @Option(names = "--store", paramLabel = "URI", defaultValue = "${env:IMAGESEARCH_STORE:-embedded}",
            description = "Vector store: 'embedded' (files under --data; default), embedded:DIR or milvus://HOST:PORT"
                    + "[/DB][?token=T&index=FLAT|HNSW|IVF_FLAT|AUTOINDEX] (milvuss:// for TLS); env IMAGESEARCH_STORE.")
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
     * to close if {@code build()} fails (afterwards the {@code ImageSearch} owns them). Any URI scheme a provider
     * on the class path declares works ({@link Backends}); 'embedded' keeps the files under {@code --data}.
     */
    List<AutoCloseable> configure(ImageSearch.Builder builder) {
        builder.dataDirectory(data);
        checkScheme("--store", store, Backends.vectorStoreSchemes());
        checkScheme("--ids", ids, Backends.idMapperSchemes());
        EmbeddedVectorStore.Precision vectorPrecision = precision();
        if (!isEmbedded(store) && vectorPrecision != EmbeddedVectorStore.Precision.FLOAT32) {
            throw CliException.usage("--precision (or IMAGESEARCH_PRECISION) " + precision.trim() + " applies to the "
                    + "embedded store only, not to " + store.trim());
        }
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            if (!isEmbedded(store) || vectorPrecision != EmbeddedVectorStore.Precision.FLOAT32) {
                URI uri = isEmbedded(store) ? URI.create(Backends.toUri(data.toString()) + "?precision="
                        + vectorPrecision.name().toLowerCase(Locale.ROOT)) : Backends.toUri(store.trim());
                VectorStore vectors = Backends.vectorStore(uri);
                opened.add(vectors);
                builder.vectorStore(vectors);
            }
            if (!isEmbedded(ids)) {
                IdMapper idMapper = Backends.idMapper(ids.trim());
                opened.add(idMapper);
                builder.idMapper(idMapper);
            }
            return opened;
        } catch (RuntimeException e) {
            closeQuietly(opened);
            throw new CliException(ImageSearchCli.EXIT_ERROR, e.getMessage());
        }
    }

    /** Opens the vector store of a target option such as {@code --to-store}: a server URI, not 'embedded'. */
    static VectorStore openStore(String option, String value) {
        checkTarget(option, value, Backends.vectorStoreSchemes());
        try {
            return Backends.vectorStore(value.trim());
        } catch (RuntimeException e) {
            throw new CliException(ImageSearchCli.EXIT_ERROR, e.getMessage());
        }
    }

    /** Opens the id map of a target option such as {@code --to-ids}: a server URI, not 'embedded'. */
    static IdMapper openIds(String option, String value) {
        checkTarget(option, value, Backends.idMapperSchemes());
        try {
            return Backends.idMapper(value.trim());
        } catch (RuntimeException e) {
            throw new CliException(ImageSearchCli.EXIT_ERROR, e.getMessage());
        }
    }

    /** A usage error unless {@code value} is a server URI of one of {@code schemes}. */
    static void checkTarget(String option, String value, Set<String> schemes) {
        if (Backends.isEmbedded(value)) {
            throw CliException.usage(option + " '" + value + "' is not supported: expected " + servers(schemes));
        }
        checkScheme(option, value, schemes);
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

    /** A usage error unless {@code value} is 'embedded' or a valid URI of one of the schemes available. */
    private static void checkScheme(String option, String value, Set<String> schemes) {
        if (isEmbedded(value)) {
            return;
        }
        URI uri;
        try {
            uri = Backends.toUri(value);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(option + " " + e.getMessage());
        }
        if (!schemes.contains(Backends.scheme(uri))) {
            throw CliException.usage(option + " '" + Backends.redact(value.trim()) + "' is not supported: expected "
                    + "'embedded' or " + servers(schemes));
        }
    }

    /** {@code milvus://HOST:PORT or redis://HOST:PORT ...}: the server schemes of the providers found. */
    private static String servers(Set<String> schemes) {
        return String.join(" or ", schemes.stream().filter(s -> !s.equals(Backends.EMBEDDED))
                .map(s -> s + "://HOST:PORT").toList());
    }
}
