package dev.imagesearch.server;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.IndexReport;
import io.javalin.http.Context;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Indexing and removing server-side paths: only with a bearer token configured (the token check itself runs first,
 * in {@link Guards}). Uploads are never indexed, so nothing a client sends is written into the index.
 */
final class IndexApi {

    private final ImageSearch search;
    private final ServerConfig config;
    private final Runnable changed;

    IndexApi(ImageSearch search, ServerConfig config, Runnable changed) {
        this.search = search;
        this.config = config;
        this.changed = changed;
    }

    /** {@code POST /api/index} with {@code {"paths": ["/abs/dir", "/abs/file.jpg"]}}: directories recursively. */
    void index(Context ctx) {
        List<Path> files = new ArrayList<>();
        for (Path p : paths(ctx)) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = ImageSearch.listImages(p)) {
                    s.forEach(files::add);
                }
            } else if (Files.exists(p)) {
                files.add(p);
            } else {
                throw ApiException.badRequest("no such file or directory on the server: " + p);
            }
        }
        IndexReport r;
        try {
            r = search.index(files);
        } finally {
            changed.run();
        }
        List<ApiViews.Failure> failures = r.failures().stream()
                .map(f -> new ApiViews.Failure(f.path().toString(), f.reason())).toList();
        Requests.json(ctx, new ApiViews.Indexed(r.indexed(), r.embedded(), r.unchanged(), r.failed(), failures));
    }

    /** {@code POST /api/remove} with {@code {"paths": ["/abs/file.jpg"]}}. */
    void remove(Context ctx) {
        List<Path> paths = paths(ctx);
        int removed = 0;
        List<String> notIndexed = new ArrayList<>();
        try {
            for (Path p : paths) {
                if (search.remove(p)) {
                    removed++;
                } else {
                    notIndexed.add(p.toString());
                }
            }
        } finally {
            changed.run();
        }
        Requests.json(ctx, new ApiViews.Removed(removed, notIndexed));
    }

    private List<Path> paths(Context ctx) {
        if (config.token().isEmpty()) {
            throw ApiException.forbidden("indexing and removing through the API are off: start the server with a "
                    + "bearer token to enable them");
        }
        ApiViews.Paths body = Requests.readJson(ctx, ApiViews.Paths.class);
        if (body.paths() == null || body.paths().isEmpty()) {
            throw ApiException.badRequest("give {\"paths\": [...]}, absolute paths on the server");
        }
        List<Path> out = new ArrayList<>();
        for (String s : body.paths()) {
            Path p;
            try {
                p = s == null ? null : Path.of(s);
            } catch (InvalidPathException e) {
                throw ApiException.badRequest("not a path: '" + s + "'");
            }
            if (p == null || !p.isAbsolute()) {
                throw ApiException.badRequest("paths must be absolute, was '" + s + "'");
            }
            out.add(p.normalize());
        }
        return out;
    }
}
