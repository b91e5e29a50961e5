package dev.imagesearch.cli;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.IndexReport;
import dev.imagesearch.files.ImageFiles;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code imagesearch index DIR|FILE...}: embeds and stores image files, skipping those already indexed. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Index image files. Directories are searched recursively for "
                + "jpg, jpeg, png, gif, bmp, webp, tif, tiff and wbmp files; files named explicitly are indexed "
                + "whatever their extension.",
                "Files already indexed with the same content are skipped, so running it again only does new work. "
                        + "A file that cannot be read or decoded is listed in the summary and the rest go on."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (some files may have failed; they are listed)", "1:error", "2:usage error",
                "3:every file failed"})
final class IndexCommand implements Callable<Integer> {

    @ParentCommand
    ImageSearchCli root;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "DIR|FILE", description = "Directories and image files to index.")
    List<Path> inputs;

    @Mixin
    IndexOptions index;

    @Option(names = "--batch", paramLabel = "N",
            description = "Images embedded together (default: the model's preferred batch size).")
    Integer batch;

    @Option(names = "--threads", paramLabel = "N", description = "Image decoding threads (default: one per CPU).")
    Integer threads;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "Progress on stderr: auto (a bar on a terminal, a line every 5 s otherwise), bar, lines "
                    + "or none (default: ${DEFAULT-VALUE}).")
    Progress.Mode progress;

    @Override
    public Integer call() {
        if (batch != null && batch < 1) {
            throw CliException.usage("--batch must be at least 1, was " + batch);
        }
        if (threads != null && threads < 1) {
            throw CliException.usage("--threads must be at least 1, was " + threads);
        }
        Inputs found = collect(inputs);
        List<Path> files = found.files();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ImageSearch search = root.open(index, batch == null ? 0 : batch, threads == null ? 0 : threads)) {
            err.println("imagesearch: indexing " + files.size() + (files.size() == 1 ? " file" : " files")
                    + " with " + ImageSearchCli.modelNames(search) + " into " + index.store.describe());
            err.flush();
            Progress bar = new Progress(err, files.size(), progress, System::nanoTime);
            IndexReport report;
            try {
                report = search.index(files, bar).withSkipped(found.skipped());
            } finally {
                bar.finish();
            }
            printSummary(out, report);
            return exitCode(report);
        }
    }

    /** 3 when there was something to index and all of it failed; else 0. */
    static int exitCode(IndexReport report) {
        return report.total() > 0 && report.failed() == report.total()
                ? ImageSearchCli.EXIT_ALL_FAILED : ImageSearchCli.EXIT_OK;
    }

    static void printSummary(PrintWriter out, IndexReport r) {
        double seconds = r.elapsed().toNanos() / 1e9;
        out.printf(Locale.ROOT, "indexed:   %d (%d embedded, %d reused a stored vector)%n", r.indexed(),
                r.embedded(), r.indexed() - r.embedded());
        out.printf(Locale.ROOT, "unchanged: %d%n", r.unchanged());
        out.printf(Locale.ROOT, "failed:    %d%n", r.failed());
        for (var f : r.failures()) {
            out.println("  " + f.path() + ": " + f.reason());
        }
        if (!r.partialFailures().isEmpty()) {
            out.printf(Locale.ROOT, "partly:    %d (indexed, but one model could not embed them; the next run "
                    + "retries that model)%n", r.partialFailures().size());
            for (var f : r.partialFailures()) {
                out.println("  " + f.path() + ": " + f.model() + ": " + f.reason());
            }
        }
        if (!r.skipped().isEmpty()) {
            out.printf(Locale.ROOT, "skipped:   %d (not image files; nothing was opened)%n", r.skipped().size());
            for (var s : r.skipped()) {
                out.println("  " + s.path() + ": " + s.reason());
            }
        }
        out.printf(Locale.ROOT, "seen:      %d%n", r.entriesSeen());
        out.printf(Locale.ROOT, "elapsed:   %.1f s (%s img/s)%n", seconds,
                Progress.rate(r.total(), r.elapsed().toNanos()));
        out.flush();
    }

    /**
     * The files to index and the entries left out.
     *
     * @param files   in argument order, each once
     * @param skipped entries under the directories that are not image files, each with why
     */
    record Inputs(List<Path> files, List<ImageFiles.Skipped> skipped) {
    }

    /**
     * Expands the arguments into files, in argument order, each once: directories recursively (image files only,
     * sorted; every other entry is kept with its reason), files as given.
     */
    static Inputs collect(List<Path> inputs) {
        Set<Path> files = new LinkedHashSet<>();
        List<ImageFiles.Skipped> skipped = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try {
                    ImageFiles.Scan scan = ImageFiles.scan(input);
                    scan.images().forEach(p -> files.add(p.toAbsolutePath().normalize()));
                    skipped.addAll(scan.skipped());
                } catch (UncheckedIOException e) {
                    throw CliException.failure("cannot list " + input + ": " + e.getCause().getMessage(), e);
                }
            } else if (Files.exists(input, LinkOption.NOFOLLOW_LINKS)) {
                files.add(input.toAbsolutePath().normalize()); // reading it reports a dangling link or a FIFO
            } else {
                throw CliException.usage("no such file or directory: " + input);
            }
        }
        return new Inputs(new ArrayList<>(files), skipped);
    }
}
