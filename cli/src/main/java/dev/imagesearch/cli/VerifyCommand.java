package dev.imagesearch.cli;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.Reconciler;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code imagesearch verify [--repair]}: do the vector store and the id map agree? */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check that the vector store and the id map agree (after a crash or a server outage between "
                + "their writes), and with --repair delete vectors that no location points to.",
                "Exit code 0 when consistent (or repaired), 4 when inconsistent and not repaired."})
final class VerifyCommand implements Callable<Integer> {

    static final int EXIT_INCONSISTENT = 4;

    @ParentCommand
    ImageSearchCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--repair", description = "Delete vectors without a location; locations without a vector are "
            + "re-embedded by the next index run.")
    boolean repair;

    @Mixin
    IndexOptions index;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (ImageSearch search = root.openExisting(index)) {
            Reconciler.Report r = repair ? search.repair() : search.verify();
            out.printf("vectors checked:          %d%n", r.vectorsChecked());
            out.printf("locations' ids checked:   %d%n", r.mappingsChecked());
            out.printf("vectors without location: %d%s%n", r.vectorsWithoutMapping().size(),
                    repair && !r.vectorsWithoutMapping().isEmpty() ? " (deleted)" : "");
            out.printf("ids without vector:       %d%s%n", r.mappingsWithoutVector().size(),
                    r.mappingsWithoutVector().isEmpty() ? "" : " (run index again to re-embed them)");
            out.println(r.consistent() ? "consistent" : repair ? "repaired" : "INCONSISTENT (run verify --repair)");
            out.flush();
            boolean fine = r.consistent() || (repair && r.mappingsWithoutVector().isEmpty());
            return fine ? ImageSearchCli.EXIT_OK : EXIT_INCONSISTENT;
        }
    }
}
