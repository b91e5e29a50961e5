package dev.imagesearch.onnx.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Vector API horizontal pass against the scalar one. Surefire runs this class with
 * {@code --add-modules jdk.incubator.vector} only (see the module's pom), so the SIMD pass must be the one chosen.
 */
class HorizontalPassTest {

    @Test
    void theVectorPassIsChosenWhenTheJvmHasTheModule() {
        assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).isPresent();
        assertThat(HorizontalPasses.BEST.getClass().getSimpleName()).isEqualTo("VectorHorizontalPass");
    }

    @Test
    void bothPassesGiveTheSamePixels() {
        Random rnd = new Random(7);
        // {source width, resized width, window width}: shrinking a little and a lot, growing, odd windows, windows
        // narrower than one vector and not a multiple of it
        int[][] cases = {{768, 299, 224}, {4000, 341, 224}, {500, 256, 224}, {257, 256, 256}, {97, 40, 30},
                {33, 70, 70}, {640, 383, 17}, {3, 2, 1}, {1000, 1, 1}, {224, 448, 224}};
        for (int[] c : cases) {
            int w = c[0];
            int dw = c[1];
            int ow = c[2];
            int x0 = (dw - ow) / 2;
            int h = 9;
            for (int fill : new int[] {-1, 0x000000, 0xFFFFFF}) {
                int[] src = new int[w * h];
                for (int i = 0; i < src.length; i++) {
                    src[i] = fill >= 0 ? fill : rnd.nextInt(1 << 24);
                }
                HorizontalPass.Taps taps = HorizontalPass.Taps.of(PillowResize.coefficients(w, dw, x0, ow), w);
                int rowFirst = 2;
                int rows = 5;
                int[] scalar = new int[rows * ow];
                int[] simd = new int[rows * ow];
                ScalarHorizontalPass.INSTANCE.run(src, w, rowFirst, rows, taps, scalar);
                HorizontalPasses.BEST.run(src, w, rowFirst, rows, taps, simd);
                assertThat(simd).as("%d -> %d, window %d at %d, fill %x", w, dw, ow, x0, fill).isEqualTo(scalar);
                if (fill >= 0) {
                    assertThat(simd).as("a flat row stays flat").containsOnly(fill);
                }
            }
        }
    }

    @Test
    void tapsArePaddedToWholeBlocksWithZeroWeightsAndInRangeIndices() {
        HorizontalPass.Taps taps = HorizontalPass.Taps.of(PillowResize.coefficients(97, 40, 5, 30), 97);
        assertThat(taps.paddedColumns()).isEqualTo(32);
        for (int t = 0; t < taps.maxTaps(); t++) {
            for (int x = 0; x < taps.paddedColumns(); x++) {
                int i = t * taps.paddedColumns() + x;
                assertThat(taps.index()[i]).isBetween(0, 96);
                boolean real = x < taps.columns() && t < taps.weights()[x].length;
                assertThat(taps.paddedWeights()[i]).isEqualTo(real ? taps.weights()[x][t] : 0);
            }
        }
    }
}
