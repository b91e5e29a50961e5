package dev.imagesearch.embedded;

import dev.imagesearch.backend.Backends;
import dev.imagesearch.backend.UriOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** The directory and options of an {@code embedded:} URI (grammar on {@link EmbeddedVectorStoreProvider}). */
record EmbeddedUri(Path directory, Map<String, String> options) {

    static EmbeddedUri parse(URI uri, Set<String> knownOptions) {
        if (!Backends.EMBEDDED.equals(Backends.scheme(uri))) {
            throw new IllegalArgumentException("Not an embedded: URI: '" + Backends.redact(uri.toString()) + "'");
        }
        if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
            throw new IllegalArgumentException("An embedded: URI names a local directory, not a host: '" + uri
                    + "'; write embedded:DIR, embedded:/ABSOLUTE/DIR or embedded:///ABSOLUTE/DIR");
        }
        String raw = uri.getRawSchemeSpecificPart();
        int q = raw.indexOf('?');
        String rawPath = q < 0 ? raw : raw.substring(0, q);
        String rawQuery = q < 0 ? null : raw.substring(q + 1);
        if (rawPath.startsWith("///")) {
            rawPath = rawPath.substring(2);
        }
        String path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        return new EmbeddedUri(Path.of(path.isEmpty() ? Backends.DEFAULT_DIRECTORY : path),
                UriOptions.parse(rawQuery, knownOptions, uri.toString()));
    }
}
