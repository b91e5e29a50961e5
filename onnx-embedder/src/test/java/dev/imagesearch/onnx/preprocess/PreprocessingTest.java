package dev.imagesearch.onnx.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class PreprocessingTest {

    private static BufferedImage image(int w, int h, java.util.function.IntBinaryOperator rgb) {
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                im.setRGB(x, y, rgb.applyAsInt(x, y));
            }
        }
        return im;
    }

    private static float[] apply(Preprocessing p, BufferedImage im) {
        FloatBuffer buf = FloatBuffer.allocate(p.elementsPerImage() + 2);
        buf.put(-7f); // apply writes at the position
        p.apply(im, buf);
        assertThat(buf.position()).isEqualTo(1 + p.elementsPerImage());
        float[] out = new float[p.elementsPerImage()];
        buf.get(1, out);
        return out;
    }

    @Test
    void layoutsPlaceChannelsAsDeclared() {
        // 2×1 image: left pixel (1,2,3), right pixel (4,5,6); same size, so no resampling.
        BufferedImage im = image(2, 1, (x, y) -> x == 0 ? 0x010203 : 0x040506);
        Preprocessing nchw = Preprocessing.builder().size(2, 1).layout(Layout.NCHW).build();
        assertThat(apply(nchw, im)).containsExactly(1, 4, 2, 5, 3, 6);
        Preprocessing nhwc = nchw.withLayout(Layout.NHWC);
        assertThat(apply(nhwc, im)).containsExactly(1, 2, 3, 4, 5, 6);
        Preprocessing bgr = nhwc.toBuilder().channelOrder(ChannelOrder.BGR).build();
        assertThat(apply(bgr, im)).containsExactly(3, 2, 1, 6, 5, 4);
    }

    @Test
    void scaleMeanAndStdArePerChannelInRgbOrder() {
        BufferedImage im = image(1, 1, (x, y) -> 0xFF8000);
        Preprocessing p = Preprocessing.builder().size(1, 1).layout(Layout.NHWC).scale(1 / 255.0)
                .mean(0.5, 0.25, 0).std(0.5, 1, 2).channelOrder(ChannelOrder.BGR).build();
        float[] v = apply(p, im);
        assertThat(v[2]).isCloseTo(1f, offset(1e-6f)); // R: (1 - 0.5) / 0.5, written last in BGR
        assertThat(v[1]).isCloseTo((float) ((128 / 255.0 - 0.25) / 1), offset(1e-6f));
        assertThat(v[0]).isZero();
    }

    @Test
    void kerasCaffeIsBgrMinusImagenetMeans() {
        Preprocessing p = Preprocessing.preset("keras-caffe").withLayout(Layout.NHWC);
        float[] v = apply(p, image(300, 200, (x, y) -> 0x646464)); // 100 everywhere
        assertThat(v[0]).isCloseTo(100 - 103.939f, offset(1e-4f)); // B
        assertThat(v[1]).isCloseTo(100 - 116.779f, offset(1e-4f)); // G
        assertThat(v[2]).isCloseTo(100 - 123.68f, offset(1e-4f));  // R
    }

    @Test
    void otherPresetsNormaliseAsDocumented() {
        BufferedImage white = image(50, 40, (x, y) -> 0xFFFFFF);
        assertThat(apply(Preprocessing.preset("keras-tf").withLayout(Layout.NHWC), white)[0])
                .isCloseTo(1f, offset(1e-6f));
        assertThat(apply(Preprocessing.preset("nsfwjs").withLayout(Layout.NHWC), white)[0]).isEqualTo(1f);
        assertThat(apply(Preprocessing.preset("paddle-cls").withLayout(Layout.NCHW), white)[0])
                .isCloseTo(1f, offset(1e-6f));
        assertThat(apply(Preprocessing.preset("efficientnet-lite").withLayout(Layout.NCHW), white)[0])
                .isCloseTo(1f, offset(1e-6f));
        assertThat(apply(Preprocessing.preset("torchvision-imagenet").withLayout(Layout.NCHW), white)[0])
                .isCloseTo((float) ((1 - 0.485) / 0.229), offset(1e-5f));
        assertThat(Preprocessing.preset("paddle-cls").width()).isEqualTo(192);
        assertThat(Preprocessing.preset("paddle-cls").height()).isEqualTo(48);
        assertThat(Preprocessing.preset("nsfwjs-299").width()).isEqualTo(299);
        assertThat(Preprocessing.preset("efficientnet-lite2").id())
                .isEqualTo("pre1:260x260;short292+crop;bilinear;rgb;auto;scale=1;mean=127,127,127;std=128,128,128");
        assertThat(Preprocessing.preset("efficientnet-lite1").id()).startsWith("pre1:240x240;short272+crop;");
        assertThat(Preprocessing.preset("efficientnet-lite").id()).startsWith("pre1:224x224;short256+crop;");
        assertThat(Preprocessing.presetNames()).containsExactly("efficientnet-lite", "efficientnet-lite1",
                "efficientnet-lite2", "keras-caffe", "keras-tf",
                "keras-torch", "nsfwjs", "nsfwjs-299", "paddle-cls", "torchvision-imagenet");
    }

    @Test
    void torchvisionResizeAndCenterCropArithmetic() {
        assertThat(Preprocessing.shorterSideSize(640, 427, 256)).containsExactly(383, 256); // int(256*640/427)
        assertThat(Preprocessing.shorterSideSize(427, 640, 256)).containsExactly(256, 383);
        assertThat(Preprocessing.shorterSideSize(300, 300, 256)).containsExactly(256, 256);
        assertThat(Preprocessing.centerCropOffset(383, 224)).isEqualTo(80);  // round(79.5) = 80 (even)
        assertThat(Preprocessing.centerCropOffset(257, 224)).isEqualTo(16);  // round(16.5) = 16 (even)
        assertThat(Preprocessing.centerCropOffset(259, 224)).isEqualTo(18);  // round(17.5) = 18
        assertThat(Preprocessing.centerCropOffset(256, 224)).isEqualTo(16);
    }

    @Test
    void centerCropTakesTheMiddleOfTheResizedImage() {
        // 512×256 with a distinct value per column; shorter side 256 = no vertical change, width 512 → 512.
        // A crop of 4×4 out of "shorter side 256" keeps the size, so the crop is columns 254..257 exactly.
        BufferedImage im = image(512, 256, (x, y) -> (x & 0xFF) << 16);
        Preprocessing p = Preprocessing.builder().size(4, 4).centerCrop(256).interpolation(Interpolation.NEAREST)
                .layout(Layout.NCHW).build();
        float[] v = apply(p, im);
        assertThat(new float[] {v[0], v[1], v[2], v[3]}).containsExactly(254, 255, 0, 1);
    }

    @Test
    void nearestFollowsPillowsAccumulatedCoordinates() {
        assertThat(PillowResize.nearestTable(4, 3)).containsExactly(0, 2, 3);
        assertThat(PillowResize.nearestTable(3, 6)).containsExactly(0, 0, 1, 1, 2, 2);
        assertThat(PillowResize.nearestTable(10, 4)).containsExactly(1, 3, 6, 8);
        // 224 from 640: floor((x + 0.5) * 640 / 224) accumulated in double
        int[] t = PillowResize.nearestTable(640, 224);
        assertThat(t[0]).isEqualTo(1);
        assertThat(t[223]).isEqualTo(638);
    }

    @Test
    void bilinearKeepsConstantsAndAveragesOnHalving() {
        BufferedImage flat = image(37, 23, (x, y) -> 0x7B2DC8);
        Preprocessing p = Preprocessing.builder().size(11, 5).layout(Layout.NHWC).build();
        for (float f : apply(p, flat)) {
            assertThat(f).isIn(123f, 45f, 200f);
        }
        // Halving 4 → 2, support 2: output 0 has centre 1, window columns 0..2 with triangle weights
        // 0.75, 0.75, 0.25 (normalised: 3/7, 3/7, 1/7); output 1 has centre 3, columns 1..3, weights 1/7, 3/7, 3/7.
        BufferedImage ramp = image(4, 1, (x, y) -> (new int[] {0, 80, 160, 240}[x]) << 16);
        int[] out = PillowResize.resize(ramp.getRGB(0, 0, 4, 1, null, 0, 4), 4, 1, 2, 1,
                Interpolation.BILINEAR, 0, 0, 2, 1);
        assertThat(out[0] >>> 16).isEqualTo(57);  // (0*3 + 80*3 + 160) / 7 = 57.1
        assertThat(out[1] >>> 16).isEqualTo(183); // (80 + 160*3 + 240*3) / 7 = 182.9
    }

    @Test
    void windowedResizeEqualsAPlainTwoPassResizeThenCrop() {
        // Oracle: Pillow's two passes written plainly (whole image, column by column), then cropped. The optimised
        // resize computes only the window and walks the vertical pass row-wise; the integer sums must not change.
        java.util.Random rnd = new java.util.Random(42);
        int[][] sizes = {{640, 427, 383, 256}, {427, 640, 256, 383}, {150, 700, 100, 256}, {97, 61, 40, 30},
                {300, 1000, 300, 256}, {1000, 300, 256, 300}, {33, 50, 70, 90}};
        for (int[] sz : sizes) {
            int w = sz[0];
            int h = sz[1];
            int dw = sz[2];
            int dh = sz[3];
            int[] src = new int[w * h];
            for (int i = 0; i < src.length; i++) {
                src[i] = rnd.nextInt(1 << 24);
            }
            int[] full = plainResize(src, w, h, dw, dh);
            int ow = Math.min(dw, 224);
            int oh = Math.min(dh, 224);
            int x0 = (dw - ow) / 2;
            int y0 = (dh - oh) / 2;
            int[] window = PillowResize.resize(src, w, h, dw, dh, Interpolation.BILINEAR, x0, y0, ow, oh);
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    assertThat(window[y * ow + x]).as("%dx%d -> %dx%d at (%d, %d)", w, h, dw, dh, x, y)
                            .isEqualTo(full[(y0 + y) * dw + x0 + x]);
                }
            }
        }
    }

    private static int[] plainResize(int[] src, int w, int h, int dw, int dh) {
        if (PillowResize.verticalFirst(w, h, dw, dh)) {
            return PillowResize.transpose(plainHorizontalFirst(PillowResize.transpose(src, w, h), h, w, dh, dw), dh,
                    dw);
        }
        return plainHorizontalFirst(src, w, h, dw, dh);
    }

    private static int[] plainHorizontalFirst(int[] src, int w, int h, int dw, int dh) {
        int[] a = src;
        if (dw != w) {
            a = pass(src, w, h, PillowResize.coefficients(w, dw, 0, dw), dw, true);
        }
        return dh != h ? pass(a, dw, h, PillowResize.coefficients(h, dh, 0, dh), dh, false) : a;
    }

    /** One pass along x ({@code horizontal}) or y of a w×h image into {@code out} pixels along that axis. */
    private static int[] pass(int[] src, int w, int h, PillowResize.Coefficients c, int out, boolean horizontal) {
        int ow = horizontal ? out : w;
        int oh = horizontal ? h : out;
        int[] dst = new int[ow * oh];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int i = horizontal ? x : y;
                long[] sum = {1 << 21, 1 << 21, 1 << 21};
                for (int t = 0; t < c.count()[i]; t++) {
                    int p = horizontal ? src[y * w + c.start()[i] + t] : src[(c.start()[i] + t) * w + x];
                    for (int ch = 0; ch < 3; ch++) {
                        sum[ch] += (long) ((p >>> (16 - 8 * ch)) & 0xFF) * c.weights()[i][t];
                    }
                }
                int v = 0;
                for (int ch = 0; ch < 3; ch++) {
                    v = (v << 8) | (int) Math.max(0, Math.min(255, sum[ch] >> 22));
                }
                dst[y * ow + x] = v;
            }
        }
        return dst;
    }

    @Test
    void pillow13StartsVerticallyWhenTheHeightShrinksMuchMore() {
        assertThat(PillowResize.verticalFirst(150, 700, 100, 256)).isTrue();
        assertThat(PillowResize.verticalFirst(640, 427, 383, 256)).isFalse(); // landscape Resize(256)
        assertThat(PillowResize.verticalFirst(427, 640, 256, 383)).isFalse(); // 257 > 2 * 171 is false
        assertThat(PillowResize.verticalFirst(300, 1000, 300, 256)).isFalse(); // width unchanged
        // Either order keeps a constant image constant.
        BufferedImage flat = image(150, 700, (x, y) -> 0x336699);
        Preprocessing p = Preprocessing.builder().size(100, 256).layout(Layout.NHWC).build();
        for (float f : apply(p, flat)) {
            assertThat(f).isIn(51f, 102f, 153f);
        }
    }

    @Test
    void idIsStableAndChangesWithEveryField() {
        Preprocessing a = Preprocessing.preset("torchvision-imagenet");
        assertThat(a.id()).isEqualTo(Preprocessing.preset("torchvision-imagenet").id());
        assertThat(a.id()).isEqualTo("pre1:224x224;short256+crop;bilinear;rgb;auto;scale=0.00392156862745098;"
                + "mean=0.485,0.456,0.406;std=0.229,0.224,0.225");
        assertThat(a.withLayout(Layout.NCHW).id()).isNotEqualTo(a.id());
        assertThat(a.toBuilder().centerCrop(257).build().id()).isNotEqualTo(a.id());
        assertThat(a.toBuilder().interpolation(Interpolation.NEAREST).build()).isNotEqualTo(a);
        assertThat(a.toBuilder().build()).isEqualTo(a).hasSameHashCodeAs(a);
    }

    @Test
    void invalidSpecsAreRefusedWithTheValue() {
        assertThatThrownBy(() -> Preprocessing.preset("caffe")).hasMessageContaining("keras-caffe");
        assertThatThrownBy(() -> Preprocessing.builder().std(1, 0, 1).build()).hasMessageContaining("std");
        assertThatThrownBy(() -> Preprocessing.builder().mean(1, 2).build()).hasMessageContaining("[1.0, 2.0]");
        assertThatThrownBy(() -> Preprocessing.builder().size(224, 224).centerCrop(200).build())
                .hasMessageContaining("200");
        assertThatThrownBy(() -> Preprocessing.builder().size(0, 5).build()).hasMessageContaining("0x5");
        Preprocessing auto = Preprocessing.builder().build();
        assertThatThrownBy(() -> auto.apply(image(3, 3, (x, y) -> 0), FloatBuffer.allocate(auto.elementsPerImage())))
                .isInstanceOf(IllegalStateException.class);
        double[] m = Preprocessing.preset("keras-torch").mean();
        m[0] = 99;
        assertThat(Preprocessing.preset("keras-torch").mean()[0]).isEqualTo(0.485);
    }

    @Test
    void grayAndAlphaImagesAreConvertedLikePillow() {
        BufferedImage gray = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(0, 0, 0, 77);
        Preprocessing p = Preprocessing.builder().size(2, 2).layout(Layout.NHWC).build();
        float[] v = apply(p, gray);
        assertThat(new float[] {v[0], v[1], v[2]}).containsExactly(77, 77, 77);
        BufferedImage argb = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00112233); // fully transparent: alpha dropped, colour kept
        float[] w = apply(p, argb);
        assertThat(new float[] {w[0], w[1], w[2]}).containsExactly(0x11, 0x22, 0x33);
    }
}
