package dev.imagesearch.cli;

import dev.imagesearch.ImageSearch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code imagesearch count}: the number of distinct indexed images. */
@Command(name = "count", mixinStandardHelpOptions = true,
        description = "Print the number of distinct indexed images (files with identical bytes count once).")
final class CountCommand implements Callable<Integer> {

    @ParentCommand
    ImageSearchCli root;

    @Spec
    CommandSpec spec;

    @Mixin
    IndexOptions index;

    @Override
    public Integer call() {
        try (ImageSearch search = root.openExisting(index)) {
            spec.commandLine().getOut().println(search.count());
            spec.commandLine().getOut().flush();
        }
        return ImageSearchCli.EXIT_OK;
    }
}
