package dev.imagesearch.milvus;

import dev.imagesearch.testing.TestResources;

/** The test server as a {@code milvus://} URI, as a user would write it. */
final class MilvusViaUri {

    private MilvusViaUri() {
    }

    /** {@code milvus://HOST:PORT} of {@code IMAGESEARCH_MILVUS_URI} (which the start script gives as http://). */
    static String uri() {
        MilvusConfig c = MilvusConfig.parse(TestResources.setting("IMAGESEARCH_MILVUS_URI"));
        return c.uri().replaceFirst("^http://", "milvus://").replaceFirst("^https://", "milvuss://");
    }
}
