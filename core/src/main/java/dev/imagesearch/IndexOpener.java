package dev.imagesearch;

import dev.imagesearch.embed.DefaultEmbedderProvider;
import dev.imagesearch.embed.Embedder;
import dev.imagesearch.embedded.EmbeddedIdMapper;
import dev.imagesearch.embedded.EmbeddedVectorStore;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.image.ScaledJpegDecoder;
import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.DecodingPolicy;
import dev.imagesearch.store.ModelFingerprint;
import dev.imagesearch.store.VectorStore;
import dev.imagesearch.store.VectorStoreException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Opens and validates an index from the builder's settings: one collection per model, named after it, whose
 * fingerprint is the model's plus the {@link DecodingPolicy}; existing collections are checked before any missing
 * one is created, so a mismatch fails before anything is written. Then the id map.
 */
final class IndexOpener {

    /** What {@link #open} opened; the caller owns it and closes it with {@link #close()}. */
    record Opened(VectorStore store, List<IndexedModel> models, IdMapper ids) {

        /** Closes the id map, the store and every embedder, all of them even when one fails. */
        void close() {
            RuntimeException failure = null;
            List<AutoCloseable> closing = new ArrayList<>(List.of(ids, store));
            models.forEach(m -> closing.add(m.embedder()));
            for (AutoCloseable c : closing) {
                try {
                    c.close();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = new IllegalStateException("Closing ImageSearch failed: " + e.getMessage(), e);
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private IndexOpener() {
    }

    /** The decoding policy of the settings ({@code jpegDecoder} null: ImageIO). */
    static DecodingPolicy decodingPolicy(boolean reducedDecoding, ScaledJpegDecoder jpegDecoder) {
        return DecodingPolicy.of(reducedDecoding, jpegDecoder == null ? null : jpegDecoder.name());
    }

    /**
     * Opens the index of the settings with their embedder, else the default one (closed again if opening fails).
     */
    static Opened open(ImageSearchSettings<?> b) {
        if (b.embedder != null) {
            return open(b, b.embedder);
        }
        Embedder loaded = DefaultEmbedderProvider.loadDefault();
        try {
            return open(b, loaded);
        } catch (RuntimeException e) {
            try {
                loaded.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Opens the collections of {@code primary} and the settings' other embedders, and the id map. Stores the
     * settings did not supply are closed again on failure.
     */
    private static Opened open(ImageSearchSettings<?> b, Embedder primary) {
        List<Embedder> all = new ArrayList<>();
        all.add(primary);
        all.addAll(b.moreEmbedders);
        List<CollectionSpec> specs = specs(b, all);
        VectorStore s = b.store != null ? b.store : EmbeddedVectorStore.open(b.dataDirectory);
        IdMapper m = null;
        try {
            if (b.existingOnly) {
                requireExisting(s, specs);
            }
            List<IndexedModel> models = openCollections(s, specs, all);
            m = b.ids != null ? b.ids : EmbeddedIdMapper.open(b.dataDirectory);
            return new Opened(s, models, m);
        } catch (RuntimeException e) {
            if (b.store == null) {
                s.close();
            }
            if (m != null && b.ids == null) {
                m.close();
            }
            throw e;
        }
    }

    private static List<CollectionSpec> specs(ImageSearchSettings<?> b, List<Embedder> all) {
        // the decoding policy changes the vectors of large images, so it is part of the model's identity;
        // so is the JPEG decoder (its pixels equal ImageIO's on the photos checked, not on every JPEG)
        DecodingPolicy decoding = decodingPolicy(b.reducedDecoding, b.jpegDecoder);
        List<CollectionSpec> specs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < all.size(); i++) {
            Embedder e = all.get(i);
            String name = i == 0 && b.collectionName != null ? b.collectionName : e.name();
            if (!names.add(name)) {
                throw new IllegalArgumentException("Two models share the collection name '" + name
                        + "'; give each model a distinct name");
            }
            specs.add(CollectionSpec.builder(name, e.dimension()).metric(b.metric)
                    .fingerprint(ModelFingerprint.of(e.fingerprint(), decoding)).build());
        }
        return specs;
    }

    private static void requireExisting(VectorStore s, List<CollectionSpec> specs) {
        for (CollectionSpec spec : specs) {
            if (!s.exists(spec.name())) {
                throw new VectorStoreException("No index for model '" + spec.name() + "' in " + s
                        + "; it holds " + (s.collectionNames().isEmpty() ? "no collection"
                        : "only " + String.join(", ", s.collectionNames()))
                        + " (index with this model first, or search with one of those)");
            }
        }
    }

    /**
     * Existing collections first: opening checks dimension, metric and model, so a mismatch fails before a new
     * model's collection is created (a retry with other settings then finds nothing half made).
     */
    private static List<IndexedModel> openCollections(VectorStore s, List<CollectionSpec> specs,
                                                      List<Embedder> all) {
        IndexedModel[] opened = new IndexedModel[all.size()];
        for (boolean existingOnes : new boolean[] {true, false}) {
            for (int i = 0; i < all.size(); i++) {
                // the second pass opens every one left, even one that appeared meanwhile
                if (opened[i] == null && (!existingOnes || s.exists(specs.get(i).name()))) {
                    opened[i] = new IndexedModel(specs.get(i).name(), all.get(i), s.open(specs.get(i)));
                }
            }
        }
        return List.of(opened);
    }
}
