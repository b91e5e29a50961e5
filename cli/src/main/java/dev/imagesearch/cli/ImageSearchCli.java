package dev.imagesearch.cli;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.embed.Embedder;
import dev.imagesearch.image.PngDecoder;
import dev.imagesearch.image.ScaledJpegDecoder;
import dev.imagesearch.store.CollectionMismatchException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code imagesearch} command: index image files and find similar ones. See {@code docs/CLI.md}.
 *
 * <p>Errors a user can fix print one line, {@code imagesearch: error: ...}, and no stack trace unless
 * {@code --verbose} is given.
 */
@Command(name = "imagesearch", mixinStandardHelpOptions = true, versionProvider = ImageSearchCli.Version.class,
        description = "Index image files and find visually similar images with a pretrained ONNX model.",
        subcommands = {IndexCommand.class, SimilarCommand.class, ModelsCommand.class, CountCommand.class,
                RemoveCommand.class, VerifyCommand.class, CompareCommand.class, DuplicatesCommand.class,
                EvalCommand.class, MigrateCommand.class, ServeCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success (index: also when some files failed; they are listed)",
                "1:error while running (model, store, I/O, data directory in use)",
                "2:usage error (bad option, missing file, unknown model)",
                "3:index: every file failed"})
public final class ImageSearchCli implements Callable<Integer> {

    public static final int EXIT_OK = 0;
    public static final int EXIT_ERROR = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_ALL_FAILED = 3;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Show debug logging and stack traces of errors.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    private final ModelSource models;

    /** The CLI with the ONNX model catalog. */
    public ImageSearchCli() {
        this(new OnnxModelSource());
    }

    /** The CLI with another model source (tests). */
    public ImageSearchCli(ModelSource models) {
        this.models = Objects.requireNonNull(models, "models");
    }

    private static final Logger LOG = LoggerFactory.getLogger(ImageSearchCli.class);

    /** Stack of the thread that runs commands; see {@link #main}. */
    static final long STACK_BYTES = 64L << 20;

    public static void main(String[] args) throws InterruptedException {
        CliLogging.configure(CliLogging.verboseRequested(args)); // before any library logger exists
        // ONNX Runtime's session creation (native code) overflowed the launcher's 1 MB main-thread stack and
        // crashed the JVM with SIGSEGV when the class path was long, so commands run on a thread with room.
        int[] exit = {EXIT_ERROR};
        Thread worker = new Thread(null, () -> exit[0] = commandLine(new ImageSearchCli()).execute(args),
                "imagesearch", STACK_BYTES);
        worker.start();
        worker.join();
        System.exit(exit[0]);
    }

