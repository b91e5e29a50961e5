package dev.imagesearch.embedded;

import dev.imagesearch.contract.IdMapperContract;
import dev.imagesearch.idmap.IdMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The shared id map contract, run against the embedded id map in a fresh directory per test. */
class EmbeddedIdMapperContractTest extends IdMapperContract {

    @TempDir
    Path dataDir;

    @Override
    protected IdMapper newMapper() {
        return EmbeddedIdMapper.open(dataDir);
    }

    @Override
    protected IdMapper reopenMapper() {
        return EmbeddedIdMapper.open(dataDir);
    }
}
