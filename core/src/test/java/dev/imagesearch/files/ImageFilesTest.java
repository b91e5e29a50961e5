package dev.imagesearch.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.IndexReport;
import dev.imagesearch.testing.PixelEmbedder;
import dev.imagesearch.testing.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every entry under an indexed folder is accounted for: image files are indexed, everything else is named with a
 * plain reason, and special files are never opened (a FIFO would block the run, a device would never end).
 */
class ImageFilesTest {

    @TempDir
    Path tmp;

    private Path dir;
    private Path good;
    private Path linkedGood;
    private Path nested;

    private static void mkfifo(Path p) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        // a failure, not a skip: every Linux has mkfifo, and without the FIFO the test would prove nothing
        assertThat(proc.waitFor(10, TimeUnit.SECONDS) && proc.exitValue() == 0).as("mkfifo " + p).isTrue();
    }

    @BeforeEach
    void folderOfTroublesomeEntries() throws Exception {
        dir = Files.createDirectories(tmp.resolve("photos"));
        good = TestImages.write(dir.resolve("a.png"), TestImages.png(1, 16));
        nested = TestImages.write(dir.resolve("album.jpg/b.png"), TestImages.png(2, 16)); // dir named like an image
        linkedGood = Files.createSymbolicLink(dir.resolve("c.png"), good);
        Files.writeString(dir.resolve("notes.txt"), "not a picture", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("README"), "no extension", StandardCharsets.UTF_8);
        Files.createSymbolicLink(dir.resolve("dangling.jpg"), dir.resolve("gone.jpg"));
        Files.createSymbolicLink(dir.resolve("loop1.jpg"), dir.resolve("loop2.jpg"));
        Files.createSymbolicLink(dir.resolve("loop2.jpg"), dir.resolve("loop1.jpg"));
        Files.createSymbolicLink(dir.resolve("zero.jpg"), Path.of("/dev/zero"));
        Files.createSymbolicLink(dir.resolve("elsewhere.jpg"), tmp);
        mkfifo(dir.resolve("pipe.jpg"));
    }

    private static Map<String, String> reasons(List<ImageFiles.Skipped> skipped) {
        return skipped.stream().collect(Collectors.toMap(s -> s.path().getFileName().toString(),
                ImageFiles.Skipped::reason));
    }

    @Test
    @Timeout(30) // a FIFO opened for reading would block forever
    void scanNamesEveryEntryThatIsNotAnImageFile() {
        ImageFiles.Scan scan = ImageFiles.scan(dir);

        assertThat(scan.images()).containsExactly(good, nested, linkedGood);
        Map<String, String> why = reasons(scan.skipped());
        assertThat(why).containsOnlyKeys("album.jpg", "notes.txt", "README", "dangling.jpg", "loop1.jpg",
                "loop2.jpg", "zero.jpg", "elsewhere.jpg", "pipe.jpg");
        assertThat(why.get("album.jpg")).startsWith("a directory named like an image");
        assertThat(why.get("notes.txt")).startsWith("extension .txt is not an image type");
        assertThat(why.get("README")).startsWith("no file name extension");
        assertThat(why.get("dangling.jpg")).isEqualTo("dangling symbolic link: its target "
                + dir.resolve("gone.jpg") + " does not exist");
        assertThat(why.get("loop1.jpg")).startsWith("symbolic link loop");
        assertThat(why.get("loop2.jpg")).startsWith("symbolic link loop");
        assertThat(why.get("zero.jpg")).isEqualTo("symbolic link to a character device /dev/zero, not a regular "
                + "file (not opened)");
        assertThat(why.get("elsewhere.jpg")).contains("symbolic link to the directory").contains("not followed");
        assertThat(why.get("pipe.jpg")).isEqualTo("a FIFO (named pipe), not a regular file (not opened)");
        assertThat(scan.entries()).isEqualTo(12);
        assertThat(scan.skipped()).allSatisfy(s -> assertThat(s.reason())
                .doesNotContain("Exception").doesNotContain("java."));
    }

    @Test
    @Timeout(60)
    void indexDirectoryAccountsForEveryEntry() {
        try (ImageSearch search = ImageSearch.builder().embedder(PixelEmbedder.builder().build())
                .dataDirectory(tmp.resolve("data")).build()) {
            IndexReport r = search.indexDirectory(dir);
            assertThat(r.indexed()).isEqualTo(3);
            assertThat(r.failed()).isZero();
            assertThat(r.skipped()).hasSize(9);
            assertThat(r.indexed() + r.unchanged() + r.failed() + r.skipped().size()).isEqualTo(r.entriesSeen())
                    .isEqualTo(12);

            IndexReport again = search.indexDirectory(dir);
            assertThat(again.unchanged()).isEqualTo(3);
            assertThat(again.entriesSeen()).isEqualTo(12);
        }
    }

    @Test
    @Timeout(60)
    void specialFilesNamedExplicitlyFailWithoutBeingOpened() {
        try (ImageSearch search = ImageSearch.builder().embedder(PixelEmbedder.builder().build())
                .dataDirectory(tmp.resolve("data")).build()) {
            IndexReport r = search.index(List.of(dir.resolve("pipe.jpg"), dir.resolve("zero.jpg"),
                    dir.resolve("dangling.jpg"), dir.resolve("loop1.jpg"), good));
            assertThat(r.indexed()).isEqualTo(1);
            Map<String, String> why = r.failures().stream().collect(Collectors.toMap(
                    f -> f.path().getFileName().toString(), IndexReport.Failure::reason));
            assertThat(why.get("pipe.jpg")).isEqualTo("a FIFO (named pipe), not a regular file (not opened)");
            assertThat(why.get("zero.jpg")).contains("character device /dev/zero");
            assertThat(why.get("dangling.jpg")).startsWith("dangling symbolic link");
            assertThat(why.get("loop1.jpg")).startsWith("symbolic link loop");
        }
    }

    @Test
    @Timeout(30)
    void aFolderThatIsALinkIsScannedUnderTheLinksPath() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("pictures"), dir);
        ImageFiles.Scan scan = ImageFiles.scan(link);
        assertThat(scan.images()).containsExactly(link.resolve("a.png"), link.resolve("album.jpg/b.png"),
                link.resolve("c.png"));
        assertThat(reasons(scan.skipped())).containsOnlyKeys("album.jpg", "notes.txt", "README", "dangling.jpg",
                "loop1.jpg", "loop2.jpg", "zero.jpg", "elsewhere.jpg", "pipe.jpg");
        assertThat(scan.skipped()).allSatisfy(s -> assertThat(s.path()).startsWithRaw(link));
    }

    @Test
    void imageNamesByExtension() {
        assertThat(ImageFiles.isImageName(Path.of("x/photo.JPG"))).isTrue();
        assertThat(ImageFiles.isImageName(Path.of("x/photo.webp"))).isTrue();
        assertThat(ImageFiles.isImageName(Path.of("x/.jpg"))).isFalse();
        assertThat(ImageFiles.isImageName(Path.of("x/photo."))).isFalse();
        assertThat(ImageFiles.isImageName(Path.of("x/photo.jpg.txt"))).isFalse();
    }
}
