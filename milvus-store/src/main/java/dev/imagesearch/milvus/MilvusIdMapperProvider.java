package dev.imagesearch.milvus;

import dev.imagesearch.backend.IdMapperProvider;
import dev.imagesearch.idmap.IdMapper;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Opens a {@link MilvusIdMapper} for {@code dev.imagesearch.backend.Backends.idMapper(uri)}. Grammar:
 * <pre>
 * milvus://HOST[:PORT][/DB][?namespace=NS&amp;option=value&amp;...]     (milvuss:// for TLS)
 * </pre>
 * {@code namespace} names the id map (default {@value MilvusIdMapper#DEFAULT_NAMESPACE}; its collection is
 * {@code <prefix>imagesearch_idmap_<NS>}); every other option is that of {@link MilvusVectorStoreProvider}
 * ({@code token}, {@code user}, {@code password}, {@code db}, {@code prefix}, {@code timeout},
 * {@code connectTimeout}, {@code retries}, {@code retryBackoff}, {@code secure}, {@code serverFlush}; {@code index}
 * is accepted and has no effect on an id map). Example: {@code milvus://milvus.internal:19530?namespace=photos}.
 */
public final class MilvusIdMapperProvider implements IdMapperProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("milvus", "milvuss");
    }

    @Override
    public IdMapper open(URI uri) {
        return MilvusIdMapper.fromUri(uri.toString(), null);
    }

    /** {address without the namespace option, the namespace or null}. */
    static String[] splitNamespace(String address) {
        int q = address.indexOf('?');
        if (q < 0) {
            return new String[] {address, null};
        }
        List<String> kept = new ArrayList<>();
        String ns = null;
        for (String pair : address.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals("namespace")) {
                ns = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (ns.isBlank()) {
                    throw new IllegalArgumentException("Empty namespace in Milvus id map address '"
                            + MilvusConfig.redact(address) + "'");
                }
            } else if (!pair.isEmpty()) {
                kept.add(pair);
            }
        }
        String base = address.substring(0, q);
        return new String[] {kept.isEmpty() ? base : base + "?" + String.join("&", kept), ns};
    }
}
