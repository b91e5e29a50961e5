package dev.imagesearch.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The page's three files, read from the class path once. They are served under fixed names only, so no request
 * path ever reaches a file system or class path lookup.
 */
final class WebAssets {

    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8");

    private final Map<String, byte[]> files;

    private WebAssets(Map<String, byte[]> files) {
        this.files = files;
    }

    static WebAssets load() {
        return new WebAssets(Map.of("index.html", read("index.html"), "app.js", read("app.js"),
                "app.css", read("app.css")));
    }

    private static byte[] read(String name) {
        try (InputStream in = WebAssets.class.getResourceAsStream("web/" + name)) {
            if (in == null) {
                throw new IllegalStateException("web/" + name + " is missing from the server jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void serve(Context ctx, String name) {
        ctx.contentType(TYPES.get(name)).header("Cache-Control", "no-cache").result(files.get(name));
    }
}
