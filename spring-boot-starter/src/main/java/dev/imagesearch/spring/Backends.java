package dev.imagesearch.spring;

import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.milvus.MilvusIdMapper;
import dev.imagesearch.milvus.MilvusVectorStore;
import dev.imagesearch.redis.RedisIdMapper;
import dev.imagesearch.store.VectorStore;
import java.util.Locale;
import org.springframework.util.ClassUtils;

/**
 * Opens the Milvus and Redis backends named by URI. Their modules are optional: each is touched only when its URI
 * is configured, and a missing module is one clear message.
 */
final class Backends {

    private Backends() {
    }

    static boolean embedded(String uri) {
        return uri == null || uri.isBlank() || uri.strip().equalsIgnoreCase("embedded");
    }

    static VectorStore store(String uri) {
        String scheme = scheme(uri);
        if (!scheme.startsWith("milvus")) {
            throw new IllegalArgumentException("imagesearch.store-uri '" + uri + "' is not supported: expected "
                    + "'embedded' or milvus://HOST:PORT");
        }
        require("dev.imagesearch.milvus.MilvusVectorStore", "imagesearch-milvus-store", "imagesearch.store-uri");
        return Milvus.store(uri.strip());
    }

    static IdMapper ids(String uri) {
        String scheme = scheme(uri);
        if (scheme.startsWith("milvus")) {
            require("dev.imagesearch.milvus.MilvusIdMapper", "imagesearch-milvus-store", "imagesearch.ids-uri");
            return Milvus.ids(uri.strip());
        }
        if (scheme.startsWith("redis")) {
            require("dev.imagesearch.redis.RedisIdMapper", "imagesearch-redis-idmap", "imagesearch.ids-uri");
            return Redis.ids(uri.strip());
        }
        throw new IllegalArgumentException("imagesearch.ids-uri '" + uri + "' is not supported: expected 'embedded', "
                + "redis://HOST:PORT or milvus://HOST:PORT");
    }

    private static String scheme(String uri) {
        int colon = uri.indexOf("://");
        return colon < 0 ? "" : uri.strip().substring(0, colon).toLowerCase(Locale.ROOT);
    }

    private static void require(String className, String artifact, String property) {
        if (!ClassUtils.isPresent(className, Backends.class.getClassLoader())) {
            throw new IllegalStateException(property + " needs the dev.imagesearch:" + artifact
                    + " dependency on the class path");
        }
    }

    /** Loaded only when a Milvus URI is configured. */
    private static final class Milvus {
        static VectorStore store(String uri) {
            return MilvusVectorStore.fromUri(uri);
        }

        static IdMapper ids(String uri) {
            return MilvusIdMapper.fromUri(uri, null);
        }
    }

    /** Loaded only when a Redis URI is configured. */
    private static final class Redis {
        static IdMapper ids(String uri) {
            return RedisIdMapper.fromUri(uri, null);
        }
    }
}
