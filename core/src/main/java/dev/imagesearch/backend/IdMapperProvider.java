package dev.imagesearch.backend;

import dev.imagesearch.idmap.IdMapper;
import java.net.URI;
import java.util.Set;

/**
 * Opens an {@link IdMapper} from a URI of the schemes it declares. Found by {@link java.util.ServiceLoader} (see
 * {@link VectorStoreProvider} for how to register one); {@link Backends#idMapper(String)} picks it by scheme.
 *
 * <p>The providers of this project: {@code embedded:DIR} (core), {@code milvus://} and {@code milvuss://}
 * ({@code imagesearch-milvus-store}), {@code redis://} and {@code rediss://} ({@code imagesearch-redis-idmap}).
 */
public interface IdMapperProvider {

    /** The URI schemes this provider opens, lower case, for example {@code redis} and {@code rediss}. */
    Set<String> schemes();

    /**
     * Opens (connecting if it is a server) the id map {@code uri} names. The caller owns it and closes it.
     *
     * @throws IllegalArgumentException naming the offending part of a malformed URI or an unknown option
     * @throws dev.imagesearch.error.BackendException if the id map cannot be reached or opened
     */
    IdMapper open(URI uri);
}
