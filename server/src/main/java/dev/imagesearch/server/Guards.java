package dev.imagesearch.server;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;

/** Runs before every request: security headers, the Host check on loopback, and the bearer token. */
final class Guards {

    /**
     * Scripts, styles, images and API calls only from this server (thumbnails of an upload are {@code blob:} URLs);
     * no inline script, no plugins, no framing, no forms posting elsewhere.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]");

    private final ServerConfig config;
    private final byte[] token;

    Guards(ServerConfig config) {
        this.config = config;
        this.token = config.token().map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    void check(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        if (config.loopback()) {
            checkHost(ctx.header("Host"));
        }
        if (ctx.path().startsWith("/api/") && ctx.method() != HandlerType.OPTIONS) {
            ctx.header("Cache-Control", "no-store");
            if (token != null) {
                checkToken(ctx.header("Authorization"));
            }
        }
    }

    /**
     * On loopback, only requests addressed to a loopback name: a web page whose DNS name was re-pointed at
     * 127.0.0.1 (DNS rebinding) sends its own name as Host and is refused.
     */
    private static void checkHost(String host) {
        if (host == null) {
            throw ApiException.forbidden("a Host header is required");
        }
        String h = host.toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon > h.lastIndexOf(']')) {
            h = h.substring(0, colon);
        }
        if (!LOOPBACK_NAMES.contains(h)) {
            throw ApiException.forbidden("Host '" + host + "' is not served: this server listens on loopback only; "
                    + "use http://127.0.0.1 or http://localhost");
        }
    }

    private void checkToken(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthorized("this server needs a bearer token: Authorization: Bearer TOKEN");
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, token)) { // constant time: no timing oracle on the token
            throw ApiException.unauthorized("wrong bearer token");
        }
    }
}
