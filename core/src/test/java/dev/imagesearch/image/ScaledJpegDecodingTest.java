package dev.imagesearch.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.testing.TestImages;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How {@link ImageDecoder} hands JPEGs to a {@link ScaledJpegDecoder}: which files, at which scale, and what
 * happens when it fails. The decoder here is a stand-in that records its calls (the real one, on OpenCV, is tested
 * in the opencv-decoder module against ImageIO on real photos).
 */
class ScaledJpegDecodingTest {

    /** Returns a flat grey image of the scaled size and remembers the scales it was asked for. */
    static final class RecordingDecoder implements ScaledJpegDecoder {
        final List<Integer> scales = new ArrayList<>();
        boolean fail;

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public synchronized BufferedImage decode(byte[] jpeg, int scale) throws ImageDecodeException {
            scales.add(scale);
            if (fail) {
                throw new ImageDecodeException("stand-in failure");
            }
            JpegHeader h = JpegHeader.read(jpeg);
            BufferedImage out = new BufferedImage((h.width() + scale - 1) / scale, (h.height() + scale - 1) / scale,
                    BufferedImage.TYPE_INT_RGB);
            return out;
        }
    }

    private final RecordingDecoder backend = new RecordingDecoder();
    private final ImageDecoder decoder = ImageDecoder.builder().scaledJpegDecoder(backend).build();

