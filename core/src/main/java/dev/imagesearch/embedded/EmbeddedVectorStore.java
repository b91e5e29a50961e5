package dev.imagesearch.embedded;

import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorStore;
import dev.imagesearch.store.VectorStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The default vector store: one append-only file per collection under {@code <dataDir>/vectors/}, all vectors
 * held in memory and searched exactly (brute force). No server, persistent and crash-safe (see
 * {@link RecordLog}). Thread-safe.
 *
 * <p>Memory: 4 bytes per vector element, so 100,000 vectors of 1280 dimensions take 512 MB (488 MiB) of heap;
 * half that with {@link Precision#FLOAT16} (see {@link Builder#precision}).
 *
 * <pre>{@code
 * VectorStore store = EmbeddedVectorStore.open(dataDir);                      // 32-bit floats
 * VectorStore half = EmbeddedVectorStore.builder(dataDir).precision(Precision.FLOAT16).open();
 * }</pre>
 */
public final class EmbeddedVectorStore implements VectorStore {

    static final String KIND = "vectors";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /**
     * How the vectors are held in memory and searched.
     */
    public enum Precision {
        /** 32-bit floats, 4 bytes per element: scores exact to float rounding. The default. */
        FLOAT32,
        /**
         * IEEE half precision, 2 bytes per element: half the memory, and a single search reads half as many bytes
         * (faster with the Vector API kernel; slower with the plain-Java one). Held values are rounded to 11
         * significant bits (relative error ≤ 2<sup>-11</sup>; magnitudes below 2<sup>-14</sup> become 0), so cosine
         * scores move by at most ~5·10<sup>-4</sup> (IP and L2: ~2<sup>-11</sup> of |q|·|v|) and near ties can
         * swap; queries stay 32-bit. Vectors of the IP and L2 metrics must fit in ±65504 and not lose more than
         * 1 % of their norm to rounding (cosine vectors are normalised first). The files keep the vectors as given.
         */
        FLOAT16
    }

    private final Path directory;
    private final Precision precision;
    private final Map<String, EmbeddedCollection> open = new LinkedHashMap<>();
    private boolean closed;

    private EmbeddedVectorStore(Path directory, Precision precision) {
        this.directory = directory;
        this.precision = precision;
    }

    /**
     * Opens (or creates) the store that keeps its files under {@code dataDirectory/vectors}, with the defaults of
     * {@link #builder}.
     */
    public static EmbeddedVectorStore open(Path dataDirectory) {
        return builder(dataDirectory).open();
    }

    /** A builder for a store under {@code dataDirectory/vectors}. */
    public static Builder builder(Path dataDirectory) {
        return new Builder(Objects.requireNonNull(dataDirectory, "dataDirectory"));
    }

    /** The precision vectors are held in. */
    public Precision precision() {
        return precision;
    }

    /** The file that holds a collection. */
    public Path collectionFile(String name) {
        return directory.resolve(name + ".vec");
    }

    @Override
    public synchronized VectorCollection open(CollectionSpec spec) {
        if (closed) {
            throw new IllegalStateException("store is closed");
        }
        if (!NAME.matcher(spec.name()).matches()) {
            throw new IllegalArgumentException("Invalid collection name '" + spec.name()
                    + "': use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        EmbeddedCollection existing = open.get(spec.name());
        if (existing != null) {
            existing.checkCompatible(spec);
            return existing;
        }
        try {
            EmbeddedCollection c = EmbeddedCollection.open(collectionFile(spec.name()), spec, precision);
            open.put(spec.name(), c);
            return c;
        } catch (IOException e) {
            throw new VectorStoreException("Cannot open collection '" + spec.name() + "': " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized boolean exists(String name) {
        return open.containsKey(name) || (NAME.matcher(name).matches() && Files.isRegularFile(collectionFile(name)));
    }

    @Override
    public synchronized List<String> collectionNames() {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(open.keySet());
        if (Files.isDirectory(directory)) {
            try (java.util.stream.Stream<Path> files = Files.list(directory)) {
                files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".vec"))
                        .map(f -> f.substring(0, f.length() - 4)).forEach(names::add);
            } catch (IOException e) {
                throw new VectorStoreException("Cannot list " + directory + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(names);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        VectorStoreException failure = null;
        for (EmbeddedCollection c : open.values()) {
            try {
                c.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = new VectorStoreException("Cannot close collection: " + e.getMessage(), e);
                }
            }
        }
        open.clear();
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "EmbeddedVectorStore[" + directory + (precision == Precision.FLOAT32 ? "" : ", " + precision) + "]";
    }

    /** Options of an {@link EmbeddedVectorStore}; every one has a default. */
    public static final class Builder {
        private final Path dataDirectory;
        private Precision precision = Precision.FLOAT32;

        private Builder(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
        }

        /**
         * How vectors are held in memory and searched. Default: {@link Precision#FLOAT32}. Not part of the files:
         * they always hold the vectors as given, as 32-bit floats (a FLOAT16 compaction copies the logged records),
         * so the same data can be reopened in either precision without re-indexing or loss.
         */
        public Builder precision(Precision precision) {
            this.precision = Objects.requireNonNull(precision, "precision");
            return this;
        }

        /** Opens (or creates) the store. */
        public EmbeddedVectorStore open() {
            return new EmbeddedVectorStore(dataDirectory.resolve("vectors"), precision);
        }
    }
}
