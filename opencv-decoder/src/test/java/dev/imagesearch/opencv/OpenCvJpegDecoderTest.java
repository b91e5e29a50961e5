package dev.imagesearch.opencv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.testing.TestImages;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The OpenCV decoder on generated JPEGs: same pixels as ImageIO at full size, scaled sizes, errors, threads. */
class OpenCvJpegDecoderTest {

    private static final OpenCvJpegDecoder OPENCV = OpenCvJpegDecoder.load();
    private final ImageDecoder imageIo = ImageDecoder.builder().reducedDecodeMargin(0).build();
    private final ImageDecoder withOpenCv = ImageDecoder.builder().scaledJpegDecoder(OPENCV).build();

    static int[] pixels(BufferedImage image) {
        assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        return ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    }

    @Test
    void loadsAndNamesItsVersion() {
        assertThat(OPENCV.name()).isEqualTo("opencv");
        assertThat(OPENCV.version()).startsWith("4.");
        assertThat(OpenCvJpegDecoder.load().version()).isEqualTo(OPENCV.version()); // loading twice is harmless
    }

    @Test
    void fullSizeColourAndGrayEqualImageIoPixelForPixel() throws Exception {
        byte[] colour = TestImages.encode(TestImages.blocks(4, 333), "jpg");
        assertThat(pixels(OPENCV.decode(colour, 1))).isEqualTo(pixels(imageIo.decode(colour)));

        BufferedImage grayImage = new BufferedImage(120, 90, BufferedImage.TYPE_BYTE_GRAY);
        grayImage.getGraphics().drawImage(TestImages.blocks(5, 120), 0, 0, null);
        byte[] gray = TestImages.encode(grayImage, "jpg");
        int[] g = pixels(OPENCV.decode(gray, 1));
        assertThat(g).isEqualTo(pixels(imageIo.decode(gray)));
        assertThat(g[17] >> 16 & 0xFF).as("gray copied into R = B").isEqualTo(g[17] & 0xFF);
    }

    @Test
    void scaledSizesRoundUpAsLibjpegDoes() throws Exception {
        byte[] jpeg = TestImages.encode(TestImages.blocks(6, 333), "jpg");
        for (int scale : new int[] {2, 4, 8}) {
            BufferedImage out = OPENCV.decode(jpeg, scale);
            int side = (333 + scale - 1) / scale;
            assertThat(out.getWidth()).as("1/" + scale).isEqualTo(side);
            assertThat(out.getHeight()).isEqualTo(side);
        }
        assertThatThrownBy(() -> OPENCV.decode(jpeg, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scaledDecodeAveragesBlocks() throws Exception {
        // a fine checkerboard: subsampling would pick one colour, DCT scaling averages to mid grey
        BufferedImage checker = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                checker.setRGB(x, y, ((x + y) & 1) == 0 ? 0xFFFFFF : 0x000000);
            }
        }
        int[] px = pixels(OPENCV.decode(TestImages.encode(checker, "jpg"), 8));
        long sum = 0;
        for (int p : px) {
            sum += p & 0xFF;
        }
        assertThat(sum / (double) px.length).isBetween(100.0, 156.0);
    }

    @Test
    void undecodableBytesAreAnImageDecodeException() {
        byte[] notJpeg = "not a jpeg at all".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> OPENCV.decode(notJpeg, 1)).isInstanceOf(ImageDecodeException.class);
    }

    @Test
    void throughImageDecoderBrokenFilesGetImageIosMessages() {
        byte[] jpeg = TestImages.encode(TestImages.blocks(9, 256), "jpg");
        assertThatThrownBy(() -> withOpenCv.decode(Arrays.copyOf(jpeg, jpeg.length / 2), 256))
                .isInstanceOf(ImageDecodeException.class).hasMessageContaining("truncated");
        byte[] text = "hello\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> withOpenCv.decode(text, 256)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("not a supported image format");
        // garbage in the scan data (markers that have no place there): ImageIO decides, and refuses it
        byte[] garbage = jpeg.clone();
        for (int i = garbage.length / 3; i < garbage.length - 2; i += 2) {
            garbage[i] = (byte) 0xFF;
            garbage[i + 1] = (byte) 0x37; // not a marker that may appear in a scan
        }
        assertThatThrownBy(() -> withOpenCv.decode(garbage, 256)).isInstanceOf(ImageDecodeException.class);
    }

    @Test
    void throughImageDecoderTruncatedPhotosAreRefusedHoweverTheyEnd() throws Exception {
        byte[] jpeg = TestImages.encode(TestImages.blocks(12, 400), "jpg");
        int scan = TestImages.markerIndex(jpeg, 0xDA);
        byte[] cut = Arrays.copyOf(jpeg, scan + (jpeg.length - scan) / 3);
        // an end marker in an EXIF thumbnail before the scan: the header check must not take it for the end
        byte[] thumbnail = new byte[cut.length + 17];
        byte[] app1 = {(byte) 0xFF, (byte) 0xE1, 0, 15, 'E', 'x', 'i', 'f', 0, 0, (byte) 0xFF, (byte) 0xD8, 1, 2, 3,
            (byte) 0xFF, (byte) 0xD9};
        System.arraycopy(cut, 0, thumbnail, 0, 2);
        System.arraycopy(app1, 0, thumbnail, 2, app1.length);
        System.arraycopy(cut, 2, thumbnail, 2 + app1.length, cut.length - 2);
        assertThatThrownBy(() -> withOpenCv.decode(thumbnail, 256)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void aPhotoCutAfterARestartMarkerAndGivenANewEndIsRefusedThoughOpenCvWouldMakeItsRowsUp() throws Exception {
        byte[] jpeg = TestImages.jpegWithRestarts(TestImages.blocks(13, 400), 4);
        int restart = -1;
        for (int i = TestImages.markerIndex(jpeg, 0xDA), seen = 0; seen < 30; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xF8) == 0xD0) {
                restart = i;
                seen++;
            }
        }
        byte[] cut = Arrays.copyOf(jpeg, restart + 4);
        cut[restart + 2] = (byte) 0xFF;
        cut[restart + 3] = (byte) 0xD9;
        assertThat(OPENCV.decode(cut, 1).getWidth()).as("libjpeg only warns").isEqualTo(400);
        assertThatThrownBy(() -> withOpenCv.decode(cut, 256)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("truncated");
        assertThat(withOpenCv.decode(jpeg, 256).getWidth()).isEqualTo(400);
    }

    @Test
    void throughImageDecoderExifOrientationIsApplied() throws Exception {
        BufferedImage wide = TestImages.blocks(7, 40).getSubimage(0, 0, 40, 20);
        BufferedImage out = withOpenCv.decode(TestImages.jpegWithOrientation(wide, 6));
        assertThat(out.getWidth()).isEqualTo(20);
        assertThat(out.getHeight()).isEqualTo(40);
        assertThat(pixels(out)).isEqualTo(pixels(imageIo.decode(TestImages.jpegWithOrientation(wide, 6))));
    }

    @Test
    void isThreadSafe() throws Exception {
        List<byte[]> files = new ArrayList<>();
        List<int[]> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] jpeg = TestImages.encode(TestImages.blocks(10 + i, 200 + 37 * i), "jpg");
            files.add(jpeg);
            expected.add(pixels(OPENCV.decode(jpeg, 2)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int r = 0; r < 25; r++) {
                        for (int i = 0; i < files.size(); i++) {
                            if (!Arrays.equals(pixels(OPENCV.decode(files.get(i), 2)), expected.get(i))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
