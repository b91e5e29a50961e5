package dev.imagesearch.image;


import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads image files into upright 8-bit RGB images with ImageIO, refusing oversized files and images before
 * decoding them. Any ImageIO plugin on the class path is used (the ONNX embedder module brings TwelveMonkeys for
 * CMYK JPEG, WebP and TIFF). Thread-safe.
 *
 * <p><b>Reduced-resolution decoding.</b> {@link #decode(byte[], int)} reads a large image with ImageIO source
 * subsampling (every s-th pixel of every s-th row) when the caller needs far fewer pixels, e.g. a model that
 * resizes to 256 pixels anyway: the decoded image and the work after it shrink by s². It changes pixels, so it is
 * used only when the image stays at least {@link Builder#reducedDecodeMargin margin} × the needed side on both
 * sides after subsampling (default margin {@value #DEFAULT_REDUCE_MARGIN}: a 12-megapixel photo for a 256-pixel
 * model is read at 1/5 scale, ordinary photos below about 2 × 512 pixels are decoded in full, exactly as before).
 *
 * <p><b>JPEG decoding in the DCT domain.</b> With a {@link Builder#scaledJpegDecoder ScaledJpegDecoder} (the
 * {@code opencv-decoder} module provides one, on libjpeg-turbo), 8-bit gray and YCbCr JPEGs whose scan data
 * runs intact to the end marker are decoded by it: at full size with the same pixels as ImageIO on every sample
 * photo (4:2:0 and gray; other chroma subsamplings not checked), and for reduced decoding shrunk by 1/2, 1/4 or
 * 1/8 in the DCT domain, which averages instead of skipping pixels, so it may go down to
 * {@value #DEFAULT_DCT_MARGIN} × the needed side, as Pillow's {@code draft} does. Other images (PNG, CMYK JPEG,
 * truncated files...), and any file it fails on, go to ImageIO.
 *
 * <p><b>PNG.</b> With a {@link Builder#pngDecoder PngDecoder} (also in {@code opencv-decoder}, on libpng), PNGs of at
 * most 8 bits per sample without an ICC profile are decoded by it, with ImageIO's pixels (subsampled the same way
 * for reduced decoding); 16-bit and ICC-tagged PNGs, damaged or malformed ones (see {@code PngHeader}), PNGs above
 * {@value #MAX_SUBSAMPLED_PNG_PIXELS} pixels that are to be subsampled, and any file it fails on go to ImageIO.
 */
public final class ImageDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(ImageDecoder.class);

    /** Default {@link Builder#reducedDecodeMargin}. */
    public static final int DEFAULT_REDUCE_MARGIN = 2;
    /**
     * How much larger than the needed side both sides must stay after DCT-domain scaling: 1, Pillow's {@code draft}
     * policy. Measured on the benchmark photos with efficientnet-lite0 (69 photo × scale pairs, docs/BENCHMARKS.md):
     * embedding cosine to the full decode ≥ 0.998 from 1.5 × up, median 0.995 (lowest 0.93) between 1 × and 1.25 ×;
     * near-duplicate recall@1 unchanged (0.998).
     */
    public static final double DEFAULT_DCT_MARGIN = 1.0;
    /**
     * Largest PNG handed to the {@link PngDecoder} when it is to be subsampled: the decoder holds the whole image
     * (3 bytes a pixel, outside the Java heap) before picking pixels, where ImageIO keeps only the picked ones, so
     * larger ones stay with ImageIO rather than let each decode thread take up to 240 MB of native memory.
     */
    static final long MAX_SUBSAMPLED_PNG_PIXELS = 16_000_000L;
    /** Largest subsampling step used: beyond it the aliasing of skipped pixels grows and little time is won. */
    private static final int MAX_SUBSAMPLING = 8;

    private final ImageLimits limits;
    private final int reduceMargin;
    private final ScaledJpegDecoder jpeg;
    private final PngDecoder png;
    private final double dctMargin;

    public ImageDecoder() {
        this(ImageLimits.DEFAULT);
    }

    public ImageDecoder(ImageLimits limits) {
        this(builder().limits(limits));
    }

    private ImageDecoder(Builder b) {
        this.limits = Objects.requireNonNull(b.limits, "limits");
        this.reduceMargin = b.reduceMargin;
        this.jpeg = b.jpeg;
        this.png = b.png;
        this.dctMargin = b.dctMargin;
        ImageIO.setUseCache(false); // decode in memory, never through temporary files
    }

    /**
     * A builder. Defaults: {@link ImageLimits#DEFAULT}, reduced-resolution decoding with margin
     * {@value #DEFAULT_REDUCE_MARGIN}, no {@link ScaledJpegDecoder} and no {@link PngDecoder} (ImageIO decodes
     * everything), DCT scaling margin
     * {@value #DEFAULT_DCT_MARGIN} (used only with a scaled JPEG decoder).
     */
    public static Builder builder() {
        return new Builder();
    }

    public ImageLimits limits() {
        return limits;
    }

    /** The reduced-decoding margin; 0 when reduced decoding is off. */
    public int reducedDecodeMargin() {
        return reduceMargin;
    }

    /**
     * The DCT scale denominator (1, 2, 4 or 8) {@link #decode(byte[], int)} asks the {@link ScaledJpegDecoder} for,
     * for a {@code w}×{@code h} JPEG when {@code minSide} pixels per side are needed: the largest with
     * {@code min(w, h) / scale >= dctMargin * minSide}; 1 when reduced decoding is off.
     */
    public int dctScale(int w, int h, int minSide) {
        if (reduceMargin <= 0 || minSide <= 0) {
            return 1;
        }
        int shorter = Math.min(w, h);
        for (int scale = 8; scale > 1; scale /= 2) {
            if (shorter / scale >= dctMargin * minSide) {
                return scale;
            }
        }
        return 1;
    }

    /**
     * The subsampling step {@link #decode(byte[], int)} uses for a {@code w}×{@code h} image when {@code minSide}
     * pixels per side are needed: the largest s ≤ 8 with {@code min(w, h) / s >= margin * minSide}, at least 1.
     */
    public int subsampling(int w, int h, int minSide) {
        if (reduceMargin <= 0 || minSide <= 0) {
            return 1;
        }
        long s = Math.min(w, h) / ((long) reduceMargin * minSide);
        return (int) Math.max(1, Math.min(MAX_SUBSAMPLING, s));
    }

    /**
     * Reads a file's bytes, refusing directories, unreadable files and files above the size limit.
     *
     * @throws ImageDecodeException with a reason a user can act on
     */
    public byte[] readFile(Path path) throws ImageDecodeException {
        return ImageFileReader.read(path, limits);
    }

    /** Decodes a file: {@link #readFile} then {@link #decode(byte[])}. */
    public BufferedImage decode(Path path) throws ImageDecodeException {
        return decode(readFile(path));
    }

    /**
     * Decodes encoded image bytes into an upright {@code TYPE_INT_RGB} image (EXIF orientation applied).
     * An ICC profile embedded in an RGB or gray JPEG is ignored, as Pillow ignores it, so that pixels equal those
     * of the Python reference pipelines the models were made with.
     *
     * @throws ImageDecodeException if the bytes are not a supported image, are truncated or corrupt, or the
     *                              image is larger than the limits
     */
    public BufferedImage decode(byte[] data) throws ImageDecodeException {
        return decode(data, 0);
    }

    /**
     * As {@link #decode(byte[])}, but a large image may come out smaller: a JPEG taken by the
     * {@link ScaledJpegDecoder} at the {@link #dctScale DCT scale} for {@code minSide} (both sides stay at least the
     * DCT margin × {@code minSide}), any other image with the {@link #subsampling subsampling step} (both sides stay
     * at least the reduce margin × {@code minSide}). {@code minSide} 0 decodes at full resolution. The size limits
     * apply to the image's full size, as in {@link #decode(byte[])}.
     */
    public BufferedImage decode(byte[] data, int minSide) throws ImageDecodeException {
        if (data.length == 0) {
            throw new ImageDecodeException("empty file (0 bytes)");
        }
        if (data.length > limits.maxFileBytes()) {
            throw new ImageDecodeException("image is " + data.length + " bytes, above the limit of "
                    + limits.maxFileBytes() + " bytes");
        }
        int precision = JpegHeader.precision(data);
        if (precision > 8) {
            throw new ImageDecodeException(precision + "-bit JPEG is not supported (only 8-bit JPEGs are decoded; "
                    + "convert it to 8 bits, e.g. to PNG, first)");
        }
        if (jpeg != null) {
            JpegHeader header = JpegHeader.read(data);
            if (header != null && header.scalable()) {
                limits.check(header.width(), header.height());
                BufferedImage image = decodeScaled(data, header, minSide);
                if (image != null) {
                    return ExifOrientation.apply(image, ExifOrientation.read(data));
                }
            }
        }
        if (png != null) {
            PngHeader header = PngHeader.read(data);
            int step = header == null ? 1 : subsampling(header.width(), header.height(), minSide); // as ImageIO's
            if (header != null && header.plain()
                    && (step == 1 || (long) header.width() * header.height() <= MAX_SUBSAMPLED_PNG_PIXELS)) {
                limits.check(header.width(), header.height());
                BufferedImage image = decodePng(data, header, step);
                if (image != null) {
                    return ExifOrientation.apply(image, ExifOrientation.read(data));
                }
            }
        }
        BufferedImage rgb = RgbImages.toRgb(readWithImageIo(data, minSide));
        return ExifOrientation.apply(rgb, ExifOrientation.read(data));
    }

    /** Reads with ImageIO, subsampled for {@code minSide}. */
    private BufferedImage readWithImageIo(byte[] data, int minSide) throws ImageDecodeException {
        BufferedImage image;
        // Decode as Pillow does: ignore an embedded ICC profile (see JpegIccProfile).
        byte[] pixels = JpegIccProfile.strip(data);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(pixels))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException("not a supported image format" + ImageFormats.describeMagic(data));
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                limits.check(w, h);
                ImageReadParam param = reader.getDefaultReadParam();
                int step = subsampling(w, h, minSide);
                if (step > 1) {
                    // Take the middle pixel of each step × step block, so the image is not shifted by half a block.
                    param.setSourceSubsampling(step, step, step / 2, step / 2);
                }
                // Truncated JPEGs decode "successfully" with a warning and a grey bottom; treat that as corrupt.
                String[] truncation = new String[1];
                reader.addIIOReadWarningListener((source, warning) -> {
                    if (warning != null && warning.toLowerCase(java.util.Locale.ROOT).contains("premature end")) {
                        truncation[0] = warning;
                    }
                });
                image = reader.read(0, param);
                if (truncation[0] != null) {
                    throw new ImageDecodeException("truncated image: " + truncation[0]);
                }
            } finally {
                reader.dispose();
            }
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageDecodeException("corrupt or truncated image: " + ImageFormats.reason(e), e);
        } catch (RuntimeException e) {
            // A decoder bug tripped by odd data: its exception text (an index, a null) means nothing to a user.
            throw new ImageDecodeException("corrupt or unsupported image data (the " + ImageFormats.formatName(data)
                    + " decoder could not read it)", e);
        } catch (OutOfMemoryError e) {
            throw new ImageDecodeException("not enough memory to decode the image; lower ImageLimits.maxPixels", e);
        }
        if (image == null) {
            throw new ImageDecodeException("the decoder returned no image");
        }
        return image;
    }

    /** The image from the {@link ScaledJpegDecoder}, or {@code null} to let ImageIO decode (and explain) it. */
    private BufferedImage decodeScaled(byte[] data, JpegHeader header, int minSide) throws ImageDecodeException {
        try {
            BufferedImage image = jpeg.decode(data, dctScale(header.width(), header.height(), minSide));
            if (image != null && image.getType() == BufferedImage.TYPE_INT_RGB) {
                return image;
            }
            LOG.debug("{} returned {} instead of a TYPE_INT_RGB image; ImageIO decodes it", jpeg.name(), image);
        } catch (RuntimeException e) { // ImageDecodeException included
            // ImageIO tries next and reports its own reason if it fails too
            LOG.debug("{} could not decode a {}x{} JPEG ({}); ImageIO decodes it", jpeg.name(), header.width(),
                    header.height(), e.toString());
        } catch (OutOfMemoryError e) {
            throw new ImageDecodeException("not enough memory to decode the image; lower ImageLimits.maxPixels", e);
        }
        return null;
    }

    /** The image from the {@link PngDecoder}, or {@code null} to let ImageIO decode (and explain) it. */
    private BufferedImage decodePng(byte[] data, PngHeader header, int step) throws ImageDecodeException {
        try {
            BufferedImage image = png.decode(data, step);
            int w = (header.width() - step / 2 + step - 1) / step;
            int h = (header.height() - step / 2 + step - 1) / step;
            if (image != null && image.getType() == BufferedImage.TYPE_INT_RGB && image.getWidth() == w
                    && image.getHeight() == h) {
                return image;
            }
            LOG.debug("{} returned {} instead of a {}x{} TYPE_INT_RGB image; ImageIO decodes it", png.name(), image,
                    w, h);
        } catch (RuntimeException e) { // ImageDecodeException included
            LOG.debug("{} could not decode a {}x{} PNG ({}); ImageIO decodes it", png.name(), header.width(),
                    header.height(), e.toString());
        } catch (OutOfMemoryError e) {
            throw new ImageDecodeException("not enough memory to decode the image; lower ImageLimits.maxPixels", e);
        }
        return null;
    }

    /** Width and height of an image from its header alone, without decoding pixels. */
    public static int[] dimensions(byte[] data) throws ImageDecodeException {
        return ImageFormats.dimensions(data);
    }


    /** Builder of {@link ImageDecoder}; see {@link ImageDecoder#builder()} for the defaults. */
    public static final class Builder {
        private ImageLimits limits = ImageLimits.DEFAULT;
        private int reduceMargin = DEFAULT_REDUCE_MARGIN;
        private ScaledJpegDecoder jpeg;
        private PngDecoder png;
        private double dctMargin = DEFAULT_DCT_MARGIN;

        private Builder() {
        }

        /** Size limits checked before decoding. */
        public Builder limits(ImageLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * How much larger than the needed side both sides must stay after reduced-resolution decoding; 0 turns it
         * off (always full resolution). Higher is closer to a full decode and slower. Default
         * {@value ImageDecoder#DEFAULT_REDUCE_MARGIN}.
         */
        public Builder reducedDecodeMargin(int margin) {
            if (margin < 0) {
                throw new IllegalArgumentException("reducedDecodeMargin must be >= 0 (0 = off), got " + margin);
            }
            this.reduceMargin = margin;
            return this;
        }

        /**
         * A decoder for 8-bit gray and YCbCr JPEGs that scales in the DCT domain (e.g. the {@code opencv-decoder}
         * module's). Default none: ImageIO decodes everything.
         */
        public Builder scaledJpegDecoder(ScaledJpegDecoder decoder) {
            this.jpeg = decoder;
            return this;
        }

        /**
         * A decoder for PNGs of at most 8 bits per sample without an ICC profile, with ImageIO's pixels (e.g. the
         * {@code opencv-decoder} module's). Default none: ImageIO decodes every PNG.
         */
        public Builder pngDecoder(PngDecoder decoder) {
            this.png = decoder;
            return this;
        }

        /**
         * How much larger than the needed side both sides of a JPEG must stay after DCT-domain scaling (used only
         * with a {@link #scaledJpegDecoder}; reduced decoding off still means full size). Default
         * {@value ImageDecoder#DEFAULT_DCT_MARGIN}; 1 is Pillow's {@code draft} policy.
         */
        public Builder dctScalingMargin(double margin) {
            if (!(margin >= 1)) {
                throw new IllegalArgumentException("dctScalingMargin must be >= 1, got " + margin);
            }
            this.dctMargin = margin;
            return this;
        }

        public ImageDecoder build() {
            return new ImageDecoder(this);
        }
    }
}
