package dev.imagesearch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.testing.TestResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's programs (QuickStart, IndexWithProgress) as a user would: a fresh JVM in a folder holding
 * {@code photos/cat.jpg}, {@code photos/dog.jpg} and {@code query.jpg} (real photos), with the default model
 * taken from its Maven artifact on the class path (the model directory is pointed at an empty folder).
 */
class QuickStartIT {

    @TempDir
    Path work;

    private List<String> options() throws Exception {
        return List.of("-Dimagesearch.models=" + Files.createDirectories(work.resolve("no-models")),
                "-Djava.io.tmpdir=" + Files.createDirectories(work.resolve("tmp")));
    }

    private void photos() throws Exception {
        Files.createDirectories(work.resolve("photos"));
        Files.copy(TestResources.photo("darknet/giraffe.jpg"), work.resolve("photos/cat.jpg"));
        Files.copy(TestResources.photo("darknet/dog.jpg"), work.resolve("photos/dog.jpg"));
        Files.copy(TestResources.photo("darknet/dog.jpg"), work.resolve("query.jpg"));
    }

    @Test
    void theReadmeProgramIndexesAndSearchesWithTheModelFromItsArtifact() throws Exception {
        ExampleRuns.requireDefaultModelArtifact();
        photos();
        ExampleRuns.Result r = ExampleRuns.run(work, ExampleRuns.java(options(), "QuickStart"));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("1 1\\.0000 .*photos/dog\\.jpg");
        assertThat(lines.get(1)).matches("2 0\\.\\d{4} .*photos/cat\\.jpg");
        assertThat(work.resolve("my-index")).isDirectory();
        // the model was copied from the jar, checked, into java.io.tmpdir
        try (var copies = Files.list(work.resolve("tmp"))) {
            assertThat(copies.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("imagesearch-models-"));
        }
    }

    @Test
    void theRefinedSearchExampleRanksTheSamePhotosWithRefinedScores() throws Exception {
        ExampleRuns.requireDefaultModelArtifact();
        photos();
        ExampleRuns.Result r = ExampleRuns.run(work, ExampleRuns.java(options(),
                RefinedSearch.class.getName(), "photos"));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("plain 1 1\\.0000 .*photos/dog\\.jpg");
        assertThat(lines.get(1)).matches("plain 2 0\\.\\d{4} .*photos/cat\\.jpg");
        // the same order; the cat photo is scored against its vector averaged with the dog's: a higher score
        assertThat(lines.get(2)).matches("refined 1 [01]\\.\\d{4} .*photos/dog\\.jpg");
        assertThat(lines.get(3)).matches("refined 2 0\\.\\d{4} .*photos/cat\\.jpg");
        assertThat(Double.parseDouble(lines.get(3).split(" ")[2]))
                .isGreaterThan(Double.parseDouble(lines.get(1).split(" ")[2]));
    }

    @Test
    void theProgressExampleReportsTheTotal() throws Exception {
        ExampleRuns.requireDefaultModelArtifact();
        photos();
        ExampleRuns.Result r = ExampleRuns.run(work, ExampleRuns.java(options(),
                IndexWithProgress.class.getName(), "photos", "5"));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines()).containsExactly("1/2 INDEXED " + Path.of("photos/cat.jpg"),
                "2/2 INDEXED " + Path.of("photos/dog.jpg"));
    }
}
