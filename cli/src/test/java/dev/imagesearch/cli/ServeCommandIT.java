package dev.imagesearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesearch.testing.ChildJvm;
import dev.imagesearch.testing.TestResources;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imagesearch serve} as a user runs it: a separate JVM on an index of the real sample photos, found through
 * the URL it prints, stopped with SIGTERM (Ctrl+C), after which the index opens again.
 */
class ServeCommandIT {

    @TempDir
    Path tmp;

    @Test
    void servesTheIndexAtThePrintedUrlAndStopsCleanly() throws Exception {
        Path model = TestResources.model("efficientnet-lite0");
        Path sample = TestResources.existing(TestResources.cache().resolve("photos/sample"), "sample photos");
        Path data = tmp.resolve("data");
        CliRun index = CliRun.run(new OnnxModelSource(), "index", sample.toString(), "--model", model.toString(),
                "--data", data.toString());
        assertThat(index.exitCode()).as(index.toString()).isZero();

        try (ChildJvm serve = ChildJvm.start(ImageSearchCli.class, "serve", "--port", "0", "--model",
                model.toString(), "--data", data.toString())) {
            List<String> started = serve.awaitLines(l -> l.startsWith("imagesearch: serving"), 1,
                    Duration.ofSeconds(60));
            assertThat(started).as(serve.lines().toString()).hasSize(1);
            String line = started.get(0);
            assertThat(line).contains("(efficientnet-lite0) at http://127.0.0.1:");
            URI url = URI.create(line.substring(line.indexOf("http://")).trim());

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(url).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>imagesearch</title>");
            HttpResponse<String> found = http.send(HttpRequest.newBuilder(url.resolve("/api/search?k=3"))
                    .POST(HttpRequest.BodyPublishers.ofFile(sample.resolve("darknet-dog.jpg"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
            JsonNode hits = new ObjectMapper().readTree(found.body()).get("results");
            assertThat(hits.get(0).get("name").asText()).isEqualTo("darknet-dog.jpg");
            assertThat(serve.lines()).noneMatch(l -> l.contains("INFO"));

            serve.process().destroy(); // SIGTERM, as Ctrl+C: the shutdown hook stops the server, closes the index
            serve.waitFor(Duration.ofSeconds(30));
        }
        CliRun count = CliRun.run(new OnnxModelSource(), "count", "--model", model.toString(), "--data",
                data.toString());
        assertThat(count.exitCode()).as("the index was closed and unlocked: " + count).isZero();
        try (var files = Files.list(sample)) {
            assertThat(Long.parseLong(count.out().trim())).isPositive().isLessThanOrEqualTo(files.count());
        }
    }

    @Test
    void aNonLoopbackAddressWithoutATokenIsAUsageError() throws Exception {
        CliRun r = CliRun.fake("serve", "--host", "0.0.0.0", "--data", tmp.resolve("data").toString());
        assertThat(r.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(r.err()).contains("needs a bearer token");
        Path shortToken = Files.writeString(tmp.resolve("token"), "short\n");
        CliRun s = CliRun.fake("serve", "--token-file", shortToken.toString(), "--data", tmp.resolve("d").toString());
        assertThat(s.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(s.err()).contains("at least 16 characters");
    }
}
