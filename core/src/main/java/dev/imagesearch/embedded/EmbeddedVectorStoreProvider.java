package dev.imagesearch.embedded;

import dev.imagesearch.backend.Backends;
import dev.imagesearch.backend.VectorStoreProvider;
import dev.imagesearch.store.VectorStore;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Opens an {@link EmbeddedVectorStore} from an {@code embedded:} URI. Grammar:
 * <pre>
 * embedded:DIR[?precision=float32|float16]       DIR relative, or /ABSOLUTE (also embedded:///ABSOLUTE)
 * DIR                                             a plain path, through Backends.vectorStore(String)
 * </pre>
 * {@code DIR} is the data directory (percent-decoded; {@code "embedded"} alone is {@code imagesearch-data} in the
 * working directory);
 * the vectors are under {@code DIR/vectors}. Option {@code precision}: how vectors are held in memory, see
 * {@link EmbeddedVectorStore.Builder#precision} (default {@code float32}). Example:
 * {@code embedded:/var/lib/photos-index?precision=float16}.
 */
public final class EmbeddedVectorStoreProvider implements VectorStoreProvider {

    @Override
    public Set<String> schemes() {
        return Set.of(Backends.EMBEDDED);
    }

    @Override
    public VectorStore open(URI uri) {
        EmbeddedUri u = EmbeddedUri.parse(uri, Set.of("precision"));
        EmbeddedVectorStore.Builder b = EmbeddedVectorStore.builder(u.directory());
        String precision = u.options().get("precision");
        if (precision != null) {
            b.precision(switch (precision.strip().toLowerCase(Locale.ROOT)) {
                case "float32" -> EmbeddedVectorStore.Precision.FLOAT32;
                case "float16" -> EmbeddedVectorStore.Precision.FLOAT16;
                default -> throw new IllegalArgumentException("precision '" + precision + "' in '" + uri
                        + "' is not supported: expected float32 or float16");
            });
        }
        return b.open();
    }
}
