package dev.imagesearch.embedded;

import dev.imagesearch.backend.Backends;
import dev.imagesearch.backend.IdMapperProvider;
import dev.imagesearch.idmap.IdMapper;
import java.net.URI;
import java.util.Set;

/**
 * Opens an {@link EmbeddedIdMapper} from an {@code embedded:} URI: {@code embedded:DIR} (also
 * {@code embedded:///ABSOLUTE/DIR}, or a plain path through {@code Backends.idMapper(String)}). {@code DIR} is the
 * data directory (percent-decoded; {@code "embedded"} alone is
 * {@code imagesearch-data}); the id map is the file {@code DIR/ids.log}.
 * No options.
 */
public final class EmbeddedIdMapperProvider implements IdMapperProvider {

    @Override
    public Set<String> schemes() {
        return Set.of(Backends.EMBEDDED);
    }

    @Override
    public IdMapper open(URI uri) {
        return EmbeddedIdMapper.open(EmbeddedUri.parse(uri, Set.of()).directory());
    }
}
