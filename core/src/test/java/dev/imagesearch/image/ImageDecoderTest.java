package dev.imagesearch.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.testing.TestImages;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding real and broken files into upright RGB images. */
class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder();

    @TempDir
    Path tmp;

    @Test
    void decodesPngToRgbExactly() throws Exception {
        BufferedImage src = TestImages.blocks(3, 20);
        BufferedImage out = decoder.decode(TestImages.encode(src, "png"));
        assertThat(out.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(out.getWidth()).isEqualTo(20);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 20; x++) {
                assertThat(out.getRGB(x, y)).isEqualTo(src.getRGB(x, y));
            }
        }
    }

    @Test
    void twelveBitJpegIsRefusedInPlainWords() {
        // A 12-bit (extended, SOF1) frame header on real JPEG data: what cameras' 12-bit files start with. The
        // decoders used to fail on such files with "Index 200 out of bounds for length 200".
        byte[] jpeg = TestImages.encode(TestImages.blocks(5, 32), "jpg");
        int sof = TestImages.markerIndex(jpeg, 0xC0);
        jpeg[sof + 1] = (byte) 0xC1;
        jpeg[sof + 4] = 12;
        for (ImageDecoder d : new ImageDecoder[] {decoder, ImageDecoder.builder().build()}) {
            assertThatThrownBy(() -> d.decode(jpeg)).isInstanceOf(ImageDecodeException.class)
                    .hasMessageStartingWith("12-bit JPEG is not supported")
                    .hasMessageNotContaining("Index").hasMessageNotContaining("Exception");
        }
    }

    @Test
    void textFileNamedJpgIsNotAnImage() {
        byte[] text = "hello, I am a text file\nnot a JPEG\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> decoder.decode(text)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("not a supported image format").hasMessageContaining("text");
    }

    @Test
    void pdfAndRandomBytesAreNotImages() {
        byte[] pdf = "%PDF-1.4\n%\u00e2\u00e3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> decoder.decode(pdf)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("not a supported image format");
        byte[] random = new byte[4096];
        new Random(5).nextBytes(random);
        random[0] = 0x13; // make sure it is no accidental magic number
        assertThatThrownBy(() -> decoder.decode(random)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("not a supported image format");
    }

    @Test
    void truncatedJpegIsRefused() {
        byte[] jpeg = TestImages.encode(TestImages.blocks(9, 256), "jpg");
        byte[] half = Arrays.copyOf(jpeg, jpeg.length / 2);
        assertThatThrownBy(() -> decoder.decode(half)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void truncatedPngIsRefused() {
        byte[] png = TestImages.png(9, 256);
        byte[] half = Arrays.copyOf(png, png.length / 2);
        assertThatThrownBy(() -> decoder.decode(half)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("corrupt or truncated");
    }

    @Test
    void emptyFileAndEmptyBytesAreRefused() throws Exception {
        Path empty = Files.createFile(tmp.resolve("empty.jpg"));
        assertThatThrownBy(() -> decoder.readFile(empty)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("empty file");
        assertThatThrownBy(() -> decoder.decode(new byte[0])).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("empty file");
    }

    @Test
    void directoryAndMissingFileAreRefused() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("x.jpg"));
        assertThatThrownBy(() -> decoder.readFile(dir)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("directory");
        assertThatThrownBy(() -> decoder.readFile(tmp.resolve("missing.png")))
                .isInstanceOf(ImageDecodeException.class).hasMessageContaining("not found");
    }

    @Test
    void unreadableFileIsRefused() throws Exception {
        Path file = TestImages.unreadable(tmp.resolve("secret.png"));
        assertThatThrownBy(() -> decoder.readFile(file)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("permission denied");
    }

    @Test
    void hugeDimensionsAreRefusedFromTheHeaderAlone() throws Exception {
        byte[] huge = TestImages.pngHeader(30_000, 30_000);
        assertThat(huge.length).isLessThan(100);
        assertThat(ImageDecoder.dimensions(huge)).containsExactly(30_000, 30_000);
        // 900 million pixels would need 3.6 GB as int RGB; the refusal must come before any allocation.
        assertThatThrownBy(() -> decoder.decode(huge)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("30000x30000").hasMessageContaining("limit");
        byte[] wide = TestImages.pngHeader(40_000, 10);
        assertThatThrownBy(() -> decoder.decode(wide)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("40000x10").hasMessageContaining("per side");
    }

    @Test
    void limitsAreConfigurable() throws Exception {
        byte[] png = TestImages.png(1, 32); // 1024 pixels
        assertThat(new ImageDecoder(ImageLimits.DEFAULT.withMaxPixels(1024)).decode(png).getWidth()).isEqualTo(32);
        assertThatThrownBy(() -> new ImageDecoder(ImageLimits.DEFAULT.withMaxPixels(1023)).decode(png))
                .isInstanceOf(ImageDecodeException.class).hasMessageContaining("32x32");
        assertThatThrownBy(() -> new ImageDecoder(ImageLimits.DEFAULT.withMaxSide(31)).decode(png))
                .isInstanceOf(ImageDecodeException.class).hasMessageContaining("31 per side");
        ImageDecoder smallFiles = new ImageDecoder(ImageLimits.DEFAULT.withMaxFileBytes(png.length - 1));
        assertThatThrownBy(() -> smallFiles.decode(png)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("above the limit of " + (png.length - 1) + " bytes");
        Path file = TestImages.write(tmp.resolve("a.png"), png);
        assertThatThrownBy(() -> smallFiles.readFile(file)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("above the limit");
        assertThatThrownBy(() -> ImageLimits.DEFAULT.withMaxPixels(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exifOrientationSixIsRotatedClockwise() throws Exception {
        // 40 wide, 20 high, dark grey, with a red block in the top-left corner.
        BufferedImage src = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 40; x++) {
                src.setRGB(x, y, x < 8 && y < 8 ? 0xFF0000 : 0x202020);
            }
        }
        BufferedImage plain = decoder.decode(TestImages.encode(src, "jpg"));
        assertThat(plain.getWidth()).isEqualTo(40);
        assertThat(isRed(plain.getRGB(2, 2))).isTrue();

        byte[] rotated = TestImages.jpegWithOrientation(src, 6);
        assertThat(ExifOrientation.read(rotated)).isEqualTo(6);
        BufferedImage out = decoder.decode(rotated);
        assertThat(out.getWidth()).isEqualTo(20);
        assertThat(out.getHeight()).isEqualTo(40);
        // Orientation 6: turn 90 degrees clockwise, so the top-left corner goes to the top right.
        assertThat(isRed(out.getRGB(17, 2))).as("top right").isTrue();
        assertThat(isRed(out.getRGB(2, 2))).as("top left").isFalse();
        assertThat(isRed(out.getRGB(17, 37))).as("bottom right").isFalse();

        BufferedImage upsideDown = decoder.decode(TestImages.jpegWithOrientation(src, 3));
        assertThat(upsideDown.getWidth()).isEqualTo(40);
        assertThat(isRed(upsideDown.getRGB(37, 17))).as("bottom right after 180 degrees").isTrue();
        assertThat(decoder.decode(TestImages.jpegWithOrientation(src, 1)).getWidth()).isEqualTo(40);
    }

    private static boolean isRed(int rgb) {
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        return r > 180 && g < 80 && b < 80;
    }

    @Test
    void malformedExifIsIgnored() throws Exception {
        byte[] good = TestImages.jpegWithOrientation(TestImages.blocks(1, 16), 6);
        byte[] bad = good.clone();
        bad[2 + 4 + 6] = 'X'; // byte-order mark of the TIFF header
        assertThat(ExifOrientation.read(bad)).isEqualTo(1);
        assertThat(decoder.decode(bad).getWidth()).isEqualTo(16);
        assertThat(ExifOrientation.read(Arrays.copyOf(good, 20))).isEqualTo(1);
    }

    @Test
    void grayscalePngKeepsItsGrayValues() throws Exception {
        BufferedImage gray = new BufferedImage(16, 4, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < 16; x++) {
            for (int y = 0; y < 4; y++) {
                gray.getRaster().setSample(x, y, 0, x * 17); // 0, 17, ..., 255
            }
        }
        BufferedImage out = decoder.decode(TestImages.encode(gray, "png"));
        assertThat(out.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 16; x++) {
            int v = x * 17;
            assertThat(out.getRGB(x, 2) & 0xFFFFFF).as("x=%d", x).isEqualTo((v << 16) | (v << 8) | v);
        }
    }

    @Test
    void alphaIsDroppedNotComposited() throws Exception {
        BufferedImage rgba = new BufferedImage(4, 1, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x00C86432); // fully transparent (200, 100, 50)
        rgba.setRGB(1, 0, 0x80C86432); // half transparent
        rgba.setRGB(2, 0, 0xFF000000); // opaque black
        rgba.setRGB(3, 0, 0xFFFFFFFF);
        BufferedImage out = decoder.decode(TestImages.encode(rgba, "png"));
        assertThat(out.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(out.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xC86432);
        assertThat(out.getRGB(1, 0) & 0xFFFFFF).isEqualTo(0xC86432);
        assertThat(out.getRGB(2, 0) & 0xFFFFFF).isEqualTo(0);
        assertThat(out.getRGB(3, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    }
}
