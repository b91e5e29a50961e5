package dev.imagesearch.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the {@link DotKernel} once per JVM. */
final class DotKernels {

    private static final Logger LOG = LoggerFactory.getLogger(DotKernels.class);
    private static final String SIMD_CLASS = "dev.imagesearch.embedded.VectorDotKernel";

    static final DotKernel BEST = choose();

    private DotKernels() {
    }

    private static DotKernel choose() {
        if (!Boolean.parseBoolean(System.getProperty("imagesearch.simd", "true"))) {
            return ScalarDotKernel.INSTANCE;
        }
        // The Vector API is an incubator module in JDK 17: present only with --add-modules jdk.incubator.vector.
        java.util.Optional<Module> vector = ModuleLayer.boot().findModule("jdk.incubator.vector");
        if (vector.isEmpty()) {
            return ScalarDotKernel.INSTANCE;
        }
        // on the module path this module reads only what module-info requires: read the incubator module too
        DotKernels.class.getModule().addReads(vector.get());
        try {
            return (DotKernel) Class.forName(SIMD_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.warn("Vector API kernel unavailable ({}); using the scalar search kernel", e.toString());
            return ScalarDotKernel.INSTANCE;
        }
    }
}
