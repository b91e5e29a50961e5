package dev.imagesearch.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagesearch.ImageSearch;
import dev.imagesearch.image.ContentId;
import dev.imagesearch.testing.PixelEmbedder;
import dev.imagesearch.testing.TestImages;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every API answer and error path over HTTP, against a real server on a real index, with two small deterministic
 * pixel-thumbnail embedders (the real models are exercised by {@link BrowserIT}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerApiTest {

    Path tmp;
    Path photos;
    Path data;
    ImageSearch search;
    ImageSearchServer server;
    Http http;
    List<Path> files;

    @BeforeAll
    void start(@TempDir Path tmp) {
        this.tmp = tmp;
        photos = tmp.resolve("photos");
        data = tmp.resolve("data");
        for (int i = 0; i < 6; i++) {
            TestImages.write(photos.resolve("photo-" + i + ".png"), TestImages.png(i, 64));
        }
        search = ImageSearch.builder().embedder(PixelEmbedder.builder().name("pixels-a").grid(4).build())
                .addEmbedder(PixelEmbedder.builder().name("pixels-b").grid(6).build())
                .dataDirectory(data).decodeThreads(1).build();
        search.indexDirectory(photos);
        try (Stream<Path> s = ImageSearch.listImages(photos)) {
            files = s.toList();
        }
        server = ImageSearchServer.start(search, ServerConfig.builder().port(0)
                .uploadLimits(ServerConfig.DEFAULT_UPLOAD_LIMITS.withMaxFileBytes(100_000).withMaxPixels(1_000_000))
                .backend("store", "embedded (test)").build());
        http = new Http(server.uri());
    }

    @AfterAll
    void stop() {
        server.close();
        search.close();
    }

    private static long id(Path file) throws IOException {
        return ContentId.of(Files.readAllBytes(file)).id();
    }

    @Test
    void listensOnLoopbackByDefault() {
        ServerConfig defaults = ServerConfig.builder().build();
        assertThat(defaults.host()).isEqualTo("127.0.0.1");
        assertThat(defaults.port()).isEqualTo(8080);
        assertThat(defaults.loopback()).isTrue();
        assertThat(defaults.token()).isEmpty();
        assertThat(server.uri().toString()).startsWith("http://127.0.0.1:");
    }

    @Test
    void uploadFindsTheSameImageFirstWithEveryModelAndFused() throws IOException {
        Path query = files.get(2);
        JsonNode r = http.post("/api/search?k=3", "image/png", Files.readAllBytes(query)).json();
        assertThat(r.get("models")).hasSize(2);
        assertThat(r.get("fusion").asText()).isEqualTo("rrf");
        assertThat(r.get("results")).hasSize(3);
        JsonNode top = r.get("results").get(0);
        assertThat(top.get("id").isTextual()).as("64-bit ids are strings").isTrue();
        assertThat(top.get("id").asText()).isEqualTo(Long.toString(id(query)));
        assertThat(top.get("name").asText()).isEqualTo(query.getFileName().toString());
        assertThat(top.get("models").get("pixels-a").get("rank").asInt()).isEqualTo(1);
        for (JsonNode list : r.get("perModel")) {
            JsonNode first = list.get("results").get(0);
            assertThat(first.get("score").asDouble()).isCloseTo(1.0, within(1e-5));
            // the same image is the other model's first hit too: marked as overlap
            assertThat(first.get("alsoIn")).hasSize(1);
        }
    }

    @Test
    void oneModelAndOtherFusions() throws IOException {
        byte[] q = Files.readAllBytes(files.get(1));
        JsonNode one = http.post("/api/search?k=2&model=pixels-b", "image/png", q).json();
        assertThat(one.get("models")).hasSize(1);
        assertThat(one.get("models").get(0).asText()).isEqualTo("pixels-b");
        assertThat(one.has("fusion")).isFalse();
        assertThat(one.get("results").get(0).get("name").asText()).isEqualTo("photo-1.png");
        JsonNode z = http.post("/api/search?fusion=zscore", "application/octet-stream", q).json();
        assertThat(z.get("fusion").asText()).isEqualTo("zscore");
        assertThat(z.get("k").asInt()).isEqualTo(10);
        assertThat(z.get("results")).hasSize(files.size());
    }

    @Test
    void searchByIndexedId() throws IOException {
        long id = id(files.get(4));
        JsonNode r = http.get("/api/images/" + id + "/similar?k=1&model=pixels-a").json();
        assertThat(r.get("query").asText()).isEqualTo("id:" + id);
        assertThat(r.get("results").get(0).get("id").asText()).isEqualTo(Long.toString(id));
    }

    @Test
    void imagesThumbnailsAndOriginalsById() throws IOException {
        JsonNode list = http.get("/api/images?limit=2&offset=1").json();
        assertThat(list.get("total").asInt()).isEqualTo(files.size());
        assertThat(list.get("images")).hasSize(2);
        assertThat(list.get("images").get(0).get("name").asText()).isEqualTo("photo-1.png");
        assertThat(http.get("/api/images?q=PHOTO-5").json().get("images")).hasSize(1);

        Path file = files.get(3);
        long id = id(file);
        JsonNode meta = http.get("/api/images/" + id).json();
        assertThat(meta.get("location").asText()).isEqualTo(ImageSearch.locationOf(file));
        Http.Answer thumb = http.get("/api/images/" + id + "/thumbnail");
        assertThat(thumb.status()).isEqualTo(200);
        assertThat(thumb.header("Content-Type")).isEqualTo("image/jpeg");
        assertThat(ImageIO.read(new ByteArrayInputStream(thumb.body())).getWidth()).isEqualTo(64);
        Http.Answer original = http.get("/api/images/" + id + "/original");
        assertThat(original.status()).isEqualTo(200);
        assertThat(original.header("Content-Type")).isEqualTo("image/png");
        assertThat(original.body()).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void statsAndDuplicates() throws IOException {
        JsonNode s = http.get("/api/stats").json();
        assertThat(s.get("images").asInt()).isEqualTo(files.size());
        assertThat(s.get("models").get(1).get("name").asText()).isEqualTo("pixels-b");
        assertThat(s.get("models").get(1).get("dimension").asInt()).isEqualTo(108);
        assertThat(s.get("backends").get("store").asText()).isEqualTo("embedded (test)");
        assertThat(s.get("indexingEnabled").asBoolean()).isFalse();

        JsonNode d = http.get("/api/duplicates?threshold=0.5").json();
        assertThat(d.get("checked").asInt()).isEqualTo(files.size());
        assertThat(d.get("threshold").asDouble()).isEqualTo(0.5);
        for (JsonNode g : d.get("groups")) {
            assertThat(g.get("members").get(0).get("keep").asBoolean()).isTrue();
            assertThat(g.get("members").get(1).get("keep").asBoolean()).isFalse();
        }
    }

    @Test
    void badImagesAre400() {
        assertError(http.post("/api/search", "image/jpeg", "not an image".getBytes()), 400, "not a readable image");
        assertError(http.post("/api/search", "image/jpeg", new byte[0]), 400, "empty request body");
        assertError(http.post("/api/search", "multipart/form-data; boundary=x", "--x--".getBytes()), 400,
                "not a form");
    }

    @Test
    void tooLargeUploadsAre413() {
        byte[] big = new byte[100_001];
        assertError(http.post("/api/search", "image/jpeg", big), 413, "above the limit of 100000 bytes");
        // without Content-Length the server stops reading one byte past the limit
        assertError(http.postChunked("/api/search", () -> new ByteArrayInputStream(new byte[300_000])), 413,
                "more than 100000 bytes");
        // pixels are checked from the header, before any decoding
        assertError(http.post("/api/search", "image/png", TestImages.pngHeader(2000, 1000)), 413,
                "2000x1000 (2000000 pixels), above the limit of 1000000 pixels");
    }

    @Test
    void badParametersAre400() throws IOException {
        byte[] q = Files.readAllBytes(files.get(0));
        assertError(http.post("/api/search?k=0", "image/png", q), 400, "k must be 1..100, was 0");
        assertError(http.post("/api/search?k=101", "image/png", q), 400, "k must be 1..100");
        assertError(http.post("/api/search?k=ten", "image/png", q), 400, "k must be an integer");
        assertError(http.post("/api/search?model=nope", "image/png", q), 400, "No model 'nope'");
        assertError(http.post("/api/search?fusion=max", "image/png", q), 400, "Unknown fusion 'max'");
        assertError(http.get("/api/duplicates?threshold=high"), 400, "threshold must be a number");
        assertError(http.get("/api/duplicates?model=nope"), 400, "No model 'nope'");
        assertError(http.get("/api/images?limit=0"), 400, "limit must be 1..1000");
    }

    @Test
    void unknownIdsAndRoutesAre404() {
        assertError(http.get("/api/images/12345"), 404, "no indexed image with id 12345");
        assertError(http.get("/api/images/12345/thumbnail"), 404, "no indexed image");
        assertError(http.get("/api/images/12345/original"), 404, "no indexed image");
        assertError(http.get("/api/images/12345/similar"), 404, "no indexed image");
        assertError(http.get("/api/images/photo-1.png/original"), 400, "an image id is a decimal number");
        assertError(http.get("/api/nothing"), 404, "not found");
    }

    @Test
    void filesAreServedByIdOnlyNeverByAClientPath() throws IOException {
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "top secret");
        String rel = "../../../../../../../../.." + secret.toAbsolutePath();
        for (String path : List.of(
                "/api/images/" + rel.replace("/", "%2F") + "/original",
                "/api/images/..%2F..%2Fsecret.txt/original",
                "/api/images/1/original?path=" + secret.toAbsolutePath(),
                "/app.js/..%2F..%2F" + secret.getFileName(),
                "/%2e%2e/%2e%2e" + secret.toAbsolutePath(),
                "/web/index.html", "/dev/imagesearch/server/web/app.js")) {
            Http.Answer a = http.get(path);
            assertThat(a.status()).as(path).isBetween(400, 404);
            assertThat(a.text()).as(path).doesNotContain("top secret").doesNotContain("<title>imagesearch</title>");
            // errors that Jetty raises before routing are JSON too, never its HTML page
            assertThat(a.header("Content-Type")).as(path).startsWith("application/json");
            assertThat(a.json().get("status").asInt()).as(path).isEqualTo(a.status());
            assertThat(a.json().get("error").asText()).as(path).isNotBlank();
            assertThat(a.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
        }
        // raw dot segments, which the JDK client would normalise away
        String raw = Http.raw(server.port(), "GET /api/images/../../../.." + secret.toAbsolutePath()
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(raw).startsWith("HTTP/1.1 4").doesNotContain("top secret");
    }

    @Test
    void securityHeadersOnPagesAnswersAndErrors() {
        for (String path : List.of("/", "/app.js", "/api/stats", "/api/images/1", "/missing")) {
            Http.Answer a = http.get(path);
            assertThat(a.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(a.header("Content-Security-Policy")).as(path)
                    .contains("default-src 'none'").contains("script-src 'self'").doesNotContain("unsafe-inline")
                    .contains("frame-ancestors 'none'");
        }
        Http.Answer page = http.get("/");
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.text()).contains("<script src=\"/app.js\" defer></script>").doesNotContain("<script>");
    }

    @Test
    void noCorsUnlessConfigured() throws IOException {
        Http.Answer a = http.send(http.request("/api/stats").header("Origin", "https://elsewhere.example"));
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("Access-Control-Allow-Origin")).isNull();
        try (ImageSearchServer cors = ImageSearchServer.start(search, ServerConfig.builder().port(0)
                .corsOrigin("https://app.example").build())) {
            Http c = new Http(cors.uri());
            assertThat(c.send(c.request("/api/stats").header("Origin", "https://app.example"))
                    .header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
            assertThat(c.send(c.request("/api/stats").header("Origin", "https://elsewhere.example"))
                    .header("Access-Control-Allow-Origin")).isNull();
        }
    }

    @Test
    void otherHostNamesAreRefusedOnLoopback() throws IOException {
        String ok = Http.raw(server.port(), "GET /api/stats HTTP/1.1\r\nHost: localhost:" + server.port()
                + "\r\nConnection: close\r\n\r\n");
        assertThat(ok).startsWith("HTTP/1.1 200");
        String rebound = Http.raw(server.port(), "GET /api/stats HTTP/1.1\r\nHost: attacker.example:"
                + server.port() + "\r\nConnection: close\r\n\r\n");
        assertThat(rebound).startsWith("HTTP/1.1 403").contains("is not served");
    }

    @Test
    void aNonLoopbackBindNeedsAToken() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerConfig.builder().host("0.0.0.0").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a bearer token");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerConfig.builder().token("short"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16");
        ServerConfig open = ServerConfig.builder().host("0.0.0.0").port(0).token("0123456789abcdef-token").build();
        assertThat(open.loopback()).isFalse();
        try (ImageSearchServer s = ImageSearchServer.start(search, open)) {
            assertThat(s.port()).isPositive();
            assertThat(new Http(s.uri()).get("/api/stats").status()).isEqualTo(401);
        }
    }

    @Test
    void theTokenGuardsTheApiAndEnablesIndexing() throws IOException {
        String token = "a-long-enough-test-token";
        Path extra = TestImages.write(tmp.resolve("more/extra.png"), TestImages.png(99, 64));
        try (ImageSearchServer s = ImageSearchServer.start(search, ServerConfig.builder().port(0).token(token)
                .build())) {
            Http none = new Http(s.uri());
            Http wrong = new Http(s.uri(), "not-the-token-at-all");
            Http right = new Http(s.uri(), token);
            Http.Answer missing = none.get("/api/stats");
            assertError(missing, 401, "needs a bearer token");
            assertThat(missing.header("WWW-Authenticate")).startsWith("Bearer");
            assertError(wrong.get("/api/stats"), 401, "wrong bearer token");
            assertError(none.post("/api/search", "image/png", Files.readAllBytes(files.get(0))), 401, "bearer");
            assertThat(none.get("/").status()).as("the page itself holds no data").isEqualTo(200);
            assertThat(right.get("/api/stats").json().get("tokenRequired").asBoolean()).isTrue();

            String body = "{\"paths\": [\"" + extra.getParent().toAbsolutePath() + "\"]}";
            assertError(none.post("/api/index", "application/json", body.getBytes()), 401, "bearer");
            JsonNode indexed = right.post("/api/index", "application/json", body.getBytes()).json();
            assertThat(indexed.get("indexed").asInt()).isEqualTo(1);
            assertThat(search.count()).isEqualTo(files.size() + 1);
            assertError(right.post("/api/index", "application/json", "{\"paths\": [\"relative/x.png\"]}".getBytes()),
                    400, "paths must be absolute");
            assertError(right.post("/api/index", "application/json", "{\"paths\": [\"/no/such/dir\"]}".getBytes()),
                    400, "no such file or directory");
            assertError(right.post("/api/index", "application/json", "{paths".getBytes()), 400, "malformed JSON");
            JsonNode removed = right.post("/api/remove", "application/json",
                    ("{\"paths\": [\"" + extra.toAbsolutePath() + "\", \"/not/indexed.png\"]}").getBytes()).json();
            assertThat(removed.get("removed").asInt()).isEqualTo(1);
            assertThat(removed.get("notIndexed").get(0).asText()).isEqualTo("/not/indexed.png");
            assertThat(search.count()).isEqualTo(files.size());
        }
    }

    @Test
    void indexingThroughTheApiIsOffWithoutAToken() {
        assertError(http.post("/api/index", "application/json", "{\"paths\": [\"/tmp\"]}".getBytes()), 403,
                "start the server with a bearer token");
        assertError(http.post("/api/remove", "application/json", "{\"paths\": [\"/tmp/x.png\"]}".getBytes()), 403,
                "start the server with a bearer token");
    }

    @Test
    void uploadsAreNeverWrittenIntoTheIndex() throws IOException {
        Map<String, Long> before = snapshot(data);
        long count = search.count();
        byte[] fresh = TestImages.png(12345, 64); // not indexed
        for (int i = 0; i < 3; i++) {
            assertThat(http.post("/api/search", "image/png", fresh).status()).isEqualTo(200);
        }
        assertThat(search.count()).isEqualTo(count);
        assertThat(snapshot(data)).isEqualTo(before);
        try (Stream<Path> all = Files.walk(tmp)) {
            long copies = all.filter(Files::isRegularFile).filter(p -> {
                try {
                    return java.util.Arrays.equals(Files.readAllBytes(p), fresh);
                } catch (IOException e) {
                    return false;
                }
            }).count();
            assertThat(copies).as("no copy of the upload anywhere under the test directory").isZero();
        }
    }

    @Test
    void aSearchThatFindsNoFreeSlotIs503() throws Exception {
        try (ImageSearch slow = ImageSearch.builder()
                .embedder(PixelEmbedder.builder().delayMillisPerImage(1500).build())
                .dataDirectory(tmp.resolve("slow")).build();
             ImageSearchServer s = ImageSearchServer.start(slow, ServerConfig.builder().port(0)
                     .maxConcurrentSearches(1).queueTimeout(java.time.Duration.ofMillis(200)).build())) {
            Http h = new Http(s.uri());
            byte[] q = Files.readAllBytes(files.get(0));
            java.util.concurrent.CompletableFuture<Http.Answer> first =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> h.post("/api/search", "image/png", q));
            Thread.sleep(500); // the first one holds the only slot for 1.5 s
            assertError(h.post("/api/search", "image/png", q), 503, "the server is busy");
            assertThat(first.get().status()).isEqualTo(200);
        }
    }

    @Test
    void anUnexpectedFailureIs500WithAMessage() {
        ImageSearch closed = ImageSearch.builder().embedder(PixelEmbedder.builder().build())
                .dataDirectory(tmp.resolve("closed")).build();
        try (ImageSearchServer s = ImageSearchServer.start(closed, ServerConfig.builder().port(0).build())) {
            closed.close();
            assertError(new Http(s.uri()).get("/api/stats"), 500, "internal error: IllegalStateException: "
                    + "ImageSearch is closed");
        }
    }

    @Test
    void theOpenApiDescriptionListsEveryRoute() throws IOException {
        String spec = Files.readString(Path.of("..", "docs", "openapi.yaml"));
        for (String route : List.of("/api/search:", "/api/images:", "/api/images/{id}:", "/api/images/{id}/similar:",
                "/api/images/{id}/thumbnail:", "/api/images/{id}/original:", "/api/stats:", "/api/duplicates:",
                "/api/index:", "/api/remove:")) {
            assertThat(spec).contains("  " + route + "\n");
        }
    }

    /** File name → size of every file under a directory. */
    private static Map<String, Long> snapshot(Path dir) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), Files.size(p));
            }
        }
        return out;
    }

    private static void assertError(Http.Answer a, int status, String message) {
        assertThat(a.status()).as(a.text()).isEqualTo(status);
        assertThat(a.header("Content-Type")).startsWith("application/json");
        JsonNode body = a.json();
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("error").asText()).contains(message);
    }
}
