package dev.imagesearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesearch.ImageSearch;
import dev.imagesearch.testing.TestResources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference article's deployment from the CLI: vectors in Milvus (exact FLAT index), id → path map in Redis,
 * the real default model on the real sample photos. Its results must equal the embedded default's.
 */
class ArticleDeploymentIT {

    @TempDir
    Path tmp;

    /** The real model, the sample photos, and --store/--ids addresses private to one test (own prefix/namespace). */
    private record Deployment(Path model, Path sample, String store, String ids) {
        static Deployment fresh(String tag) {
            Path model = TestResources.model("efficientnet-lite0");
            Path sample = TestResources.existing(TestResources.cache().resolve("photos/sample"),
                    "sample photos (run scripts/photos/fetch.sh)");
            String milvus = TestResources.setting("IMAGESEARCH_MILVUS_URI").replaceFirst("^http://", "milvus://");
            String redis = TestResources.setting("IMAGESEARCH_REDIS_URI");
            String run = tag + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
            return new Deployment(model, sample, milvus + "?index=FLAT&prefix=" + run + "_",
                    redis + "?namespace=" + run);
        }
    }

    @Test
    void milvusPlusRedisGivesTheSameTopResultsAsTheEmbeddedStore() throws Exception {
        Deployment d = Deployment.fresh("cli");
        Path model = d.model();
        Path sample = d.sample();
        String store = d.store();
        String ids = d.ids();
        Path embedded = tmp.resolve("embedded");
        Path remoteData = tmp.resolve("remote");

        CliRun a = cli("index", sample.toString(), "--model", model.toString(), "--data", embedded.toString());
        assertThat(a.exitCode()).as(a.toString()).isZero();
        CliRun b = cli("index", sample.toString(), "--model", model.toString(), "--data", remoteData.toString(),
                "--store", store, "--ids", ids);
        assertThat(b.exitCode()).as(b.toString()).isZero();
        assertThat(b.out()).contains("failed:    0");
        CliRun again = cli("index", sample.toString(), "--model", model.toString(), "--data",
                remoteData.toString(), "--store", store, "--ids", ids);
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("indexed:   0 (");
        CliRun verify = cli("verify", "--model", model.toString(), "--data", remoteData.toString(), "--store", store,
                "--ids", ids);
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).endsWith("consistent\n");

        List<Path> queries;
        try (Stream<Path> s = ImageSearch.listImages(sample)) {
            queries = s.limit(6).toList();
        }
        List<String> args = new ArrayList<>(List.of("similar"));
        queries.forEach(q -> args.add(q.toString()));
        args.addAll(List.of("-k", "5", "--format", "json", "--model", model.toString()));
        JsonNode local = json(cli(concat(args, "--data", embedded.toString())));
        JsonNode remote = json(cli(concat(args, "--data", remoteData.toString(), "--store", store, "--ids", ids)));

        assertThat(remote.size()).isEqualTo(queries.size());
        for (int q = 0; q < queries.size(); q++) {
            JsonNode l = local.get(q).get("results");
            JsonNode r = remote.get(q).get("results");
            assertThat(r.size()).isEqualTo(l.size()).isEqualTo(5);
            assertThat(r.get(0).get("location").asText()).isEqualTo(queries.get(q).toAbsolutePath().toString());
            for (int i = 0; i < l.size(); i++) {
                assertThat(r.get(i).get("id").asText()).as("query %d rank %d", q, i + 1)
                        .isEqualTo(l.get(i).get("id").asText());
                assertThat(r.get(i).get("location").asText()).isEqualTo(l.get(i).get("location").asText());
                assertThat(r.get(i).get("score").asDouble()).isCloseTo(l.get(i).get("score").asDouble(),
                        org.assertj.core.data.Offset.offset(1e-3));
            }
        }
    }

    @Test
    void anOrphanVectorLeftByAnOutageIsFoundAndRepairedOnMilvusPlusRedis() throws Exception {
        Deployment d = Deployment.fresh("orphan");
        Path model = d.model();
        Path sample = d.sample();
        String store = d.store();
        String ids = d.ids();
        List<Path> three;
        try (Stream<Path> s = ImageSearch.listImages(sample)) {
            three = s.limit(3).toList();
        }
        String[] common = {"--model", model.toString(), "--data", tmp.resolve("d").toString(), "--store", store,
                "--ids", ids};
        List<String> index = new ArrayList<>(List.of("index"));
        three.forEach(p -> index.add(p.toString()));
        assertThat(cli(concat(index, common)).exitCode()).isZero();
        // What an outage between the two writes leaves: the vector is stored, its location is not.
        try (dev.imagesearch.redis.RedisIdMapper redis = dev.imagesearch.redis.RedisIdMapper.fromUri(ids, null)) {
            assertThat(redis.remove(ImageSearch.locationOf(three.get(0)))).isPresent();
        }
        CliRun bad = cli(concat(List.of("verify"), common));
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(VerifyCommand.EXIT_INCONSISTENT);
        assertThat(bad.out()).contains("vectors without location: 1");
        CliRun repaired = cli(concat(List.of("verify", "--repair"), common));
        assertThat(repaired.exitCode()).as(repaired.toString()).isZero();
        CliRun ok = cli(concat(List.of("verify"), common));
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("vectors checked:          2").endsWith("consistent\n");
        // and indexing again brings the file back, embedded once more
        CliRun again = cli(concat(index, common));
        assertThat(again.out()).contains("indexed:   1 (1 embedded");
    }

    private static String[] concat(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static JsonNode json(CliRun run) throws Exception {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return new ObjectMapper().readTree(run.out());
    }

    private static CliRun cli(String... args) {
        return CliRun.run(new OnnxModelSource(), args);
    }
}
