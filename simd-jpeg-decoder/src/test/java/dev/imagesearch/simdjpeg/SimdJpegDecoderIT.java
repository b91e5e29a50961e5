package dev.imagesearch.simdjpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.opencv.OpenCvJpegDecoder;
import dev.imagesearch.testing.TestResources;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SIMD decoder on the real sample photos: ImageIO's pixels at full size, and at every DCT scale the pixels of
 * the non-SIMD OpenCV decoder (both are libjpeg-turbo, whose SIMD paths are exact).
 */
class SimdJpegDecoderIT {

    private static final SimdJpegDecoder SIMD = SimdJpegDecoder.load();
    private static List<Path> jpegs;

    @BeforeAll
    static void photos() throws Exception {
        Path sample = TestResources.existing(TestResources.cache().resolve("photos/sample"),
                "sample photos (run scripts/provision.sh)");
        try (Stream<Path> s = Files.list(sample)) {
            jpegs = s.filter(p -> p.toString().toLowerCase().endsWith(".jpg")).sorted().toList();
        }
        assertThat(jpegs).hasSizeGreaterThan(20);
    }

    private static int[] pixels(BufferedImage image) {
        assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        return ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    }

    @Test
    void loadsAndNamesItself() {
        assertThat(SIMD.name()).isEqualTo("opencv-simd");
        assertThat(SIMD.version()).startsWith("4.");
    }

    @Test
    void atFullSizeEveryPhotoHasImageIosPixels() throws Exception {
        ImageDecoder imageIo = ImageDecoder.builder().reducedDecodeMargin(0).build();
        ImageDecoder simd = ImageDecoder.builder().reducedDecodeMargin(0).scaledJpegDecoder(SIMD).build();
        for (Path p : jpegs) {
            assertThat(pixels(simd.decode(p))).as(p.getFileName().toString()).isEqualTo(pixels(imageIo.decode(p)));
        }
    }

    @Test
    void atEveryScaleThePixelsOfTheOtherOpenCvBuild() throws Exception {
        OpenCvJpegDecoder plain = OpenCvJpegDecoder.load();
        int compared = 0;
        for (Path p : jpegs) {
            byte[] data = Files.readAllBytes(p);
            for (int scale : new int[] {2, 4, 8}) {
                BufferedImage a = plain.decode(data, scale);
                BufferedImage b = SIMD.decode(data, scale);
                assertThat(new int[] {b.getWidth(), b.getHeight()}).as("%s 1/%d", p, scale)
                        .containsExactly(a.getWidth(), a.getHeight());
                assertThat(Arrays.equals(pixels(b), pixels(a))).as("%s 1/%d", p.getFileName(), scale).isTrue();
                compared++;
            }
        }
        assertThat(compared).isEqualTo(3 * jpegs.size());
    }

    @Test
    void aDamagedJpegIsAnImageDecodeException() {
        assertThatThrownBy(() -> SIMD.decode(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3}, 1))
                .isInstanceOf(ImageDecodeException.class).hasMessageContaining("could not decode");
        assertThatThrownBy(() -> SIMD.decode(new byte[] {1}, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
