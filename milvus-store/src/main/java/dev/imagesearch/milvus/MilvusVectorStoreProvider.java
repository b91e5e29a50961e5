package dev.imagesearch.milvus;

import dev.imagesearch.backend.VectorStoreProvider;
import dev.imagesearch.store.VectorStore;
import java.net.URI;
import java.util.Set;

/**
 * Opens a {@link MilvusVectorStore} for {@code dev.imagesearch.backend.Backends.vectorStore(uri)}. Grammar:
 * <pre>
 * milvus://HOST[:PORT][/DB][?option=value&amp;...]      plain connection
 * milvuss://HOST[:PORT][/DB][?option=value&amp;...]     TLS
 * </pre>
 * The port defaults to 19530; {@code DB} is the database (default: the server's). Options (values
 * percent-decoded; each maps onto a {@link MilvusConfig.Builder} setting, whose default applies when it is absent):
 * <ul>
 *   <li>{@code token} API token ({@code user:password} or a cloud key); or {@code user} and {@code password};</li>
 *   <li>{@code db} the database, instead of {@code /DB};</li>
 *   <li>{@code prefix} collection name prefix; {@code index} AUTOINDEX (default), HNSW, IVF_FLAT or FLAT;</li>
 *   <li>{@code timeout} call deadline and {@code connectTimeout}, in seconds (defaults 30 and 5);</li>
 *   <li>{@code retries} (default 2) and {@code retryBackoff} (first wait in ms, default 200): the
 *       {@link dev.imagesearch.backend.RetryPolicy};</li>
 *   <li>{@code secure} true/false (TLS; default from the scheme); {@code serverFlush} true/false (default
 *       false).</li>
 * </ul>
 * Example: {@code milvus://milvus.internal:19530/photos?token=root:Milvus&index=HNSW}. See docs/MILVUS.md.
 */
public final class MilvusVectorStoreProvider implements VectorStoreProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("milvus", "milvuss");
    }

    @Override
    public VectorStore open(URI uri) {
        return MilvusVectorStore.fromUri(uri.toString());
    }
}
