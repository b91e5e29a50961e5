package dev.imagesearch.onnx.preprocess;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the {@link HorizontalPass} once per JVM: the JDK Vector API one when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} (about 4× faster; the JIT cannot vectorise the scalar pass's
 * per-pixel gathers), the plain-Java one otherwise or with {@code -Dimagesearch.simd=false}.
 */
final class HorizontalPasses {

    private static final Logger LOG = LoggerFactory.getLogger(HorizontalPasses.class);
    private static final String SIMD_CLASS = "dev.imagesearch.onnx.preprocess.VectorHorizontalPass";

    static final HorizontalPass BEST = choose();

    private HorizontalPasses() {
    }

    private static HorizontalPass choose() {
        if (!Boolean.parseBoolean(System.getProperty("imagesearch.simd", "true"))) {
            return ScalarHorizontalPass.INSTANCE;
        }
        java.util.Optional<Module> vector = ModuleLayer.boot().findModule("jdk.incubator.vector");
        if (vector.isEmpty()) {
            return ScalarHorizontalPass.INSTANCE;
        }
        HorizontalPasses.class.getModule().addReads(vector.get());
        try {
            return (HorizontalPass) Class.forName(SIMD_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.warn("Vector API resize unavailable ({}); using the scalar horizontal pass", e.toString());
            return ScalarHorizontalPass.INSTANCE;
        }
    }
}
