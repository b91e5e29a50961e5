package dev.imagesearch.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FastPixelsTest {

    @ParameterizedTest
    @ValueSource(ints = {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_BYTE_GRAY,
            BufferedImage.TYPE_INT_ARGB})
    void directConversionEqualsTheColourModelPath(int type) {
        BufferedImage src = new BufferedImage(37, 23, type);
        Random rnd = new Random(type);
        for (int y = 0; y < 23; y++) {
            for (int x = 0; x < 37; x++) {
                int v = rnd.nextInt();
                if (type == BufferedImage.TYPE_BYTE_GRAY) {
                    src.getRaster().setSample(x, y, 0, v & 0xFF);
                } else {
                    src.setRGB(x, y, v);
                }
            }
        }
        BufferedImage rgb = RgbImages.toRgb(src);
        int[] packed = RgbImages.packedPixels(rgb);
        for (int y = 0; y < 23; y++) {
            for (int x = 0; x < 37; x++) {
                int expected;
                if (type == BufferedImage.TYPE_BYTE_GRAY) {
                    int g = src.getRaster().getSample(x, y, 0);
                    expected = (g << 16) | (g << 8) | g; // copied unchanged, as Pillow's convert("RGB")
                } else {
                    expected = src.getRGB(x, y) & 0xFFFFFF; // alpha dropped, not composited
                }
                assertThat(rgb.getRGB(x, y) & 0xFFFFFF).as("x=%d y=%d", x, y).isEqualTo(expected);
                assertThat(packed[y * 37 + x] & 0xFFFFFF).isEqualTo(expected);
            }
        }
    }

    @Test
    void packedPixelsOfASubImageAreItsOwnWindow() {
        BufferedImage big = new BufferedImage(10, 8, BufferedImage.TYPE_INT_RGB);
        big.setRGB(3, 2, 0x123456);
        BufferedImage sub = big.getSubimage(3, 2, 4, 4);
        assertThat(RgbImages.packedPixels(sub)).hasSize(16);
        assertThat(RgbImages.packedPixels(sub)[0] & 0xFFFFFF).isEqualTo(0x123456);
    }

    @Test
    void subsamplingKeepsBothSidesAtLeastMarginTimesTheNeededSide() {
        ImageDecoder d = ImageDecoder.builder().reducedDecodeMargin(2).build();
        assertThat(d.subsampling(4000, 3000, 256)).isEqualTo(5); // 3000 / 5 = 600 >= 512
        assertThat(d.subsampling(1300, 1500, 256)).isEqualTo(2);
        assertThat(d.subsampling(1000, 800, 256)).isEqualTo(1);
        assertThat(d.subsampling(30000, 30000, 256)).isEqualTo(8);
        assertThat(d.subsampling(4000, 3000, 0)).isEqualTo(1);
        assertThat(ImageDecoder.builder().reducedDecodeMargin(0).build().subsampling(4000, 3000, 256)).isEqualTo(1);
        assertThat(new ImageDecoder().reducedDecodeMargin()).isEqualTo(ImageDecoder.DEFAULT_REDUCE_MARGIN);
        assertThatThrownBy(() -> ImageDecoder.builder().reducedDecodeMargin(-1))
                .hasMessageContaining("-1");
    }

    @Test
    void reducedDecodeReturnsASmallerImageAndFullDecodeIsUnchanged() throws Exception {
        BufferedImage src = new BufferedImage(1200, 800, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 800; y++) {
            for (int x = 0; x < 1200; x++) {
                src.setRGB(x, y, (x & 0xFF) << 16 | (y & 0xFF) << 8 | ((x + y) & 0xFF));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(src, "png", out);
        ImageDecoder d = new ImageDecoder();
        BufferedImage full = d.decode(out.toByteArray());
        BufferedImage reduced = d.decode(out.toByteArray(), 100); // 800 / (2 * 100) = 4
        assertThat(full.getWidth()).isEqualTo(1200);
        assertThat(reduced.getWidth()).isEqualTo(300);
        assertThat(reduced.getHeight()).isEqualTo(200);
        assertThat(reduced.getRGB(0, 0)).isEqualTo(full.getRGB(2, 2)); // the middle pixel of each 4 × 4 block
        assertThat(d.decode(out.toByteArray(), 500).getWidth()).isEqualTo(1200); // 800 < 2 * 500: full size
    }
}
