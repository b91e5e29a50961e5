package dev.imagesearch.backend;

import dev.imagesearch.store.VectorStore;
import java.net.URI;
import java.util.Set;

/**
 * Opens a {@link VectorStore} from a URI of the schemes it declares. Found by {@link java.util.ServiceLoader}:
 * a backend module registers its provider with {@code provides dev.imagesearch.backend.VectorStoreProvider with
 * ...} in its {@code module-info.java} and in {@code META-INF/services/dev.imagesearch.backend.VectorStoreProvider}
 * (for the class path). {@link Backends#vectorStore(String)} picks the provider by the URI's scheme, so adding a
 * backend is adding a jar, not extending a switch.
 *
 * <p>The providers of this project: {@code embedded:DIR} (core), {@code milvus://} and {@code milvuss://}
 * ({@code imagesearch-milvus-store}). Each documents its URI grammar and options on its class.
 */
public interface VectorStoreProvider {

    /** The URI schemes this provider opens, lower case, for example {@code milvus} and {@code milvuss}. */
    Set<String> schemes();

    /**
     * Opens (connecting if it is a server) the store {@code uri} names. The caller owns the store and closes it.
     *
     * @throws IllegalArgumentException naming the offending part of a malformed URI or an unknown option
     * @throws dev.imagesearch.error.BackendException if the store cannot be reached or opened
     */
    VectorStore open(URI uri);
}
