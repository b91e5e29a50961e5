package dev.imagesearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.testing.TestResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imagesearch migrate}: an embedded index of real photos (real model) copied to Milvus Lite + redis-server,
 * verified, resumable, and searched through the servers with the same results as the embedded original.
 */
class MigrateCliIT {

    @TempDir
    Path tmp;

    private static CliRun cli(String... args) {
        return CliRun.run(new OnnxModelSource(), args);
    }

    @Test
    void copiesAnEmbeddedIndexToMilvusAndRedis() throws Exception {
        Path sample = TestResources.photo("sample");
        TestResources.model(ModelAndDecoderOptions.DEFAULT_MODEL);
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        List<Path> some;
        try (Stream<Path> s = Files.list(sample)) {
            some = s.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(12).toList();
        }
        for (Path p : some) {
            Files.copy(p, photos.resolve(p.getFileName()));
        }
        String run = "mig" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String store = TestResources.setting("IMAGESEARCH_MILVUS_URI").replaceFirst("^https?://", "milvus://")
                + "?index=FLAT&prefix=" + run + "_";
        String ids = TestResources.setting("IMAGESEARCH_REDIS_URI") + "?namespace=" + run;
        String data = tmp.resolve("data").toString();

        CliRun index = cli("index", photos.toString(), "--data", data, "--progress", "none");
        assertThat(index.exitCode()).as(index.toString()).isZero();

        CliRun first = cli("migrate", "--data", data, "--to-store", store, "--to-ids", ids, "--batch", "5");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("12 vectors copied, 0 already there").contains("locations: 12 copied")
                .contains("verified");

        CliRun again = cli("migrate", "--data", data, "--to-store", store, "--to-ids", ids);
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("0 vectors copied, 12 already there").contains("locations: 0 copied");

        CliRun verify = cli("verify", "--store", store, "--ids", ids);
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains("consistent");
        for (Path query : some.subList(0, 3)) {
            CliRun embedded = cli("similar", query.toString(), "-k", "5", "--data", data);
            CliRun servers = cli("similar", query.toString(), "-k", "5", "--store", store, "--ids", ids);
            assertThat(servers.exitCode()).as(servers.toString()).isZero();
            assertThat(locations(servers.out())).hasSize(5).isEqualTo(locations(embedded.out()));
        }
    }

    /** The location column of 'similar' output (scores may differ in the last digit between the two stores). */
    private static List<String> locations(String out) {
        return out.lines().filter(l -> l.matches("\\s*\\d+\\s+[0-9.]+\\s+.*"))
                .map(l -> l.trim().split("\\s+", 3)[2]).toList();
    }
}
