// README-BEGIN: the README's "Use it from Java" program, word for word (ReadmeExamplesTest checks it)
import dev.imagesearch.ImageSearch;
import dev.imagesearch.IndexReport;
import dev.imagesearch.search.Match;
import java.nio.file.Path;
import java.util.List;

public class QuickStart {
    public static void main(String[] args) {
        try (ImageSearch search = ImageSearch.builder()      // the default model comes from its Maven artifact
                .dataDirectory(Path.of("my-index"))          // embedded store + id map live here
                .build()) {
            IndexReport report = search.index(List.of(Path.of("photos/cat.jpg"), Path.of("photos/dog.jpg")));
            report.failures().forEach(f -> System.err.println(f.path() + ": " + f.reason()));

            for (Match m : search.similar(Path.of("query.jpg"), 5)) {
                System.out.printf("%d %.4f %s%n", m.rank(), m.score(), m.location());
            }
        }
    }
}
// README-END
