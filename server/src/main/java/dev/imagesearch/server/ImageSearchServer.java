package dev.imagesearch.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesearch.ImageSearch;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.net.URI;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A web page and a JSON HTTP API over an open {@link ImageSearch}, on Javalin (embedded Jetty). See docs/API.md.
 *
 * <pre>{@code
 * try (ImageSearchServer server = ImageSearchServer.start(search, ServerConfig.builder().build())) {
 *     System.out.println(server.uri());   // http://127.0.0.1:8080/
 *     server.join();
 * }
 * }</pre>
 *
 * <p>The server does not own the {@code ImageSearch}: closing the server leaves it open.
 */
public final class ImageSearchServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImageSearchServer.class);

    private final Javalin app;
    private final ServerConfig config;
    private final Object stopped = new Object();
    private boolean closed;

    private ImageSearchServer(Javalin app, ServerConfig config) {
        this.app = app;
        this.config = config;
    }

    /**
     * Starts serving {@code search}.
     *
     * @throws IllegalStateException if the port cannot be bound
     */
    public static ImageSearchServer start(ImageSearch search, ServerConfig config) {
        Objects.requireNonNull(search, "search");
        Objects.requireNonNull(config, "config");
        ObjectMapper json = new ObjectMapper();
        Guards guards = new Guards(config);
        SearchApi searchApi = new SearchApi(search, config);
        ImagesApi imagesApi = new ImagesApi(search, config);
        IndexApi indexApi = new IndexApi(search, config, imagesApi::changed);
        WebAssets assets = WebAssets.load();
        Javalin app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.jetty.host = config.host();
            c.jetty.port = config.port();
            JsonErrorHandler jettyErrors = new JsonErrorHandler(json);
            c.jetty.modifyServer(server -> server.setErrorHandler(jettyErrors));
            c.jetty.modifyServletContextHandler(context -> context.setErrorHandler(jettyErrors));
            if (!config.corsOrigins().isEmpty()) {
                c.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                    rule.allowHost(config.corsOrigins().get(0),
                            config.corsOrigins().subList(1, config.corsOrigins().size()).toArray(String[]::new));
                    rule.exposeHeader("Content-Type");
                }));
            }
            c.routes.before(guards::check);
            c.routes.get("/", ctx -> assets.serve(ctx, "index.html"));
            c.routes.get("/app.js", ctx -> assets.serve(ctx, "app.js"));
            c.routes.get("/app.css", ctx -> assets.serve(ctx, "app.css"));
            c.routes.get("/api/stats", searchApi::stats);
            c.routes.post("/api/search", searchApi::searchUpload);
            c.routes.get("/api/images", imagesApi::images);
            c.routes.get("/api/images/{id}", imagesApi::image);
            c.routes.get("/api/images/{id}/similar", searchApi::searchById);
            c.routes.get("/api/images/{id}/thumbnail", imagesApi::thumbnail);
            c.routes.get("/api/images/{id}/original", imagesApi::original);
            c.routes.get("/api/duplicates", searchApi::duplicates);
            c.routes.post("/api/index", indexApi::index);
            c.routes.post("/api/remove", indexApi::remove);
            c.routes.exception(ApiException.class, (e, ctx) -> error(ctx, json, e.status(), e.getMessage()));
            c.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, json, e.getStatus(),
                    e.getStatus() == 404 ? "not found: " + ctx.method() + " " + ctx.path() : e.getMessage()));
            c.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, json, 500, "internal error: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            });
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot listen on " + config.host() + ":" + config.port() + ": "
                    + rootMessage(e), e);
        }
        return new ImageSearchServer(app, config);
    }

    static void error(Context ctx, ObjectMapper json, int status, String message) {
        ctx.status(status);
        if (status == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"imagesearch\"");
        }
        try {
            ctx.contentType("application/json").result(json.writeValueAsString(new ApiViews.Error(status, message)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** The port listened on (the chosen one when the configuration asked for port 0). */
    public int port() {
        return app.port();
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        String h = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create("http://" + h + ":" + port() + "/");
    }

    /** Waits until {@link #close()} is called (from another thread or a shutdown hook). */
    public void join() throws InterruptedException {
        synchronized (stopped) {
            while (!closed) {
                stopped.wait();
            }
        }
    }

    /** Stops listening. The {@code ImageSearch} stays open. */
    @Override
    public void close() {
        synchronized (stopped) {
            if (closed) {
                return;
            }
            closed = true;
            app.stop();
            stopped.notifyAll();
        }
    }
}
