package dev.imagesearch.cli;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.compare.Comparison;
import dev.imagesearch.image.ImageDecodeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code imagesearch compare IMAGE... --models a,b}: each model's results side by side, and how they agree. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Search with every model of the index and show their results side by side, with overlap@k, "
                + "rank correlations (Spearman, Kendall) and each model's score distribution.",
                "Index with the same --models first."})
final class CompareCommand implements Callable<Integer> {

    @ParentCommand
    ImageSearchCli root;

    @Spec
    CommandSpec spec;

    @Mixin
    QueryOptions query;

    @Mixin
    IndexOptions index;

    @Override
    public Integer call() {
        int k = query.k();
        Path html = query.html;
        for (Path q : query.queries) {
            if (!Files.isRegularFile(q)) {
                throw CliException.usage((Files.exists(q) ? "not a file: " : "no such file: ") + q);
            }
        }
        List<ComparisonResult> results = new ArrayList<>();
        try (ImageSearch search = root.openExisting(index)) {
            if (search.models().size() < 2) {
                spec.commandLine().getErr().println("imagesearch: only one model (" + search.embedder().name()
                        + "): nothing to compare it with; pass --models a,b");
            }
            if (search.count() == 0) {
                spec.commandLine().getErr().println("imagesearch: the index is empty");
            }
            for (Path q : query.queries) {
                try {
                    var multi = search.searchAll(q, k, dev.imagesearch.fusion.Fusion.builder(
                            dev.imagesearch.fusion.Fusion.Method.RRF).candidates(1).build());
                    results.add(ComparisonResult.of(ImageSearch.locationOf(q), Comparison.of(multi.perModel(), k),
                            multi.failures()));
                } catch (ImageDecodeException e) {
                    // the message starts with the path
                    throw CliException.failure("cannot read query image " + e.getMessage(), e);
                } catch (IllegalStateException e) { // every model failed on it
                    throw CliException.failure(q + ": " + e.getMessage(), e);
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (query.format == OutputFormat.JSON) {
            out.println(Json.write(results));
        } else {
            printTable(out, results);
        }
        out.flush();
        if (html != null) {
            try {
                Files.writeString(html, new HtmlReport(new ThumbnailUris()).renderComparison(results),
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw CliException.failure("cannot write " + html + ": " + e.getMessage(), e);
            }
            spec.commandLine().getErr().println("imagesearch: wrote " + html.toAbsolutePath());
        }
        return ImageSearchCli.EXIT_OK;
    }

    static void printTable(PrintWriter out, List<ComparisonResult> results) {
        boolean first = true;
        for (ComparisonResult r : results) {
            if (!first) {
                out.println();
            }
            first = false;
            out.println("query: " + r.query());
            r.failures().forEach((m, why) -> out.println("model " + m + " left out: " + why));
            int w = 34;
            StringBuilder head = new StringBuilder("rank");
            for (ComparisonResult.ModelBlock b : r.models()) {
                head.append("  ").append(pad(b.model(), w));
            }
            out.println(head.toString().stripTrailing());
            int rows = r.models().stream().mapToInt(b -> b.results().size()).max().orElse(0);
            for (int i = 0; i < rows; i++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%4d", i + 1));
                for (ComparisonResult.ModelBlock b : r.models()) {
                    String cell = "";
                    if (i < b.results().size()) {
                        QueryResult.Hit h = b.results().get(i);
                        cell = String.format(Locale.ROOT, "%.4f %s", h.score(), Path.of(h.location()).getFileName());
                    }
                    line.append("  ").append(pad(cell, w));
                }
                out.println(line.toString().stripTrailing());
            }
            for (ComparisonResult.ModelBlock b : r.models()) {
                Map<String, Object> s = b.scores();
                out.printf(Locale.ROOT, "scores %-22s min %s  median %s  max %s  mean %s  stddev %s%n", b.model(),
                        f(s.get("min")), f(s.get("median")), f(s.get("max")), f(s.get("mean")), f(s.get("stddev")));
            }
            for (ComparisonResult.PairJson p : r.pairs()) {
                out.printf(Locale.ROOT, "%s vs %s: overlap@%d %s (%d shared), Spearman %s, Kendall %s, "
                                + "score %s − %s on shared images: mean %s, mean |Δ| %s%n", p.a(), p.b(), r.k(),
                        f(p.overlap()), p.shared(), f(p.spearman()), f(p.kendall()), p.a(), p.b(),
                        f(p.meanScoreDelta()), f(p.meanAbsScoreDelta()));
            }
        }
    }

    private static String f(Object v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.3f", ((Number) v).doubleValue());
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s.substring(0, w - 1) + "…" : s + " ".repeat(w - s.length());
    }
}
