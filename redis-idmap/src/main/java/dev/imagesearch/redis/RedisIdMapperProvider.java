package dev.imagesearch.redis;

import dev.imagesearch.backend.IdMapperProvider;
import dev.imagesearch.idmap.IdMapper;
import java.net.URI;
import java.util.Set;

/**
 * Opens a {@link RedisIdMapper} for {@code dev.imagesearch.backend.Backends.idMapper(uri)}. Grammar:
 * <pre>
 * redis://[[USER]:PASSWORD@]HOST[:PORT][,HOST:PORT...][/DB][?option=value&amp;...]
 * rediss://...                                                  TLS
 * </pre>
 * The port defaults to 6379, {@code DB} to 0; several hosts (or {@code ?cluster=true}) mean Redis Cluster, the
 * hosts being seed nodes. User and password are percent-decoded. Options (each maps onto a
 * {@link RedisIdMapConfig.Builder} setting, whose default applies when it is absent): {@code namespace} (default
 * {@value RedisIdMapConfig#DEFAULT_NAMESPACE}), {@code prefix} (default {@value RedisIdMapConfig#DEFAULT_PREFIX}),
 * {@code connectTimeout} and {@code socketTimeout} (ms, default 2000), {@code maxConnections} (default 8),
 * {@code clientName} (default {@code imagesearch-idmap}), {@code cluster} (true/false), {@code retries} (default 2)
 * and {@code retryBackoff} (first wait in ms, default 200) of the {@link dev.imagesearch.backend.RetryPolicy}.
 * Example: {@code rediss://app:s3cret@redis.internal:6380/2?namespace=photos}. See docs/REDIS.md.
 */
public final class RedisIdMapperProvider implements IdMapperProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss");
    }

    @Override
    public IdMapper open(URI uri) {
        return RedisIdMapper.fromUri(uri.toString(), null);
    }
}
