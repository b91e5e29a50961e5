package dev.imagesearch.onnx.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pipelines of transforms: data in and out, the same ids and tensors as the classic specs, clear errors. */
class PipelineTest {

    private static BufferedImage noise(int w, int h, long seed) {
        java.util.Random r = new java.util.Random(seed);
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                im.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        return im;
    }

    private static float[] tensor(Pipeline p, BufferedImage im) {
        FloatBuffer buf = FloatBuffer.allocate(p.elementsPerImage());
        p.apply(im, buf);
        return buf.array();
    }

    @Test
    void presetIdsAreThoseStoredInExistingIndexes() throws IOException {
        List<String> lines;
        try (InputStream in = PipelineTest.class.getResourceAsStream("/preprocess-ids.txt")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        }
        assertThat(lines).hasSize(3 * Pipeline.presetNames().size());
        for (String line : lines) {
            String[] f = line.split(" ", 3);
            Pipeline p = Pipeline.preset(f[0]).withLayout(Layout.valueOf(f[1]));
            assertThat(p.id()).as(line).isEqualTo(f[2]);
            assertThat(Preprocessing.preset(f[0]).withLayout(Layout.valueOf(f[1])).id()).as(line).isEqualTo(f[2]);
        }
    }

    @Test
    void describeAndParseRoundTripToEqualValues() {
        for (String name : Pipeline.presetNames()) {
            Pipeline p = Pipeline.preset(name);
            Pipeline again = Pipeline.parse(p.describe());
            assertThat(again).as(name).isEqualTo(p).hasSameHashCodeAs(p);
            assertThat(again.describe()).isEqualTo(p.describe());
            Preprocessing classic = Preprocessing.from(p).orElseThrow();
            assertThat(classic.toPipeline()).as(name).isEqualTo(p);
        }
        assertThat(Pipeline.preset("torchvision-imagenet").describe()).isEqualTo("resize-shorter 256 bilinear"
                + " | center-crop 224x224 | channels rgb | normalize scale=0.00392156862745098"
                + " mean=0.485,0.456,0.406 std=0.229,0.224,0.225 | to-tensor auto");
        assertThat(new Normalize(1, new double[] {1, 2, 3}, new double[] {1, 1, 1}))
                .isEqualTo(new Normalize(1, new double[] {1, 2, 3}, new double[] {1, 1, 1}))
                .isNotEqualTo(new Normalize(1, new double[] {1, 2, 4}, new double[] {1, 1, 1}));
    }

    @Test
    void composedStepsGiveTheClassicTensors() {
        BufferedImage photo = noise(640, 427, 1);
        Pipeline classic = Pipeline.preset("efficientnet-lite").withLayout(Layout.NCHW);
        // the same geometry spelled out: resize to the size Resize(256) gives, then crop in two steps
        Pipeline spelled = Pipeline.parse("resize 383x256 bilinear | center-crop 300x256 | center-crop 224x224"
                + " | normalize scale=1 mean=127,127,127 std=128,128,128 | to-tensor nchw");
        assertThat(tensor(spelled, photo)).containsExactly(tensor(classic, photo));
        assertThat(spelled.id()).startsWith("pre2:").isNotEqualTo(classic.id());
        assertThat(Preprocessing.preset("efficientnet-lite").withLayout(Layout.NCHW).toPipeline()).isEqualTo(classic);
    }

    @Test
    void twoResizesRunOneAfterTheOther() {
        BufferedImage im = noise(120, 90, 2);
        Pipeline two = Pipeline.parse("resize 60x45 bilinear | resize 20x15 nearest | to-tensor nhwc");
        int[] first = PillowResize.resize(RgbPixels.of(im), 120, 90, 60, 45, Interpolation.BILINEAR, 0, 0, 60, 45);
        int[] second = PillowResize.resize(first, 60, 45, 20, 15, Interpolation.NEAREST, 0, 0, 20, 15);
        float[] t = tensor(two, im);
        for (int i = 0; i < second.length; i++) {
            assertThat(t[3 * i]).isEqualTo((second[i] >>> 16) & 0xFF);
            assertThat(t[3 * i + 2]).isEqualTo(second[i] & 0xFF);
        }
        assertThat(two.minimumInputSide()).isEqualTo(60);
        assertThat(Pipeline.parse("center-crop 10x10 | to-tensor nchw").minimumInputSide()).isZero();
        assertThat(Pipeline.preset("efficientnet-lite").minimumInputSide()).isEqualTo(256);
        assertThat(Pipeline.preset("paddle-cls").minimumInputSide()).isEqualTo(192);
    }

    @Test
    void idChangesWithEveryStep() {
        Pipeline p = Pipeline.parse("center-crop 8x6 | channels bgr | to-tensor nchw");
        assertThat(p.id()).isEqualTo("pre2:center-crop 8x6 | channels bgr | to-tensor nchw");
        assertThat(Pipeline.parse("center-crop 8x7 | channels bgr | to-tensor nchw").id()).isNotEqualTo(p.id());
        assertThat(Pipeline.parse("center-crop 8x6 | to-tensor nchw").id()).isNotEqualTo(p.id());
        assertThat(p.withLayout(Layout.NHWC).id()).isNotEqualTo(p.id());
        assertThat(p.width()).isEqualTo(8);
        assertThat(p.height()).isEqualTo(6);
        assertThat(p.elementsPerImage()).isEqualTo(144);
    }

    @Test
    void badPipelinesAreRefusedWithTheStep() {
        assertThatThrownBy(() -> Pipeline.parse("resize 224 bilinear | to-tensor nchw"))
                .hasMessageContaining("'resize 224 bilinear'").hasMessageContaining("WxH");
        assertThatThrownBy(() -> Pipeline.parse("resize 224x224 cubic | to-tensor nchw"))
                .hasMessageContaining("'cubic' is not one of [nearest, bilinear]");
        assertThatThrownBy(() -> Pipeline.parse("blur 3 | to-tensor nchw")).hasMessageContaining("unknown step 'blur'");
        assertThatThrownBy(() -> Pipeline.parse("resize 4x4 nearest")).hasMessageContaining("end with to-tensor");
        assertThatThrownBy(() -> Pipeline.parse("resize-shorter 256 bilinear | to-tensor nchw"))
                .hasMessageContaining("not fixed");
        assertThatThrownBy(() -> Pipeline.parse("channels bgr | resize 4x4 nearest | to-tensor nchw"))
                .hasMessageContaining("come before channels");
        assertThatThrownBy(() -> Pipeline.parse("resize 4x4 nearest | normalize scale=1 mean=0,0 std=1,1,1"
                + " | to-tensor nchw")).hasMessageContaining("three numbers");
        assertThatThrownBy(() -> Pipeline.preset("caffe")).hasMessageContaining("keras-caffe");
        Pipeline crop = Pipeline.parse("center-crop 50x50 | to-tensor nchw");
        assertThatThrownBy(() -> tensor(crop, noise(40, 60, 3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("40x60");
        Pipeline auto = Pipeline.parse("resize 4x4 nearest | to-tensor auto");
        assertThatThrownBy(() -> tensor(auto, noise(4, 4, 4))).isInstanceOf(IllegalStateException.class);
    }

    /** Packed pixels of a TYPE_INT_RGB image, for the reference computations. */
    private static final class RgbPixels {
        static int[] of(BufferedImage im) {
            return im.getRGB(0, 0, im.getWidth(), im.getHeight(), null, 0, im.getWidth());
        }
    }
}
