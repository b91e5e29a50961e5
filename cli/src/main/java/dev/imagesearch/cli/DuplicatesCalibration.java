package dev.imagesearch.cli;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.IndexedModel;
import dev.imagesearch.duplicates.DuplicateCalibration;
import dev.imagesearch.duplicates.DuplicateFinder;
import dev.imagesearch.idmap.ImageRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/** {@code imagesearch duplicates --calibrate MANIFEST}: the P/R curve over thresholds and the best threshold. */
final class DuplicatesCalibration {

    /** Thresholds swept: 0.50, 0.51, ..., 0.99 (cosine). */
    static final List<Double> THRESHOLDS = java.util.stream.IntStream.rangeClosed(50, 99)
            .mapToObj(i -> i / 100.0).toList();

    private DuplicatesCalibration() {
    }

    /**
     * Calibrates the builder's finder; with {@code eachModel}, also every model of the index alone (the threshold
     * that goes into each model's metadata) before the fused finder.
     */
    static int run(ImageSearch search, DuplicateFinder.Builder builder, boolean eachModel, Path manifest,
                   OutputFormat format, CommandSpec spec) {
        Map<Long, String> labels = labels(search, manifest);
        List<DuplicateFinder> finders = new ArrayList<>();
        if (eachModel && search.models().size() > 1) {
            for (IndexedModel m : search.models()) {
                finders.add(builder.model(m).build());
            }
            finders.add(builder.models(search.models()).build());
        } else {
            finders.add(builder.build());
        }
        List<DuplicateCalibration.Report> reports = new ArrayList<>();
        for (DuplicateFinder f : finders) {
            reports.add(DuplicateCalibration.run(f, labels, THRESHOLDS));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.JSON) {
            List<Map<String, Object>> json = new ArrayList<>();
            for (DuplicateCalibration.Report r : reports) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("model", r.model());
                o.put("labelled", r.labelled());
                o.put("unlabelled", r.unlabelled());
                o.put("best", point(r.best()));
                o.put("curve", r.curve().stream().map(DuplicatesCalibration::point).toList());
                json.add(o);
            }
            out.println(Json.write(json));
        } else {
            for (DuplicateCalibration.Report r : reports) {
                out.printf(Locale.ROOT, "%s (linkage %s): %d labelled images, %d unlabelled%n", r.model(),
                        finders.get(reports.indexOf(r)).linkage().name().toLowerCase(Locale.ROOT), r.labelled(),
                        r.unlabelled());
                out.printf(Locale.ROOT, "  %-9s %6s %9s %9s %9s %7s %7s %7s%n", "threshold", "groups", "predicted",
                        "true", "correct", "P", "R", "F1");
                for (DuplicateCalibration.Point p : r.curve()) {
                    out.printf(Locale.ROOT, "  %-9.2f %6d %9d %9d %9d %7.4f %7.4f %7.4f%s%n", p.threshold(),
                            p.groups(), p.predictedPairs(), p.truePairs(), p.correctPairs(), p.precision(),
                            p.recall(), p.f1(), p == r.best() ? "  <- best" : "");
                }
                if (!r.model().contains("+")) {
                    out.printf(Locale.ROOT, "  best: duplicates.threshold=%.2f   (P %.4f, R %.4f, F1 %.4f)%n%n",
                            r.best().threshold(), r.best().precision(), r.best().recall(), r.best().f1());
                } else {
                    out.printf(Locale.ROOT, "  best fused threshold (first model's units): %.2f (F1 %.4f)%n%n",
                            r.best().threshold(), r.best().f1());
                }
            }
        }
        out.flush();
        return ImageSearchCli.EXIT_OK;
    }

    private static Map<String, Object> point(DuplicateCalibration.Point p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("threshold", p.threshold());
        o.put("groups", p.groups());
        o.put("predictedPairs", p.predictedPairs());
        o.put("truePairs", p.truePairs());
        o.put("correctPairs", p.correctPairs());
        o.put("precision", p.precision());
        o.put("recall", p.recall());
        o.put("f1", p.f1());
        return o;
    }

    /** image id → group, from the manifest's 'image<TAB>group' lines (images not in the index are an error). */
    private static Map<Long, String> labels(ImageSearch search, Path manifest) {
        List<String> lines;
        try {
            lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CliException.usage("--calibrate: cannot read " + manifest + ": " + e.getMessage());
        }
        Path dir = manifest.toAbsolutePath().getParent();
        Map<String, String> byLocation = new LinkedHashMap<>();
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length < 2 || f[1].isBlank()) {
                throw CliException.usage("--calibrate: " + manifest + " line " + n + " is not 'image<TAB>group'");
            }
            byLocation.put(ImageSearch.locationOf(dir.resolve(f[0])), f[1]);
        }
        Map<String, ImageRecord> records = search.idMapper().lookupAll(byLocation.keySet());
        List<String> missing = byLocation.keySet().stream().filter(l -> !records.containsKey(l)).toList();
        if (!missing.isEmpty()) {
            throw CliException.usage("--calibrate: " + missing.size() + " of " + byLocation.size()
                    + " images of " + manifest + " are not in the index (index them first), e.g. " + missing.get(0));
        }
        Map<Long, String> labels = new HashMap<>();
        records.forEach((location, r) -> labels.put(r.id(), byLocation.get(location)));
        return labels;
    }
}