    @Test
    void scaleIsTheLargestThatKeepsTheShorterSideAtLeastMarginTimesTheNeed() {
        assertThat(decoder.dctScale(4000, 3000, 256)).isEqualTo(8); // 375 >= 256
        assertThat(decoder.dctScale(3000, 4000, 256)).isEqualTo(8);
        assertThat(decoder.dctScale(2100, 2000, 256)).isEqualTo(4); // 2000 / 8 = 250 < 256
        assertThat(decoder.dctScale(1024, 768, 256)).isEqualTo(2);
        assertThat(decoder.dctScale(512, 512, 256)).isEqualTo(2); // exactly the need: Pillow's draft does the same
        assertThat(decoder.dctScale(600, 511, 256)).isEqualTo(1);
        assertThat(decoder.dctScale(4000, 3000, 0)).as("0 = full size wanted").isEqualTo(1);

        ImageDecoder wider = ImageDecoder.builder().scaledJpegDecoder(backend).dctScalingMargin(1.5).build();
        assertThat(wider.dctScale(1024, 768, 256)).isEqualTo(2); // 384 >= 1.5 * 256
        assertThat(wider.dctScale(1024, 700, 256)).isEqualTo(1);
        ImageDecoder off = ImageDecoder.builder().scaledJpegDecoder(backend).reducedDecodeMargin(0).build();
        assertThat(off.dctScale(4000, 3000, 256)).as("reduced decoding off").isEqualTo(1);
        assertThatThrownBy(() -> ImageDecoder.builder().dctScalingMargin(0.5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jpegsGoToTheScaledDecoderAtTheChosenScale() throws Exception {
        byte[] jpeg = TestImages.encode(TestImages.blocks(1, 1100), "jpg");
        BufferedImage out = decoder.decode(jpeg, 256);
        assertThat(backend.scales).containsExactly(4); // 1100 / 4 = 275
        assertThat(out.getWidth()).isEqualTo(275);
        decoder.decode(jpeg);
        assertThat(backend.scales).containsExactly(4, 1);
    }

    @Test
    void otherFormatsNeverReachIt() throws Exception {
        BufferedImage out = decoder.decode(TestImages.png(2, 600), 256);
        assertThat(out.getWidth()).isEqualTo(600); // ImageIO, full size (below its margin of 2)
        assertThat(backend.scales).isEmpty();
    }

    @Test
    void exifOrientationIsAppliedToItsImage() throws Exception {
        BufferedImage wide = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        BufferedImage out = decoder.decode(TestImages.jpegWithOrientation(wide, 6));
        assertThat(backend.scales).containsExactly(1);
        assertThat(out.getWidth()).isEqualTo(20);
        assertThat(out.getHeight()).isEqualTo(40);
    }

    @Test
    void itsFailureFallsBackToImageIo() throws Exception {
        backend.fail = true;
        byte[] jpeg = TestImages.encode(TestImages.blocks(1, 300), "jpg");
        BufferedImage out = decoder.decode(jpeg);
        assertThat(backend.scales).containsExactly(1);
        assertThat(out.getWidth()).isEqualTo(300);
        assertThat(out).isNotNull();
    }

    @Test
    void truncatedJpegsAreLeftToImageIoWhichRefusesThem() {
        byte[] jpeg = TestImages.encode(TestImages.blocks(9, 256), "jpg");
        byte[] half = Arrays.copyOf(jpeg, jpeg.length / 2);
        assertThatThrownBy(() -> decoder.decode(half)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("truncated");
        assertThat(backend.scales).isEmpty();
    }

    @Test
    void aFileCutShortAndGivenANewEndMarkerIsCaughtByItsMissingRestartMarkers() throws Exception {
        BufferedImage image = TestImages.blocks(4, 96); // 4:2:0, 16 x 16 MCUs: 6 x 6 = 36 MCUs
        byte[] jpeg = TestImages.jpegWithRestarts(image, 2);
        List<Integer> restarts = new ArrayList<>();
        for (int i = TestImages.markerIndex(jpeg, 0xDA); i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xF8) == 0xD0) {
                restarts.add(i);
            }
        }
        assertThat(restarts).as("one between every two intervals of 2 MCUs").hasSize(36 / 2 - 1);
        assertThat(JpegHeader.read(jpeg).complete()).isTrue();
        assertThat(decoder.decode(jpeg).getWidth()).isEqualTo(96);
        assertThat(backend.scales).containsExactly(1);

        // cut right after the 10th restart marker and end it there, as a repaired download might
        int cut = restarts.get(9) + 2;
        byte[] cutShort = Arrays.copyOf(jpeg, cut + 2);
        cutShort[cut] = (byte) 0xFF;
        cutShort[cut + 1] = (byte) 0xD9;
        assertThat(JpegHeader.read(cutShort).complete()).isFalse();
        assertThatThrownBy(() -> decoder.decode(cutShort)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("truncated");
        assertThat(backend.scales).as("not handed to the scaled decoder").containsExactly(1);

        // the same cut in a file without restart markers cannot be told from a whole one (a known gap)
        byte[] plain = TestImages.encode(image, "jpg");
        int scan = TestImages.markerIndex(plain, 0xDA);
        int at = scan + (plain.length - scan) / 2;
        while ((plain[at - 1] & 0xFF) == 0xFF) {
            at++; // not between a 0xFF and its stuffed zero
        }
        byte[] plainCut = Arrays.copyOf(plain, at + 2);
        plainCut[at] = (byte) 0xFF;
        plainCut[at + 1] = (byte) 0xD9;
        assertThat(JpegHeader.read(plainCut).complete()).isTrue();
    }

    @Test
    void aMarkerThatHasNoPlaceInTheScanSendsTheFileToImageIo() throws Exception {
        byte[] jpeg = TestImages.encode(TestImages.blocks(9, 256), "jpg");
        int scan = TestImages.markerIndex(jpeg, 0xDA);
        byte[] corrupt = jpeg.clone();
        int at = scan + (jpeg.length - scan) / 2;
        corrupt[at] = (byte) 0xFF;
        corrupt[at + 1] = (byte) 0x37; // no such marker may appear inside entropy-coded data
        assertThat(JpegHeader.read(corrupt).complete()).isFalse();
        try {
            decoder.decode(corrupt, 256);
        } catch (ImageDecodeException e) {
            assertThat(e.getMessage()).isNotBlank(); // ImageIO's verdict, whichever it is
        }
        assertThat(backend.scales).isEmpty();
    }

    @Test
    void aDecoderThatThrowsOrAnswersWithAnotherImageTypeFallsBackToImageIo() throws Exception {
        byte[] jpeg = TestImages.encode(TestImages.blocks(2, 120), "jpg");
        BufferedImage expected = ImageDecoder.builder().build().decode(jpeg);
        ScaledJpegDecoder throwing = new ScaledJpegDecoder() {
            @Override
            public String name() {
                return "throwing";
            }

            @Override
            public BufferedImage decode(byte[] data, int scale) {
                throw new IllegalStateException("native failure");
            }
        };
        ScaledJpegDecoder wrongType = new ScaledJpegDecoder() {
            @Override
            public String name() {
                return "gray";
            }

            @Override
            public BufferedImage decode(byte[] data, int scale) {
                return new BufferedImage(120, 120, BufferedImage.TYPE_BYTE_GRAY);
            }
        };
        for (ScaledJpegDecoder d : List.of(throwing, wrongType)) {
            BufferedImage out = ImageDecoder.builder().scaledJpegDecoder(d).build().decode(jpeg);
            assertThat(out.getType()).as(d.name()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            assertThat(out.getRGB(17, 33)).as(d.name()).isEqualTo(expected.getRGB(17, 33));
        }
    }

    @Test
    void sizeLimitsApplyBeforeItIsCalled() {
        ImageDecoder small = ImageDecoder.builder().scaledJpegDecoder(backend)
                .limits(ImageLimits.DEFAULT.withMaxPixels(10_000)).build();
        byte[] jpeg = TestImages.encode(TestImages.blocks(1, 200), "jpg");
        assertThatThrownBy(() -> small.decode(jpeg)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("above the limit");
        assertThat(backend.scales).isEmpty();
    }

    @Test
    void headerIsReadWithoutDecoding() {
        JpegHeader color = JpegHeader.read(TestImages.encode(TestImages.blocks(1, 48), "jpg"));
        assertThat(color).isEqualTo(new JpegHeader(48, 48, 3, 8, true));
        assertThat(color.scalable()).isTrue();

        BufferedImage gray = new BufferedImage(30, 10, BufferedImage.TYPE_BYTE_GRAY);
        JpegHeader g = JpegHeader.read(TestImages.encode(gray, "jpg"));
        assertThat(g.components()).isEqualTo(1);
        assertThat(g.width()).isEqualTo(30);
        assertThat(g.scalable()).isTrue();

        byte[] jpeg = TestImages.encode(TestImages.blocks(3, 64), "jpg");
        JpegHeader cut = JpegHeader.read(Arrays.copyOf(jpeg, jpeg.length - 10));
        assertThat(cut.complete()).isFalse();
        assertThat(cut.scalable()).isFalse();

        // CMYK: 4 components are left to ImageIO (TwelveMonkeys), which knows the Adobe conventions
        byte[] cmyk = jpeg.clone();
        int sof = TestImages.markerIndex(cmyk, 0xC0);
        cmyk[sof + 9] = 4;
        assertThat(JpegHeader.read(cmyk).scalable()).isFalse();
        byte[] twelveBit = jpeg.clone();
        twelveBit[sof + 4] = 12;
        assertThat(JpegHeader.read(twelveBit).scalable()).isFalse();

        // fill bytes and stand-alone markers before the frame are skipped
        byte[] padded = new byte[jpeg.length + 4];
        padded[0] = (byte) 0xFF;
        padded[1] = (byte) 0xD8;
        padded[2] = (byte) 0xFF; // fill byte
        padded[3] = (byte) 0xFF;
        padded[4] = (byte) 0x01; // TEM: no length
        padded[5] = (byte) 0xFF;
        System.arraycopy(jpeg, 2, padded, 6, jpeg.length - 2);
        assertThat(JpegHeader.read(padded)).isEqualTo(new JpegHeader(64, 64, 3, 8, true));
        // lossless and arithmetic-coded frames are not handed over
        byte[] lossless = jpeg.clone();
        lossless[sof + 1] = (byte) 0xC3;
        assertThat(JpegHeader.read(lossless).scalable()).isFalse();
        // an end marker inside an EXIF thumbnail, before the scan, does not make a truncated file complete
        byte[] withThumbnail = withThumbnail(jpeg);
        assertThat(JpegHeader.read(withThumbnail).complete()).isTrue();
        assertThat(JpegHeader.read(Arrays.copyOf(withThumbnail, withThumbnail.length - 40)).complete()).isFalse();

        assertThat(JpegHeader.read(TestImages.png(1, 8))).isNull();
        assertThat(JpegHeader.read(new byte[] {(byte) 0xFF, (byte) 0xD8})).isNull();
        assertThat(JpegHeader.read(new byte[] {(byte) 0xFF, (byte) 0xD8, 0x12, 0x34, 0, 0})).isNull();
    }

    /** {@code jpeg} with an APP1 segment after SOI that holds a tiny embedded JPEG (SOI ... EOI), as EXIF does. */
    static byte[] withThumbnail(byte[] jpeg) {
        byte[] payload = {'E', 'x', 'i', 'f', 0, 0, (byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9};
        byte[] out = new byte[jpeg.length + 4 + payload.length];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xD8;
        out[2] = (byte) 0xFF;
        out[3] = (byte) 0xE1;
        out[4] = 0;
        out[5] = (byte) (2 + payload.length);
        System.arraycopy(payload, 0, out, 6, payload.length);
        System.arraycopy(jpeg, 2, out, 6 + payload.length, jpeg.length - 2);
        return out;
    }
}
