package dev.imagesearch.server;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.image.Thumbnails;
import io.javalin.http.Context;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Indexed images by id: listing, metadata, thumbnails and originals. A file is only ever found through the id map
 * (id → location the index recorded), never through a path a client sends.
 */
final class ImagesApi {

    private static final Map<String, String> TYPES = Map.of(
            "jpg", "image/jpeg", "jpeg", "image/jpeg", "png", "image/png", "gif", "image/gif",
            "webp", "image/webp", "bmp", "image/bmp", "wbmp", "image/vnd.wap.wbmp", "tif", "image/tiff",
            "tiff", "image/tiff");
    /** Longest side of a thumbnail. */
    static final int THUMBNAIL_SIDE = 256;

    private final ImageSearch search;
    private final Map<Long, byte[]> thumbnails;
    private final ImageDecoder decoder = new ImageDecoder();
    private final Gate gate;
    private final ImageListing listing;

    ImagesApi(ImageSearch search, ServerConfig config) {
        this.search = search;
        this.listing = new ImageListing(search.idMapper(), ImagesApi::view, System::nanoTime);
        int capacity = config.thumbnailCacheSize();
        this.thumbnails = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > capacity;
            }
        };
        this.gate = new Gate(config.maxConcurrentSearches(), config.queueTimeout());
    }

    static String thumbnailUrl(long id) {
        return "/api/images/" + id + "/thumbnail";
    }

    /** The local file of an indexed image; 404 when its location is not a readable local file. */
    static Path localFile(ImageRecord record) {
        for (String location : record.locations()) {
            try {
                Path p = Path.of(location);
                if (p.isAbsolute() && Files.isRegularFile(p) && Files.isReadable(p)) {
                    return p;
                }
            } catch (InvalidPathException e) {
                // a URI location: not a local file; try the next one
            }
        }
        throw ApiException.notFound("the file of image " + record.id() + " is not readable on the server");
    }

    /** {@code GET /api/images[?q=TEXT&offset=N&limit=N]}: indexed images by file name. */
    void images(Context ctx) {
        int offset = Requests.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = Requests.intParam(ctx, "limit", 100, 1, 1000);
        String q = ctx.queryParam("q") == null ? "" : ctx.queryParam("q").strip().toLowerCase(Locale.ROOT);
        List<ApiViews.Image> all = q.isEmpty() ? listing.images() : listing.images().stream()
                .filter(i -> i.name().toLowerCase(Locale.ROOT).contains(q)).toList();
        List<ApiViews.Image> page = offset >= all.size() ? List.of()
                : all.subList(offset, Math.min(all.size(), offset + limit));
        Requests.json(ctx, new ApiViews.Images(all.size(), offset, page));
    }

    /** Called after the server indexed or removed files, so that the listing shows them at once. */
    void changed() {
        listing.invalidate();
    }

    /** {@code GET /api/images/{id}}. */
    void image(Context ctx) {
        Requests.json(ctx, view(Requests.record(search, ctx)));
    }

    private static ApiViews.Image view(ImageRecord r) {
        return new ApiViews.Image(Long.toString(r.id()), Requests.name(r.primaryLocation()), r.primaryLocation(),
                r.locations(), r.contentHash(), thumbnailUrl(r.id()), "/api/images/" + r.id() + "/original");
    }

    /** {@code GET /api/images/{id}/thumbnail}: a JPEG of at most 256 pixels a side, cached in memory. */
    void thumbnail(Context ctx) {
        ImageRecord record = Requests.record(search, ctx);
        byte[] jpeg;
        synchronized (thumbnails) {
            jpeg = thumbnails.get(record.id());
        }
        if (jpeg == null) {
            Path file = localFile(record);
            jpeg = gate.run(() -> {
                try {
                    BufferedImage image = decoder.decode(decoder.readFile(file), THUMBNAIL_SIDE);
                    return Thumbnails.jpeg(Thumbnails.scale(image, THUMBNAIL_SIDE));
                } catch (ImageDecodeException e) {
                    throw ApiException.notFound("the file of image " + record.id() + " can no longer be decoded: "
                            + e.getMessage());
                }
            });
            synchronized (thumbnails) {
                thumbnails.put(record.id(), jpeg);
            }
        }
        // the same id is the same bytes (content hash), so a thumbnail never changes
        ctx.contentType("image/jpeg").header("Cache-Control", "private, max-age=86400").result(jpeg);
    }

    /** {@code GET /api/images/{id}/original}: the indexed file, with a content type from its extension. */
    void original(Context ctx) throws IOException {
        ImageRecord record = Requests.record(search, ctx);
        Path file = localFile(record);
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        ctx.header("Content-Disposition", (type == null ? "attachment" : "inline") + "; filename*=UTF-8''" + encoded);
        ctx.contentType(type == null ? "application/octet-stream" : type);
        ctx.header("Cache-Control", "private, max-age=86400");
        InputStream in = Files.newInputStream(file);
        ctx.result(in); // Javalin streams it and closes it
    }
}
