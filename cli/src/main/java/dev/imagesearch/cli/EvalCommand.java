package dev.imagesearch.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.imagesearch.ImageSearch;
import dev.imagesearch.IndexReport;
import dev.imagesearch.eval.LabelledEvaluation;
import dev.imagesearch.eval.MethodScores;
import dev.imagesearch.eval.NearDuplicateEvaluation;
import dev.imagesearch.fusion.Fusion;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code imagesearch eval labelled|neardup DIR}: retrieval quality per model and per fusion. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Measure retrieval quality on a data set built by scripts/eval/build.sh.",
        subcommands = {EvalCommand.Labelled.class, EvalCommand.NearDup.class})
final class EvalCommand implements Callable<Integer> {

    @ParentCommand
    ImageSearchCli root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a data set kind is required: labelled or neardup");
    }

    static void requireDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw CliException.usage((Files.exists(dir) ? "not a directory: " : "no such directory: ") + dir
                    + " (build the data sets with scripts/eval/build.sh)");
        }
    }

    /** Indexes files (only what is missing), reporting failures on stderr. */
    static void index(ImageSearch search, List<Path> files, String what, EvalOptions common, PrintWriter err) {
        err.println("imagesearch: indexing " + files.size() + " " + what + " with "
                + ImageSearchCli.modelNames(search) + " (cached: only missing embeddings are computed)");
        err.flush();
        Progress bar = new Progress(err, files.size(), common.progress, System::nanoTime);
        IndexReport r;
        try {
            r = search.index(files, bar);
        } finally {
            bar.finish();
        }
        r.failures().forEach(f -> err.println("imagesearch: " + what + ": failed: " + f));
        r.partialFailures().forEach(f -> err.println("imagesearch: " + what + ": model failed: " + f));
        err.flush();
    }

    /** JSON of one method's scores. */
    @JsonPropertyOrder({"method", "fused", "queries", "metrics"})
    record MethodJson(String method, boolean fused, int queries, Map<String, Double> metrics) {
        static MethodJson of(MethodScores s) {
            Map<String, Double> m = new LinkedHashMap<>();
            s.metrics().forEach((k, v) -> m.put(k, Json.num(v)));
            return new MethodJson(s.method(), s.fused(), s.queries(), m);
        }
    }

    static void printMethods(PrintWriter out, List<MethodScores> methods, List<String> metrics, List<String> heads) {
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-60s %7s", "method", "queries"));
        heads.forEach(x -> h.append(String.format(Locale.ROOT, " %9s", x)));
        out.println(h);
        for (MethodScores s : methods) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-60s %7d",
                    s.fused() ? "fusion " + s.method() : s.method(), s.queries()));
            for (String m : metrics) {
                line.append(String.format(Locale.ROOT, " %9.4f", s.get(m)));
            }
            out.println(line);
        }
    }

    /** {@code eval labelled DIR}. */
    @Command(name = "labelled", mixinStandardHelpOptions = true,
            description = {"Class-level retrieval: every image of DIR is a query (leave-one-out); a result is "
                    + "relevant when it is in the same folder (label = parent folder). Reports mAP@k, P@1 and P@k "
                    + "per model and per fusion.",
                    "Indexes DIR first (only missing embeddings are computed)."})
    static final class Labelled implements Callable<Integer> {
        @ParentCommand
        EvalCommand eval;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "Labelled photos: DIR/<label>/<image>.")
        Path dir;

        @Option(names = {"-k", "--top"}, paramLabel = "N", defaultValue = "10",
                description = "Cut-off of mAP@k and P@k (default: ${DEFAULT-VALUE}).")
        int k;

        @Mixin
        ModelAndDecoderOptions model;

        @Mixin
        EvalOptions common;

        @JsonPropertyOrder({"dataset", "images", "labels", "k", "methods", "missing", "notIndexed"})
        record Output(String dataset, int images, int labels, int k, List<MethodJson> methods,
                      Map<String, Integer> missing, int notIndexed) {
        }

        @Override
        public Integer call() {
            if (k < 1) {
                throw CliException.usage("-k must be at least 1, was " + k);
            }
            requireDirectory(dir);
            List<Fusion> fusions = common.fusionList(model.names());
            PrintWriter err = spec.commandLine().getErr();
            LabelledEvaluation.Report r;
            try (ImageSearch search = eval.root.open(model, common.store(dir, null), 0, 0)) {
                List<Path> files = IndexCommand.collect(List.of(dir)).files();
                if (files.isEmpty()) {
                    throw CliException.usage("no images under " + dir);
                }
                index(search, files, "images", common, err);
                r = LabelledEvaluation.builder(search, dir).k(k).fusions(fusions).subsetSizes(common.subsets)
                        .refinement(common.refinement()).build().run();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (common.format == OutputFormat.JSON) {
                out.println(Json.write(new Output(r.root().toString(), r.images(), r.labels(), r.k(),
                        r.methods().stream().map(MethodJson::of).toList(), r.missing(), r.notIndexed())));
            } else {
                out.printf(Locale.ROOT, "labelled: %s: %d images, %d labels, k=%d%n", r.root(), r.images(),
                        r.labels(), r.k());
                printMethods(out, r.methods(), List.of(LabelledEvaluation.MAP, LabelledEvaluation.P1,
                        LabelledEvaluation.PK), List.of("mAP@" + k, "P@1", "P@" + k));
                r.missing().forEach((m, n) -> out.printf(Locale.ROOT, "%s: no vector for %d images (skipped)%n",
                        m, n));
            }
            out.flush();
            return ImageSearchCli.EXIT_OK;
        }
    }

    /** {@code eval neardup DIR}. */
    @Command(name = "neardup", mixinStandardHelpOptions = true,
            description = {"Near-duplicate retrieval: DIR/manifest.tsv lists query<TAB>original|-<TAB>transform "
                    + "(paths relative to DIR). Originals are indexed; each transformed query must find its original. "
                    + "Reports recall@1, recall@5 and MRR per model and fusion, recall@1 per transform, and how each "
                    + "model's duplicate threshold rejects the distractors (queries with '-')."})
    static final class NearDup implements Callable<Integer> {
        @ParentCommand
        EvalCommand eval;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "Data set folder with manifest.tsv.")
        Path dir;

        @Option(names = "--threshold", paramLabel = "MODEL=T", split = ",",
                description = "Duplicate threshold to evaluate for a model (default: its measured default).")
        Map<String, Double> thresholds;

        @Option(names = "--limit", paramLabel = "N",
                description = "Use only the first N manifest lines of each transform (and N distractors): a quick run.")
        Integer limit;

        @Mixin
        ModelAndDecoderOptions model;

        @Mixin
        EvalOptions common;

        @JsonPropertyOrder({"dataset", "originals", "queries", "distractors", "methods", "perTransform",
                "thresholds", "skipped"})
        record Output(String dataset, long originals, int queries, int distractors, List<MethodJson> methods,
                      Map<String, Map<String, Double>> perTransform, List<Map<String, Object>> thresholds,
                      List<String> skipped) {
        }

        @Override
        public Integer call() {
            requireDirectory(dir);
            if (limit != null && limit < 1) {
                throw CliException.usage("--limit must be at least 1, was " + limit);
            }
            List<NearDuplicateEvaluation.Query> queries = readManifest(dir, limit);
            List<Fusion> fusions = common.fusionList(model.names());
            PrintWriter err = spec.commandLine().getErr();
            NearDuplicateEvaluation.Report r;
            try (ImageSearch originals = eval.root.open(model, common.store(dir, "originals"), 0, 0);
                 ImageSearch queryIndex = eval.root.open(model, common.store(dir, "queries"), 0, 0)) {
                List<Path> origFiles = queries.stream().filter(q -> !q.distractor())
                        .map(NearDuplicateEvaluation.Query::original).distinct().toList();
                index(originals, origFiles, "originals", common, err);
                index(queryIndex, queries.stream().map(NearDuplicateEvaluation.Query::file).toList(), "queries",
                        common, err);
                NearDuplicateEvaluation.Builder b = NearDuplicateEvaluation.builder(originals, queryIndex, queries)
                        .fusions(fusions).subsetSizes(common.subsets).refinement(common.refinement());
                if (thresholds != null) {
                    thresholds.forEach(b::threshold);
                }
                r = b.build().run();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (common.format == OutputFormat.JSON) {
                List<Map<String, Object>> ts = new ArrayList<>();
                for (NearDuplicateEvaluation.ThresholdStats t : r.thresholds()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("model", t.model());
                    m.put("threshold", t.threshold());
                    m.put("accepted", Json.num(t.accepted()));
                    m.put("rejected", Json.num(t.rejected()));
                    m.put("lowestTrueTop1", Json.num(t.lowestTrueTop1()));
                    m.put("highestDistractor", Json.num(t.highestDistractor()));
                    m.put("suggested", Json.num(t.suggested()));
                    ts.add(m);
                }
                Map<String, Map<String, Double>> per = new LinkedHashMap<>();
                r.perTransform().forEach((t, m) -> {
                    Map<String, Double> x = new LinkedHashMap<>();
                    m.forEach((k, v) -> x.put(k, Json.num(v)));
                    per.put(t, x);
                });
                out.println(Json.write(new Output(dir.toAbsolutePath().normalize().toString(), r.originals(),
                        r.queries(), r.distractors(), r.methods().stream().map(MethodJson::of).toList(), per, ts,
                        r.skipped())));
            } else {
                out.printf(Locale.ROOT, "neardup: %s: %d originals, %d transformed queries, %d distractors%n",
                        dir.toAbsolutePath().normalize(), r.originals(), r.queries(), r.distractors());
                printMethods(out, r.methods(), List.of(NearDuplicateEvaluation.R1, NearDuplicateEvaluation.R5,
                        NearDuplicateEvaluation.MRR, NearDuplicateEvaluation.UAP), List.of("recall@1", "recall@5", "MRR",
                        "uAP"));
                out.println();
                out.println("recall@1 per transform");
                List<String> methods = r.methods().stream().map(MethodScores::method).toList();
                StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-26s", "transform"));
                methods.forEach(m -> h.append(String.format(Locale.ROOT, " %10.10s", m)));
                out.println(h);
                r.perTransform().forEach((t, m) -> {
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-26s", t));
                    methods.forEach(x -> line.append(String.format(Locale.ROOT, " %10.4f",
                            m.getOrDefault(x, Double.NaN))));
                    out.println(line);
                });
                out.println();
                out.println("duplicate threshold (top-1 score): accepted = copies found at rank 1 scoring >= T; "
                        + "rejected = distractors scoring < T");
                out.printf(Locale.ROOT, "%-22s %9s %9s %9s %14s %17s %9s%n", "model", "T", "accepted", "rejected",
                        "lowest-true", "highest-distractor", "suggested");
                for (NearDuplicateEvaluation.ThresholdStats t : r.thresholds()) {
                    out.printf(Locale.ROOT, "%-22s %9.3f %9.4f %9.4f %14.4f %17.4f %9.3f%n", t.model(),
                            t.threshold(), t.accepted(), t.rejected(), t.lowestTrueTop1(), t.highestDistractor(),
                            t.suggested());
                }
                r.skipped().forEach(s -> out.println("skipped: " + s));
            }
            out.flush();
            return ImageSearchCli.EXIT_OK;
        }

        static List<NearDuplicateEvaluation.Query> readManifest(Path dir, Integer limit) {
            Path manifest = dir.resolve("manifest.tsv");
            List<String> lines;
            try {
                lines = Files.readAllLines(manifest);
            } catch (IOException e) {
                throw CliException.usage("cannot read " + manifest + ": " + e.getMessage()
                        + " (build the data sets with scripts/eval/build.sh)");
            }
            List<NearDuplicateEvaluation.Query> out = new ArrayList<>();
            Map<String, Integer> perTransform = new LinkedHashMap<>();
            int n = 0;
            for (String line : lines) {
                n++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length != 3) {
                    throw CliException.usage(manifest + " line " + n + ": expected 3 tab-separated fields, found "
                            + f.length);
                }
                if (limit != null && perTransform.merge(f[2], 1, Integer::sum) > limit) {
                    continue;
                }
                out.add(new NearDuplicateEvaluation.Query(dir.resolve(f[0]).toAbsolutePath().normalize(),
                        f[1].equals("-") ? null : dir.resolve(f[1]).toAbsolutePath().normalize(), f[2]));
            }
            if (out.isEmpty()) {
                throw CliException.usage(manifest + " lists no queries");
            }
            return out;
        }
    }
}
