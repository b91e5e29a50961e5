package dev.imagesearch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's Java code is compiled and run: each region between {@code // README-BEGIN} and
 * {@code // README-END} of an example program must be a {@code ```java} block of README.md, word for word
 * (indentation aside). QuickStartIT runs the programs.
 */
class ReadmeExamplesTest {

    private static final Path EXAMPLES = Path.of("src/main/java");
    private static final Path README = Path.of("../README.md");

    @Test
    void everyMarkedExampleRegionIsACodeBlockOfTheReadme() throws IOException {
        List<String> blocks = javaBlocks(Files.readAllLines(README));
        List<Path> examples;
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            examples = files.filter(p -> p.toString().endsWith(".java")).filter(ReadmeExamplesTest::hasRegion)
                    .sorted().toList();
        }
        assertThat(examples).extracting(p -> p.getFileName().toString())
                .contains("QuickStart.java", "IndexWithProgress.java");
        for (Path example : examples) {
            String region = region(Files.readAllLines(example));
            assertThat(blocks).as("README.md must hold the code of %s between its README markers, unchanged; "
                    + "edit both together", example).contains(region);
        }
    }

    @Test
    void theQuickStartIsTheFirstJavaBlockOfUseItFromJava() throws IOException {
        List<String> lines = Files.readAllLines(README);
        int section = lines.indexOf("## Use it from Java");
        assertThat(section).isNotNegative();
        List<String> blocks = javaBlocks(lines.subList(section, lines.size()));
        assertThat(blocks.get(0)).isEqualTo(region(Files.readAllLines(EXAMPLES.resolve("QuickStart.java"))));
    }

    private static boolean hasRegion(Path p) {
        try {
            return Files.readString(p).contains("// README-BEGIN");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The lines between the markers, with their common indentation removed. */
    static String region(List<String> lines) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : lines) {
            if (line.strip().startsWith("// README-BEGIN")) {
                in = true;
            } else if (line.strip().startsWith("// README-END")) {
                in = false;
            } else if (in) {
                out.add(line);
            }
        }
        return String.join("\n", out).stripIndent().strip();
    }

    static List<String> javaBlocks(List<String> lines) {
        List<String> blocks = new ArrayList<>();
        List<String> current = null;
        for (String line : lines) {
            if (current == null && line.strip().equals("```java")) {
                current = new ArrayList<>();
            } else if (current != null && line.strip().equals("```")) {
                blocks.add(String.join("\n", current).stripIndent().strip());
                current = null;
            } else if (current != null) {
                current.add(line);
            }
        }
        return blocks;
    }
}
