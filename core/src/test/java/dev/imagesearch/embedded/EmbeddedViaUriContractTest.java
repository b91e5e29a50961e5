package dev.imagesearch.embedded;

import dev.imagesearch.backend.Backends;
import dev.imagesearch.contract.IdMapperContract;
import dev.imagesearch.contract.VectorStoreContract;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.store.VectorStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The store and id map contracts against the embedded backends opened through {@link Backends} by URI. */
class EmbeddedViaUriContractTest {

    @Nested
    class Store extends VectorStoreContract {
        @TempDir
        Path dataDir;

        @Override
        protected VectorStore newStore() {
            return Backends.vectorStore("embedded:" + dataDir.toUri().getRawPath() + "?precision=float32");
        }

        @Override
        protected VectorStore reopenStore() {
            return newStore();
        }
    }

    @Nested
    class Ids extends IdMapperContract {
        @TempDir
        Path dataDir;

        @Override
        protected IdMapper newMapper() {
            return Backends.idMapper(dataDir.toString());
        }

        @Override
        protected IdMapper reopenMapper() {
            return newMapper();
        }
    }
}
