package dev.imagesearch.cli;

import dev.imagesearch.image.ImageDecodeException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML page of search results: each query image and its results with rank, score and path.
 * Images are embedded as {@code data:} URIs and all text is escaped, so the page can be moved or mailed and a
 * file name cannot inject markup.
 */
final class HtmlReport {

    /** Makes a thumbnail of an image file as a {@code data:} URI. */
    @FunctionalInterface
    interface Thumbnailer {
        String dataUri(Path file) throws ImageDecodeException;
    }

    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
            h1{font-size:1.4em}
            section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:1em;margin:1em 0}
            .query{display:flex;gap:1em;align-items:flex-start;margin-bottom:.8em}
            .results{display:flex;flex-wrap:wrap;gap:.8em}
            figure{margin:0;width:256px}
            figure img{max-width:256px;max-height:256px;display:block;border:1px solid #ccc}
            figcaption{font-size:.8em;word-break:break-all;margin-top:.3em}
            .rank{font-weight:bold}.score{font-family:monospace}
            .missing{width:256px;height:96px;display:flex;align-items:center;justify-content:center;\
            background:#eee;color:#777;font-size:.8em;text-align:center;padding:.3em;box-sizing:border-box}
            .meta{color:#666}
            """;

    private final Thumbnailer thumbnailer;
    private final Map<String, String> cache = new HashMap<>(); // a result often recurs across queries

    HtmlReport(Thumbnailer thumbnailer) {
        this.thumbnailer = thumbnailer;
    }

    String render(List<QueryResult> results) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>imagesearch: similar images</title>\n<style>\n").append(STYLE)
                .append("</style>\n</head>\n<body>\n<h1>Similar images</h1>\n");
        if (!results.isEmpty()) {
            h.append("<p class=\"meta\">model ").append(escape(results.get(0).model())).append(", top ")
                    .append(results.get(0).k()).append("</p>\n");
        }
        for (QueryResult q : results) {
            h.append("<section>\n<div class=\"query\">");
            figure(h, q.query(), "query", "<span class=\"rank\">query</span><br>" + escape(q.query()));
            h.append("</div>\n");
            if (q.error() != null) {
                h.append("<p>No results: ").append(escape(q.error())).append("</p>\n");
            } else if (q.results().isEmpty()) {
                h.append("<p>No results: the index is empty.</p>\n");
            }
            h.append("<div class=\"results\">\n");
            for (QueryResult.Hit hit : q.results()) {
                String caption = "<span class=\"rank\">#" + hit.rank() + "</span> <span class=\"score\">"
                        + String.format(Locale.ROOT, "%.4f", hit.score()) + "</span><br>" + link(hit.location());
                figure(h, hit.location(), "result " + hit.rank(), caption);
                h.append('\n');
            }
            h.append("</div>\n</section>\n");
        }
        return h.append("</body>\n</html>\n").toString();
    }

    /**
     * The models' results side by side: per query, one row of thumbnails per model, with each model's score
     * distribution and the pairwise agreement.
     */
    String renderComparison(List<ComparisonResult> results) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>imagesearch: models compared</title>\n<style>\n").append(STYLE)
                .append(".model{display:flex;gap:.8em;align-items:flex-start;margin:.6em 0;overflow-x:auto}\n")
                .append(".model h2{font-size:1em;min-width:12em;margin:0}\n")
                .append("</style>\n</head>\n<body>\n<h1>Models compared</h1>\n");
        for (ComparisonResult r : results) {
            h.append("<section>\n<div class=\"query\">");
            figure(h, r.query(), "query", "<span class=\"rank\">query</span><br>" + escape(r.query()));
            h.append("</div>\n");
            for (ComparisonResult.PairJson p : r.pairs()) {
                h.append("<p class=\"meta\">").append(escape(p.a())).append(" vs ").append(escape(p.b()))
                        .append(": overlap@").append(r.k()).append(' ').append(num(p.overlap())).append(" (")
                        .append(p.shared()).append(" shared), Spearman ").append(num(p.spearman()))
                        .append(", Kendall ").append(num(p.kendall())).append(", mean score difference on shared ")
                        .append(num(p.meanScoreDelta())).append("</p>\n");
            }
            r.failures().forEach((m, why) -> h.append("<p class=\"meta\">").append(escape(m)).append(" left out: ")
                    .append(escape(why)).append("</p>\n"));
            for (ComparisonResult.ModelBlock b : r.models()) {
                h.append("<div class=\"model\"><h2>").append(escape(b.model())).append("<br><span class=\"meta\">")
                        .append("scores ").append(num(b.scores().get("min"))).append("–")
                        .append(num(b.scores().get("max"))).append(", mean ").append(num(b.scores().get("mean")))
                        .append("</span></h2>\n");
                if (b.results().isEmpty()) {
                    h.append("<p>No results: the index is empty.</p>");
                }
                for (QueryResult.Hit hit : b.results()) {
                    String caption = "<span class=\"rank\">#" + hit.rank() + "</span> <span class=\"score\">"
                            + String.format(Locale.ROOT, "%.4f", hit.score()) + "</span><br>" + link(hit.location());
                    figure(h, hit.location(), b.model() + " result " + hit.rank(), caption);
                }
                h.append("</div>\n");
            }
            h.append("</section>\n");
        }
        return h.append("</body>\n</html>\n").toString();
    }

    private static String num(Object v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.3f", ((Number) v).doubleValue());
    }

    private void figure(StringBuilder h, String location, String alt, String captionHtml) {
        h.append("<figure>");
        String uri = thumbnail(location);
        if (uri.startsWith("data:")) {
            h.append("<img src=\"").append(uri).append("\" alt=\"").append(escape(alt)).append("\">");
        } else {
            h.append("<div class=\"missing\">").append(escape(uri)).append("</div>");
        }
        h.append("<figcaption>").append(captionHtml).append("</figcaption></figure>");
    }

    /** A data URI, or else the reason there is none. */
    private String thumbnail(String location) {
        return cache.computeIfAbsent(location, loc -> {
            try {
                return thumbnailer.dataUri(Path.of(loc));
            } catch (ImageDecodeException | InvalidPathException e) {
                return "image unavailable: " + e.getMessage();
            } catch (RuntimeException e) {
                return "image unavailable: " + e;
            }
        });
    }

    private static String link(String location) {
        try {
            String uri = Path.of(location).toUri().toString();
            return "<a href=\"" + escape(uri) + "\">" + escape(location) + "</a>";
        } catch (InvalidPathException e) {
            return escape(location);
        }
    }

    /** Escapes text for HTML element content and quoted attribute values. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
