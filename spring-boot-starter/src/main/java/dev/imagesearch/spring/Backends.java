package dev.imagesearch.spring;

import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.store.VectorStore;

/**
 * Opens the backends named by {@code imagesearch.store-uri} and {@code imagesearch.ids-uri} through core's
 * {@link dev.imagesearch.backend.Backends}: any scheme whose provider is on the class path (imagesearch-milvus-store
 * and imagesearch-redis-idmap are optional dependencies of this starter). An unknown scheme is one message naming
 * the property, the schemes available and the artifact to add.
 */
final class Backends {

    private Backends() {
    }

    /** Whether the property keeps the default: the embedded files under {@code imagesearch.data-directory}. */
    static boolean embedded(String uri) {
        return uri == null || uri.isBlank() || uri.strip().equalsIgnoreCase(dev.imagesearch.backend.Backends.EMBEDDED);
    }

    static VectorStore store(String uri) {
        boolean known = dev.imagesearch.backend.Backends.vectorStoreSchemes().contains(scheme(uri));
        try {
            return dev.imagesearch.backend.Backends.vectorStore(uri.strip());
        } catch (IllegalArgumentException e) {
            throw known ? e : notSupported("imagesearch.store-uri", uri, e);
        }
    }

    static IdMapper ids(String uri) {
        boolean known = dev.imagesearch.backend.Backends.idMapperSchemes().contains(scheme(uri));
        try {
            return dev.imagesearch.backend.Backends.idMapper(uri.strip());
        } catch (IllegalArgumentException e) {
            throw known ? e : notSupported("imagesearch.ids-uri", uri, e);
        }
    }

    private static String scheme(String uri) {
        return dev.imagesearch.backend.Backends.scheme(dev.imagesearch.backend.Backends.toUri(uri));
    }

    /** Names the property; core's message lists the schemes available and the artifact to add. */
    private static IllegalArgumentException notSupported(String property, String uri, IllegalArgumentException e) {
        return new IllegalArgumentException(property + " '" + dev.imagesearch.backend.Backends.redact(uri.strip())
                + "' is not supported: " + e.getMessage()); // no cause: its message is all in this one
    }
}
