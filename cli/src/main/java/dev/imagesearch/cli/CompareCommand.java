package dev.imagesearch.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.imagesearch.ImageSearch;
import dev.imagesearch.IndexedModel;
import dev.imagesearch.Match;
import dev.imagesearch.compare.Comparison;
import dev.imagesearch.compare.ScoreStats;
import dev.imagesearch.fusion.ModelResults;
import dev.imagesearch.image.ImageDecodeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
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

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Query image files.")
    List<Path> queries;

    @Option(names = {"-k", "--top"}, paramLabel = "N", defaultValue = "10",
            description = "Results per model (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}); the JSON schema is in docs/CLI.md.")
    SimilarCommand.Format format;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Also write an HTML page with the models' results side by side, as thumbnails.")
    Path html;

    @Mixin
    ModelOptions model;

    @Mixin
    StoreOptions store;

    /** JSON of one query. */
    @JsonPropertyOrder({"query", "k", "models", "pairs", "failures"})
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Result(String query, int k, List<ModelBlock> models, List<PairJson> pairs, Map<String, String> failures) {
    }

    /** One model's column. */
    @JsonPropertyOrder({"model", "scores", "results"})
    record ModelBlock(String model, Map<String, Object> scores, List<QueryResult.Hit> results) {
    }

    /** Agreement of two models. */
    @JsonPropertyOrder({"a", "b", "shared", "overlap", "spearman", "kendall", "meanScoreDelta", "meanAbsScoreDelta"})
    record PairJson(String a, String b, int shared, Double overlap, Double spearman, Double kendall,
                    Double meanScoreDelta, Double meanAbsScoreDelta) {
    }

    @Override
    public Integer call() {
        if (k < 1) {
            throw CliException.usage("-k must be at least 1, was " + k);
        }
        for (Path q : queries) {
            if (!Files.isRegularFile(q)) {
                throw CliException.usage((Files.exists(q) ? "not a file: " : "no such file: ") + q);
            }
        }
        List<Result> results = new ArrayList<>();
        try (ImageSearch search = root.openExisting(model, store)) {
            if (search.models().size() < 2) {
                spec.commandLine().getErr().println("imagesearch: only one model (" + search.embedder().name()
                        + "): nothing to compare it with; pass --models a,b");
            }
            if (search.count() == 0) {
                spec.commandLine().getErr().println("imagesearch: the index is empty");
            }
            for (Path q : queries) {
                try {
                    var multi = search.searchAll(q, k, dev.imagesearch.fusion.Fusion.builder(
                            dev.imagesearch.fusion.Fusion.Method.RRF).candidates(1).build());
                    results.add(toResult(ImageSearch.locationOf(q), Comparison.of(multi.perModel(), k),
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
        if (format == SimilarCommand.Format.JSON) {
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

    static Result toResult(String query, Comparison c, Map<String, String> failures) {
        List<ModelBlock> blocks = new ArrayList<>();
        for (ModelResults r : c.perModel()) {
            ScoreStats s = c.scores().get(r.model());
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("count", s.count());
            stats.put("min", Json.num(s.min()));
            stats.put("max", Json.num(s.max()));
            stats.put("mean", Json.num(s.mean()));
            stats.put("median", Json.num(s.median()));
            stats.put("stddev", Json.num(s.stddev()));
            blocks.add(new ModelBlock(r.model(), stats, r.matches().stream().map(QueryResult.Hit::of).toList()));
        }
        List<PairJson> pairs = c.pairs().stream().map(p -> new PairJson(p.a(), p.b(), p.shared(),
                Json.num(p.overlap()), Json.num(p.spearman()), Json.num(p.kendall()), Json.num(p.meanScoreDelta()),
                Json.num(p.meanAbsScoreDelta()))).toList();
        return new Result(query, c.k(), blocks, pairs, failures);
    }

    static void printTable(PrintWriter out, List<Result> results) {
        boolean first = true;
        for (Result r : results) {
            if (!first) {
                out.println();
            }
            first = false;
            out.println("query: " + r.query());
            r.failures().forEach((m, why) -> out.println("model " + m + " left out: " + why));
            int w = 34;
            StringBuilder head = new StringBuilder("rank");
            for (ModelBlock b : r.models()) {
                head.append("  ").append(pad(b.model(), w));
            }
            out.println(head.toString().stripTrailing());
            int rows = r.models().stream().mapToInt(b -> b.results().size()).max().orElse(0);
            for (int i = 0; i < rows; i++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%4d", i + 1));
                for (ModelBlock b : r.models()) {
                    String cell = "";
                    if (i < b.results().size()) {
                        QueryResult.Hit h = b.results().get(i);
                        cell = String.format(Locale.ROOT, "%.4f %s", h.score(), Path.of(h.location()).getFileName());
                    }
                    line.append("  ").append(pad(cell, w));
                }
                out.println(line.toString().stripTrailing());
            }
            for (ModelBlock b : r.models()) {
                Map<String, Object> s = b.scores();
                out.printf(Locale.ROOT, "scores %-22s min %s  median %s  max %s  mean %s  stddev %s%n", b.model(),
                        f(s.get("min")), f(s.get("median")), f(s.get("max")), f(s.get("mean")), f(s.get("stddev")));
            }
            for (PairJson p : r.pairs()) {
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
