package dev.imagesearch.spark;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.embed.Embedder;
import dev.imagesearch.milvus.MilvusVectorStore;
import dev.imagesearch.opencv.OpenCvJpegDecoder;
import dev.imagesearch.redis.RedisIdMapper;
import dev.imagesearch.testing.TestResources;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One test's own place on the shared servers that scripts/test.sh starts: a Milvus collection prefix and a Redis
 * namespace nobody else uses, dropped again by {@link #close()}.
 */
final class SparkServers implements AutoCloseable {

    final String store;
    final String ids;
    private final String milvusUri;
    private final String prefix;

    SparkServers() {
        String milvus = TestResources.setting("IMAGESEARCH_MILVUS_URI");
        String redis = TestResources.setting("IMAGESEARCH_REDIS_URI");
        String tag = "sp" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        this.milvusUri = milvus.replaceFirst("^https?://", "milvus://");
        this.prefix = tag + "_";
        this.store = milvusUri + "?prefix=" + prefix + "&index=FLAT";
        this.ids = redis + "?namespace=" + tag;
    }

    /** Settings for this place, with the models given (looked up in the provisioned cache). */
    IndexSettings.Builder settings(String... models) {
        return IndexSettings.builder(store, ids).models(List.of(models))
                .modelDirectory(TestResources.cache().resolve("models").toString());
    }

    /**
     * The index of this place opened as the CLI opens it ({@code imagesearch similar --store ... --ids ...}): the
     * library's builder with OpenCV's JPEG decoder where it loads and reduced decoding.
     */
    ImageSearch open(String... models) {
        for (String m : models) {
            TestResources.model(m);
        }
        List<Embedder> embedders = Models.load(List.of(models), TestResources.cache().resolve("models").toString(), 0);
        ImageSearch.Builder b = ImageSearch.builder().vectorStore(MilvusVectorStore.fromUri(store))
                .idMapper(RedisIdMapper.fromUri(ids, null))
                .jpegDecoder(Models.openCvLoads() ? OpenCvJpegDecoder.load() : null)
                .pngDecoder(Models.pngDecoder(Models.openCvLoads() ? IndexSettings.JpegDecoding.OPENCV
                        : IndexSettings.JpegDecoding.IMAGEIO))
                .embedder(embedders.get(0));
        embedders.subList(1, embedders.size()).forEach(b::addEmbedder);
        return b.build();
    }

    static Path samplePhotos() {
        return TestResources.existing(TestResources.cache().resolve("photos").resolve("sample"),
                "sample photos (run scripts/provision.sh)");
    }

    @Override
    public void close() {
        ExecutorSessions.closeAll();
        try (MilvusVectorStore m = MilvusVectorStore.fromUri(milvusUri)) {
            for (String name : m.collectionNames()) {
                if (name.startsWith(prefix)) {
                    m.dropCollection(name);
                }
            }
        }
        try (RedisIdMapper r = RedisIdMapper.fromUri(ids, null)) {
            List<Long> all = new java.util.ArrayList<>();
            r.forEachId(all::add);
            all.forEach(r::removeId);
        }
    }
}
