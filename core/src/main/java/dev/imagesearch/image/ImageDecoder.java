package dev.imagesearch.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads image files into upright 8-bit RGB images with ImageIO, refusing oversized files and images before
 * decoding them. Any ImageIO plugin on the class path is used (the ONNX embedder module brings TwelveMonkeys for
 * CMYK JPEG, WebP and TIFF). Thread-safe.
 */
public final class ImageDecoder {

    private final ImageLimits limits;

    public ImageDecoder() {
        this(ImageLimits.DEFAULT);
    }

    public ImageDecoder(ImageLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        ImageIO.setUseCache(false); // decode in memory, never through temporary files
    }

    public ImageLimits limits() {
        return limits;
    }

    /**
     * Reads a file's bytes, refusing directories, unreadable files and files above the size limit.
     *
     * @throws ImageDecodeException with a reason a user can act on
     */
    public byte[] readFile(Path path) throws ImageDecodeException {
        try {
            if (Files.isDirectory(path)) {
                throw new ImageDecodeException("is a directory, not an image file");
            }
            // Open first, so that a file we may not read says so (rather than "empty", as special files report 0).
            try (InputStream in = Files.newInputStream(path)) {
                long size = Files.size(path);
                if (size > limits.maxFileBytes()) {
                    throw tooLarge(size);
                }
                byte[] data = in.readNBytes((int) limits.maxFileBytes() + 1);
                if (data.length == 0) {
                    throw new ImageDecodeException("empty file (0 bytes)");
                }
                if (data.length > limits.maxFileBytes()) {
                    throw tooLarge(data.length);
                }
                return data;
            }
        } catch (NoSuchFileException e) {
            throw new ImageDecodeException("file not found", e);
        } catch (AccessDeniedException e) {
            throw new ImageDecodeException("permission denied", e);
        } catch (IOException e) {
            throw new ImageDecodeException("cannot read file: " + e.getMessage(), e);
        }
    }

    private ImageDecodeException tooLarge(long size) {
        return new ImageDecodeException("file is " + size + " bytes, above the limit of " + limits.maxFileBytes()
                + " bytes");
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
        if (data.length == 0) {
            throw new ImageDecodeException("empty file (0 bytes)");
        }
        if (data.length > limits.maxFileBytes()) {
            throw new ImageDecodeException("image is " + data.length + " bytes, above the limit of "
                    + limits.maxFileBytes() + " bytes");
        }
        BufferedImage image;
        // Decode as Pillow does: ignore an embedded ICC profile (see JpegIccProfile).
        byte[] pixels = JpegIccProfile.strip(data);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(pixels))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException("not a supported image format" + describeMagic(data));
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                checkSize(w, h);
                ImageReadParam param = reader.getDefaultReadParam();
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
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException("corrupt or truncated image: " + reason(e), e);
        } catch (OutOfMemoryError e) {
            throw new ImageDecodeException("not enough memory to decode the image; lower ImageLimits.maxPixels", e);
        }
        if (image == null) {
            throw new ImageDecodeException("the decoder returned no image");
        }
        BufferedImage rgb = RgbImages.toRgb(image);
        return ExifOrientation.apply(rgb, ExifOrientation.read(data));
    }

    /** Width and height of an image from its header alone, without decoding pixels. */
    public static int[] dimensions(byte[] data) throws ImageDecodeException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException("not a supported image format");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new ImageDecodeException("corrupt image header: " + reason(e), e);
        }
    }

    private void checkSize(int w, int h) throws ImageDecodeException {
        if (w <= 0 || h <= 0) {
            throw new ImageDecodeException("invalid image size " + w + "x" + h);
        }
        if (w > limits.maxSide() || h > limits.maxSide() || (long) w * h > limits.maxPixels()) {
            throw new ImageDecodeException("image is " + w + "x" + h + " (" + ((long) w * h)
                    + " pixels), above the limit of " + limits.maxPixels() + " pixels / "
                    + limits.maxSide() + " per side; raise ImageLimits to accept it");
        }
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static String describeMagic(byte[] data) {
        int n = Math.min(data.length, 64);
        int printable = 0;
        for (int i = 0; i < n; i++) {
            int c = data[i] & 0xFF;
            if (c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7F)) {
                printable++;
            }
        }
        return printable == n ? " (the file looks like text)" : "";
    }
}
