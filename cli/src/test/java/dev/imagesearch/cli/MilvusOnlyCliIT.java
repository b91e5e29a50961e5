package dev.imagesearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.testing.TestResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI with vectors and id map both in Milvus ({@code --store milvus://... --ids milvus://...}), no Redis and no
 * local index files; a fake model, so it needs only {@code IMAGESEARCH_MILVUS_URI}.
 */
class MilvusOnlyCliIT {

    @TempDir
    Path tmp;

    @Test
    void indexCountAndSearchWithEverythingInMilvus() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        for (int i = 0; i < 5; i++) {
            FakeModels.picture(photos.resolve("p" + i + ".png"), i);
        }
        FakeModels.picture(photos.resolve("copy-of-p3.png"), 3);
        String milvus = TestResources.setting("IMAGESEARCH_MILVUS_URI").replaceFirst("^http://", "milvus://");
        String run = "cli" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String store = milvus + "?index=FLAT&prefix=" + run + "_";
        String ids = milvus + "?namespace=photos&prefix=" + run + "_";
        Path data = tmp.resolve("data");

        CliRun first = CliRun.fake("index", photos.toString(), "--model", "grid", "--data", data.toString(),
                "--store", store, "--ids", ids);
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("indexed:   6").contains("failed:    0");
        CliRun again = CliRun.fake("index", photos.toString(), "--model", "grid", "--data", data.toString(),
                "--store", store, "--ids", ids);
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("indexed:   0").contains("unchanged: 6");
        CliRun count = CliRun.fake("count", "--model", "grid", "--data", data.toString(), "--store", store,
                "--ids", ids);
        assertThat(count.exitCode()).as(count.toString()).isZero();
        assertThat(count.out()).isEqualTo("5\n");
        CliRun similar = CliRun.fake("similar", photos.resolve("p2.png").toString(), "-k", "1", "--model", "grid",
                "--data", data.toString(), "--store", store, "--ids", ids);
        assertThat(similar.exitCode()).as(similar.toString()).isZero();
        assertThat(similar.out()).contains(photos.resolve("p2.png").toAbsolutePath().toString());
        assertThat(data).as("no local index files").doesNotExist();
    }
}
