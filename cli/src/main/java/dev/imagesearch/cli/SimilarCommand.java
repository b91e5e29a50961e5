package dev.imagesearch.cli;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.query.SearchRefinement;
import dev.imagesearch.search.Match;
import dev.imagesearch.fusion.Fusion;
import dev.imagesearch.image.ImageDecodeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code imagesearch similar IMAGE...}: the indexed images most similar to each query image. */
@Command(name = "similar", mixinStandardHelpOptions = true,
        description = "Find the indexed images most similar to each query image (which need not be indexed).")
final class SimilarCommand implements Callable<Integer> {

    @ParentCommand
    ImageSearchCli root;

    @Spec
    CommandSpec spec;

    @Mixin
    QueryOptions query;

    @Mixin
    IndexOptions index;

    @Mixin
    FusionOptions fusionOptions;

    @Mixin
    RefinementOptions refinementOptions;

    @Override
    public Integer call() {
        int k = query.k();
        Path html = query.html;
        if (html != null && html.toAbsolutePath().getParent() != null
                && !Files.isDirectory(html.toAbsolutePath().getParent())) {
            throw CliException.usage("--html " + html + ": the directory " + html.toAbsolutePath().getParent()
                    + " does not exist");
        }
        List<QueryResult> results = new ArrayList<>();
        try (ImageSearch search = root.openExisting(index)) {
            if (search.count() == 0) {
                spec.commandLine().getErr().println("imagesearch: the index is empty (run 'imagesearch index' "
                        + "with the same --model and --data first)");
            }
            Fusion fusion = search.models().size() > 1 ? fusionOptions.fusion(search) : null;
            SearchRefinement refinement = refinementOptions.refinement(); // null: plain, or each model's metadata when fused
            for (Path q : query.queries) {
                String location = ImageSearch.locationOf(q);
                try {
                    if (fusion == null) {
                        List<Match> matches = refinement == null ? search.similar(q, k)
                                : search.similar(q, k, refinement);
                        results.add(QueryResult.of(location, search.embedder().name(), k, matches));
                    } else {
                        results.add(QueryResult.of(location, k, refinement == null ? search.searchAll(q, k, fusion)
                                : search.searchAll(search.decode(q), k, fusion, refinement)));
                    }
                } catch (ImageDecodeException e) {
                    // one bad query must not cost the answers to the others: report it and go on
                    String models = String.join("+", search.models().stream().map(m -> m.name()).toList());
                    results.add(QueryResult.failed(location, models, k, queryError(q, e)));
                }
            }
        }
        long failed = results.stream().filter(r -> r.error() != null).count();
        PrintWriter out = spec.commandLine().getOut();
        if (query.format == OutputFormat.JSON) {
            out.println(QueryResult.toJson(results));
        } else {
            printTable(out, results);
        }
        out.flush();
        if (html != null) {
            writeHtml(html, results);
        }
        if (failed > 0) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("imagesearch: error: " + failed + " of " + results.size() + " query images could not be "
                    + "read (each is named in the output with the reason)");
            err.flush();
            return ImageSearchCli.EXIT_ERROR;
        }
        return ImageSearchCli.EXIT_OK;
    }

    /** Why a query file gave no answer, in words: a missing file, a directory, an undecodable image. */
    static String queryError(Path q, ImageDecodeException e) {
        if (!Files.exists(q, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return "no such file";
        }
        String prefix = q + ": "; // the library names the path; the query field already does
        String m = e.getMessage();
        return m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    static void printTable(PrintWriter out, List<QueryResult> results) {
        boolean first = true;
        for (QueryResult q : results) {
            if (!first) {
                out.println();
            }
            first = false;
            out.println("query: " + q.query());
            if (q.error() != null) {
                out.println("error: " + q.error());
                continue;
            }
            if (q.fusion() == null) {
                out.println("rank  score   location");
                for (QueryResult.Hit hit : q.results()) {
                    out.printf(Locale.ROOT, "%4d  %.4f  %s%n", hit.rank(), hit.score(), hit.location());
                }
                continue;
            }
            List<String> models = List.of(q.model().split("\\+"));
            out.println("fused with " + q.fusion() + " over " + String.join(", ", models)
                    + " (per model: rank/score, - = not among its candidates)");
            if (q.failures() != null) {
                q.failures().forEach((m, why) -> out.println("model " + m + " left out: " + why));
            }
            StringBuilder head = new StringBuilder("rank  fused   ");
            models.forEach(m -> head.append(String.format(Locale.ROOT, "%-14.14s ", m)));
            out.println(head.append("location"));
            for (QueryResult.Hit hit : q.results()) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%4d  %.4f  ", hit.rank(),
                        hit.score()));
                for (String m : models) {
                    QueryResult.ModelHit h = hit.models().get(m);
                    line.append(String.format(Locale.ROOT, "%-14s ", h == null ? "-"
                            : String.format(Locale.ROOT, "%d/%.4f", h.rank(), h.score())));
                }
                out.println(line.append(hit.location()));
            }
        }
    }

    private void writeHtml(Path html, List<QueryResult> results) {
        String page = new HtmlReport(new ThumbnailUris()).render(results);
        try {
            Files.writeString(html, page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CliException.failure("cannot write " + html + ": " + e.getMessage(), e);
        }
        spec.commandLine().getErr().println("imagesearch: wrote " + html.toAbsolutePath());
        spec.commandLine().getErr().flush();
    }
}
