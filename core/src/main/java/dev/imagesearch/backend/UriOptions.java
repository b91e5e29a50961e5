package dev.imagesearch.backend;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The {@code ?key=value&...} options of a backend URI, percent-decoded, checked against the keys a provider knows. */
public final class UriOptions {

    private UriOptions() {
    }

    /**
     * Parses a raw (still percent-encoded) query; null or empty gives no options.
     *
     * @param known the keys allowed
     * @param uri   the whole URI, named (without secrets) in the error
     * @throws IllegalArgumentException for an unknown or repeated key, listing the known ones
     */
    public static Map<String, String> parse(String rawQuery, Set<String> known, String uri) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Collections.unmodifiableMap(out);
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!known.contains(key)) {
                throw new IllegalArgumentException("Unknown option '" + key + "' in '" + Backends.redact(uri)
                        + "'; known options: " + (known.isEmpty() ? "none" : String.join(", ", known.stream()
                        .sorted().toList())));
            }
            if (out.put(key, value) != null) {
                throw new IllegalArgumentException("Option '" + key + "' given twice in '" + Backends.redact(uri)
                        + "'");
            }
        }
        return Collections.unmodifiableMap(out);
    }
}
