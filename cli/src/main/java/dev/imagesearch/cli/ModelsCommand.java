package dev.imagesearch.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code imagesearch models}: the provisioned models. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the provisioned models that --model accepts by name.")
final class ModelsCommand implements Callable<Integer> {

    @ParentCommand
    ImageSearchCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--model-dir", paramLabel = "DIR",
            description = "Model catalog directory (default: <cache>/models).")
    Path directory;

    @Override
    public Integer call() {
        ModelSource source = root.models();
        Path dir = directory != null ? directory : source.defaultDirectory();
        List<ModelSource.ModelInfo> models = source.list(dir);
        PrintWriter out = spec.commandLine().getOut();
        if (models.isEmpty()) {
            spec.commandLine().getErr().println("imagesearch: no models in " + dir
                    + " (provision them with scripts/models/provision.sh)");
            spec.commandLine().getErr().flush();
            return ImageSearchCli.EXIT_OK;
        }
        int nameWidth = Math.max(4, models.stream().mapToInt(m -> m.name().length()).max().orElse(0));
        int presetWidth = Math.max(6, models.stream().mapToInt(m -> String.valueOf(m.preset()).length()).max()
                .orElse(0));
        String row = "%-" + nameWidth + "s  %9s  %-" + presetWidth + "s  %s%n";
        out.printf(row, "NAME", "DIMENSION", "PRESET", "PATH");
        for (ModelSource.ModelInfo m : models) {
            out.printf(row, m.name(), m.dimension(), m.preset(), m.path());
        }
        out.flush();
        return ImageSearchCli.EXIT_OK;
    }
}
