package dev.imagesearch.cli;

import dev.imagesearch.ImageSearch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code imagesearch remove PATH...}: forgets indexed files (they need not exist any more). */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = {"Remove files from the index. The files themselves are not touched and need not exist. "
                + "An image's vector is deleted once no indexed path holds the same bytes."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every path was removed", "1:some path was not in the index (the others were removed)",
                "2:usage error"})
final class RemoveCommand implements Callable<Integer> {

    @ParentCommand
    ImageSearchCli root;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Indexed files to remove.")
    List<Path> paths;

    @Mixin
    IndexOptions index;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int missing = 0;
        try (ImageSearch search = root.openExisting(index)) {
            for (Path p : paths) {
                if (search.remove(p)) {
                    out.println("removed " + ImageSearch.locationOf(p));
                } else {
                    missing++;
                    err.println("imagesearch: not in the index: " + ImageSearch.locationOf(p));
                }
            }
        }
        out.flush();
        err.flush();
        return missing == 0 ? ImageSearchCli.EXIT_OK : ImageSearchCli.EXIT_ERROR;
    }
}
