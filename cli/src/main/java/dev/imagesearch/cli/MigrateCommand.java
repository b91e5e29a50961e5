package dev.imagesearch.cli;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.IndexMigration;
import dev.imagesearch.backend.Backends;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.store.VectorStore;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code imagesearch migrate --data DIR --to-store milvus://... --to-ids redis://...}: copy an index to servers. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Copy an index (every model given, and the id map) to Milvus and Redis without embedding "
                + "anything again. The source is --data (or --store/--ids); it is only read.",
                "Resumable: what the target already holds is skipped, so after an interruption run it again. "
                        + "Verified at the end: every vector and location must be in the target, and the target's "
                        + "vectors and id map must agree (as 'imagesearch verify').",
                "Exit code 0 when verified, 4 when not."})
final class MigrateCommand implements Callable<Integer> {

    @ParentCommand
    ImageSearchCli root;

    @Spec
    CommandSpec spec;

    @Mixin
    IndexOptions index;

    @Option(names = "--to-store", required = true, paramLabel = "URI",
            description = "Target vector store: milvus://HOST:PORT[?token=T&db=NAME&index=...] (milvuss:// for TLS).")
    String toStore;

    @Option(names = "--to-ids", required = true, paramLabel = "URI",
            description = "Target id map: redis://HOST:PORT[?namespace=NS] (rediss:// for TLS; several hosts = a "
                    + "cluster) or milvus://HOST:PORT[?namespace=NS].")
    String toIds;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1000",
            description = "Ids copied together (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() {
        if (batch < 1) {
            throw CliException.usage("--batch must be at least 1, was " + batch);
        }
        StoreOptions.checkTarget("--to-store", toStore, Backends.vectorStoreSchemes());
        StoreOptions.checkTarget("--to-ids", toIds, Backends.idMapperSchemes());
        PrintWriter out = spec.commandLine().getOut();
        List<AutoCloseable> targets = new ArrayList<>();
        try (ImageSearch source = root.openExisting(index)) {
            VectorStore target = StoreOptions.openStore("--to-store", toStore);
            targets.add(target);
            IdMapper ids = StoreOptions.openIds("--to-ids", toIds);
            targets.add(ids);
            IndexMigration.Report r = IndexMigration.builder(source, target, ids).batchSize(batch).build().run();
            for (String m : r.vectorsCopied().keySet()) {
                out.printf(Locale.ROOT, "%s: %d vectors copied, %d already there%n", m, r.vectorsCopied().get(m),
                        r.vectorsSkipped().get(m));
            }
            out.printf(Locale.ROOT, "locations: %d copied, %d already there%n", r.locationsCopied(),
                    r.locationsSkipped());
            r.missing().forEach(m -> out.println("missing from the target: " + m));
            r.consistency().forEach((m, c) -> out.println(m + ": target " + c));
            out.println(r.verified() ? "verified" : "NOT VERIFIED (run migrate again)");
            out.flush();
            return r.verified() ? ImageSearchCli.EXIT_OK : VerifyCommand.EXIT_INCONSISTENT;
        } finally {
            StoreOptions.closeQuietly(targets);
        }
    }
}
