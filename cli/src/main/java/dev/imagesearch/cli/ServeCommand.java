package dev.imagesearch.cli;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.server.ImageSearchServer;
import dev.imagesearch.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code imagesearch serve}: the search page and the JSON HTTP API over an index (docs/API.md). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a web page to search the index from, and a JSON HTTP API (docs/API.md).",
                "Listens on 127.0.0.1:8080 unless told otherwise; any other address needs a bearer token. "
                        + "Stops on Ctrl+C."})
final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    ImageSearchCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = ServerConfig.DEFAULT_HOST,
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only). A non-loopback "
                    + "address such as 0.0.0.0 needs --token-file or IMAGESEARCH_TOKEN.")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ServerConfig.DEFAULT_PORT,
            description = "Port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File holding a bearer token (at least " + ServerConfig.MIN_TOKEN_LENGTH + " characters) "
                    + "that every API call must send; it also enables POST /api/index and /api/remove. Or set the "
                    + "env IMAGESEARCH_TOKEN. Default: no token.")
    Path tokenFile;

    @Option(names = "--cors-origin", paramLabel = "ORIGIN",
            description = "Allow browser pages from this origin (scheme://host[:port]) to call the API; repeatable. "
                    + "Default: none.")
    List<String> corsOrigins;

    @Option(names = "--max-upload-mb", paramLabel = "MB", defaultValue = "20",
            description = "Largest query image accepted, in MiB (default: ${DEFAULT-VALUE}; larger: HTTP 413).")
    int maxUploadMb;

    @Option(names = "--max-concurrent", paramLabel = "N", defaultValue = "0",
            description = "Searches run at once; others wait (default: one per processor).")
    int maxConcurrent;

    @Mixin
    IndexOptions index;

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = config();
        quietServerLogging();
        ImageSearch search = root.openExisting(index);
        ImageSearchServer server;
        try {
            server = ImageSearchServer.start(search, config);
        } catch (RuntimeException e) {
            search.close();
            throw CliException.failure(e.getMessage(), e);
        }
        Thread hook = new Thread(() -> {
            server.close();
            search.close();
        }, "imagesearch-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter out = spec.commandLine().getOut();
        out.println("imagesearch: serving " + search.count() + " images (" + ImageSearchCli.modelNames(search)
                + ") at " + server.uri());
        out.flush();
        server.join();
        return ImageSearchCli.EXIT_OK;
    }

    /** Jetty's and Javalin's start-up lines at INFO would bury the one line that says where to go. */
    private static void quietServerLogging() {
        for (String logger : new String[] {"io.javalin", "org.eclipse.jetty"}) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "warn");
            }
        }
    }

    private ServerConfig config() {
        try {
            ServerConfig.Builder b = ServerConfig.builder().host(host).port(port).token(token())
                    .uploadLimits(ServerConfig.DEFAULT_UPLOAD_LIMITS.withMaxFileBytes((long) maxUploadMb << 20));
            if (maxUploadMb < 1) {
                throw new IllegalArgumentException("--max-upload-mb must be at least 1, was " + maxUploadMb);
            }
            if (maxConcurrent < 0) {
                throw new IllegalArgumentException("--max-concurrent must be >= 0, was " + maxConcurrent);
            }
            if (maxConcurrent > 0) {
                b.maxConcurrentSearches(maxConcurrent);
            }
            if (corsOrigins != null) {
                corsOrigins.forEach(b::corsOrigin);
            }
            b.backend("store", describe(index.store.store, index.store.data));
            b.backend("ids", describe(index.store.ids, index.store.data));
            return b.build();
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    private String token() {
        String env = System.getenv("IMAGESEARCH_TOKEN");
        if (tokenFile == null) {
            return env == null || env.isBlank() ? null : env;
        }
        try {
            return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw CliException.usage("--token-file " + tokenFile + ": cannot read it: " + e.getMessage());
        }
    }

    /** A backend for the status page, without credentials: {@code embedded (DIR)} or {@code scheme://host:port}. */
    static String describe(String uri, Path data) {
        if (uri == null || uri.isBlank() || uri.strip().equalsIgnoreCase("embedded")) {
            return "embedded (" + data.toAbsolutePath().normalize() + ")";
        }
        try {
            URI u = new URI(uri.strip());
            String authority = u.getRawAuthority() == null ? "" : u.getRawAuthority();
            return u.getScheme() + "://" + authority.substring(authority.lastIndexOf('@') + 1);
        } catch (java.net.URISyntaxException e) {
            return "(invalid URI)";
        }
    }
}
