package dev.imagesearch.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesearch.ImageSearch;
import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.image.ImageLimits;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/** Helpers the handlers share: parameters, ids, uploads and JSON answers. */
final class Requests {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Requests() {
    }

    static void json(Context ctx, Object body) {
        try {
            ctx.contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write JSON: " + e.getMessage(), e);
        }
    }

    static <T> T readJson(Context ctx, Class<T> type) {
        try {
            return JSON.readValue(ctx.body(), type);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON body: " + e.getOriginalMessage());
        }
    }

    /** An integer query parameter within bounds, or the default when absent. */
    static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min || n > max) {
                throw ApiException.badRequest(name + " must be " + min + ".." + max + ", was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be an integer, was '" + v + "'");
        }
    }

    /** The image id in the path: a decimal 64-bit number (400 if not), indexed (404 if not). */
    static ImageRecord record(ImageSearch search, Context ctx) {
        String raw = ctx.pathParam("id");
        long id;
        try {
            id = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("an image id is a decimal number, was '" + raw + "'");
        }
        return search.idMapper().get(id)
                .filter(r -> !r.locations().isEmpty())
                .orElseThrow(() -> ApiException.notFound("no indexed image with id " + raw));
    }

    /** The last path element of a location (a path or URI). */
    static String name(String location) {
        int slash = Math.max(location.lastIndexOf('/'), location.lastIndexOf('\\'));
        return location.substring(slash + 1);
    }

    /**
     * Reads a request body of at most {@code limits.maxFileBytes()} bytes: 413 above it (from Content-Length, else
     * after reading one byte more than allowed; either way the rest is drained, see {@link #drain}), 400 for an
     * empty or multipart body.
     */
    static byte[] upload(Context ctx, ImageLimits limits) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded")) {
            throw ApiException.badRequest("send the image bytes themselves as the request body (Content-Type "
                    + "image/jpeg, image/png, ... or application/octet-stream), not a form");
        }
        long max = limits.maxFileBytes();
        long declared = ctx.req().getContentLengthLong();
        byte[] data;
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared > max) {
                if (declared <= drainBudget(max)) {
                    drain(in, max);
                }
                throw ApiException.tooLarge("the image is " + declared + " bytes, above the limit of " + max
                        + " bytes");
            }
            data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (data.length > max) {
                drain(in, max);
                throw ApiException.tooLarge("the image is more than " + max + " bytes, the limit");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the upload: " + e.getMessage(), e);
        }
        if (data.length == 0) {
            throw ApiException.badRequest("empty request body: send the image bytes as the body");
        }
        return data;
    }

    /**
     * Reads and drops the rest of a body that is too large, up to a few times the limit. A client that is still
     * sending when the server answers and closes gets a connection reset instead of the 413 it could have read;
     * a body far above the limit is cut off rather than read in full (and one whose Content-Length is above the
     * budget is not read at all).
     */
    private static void drain(InputStream in, long max) throws IOException {
        long budget = drainBudget(max);
        while (budget > 0) {
            long skipped = in.skip(budget);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    return;
                }
                skipped = 1;
            }
            budget -= skipped;
        }
    }

    /** How much of a too-large body is read and dropped: 4× the limit + 1 MiB, at most 64 MiB. */
    private static long drainBudget(long max) {
        return Math.min(64L << 20, 4 * max + (1 << 20));
    }
}
