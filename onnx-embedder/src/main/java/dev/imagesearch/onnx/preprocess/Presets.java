package dev.imagesearch.onnx.preprocess;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/** The named pipelines of {@code presets.properties} (next to this class), read once. */
final class Presets {

    static final String RESOURCE = "presets.properties";

    private static final Map<String, Pipeline> PRESETS = load();

    private Presets() {
    }

    static Pipeline get(String name) {
        Pipeline p = PRESETS.get(Objects.requireNonNull(name, "name").trim().toLowerCase(Locale.ROOT));
        if (p == null) {
            throw new IllegalArgumentException("Unknown preprocessing preset '" + name + "'; known presets: "
                    + String.join(", ", PRESETS.keySet()));
        }
        return p;
    }

    static Set<String> names() {
        return PRESETS.keySet();
    }

    private static Map<String, Pipeline> load() {
        Properties p = new Properties();
        try (InputStream in = Presets.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the imagesearch-onnx-embedder jar");
            }
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
        Map<String, Pipeline> m = new TreeMap<>();
        for (String name : p.stringPropertyNames()) {
            try {
                m.put(name, Pipeline.parse(p.getProperty(name)));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(RESOURCE + ": preset " + name + ": " + e.getMessage(), e);
            }
        }
        return Collections.unmodifiableMap(m);
    }
}
