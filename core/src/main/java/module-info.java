/**
 * imagesearch core: the {@code ImageSearch} facade, the {@code Embedder}, {@code VectorStore} and {@code IdMapper}
 * interfaces, image decoding and the embedded store. An explicit module (the other jars are automatic modules), so
 * that an application on the module path gets slf4j and java.desktop resolved without
 * {@code --add-modules}.
 */
module dev.imagesearch.core {
    requires transitive java.desktop;
    requires org.slf4j;
    // the one retry policy of the server backends (dev.imagesearch.backend.RetryPolicy)
    requires io.github.resilience4j.retry;
    requires io.github.resilience4j.core;

    exports dev.imagesearch;
    exports dev.imagesearch.backend;
    exports dev.imagesearch.compare;
    exports dev.imagesearch.duplicates;
    exports dev.imagesearch.embed;
    exports dev.imagesearch.embedded;
    exports dev.imagesearch.error;
    exports dev.imagesearch.eval;
    exports dev.imagesearch.files;
    exports dev.imagesearch.fusion;
    exports dev.imagesearch.hash;
    exports dev.imagesearch.idmap;
    exports dev.imagesearch.query;
    exports dev.imagesearch.image;
    exports dev.imagesearch.search;
    exports dev.imagesearch.store;

    uses dev.imagesearch.embed.DefaultEmbedderProvider;
    // backends found by URI scheme (dev.imagesearch.backend.Backends)
    uses dev.imagesearch.backend.VectorStoreProvider;
    uses dev.imagesearch.backend.IdMapperProvider;

    provides dev.imagesearch.backend.VectorStoreProvider with dev.imagesearch.embedded.EmbeddedVectorStoreProvider;
    provides dev.imagesearch.backend.IdMapperProvider with dev.imagesearch.embedded.EmbeddedIdMapperProvider;
}
