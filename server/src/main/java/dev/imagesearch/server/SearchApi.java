package dev.imagesearch.server;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.search.Match;
import dev.imagesearch.duplicates.DuplicateFinder;
import dev.imagesearch.duplicates.DuplicateGroup;
import dev.imagesearch.fusion.FusedMatch;
import dev.imagesearch.fusion.Fusion;
import dev.imagesearch.fusion.ModelResults;
import dev.imagesearch.fusion.MultiModelResult;
import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.image.ImageLimits;
import io.javalin.http.Context;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Search by upload or by indexed id, duplicate groups and index status. */
final class SearchApi {

    private final ImageSearch search;
    private final ServerConfig config;
    private final Gate gate;

    SearchApi(ImageSearch search, ServerConfig config) {
        this.search = search;
        this.config = config;
        this.gate = new Gate(config.maxConcurrentSearches(), config.queueTimeout());
    }

    /** {@code POST /api/search}: the body is the image. The upload is read only once a search slot is free. */
    void searchUpload(Context ctx) {
        Params p = params(ctx);
        Requests.json(ctx, gate.run(() -> {
            byte[] data = Requests.upload(ctx, config.uploadLimits());
            return search(decodeUpload(data), p, "upload");
        }));
    }

    /** {@code GET /api/images/{id}/similar}: searches with an indexed image's file. */
    void searchById(Context ctx) {
        ImageRecord record = Requests.record(search, ctx);
        Params p = params(ctx);
        Requests.json(ctx, gate.run(() -> {
            Path file = ImagesApi.localFile(record);
            BufferedImage image;
            try {
                image = search.decode(Files.readAllBytes(file));
            } catch (IOException | ImageDecodeException e) {
                throw ApiException.notFound("the file of image " + record.id() + " can no longer be read: "
                        + e.getMessage());
            }
            return search(image, p, "id:" + record.id());
        }));
    }

    /** The request's k, model and fusion, checked before any upload is read. */
    private record Params(int k, IndexedModel model, Fusion fusion) {
    }

