package dev.imagesearch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.ImageSearch;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Locations recorded by the job are the CLI's for local files, whatever characters the name has. */
class ResultRowsTest {

    @Test
    void localFilesGetTheCliLocation() {
        Path odd = Path.of("/tmp/in/with space, 50%20 é.JPG");
        assertThat(ResultRows.locationOf("file:/tmp/in/with space, 50%20 é.JPG"))
                .isEqualTo(ImageSearch.locationOf(odd)).isEqualTo("/tmp/in/with space, 50%20 é.JPG");
        assertThat(ResultRows.locationOf("file:///tmp/in/a.jpg")).isEqualTo("/tmp/in/a.jpg");
        assertThat(ResultRows.locationOf("file://localhost/tmp/in/a.jpg")).isEqualTo("/tmp/in/a.jpg");
        assertThat(ResultRows.locationOf("/tmp/in/../in/a.jpg")).isEqualTo("/tmp/in/a.jpg");
    }

    @Test
    void otherFileSystemsKeepTheirPath() {
        assertThat(ResultRows.locationOf("s3a://bucket/photos/a b.jpg")).isEqualTo("s3a://bucket/photos/a b.jpg");
        assertThat(ResultRows.locationOf("hdfs://nn:8020/p/a.jpg")).isEqualTo("hdfs://nn:8020/p/a.jpg");
    }
}
