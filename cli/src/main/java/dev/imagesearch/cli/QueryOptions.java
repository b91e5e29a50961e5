package dev.imagesearch.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The query images and what to print about them: shared by the commands that search with images. */
final class QueryOptions {

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Query image files.")
    List<Path> queries;

    @Option(names = {"-k", "--top"}, paramLabel = "N", defaultValue = "10",
            description = "Number of results per query, per model for compare (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "Output on stdout: table or json (default: ${DEFAULT-VALUE}). json prints one array of "
                    + "query objects; the schema is in docs/CLI.md.")
    OutputFormat format;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Also write a self-contained HTML page with thumbnails of each query and its results "
                    + "(compare: the models' results side by side).")
    Path html;

    /** {@code -k}, checked. */
    int k() {
        if (k < 1) {
            throw CliException.usage("-k must be at least 1, was " + k);
        }
        return k;
    }
}