    private Params params(Context ctx) {
        int k = Requests.intParam(ctx, "k", config.defaultK(), 1, config.maxK());
        String name = ctx.queryParam("model");
        IndexedModel model = null;
        if (name != null && !name.isBlank()) {
            try {
                model = search.model(name.strip());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        } else if (search.models().size() == 1) {
            model = search.models().get(0);
        }
        String f = ctx.queryParam("fusion");
        Fusion fusion;
        try {
            fusion = Fusion.parse(f == null || f.isBlank() ? "rrf" : f).build();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return new Params(k, model, fusion);
    }

    /** Checks the upload's pixel count from its header (413 above the limit), then decodes it as index does. */
    private BufferedImage decodeUpload(byte[] data) {
        ImageLimits limits = config.uploadLimits();
        try {
            int[] wh = ImageDecoder.dimensions(data);
            long pixels = (long) wh[0] * wh[1];
            if (pixels > limits.maxPixels() || wh[0] > limits.maxSide() || wh[1] > limits.maxSide()) {
                throw ApiException.tooLarge("the image is " + wh[0] + "x" + wh[1] + " (" + pixels + " pixels), "
                        + "above the limit of " + limits.maxPixels() + " pixels / " + limits.maxSide() + " per side");
            }
            return search.decode(data);
        } catch (ImageDecodeException e) {
            throw ApiException.badRequest("not a readable image: " + e.getMessage());
        }
    }

    private ApiViews.Search search(BufferedImage image, Params p, String query) {
        if (p.model() != null) {
            List<ApiViews.Hit> hits = hits(search.similar(p.model(), image, p.k()), Set.of(), Map.of());
            return new ApiViews.Search(query, p.k(), List.of(p.model().name()), null, hits,
                    List.of(new ApiViews.ModelList(p.model().name(), metric(p.model()), hits)), null);
        }
        MultiModelResult r = search.searchAll(image, p.k(), p.fusion());
        Map<String, Set<Long>> topIds = new LinkedHashMap<>();
        for (ModelResults m : r.perModel()) {
            Set<Long> ids = new HashSet<>();
            m.top(p.k()).forEach(x -> ids.add(x.id()));
            topIds.put(m.model(), ids);
        }
        List<ApiViews.ModelList> perModel = new ArrayList<>();
        for (ModelResults m : r.perModel()) {
            perModel.add(new ApiViews.ModelList(m.model(), m.metric().name().toLowerCase(Locale.ROOT),
                    hits(m.top(p.k()), Set.of(m.model()), topIds)));
        }
        List<ApiViews.Hit> fused = new ArrayList<>();
        for (FusedMatch f : r.fused()) {
            Map<String, ApiViews.ModelHit> models = new LinkedHashMap<>();
            f.perModel().forEach((m, h) -> models.put(m, new ApiViews.ModelHit(h.rank(), h.score())));
            fused.add(new ApiViews.Hit(f.rank(), f.score(), Long.toString(f.id()), Requests.name(f.location()),
                    f.location(), ImagesApi.thumbnailUrl(f.id()), models, null));
        }
        return new ApiViews.Search(query, p.k(), perModel.stream().map(ApiViews.ModelList::model).toList(),
                p.fusion().name(), fused, perModel, r.failures().isEmpty() ? null : r.failures());
    }

    /** Hits of one model's list; with several models, {@code alsoIn} names the other models whose top k has it. */
    private static List<ApiViews.Hit> hits(List<Match> matches, Set<String> self, Map<String, Set<Long>> topIds) {
        List<ApiViews.Hit> out = new ArrayList<>(matches.size());
        for (Match m : matches) {
            List<String> alsoIn = null;
            if (!topIds.isEmpty()) {
                alsoIn = new ArrayList<>();
                for (Map.Entry<String, Set<Long>> e : topIds.entrySet()) {
                    if (!self.contains(e.getKey()) && e.getValue().contains(m.id())) {
                        alsoIn.add(e.getKey());
                    }
                }
            }
            out.add(new ApiViews.Hit(m.rank(), m.score(), Long.toString(m.id()), Requests.name(m.location()),
                    m.location(), ImagesApi.thumbnailUrl(m.id()), null, alsoIn));
        }
        return out;
    }

    private static String metric(IndexedModel m) {
        return m.collection().spec().metric().name().toLowerCase(Locale.ROOT);
    }

    /** {@code GET /api/duplicates[?threshold=T&model=M&neighbours=N]}. */
    void duplicates(Context ctx) {
        DuplicateFinder.Builder b = DuplicateFinder.builder(search)
                .neighbours(Requests.intParam(ctx, "neighbours", DuplicateFinder.DEFAULT_NEIGHBOURS, 1, 100));
        String model = ctx.queryParam("model");
        if (model != null && !model.isBlank()) {
            try {
                b.model(search.model(model.strip()));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        String t = ctx.queryParam("threshold");
        if (t != null && !t.isBlank()) {
            double threshold;
            try {
                threshold = Double.parseDouble(t);
            } catch (NumberFormatException e) {
                threshold = Double.NaN;
            }
            if (!Double.isFinite(threshold)) {
                throw ApiException.badRequest("threshold must be a number, was '" + t + "'");
            }
            b.threshold(threshold);
        }
        DuplicateFinder finder = b.build();
        DuplicateFinder.Result r = gate.run(finder::find);
        List<ApiViews.Group> groups = new ArrayList<>();
        for (DuplicateGroup g : r.groups()) {
            List<ApiViews.Member> members = new ArrayList<>();
            for (DuplicateGroup.Member m : g.members()) {
                members.add(new ApiViews.Member(Long.toString(m.id()), Requests.name(m.location()), m.location(),
                        m.width(), m.height(), m.bytes(), members.isEmpty(), ImagesApi.thumbnailUrl(m.id())));
            }
            groups.add(new ApiViews.Group(g.minScore(), g.maxScore(), members));
        }
        Requests.json(ctx, new ApiViews.Duplicates(r.model(), r.threshold(), r.checked(), r.skipped(), groups));
    }

    /** {@code GET /api/stats}. */
    void stats(Context ctx) {
        List<ApiViews.Model> models = search.models().stream().map(m -> new ApiViews.Model(m.name(),
                m.collection().spec().dimension(), metric(m), m.collection().count())).toList();
        ImageLimits l = config.uploadLimits();
        Requests.json(ctx, new ApiViews.Stats(search.count(), models, config.backends(),
                new ApiViews.Limits(l.maxFileBytes(), l.maxPixels(), l.maxSide()), config.token().isPresent(),
                config.token().isPresent()));
    }
}