    /** A configured command line around {@code cli}: error handlers, case-insensitive enum values. */
    public static CommandLine commandLine(ImageSearchCli cli) {
        CommandLine cl = new CommandLine(cli);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(new UsageErrorHandler());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "a command is required: index, similar, compare, duplicates, eval, serve, models, count, remove or verify");
    }

    ModelSource models() {
        return models;
    }

    /**
     * Loads the model and opens the index.
     *
     * @param batch   files per batch, or 0 for the model's preferred size
     * @param threads decoding threads, or 0 for one per processor
     */
    ImageSearch open(IndexOptions index, int batch, int threads) {
        return open(index.model, index.store, batch, threads);
    }

    /** {@link #open(IndexOptions, int, int)} with the options one by one (eval keeps its own store). */
    ImageSearch open(ModelAndDecoderOptions model, StoreOptions store, int batch, int threads) {
        return open(() -> ImageSearch.builder().batchSize(batch).decodeThreads(threads), model, store);
    }

    /**
     * Opens an existing index for reading: a missing data directory, or a model that was never indexed there,
     * fails with a clear message (naming the collections the store does hold) instead of creating an empty one.
     */
    ImageSearch openExisting(IndexOptions index) {
        index.store.requireExistingIndex();
        return open(() -> ImageSearch.builder().decodeThreads(1).existingCollectionsOnly(true), index.model,
                index.store);
    }

    /**
     * Opens with the JPEG decoder {@code --jpeg-decoder} asks for. With {@code auto}, an existing index built with
     * ImageIO decoding (by an older version, or where OpenCV did not load) is opened with ImageIO again rather than
     * refused: {@code auto} means "what the index was built with, else OpenCV".
     */
    private ImageSearch open(Supplier<ImageSearch.Builder> builder, ModelAndDecoderOptions model, StoreOptions store) {
        ScaledJpegDecoder jpeg = model.jpegDecoder(this::warn);
        PngDecoder png = model.pngDecoder(); // same pixels as ImageIO: no part of the fingerprint, kept either way
        try {
            return open(builder.get().jpegDecoder(jpeg).pngDecoder(png), model, store);
        } catch (CollectionMismatchException e) {
            if (jpeg == null || model.jpegDecoder != ModelAndDecoderOptions.JpegDecoderChoice.AUTO || !builtWithout(jpeg, e)) {
                throw e;
            }
            LOG.info("The index was built with ImageIO JPEG decoding; reading it the same way");
            return open(builder.get().jpegDecoder(null).pngDecoder(png), model, store);
        }
    }

    /** Whether the mismatch is only that the collection was made without {@code jpeg} (the CLI decodes reduced). */
    private static boolean builtWithout(ScaledJpegDecoder jpeg, CollectionMismatchException e) {
        String with = ImageSearch.decodingPolicy(true, jpeg);
        String requested = e.requested().orElse("");
        return e.what().orElse("").equals("model fingerprint") && requested.contains(with)
                && requested.replace(with, ImageSearch.decodingPolicy(true, null)).equals(e.existing().orElse(""));
    }

    private ImageSearch open(ImageSearch.Builder builder, ModelAndDecoderOptions model, StoreOptions store) {
        List<AutoCloseable> servers = store.configure(builder); // connects before the models are loaded
        List<Embedder> loaded = new ArrayList<>();
        try {
            for (String name : model.names()) {
                Embedder e = models.load(model.directory(models), name, model.preset);
                loaded.add(e);
                if (loaded.size() == 1) {
                    builder.embedder(e);
                } else {
                    builder.addEmbedder(e);
                }
            }
            return builder.build();
        } catch (RuntimeException e) {
            loaded.forEach(Embedder::close);
            StoreOptions.closeQuietly(servers);
            throw e;
        }
    }

    /**
     * One {@code imagesearch: warning: ...} line on standard error, for what a user should know although the command
     * goes on (library WARN logging is off by default, see {@link CliLogging}).
     */
    void warn(String message) {
        PrintWriter err = spec != null ? spec.commandLine().getErr() : new PrintWriter(System.err, true);
        err.println("imagesearch: warning: " + message);
        err.flush();
    }

    /** The models of an index as {@code a, b, c}. */
    static String modelNames(ImageSearch search) {
        return String.join(", ", search.models().stream().map(dev.imagesearch.IndexedModel::name).toList());
    }

    /** Prints one error line, with the stack trace only when asked for. */
    static void printError(CommandLine cl, ParseResult parsed, Throwable e, String message) {
        PrintWriter err = cl.getErr();
        err.println(cl.getColorScheme().errorText("imagesearch: error: " + message));
        if (isVerbose(parsed)) {
            // asked for with --verbose: the whole cause chain, on the command's error stream
            for (Throwable t = e; t != null; t = t.getCause()) {
                err.println((t == e ? "" : "Caused by: ") + t);
                for (StackTraceElement frame : t.getStackTrace()) {
                    err.println("\tat " + frame);
                }
            }
        }
        err.flush();
    }

    private static boolean isVerbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Maps exceptions from commands to one line and an exit code. */
    static final class ErrorHandler implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
            if (e instanceof CliException c) {
                printError(cl, parsed, e, c.getMessage());
                return c.exitCode();
            }
            if (e instanceof CollectionMismatchException m) {
                printError(cl, parsed, e, e.getMessage() + decodingHint(m));
                return EXIT_ERROR;
            }
            String message = e.getMessage() == null || e.getMessage().isBlank()
                    ? e.getClass().getName() : e.getMessage();
            if (!isVerbose(parsed)) {
                message += " (run with --verbose for details)";
            }
            printError(cl, parsed, e, message);
            return EXIT_ERROR;
        }
    }

    /**
     * When only the decoding part ({@code ;decode=...}) of the fingerprints differs: which decoding the index was
     * built with, in the CLI's terms. Empty otherwise (another model, another preprocessing).
     */
    static String decodingHint(CollectionMismatchException e) {
        if (!e.what().orElse("").equals("model fingerprint")) {
            return "";
        }
        String[] existing = splitDecoding(e.existing().orElse(""));
        String[] requested = splitDecoding(e.requested().orElse(""));
        if (!existing[0].equals(requested[0])) {
            return "";
        }
        if (!existing[1].contains("reduced")) { // the CLI always decodes at reduced resolution
            return " (the index was built with full-resolution decoding, e.g. by an older version, which the CLI "
                    + "does not read: index into another --data directory)";
        }
        int jpeg = existing[1].indexOf("jpeg=");
        return " (the index was built with --jpeg-decoder " + (jpeg < 0 ? "imageio" : existing[1].substring(jpeg + 5))
                + ": pass the one it was built with)";
    }

    /** {model part, decoding part} of a fingerprint as the exception quotes it. */
    private static String[] splitDecoding(String fingerprint) {
        String f = fingerprint.length() >= 2 && fingerprint.startsWith("'") && fingerprint.endsWith("'")
                ? fingerprint.substring(1, fingerprint.length() - 1) : fingerprint;
        int d = f.indexOf(";decode=");
        return d < 0 ? new String[] {f, ""} : new String[] {f.substring(0, d), f.substring(d + 8)};
    }

    /** Argument errors: one line naming the problem and where to read more; exit code 2. */
    static final class UsageErrorHandler implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException e, String[] args) {
            CommandLine cl = e.getCommandLine();
            String name = cl.getCommandSpec().qualifiedName();
            printError(cl, cl.getParseResult(), e, e.getMessage() + " (see '" + name + " --help')");
            return EXIT_USAGE;
        }
    }

    /** The version from the jar manifest, or "development" when run from classes. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ImageSearchCli.class.getPackage().getImplementationVersion();
            return new String[] {"imagesearch " + (v != null ? v : "(development build)"),
                    "Java " + System.getProperty("java.version") + " on " + System.getProperty("os.name") + " "
                            + System.getProperty("os.arch")};
        }
    }
}
