package dev.imagesearch.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds what integration tests need (models, photos, servers). When a resource is missing the test is skipped
 * locally, but fails when {@code -Dimagesearch.it.required=true} (set by {@code scripts/test.sh} and CI), so an
 * integration suite can never be silently skipped there.
 */
public final class TestResources {

    private TestResources() {
    }

    /** Whether missing resources must fail tests instead of skipping them. */
    public static boolean required() {
        return Boolean.parseBoolean(System.getProperty("imagesearch.it.required", "false"))
                || "true".equalsIgnoreCase(System.getenv("IMAGESEARCH_IT_REQUIRED"));
    }

    /** The cache root: {@code -Dimagesearch.cache}, {@code $IMAGESEARCH_CACHE} or {@code ~/.cache/imagesearch}. */
    public static Path cache() {
        String p = System.getProperty("imagesearch.cache");
        if (p == null || p.isBlank()) {
            p = System.getenv("IMAGESEARCH_CACHE");
        }
        if (p == null || p.isBlank()) {
            p = System.getProperty("user.home") + "/.cache/imagesearch";
        }
        return Path.of(p);
    }

    /** A provisioned model directory ({@code <cache>/models/<name>}), or skip/fail. */
    public static Path model(String name) {
        return existing(cache().resolve("models").resolve(name).resolve("model.onnx"),
                "model '" + name + "' (run scripts/provision.sh)").getParent();
    }

    /** A fetched photo, relative to {@code <cache>/photos}, or skip/fail. */
    public static Path photo(String relative) {
        return existing(cache().resolve("photos").resolve(relative), "photo " + relative
                + " (run scripts/provision.sh)");
    }

    /** A path that must exist, or skip/fail. */
    public static Path existing(Path path, String what) {
        if (!Files.exists(path)) {
            missing(what + " not found at " + path);
        }
        return path;
    }

    /** The value of a system property or environment variable naming a server, or skip/fail. */
    public static String setting(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            v = System.getenv(name);
        }
        if (v == null || v.isBlank()) {
            missing(name + " is not set (scripts/test.sh starts the servers and sets it)");
        }
        return v;
    }

    /** Skips the test, or fails it when resources are required. */
    public static void missing(String message) {
        if (required()) {
            Assertions.fail("Integration resource missing: " + message);
        }
        Assumptions.abort("Skipped: " + message);
    }
}
