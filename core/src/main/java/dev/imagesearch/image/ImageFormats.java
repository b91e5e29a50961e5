package dev.imagesearch.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** What {@link ImageDecoder} tells from the bytes alone: the format's name, the size in the header, and why not. */
final class ImageFormats {

    private ImageFormats() {
    }

    /** Width and height of an image from its header alone, without decoding pixels. */
    static int[] dimensions(byte[] data) throws ImageDecodeException {
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

    /** "JPEG", "PNG", ... from the first bytes, for messages. */
    static String formatName(byte[] d) {
        if (d.length >= 3 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xFF) == 0xD8) {
            return "JPEG";
        }
        if (d.length >= 4 && (d[0] & 0xFF) == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G') {
            return "PNG";
        }
        if (d.length >= 3 && d[0] == 'G' && d[1] == 'I' && d[2] == 'F') {
            return "GIF";
        }
        if (d.length >= 12 && d[0] == 'R' && d[1] == 'I' && d[2] == 'F' && d[3] == 'F' && d[8] == 'W') {
            return "WebP";
        }
        if (d.length >= 2 && ((d[0] == 'I' && d[1] == 'I') || (d[0] == 'M' && d[1] == 'M'))) {
            return "TIFF";
        }
        if (d.length >= 2 && d[0] == 'B' && d[1] == 'M') {
            return "BMP";
        }
        return "image";
    }

    static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    static String describeMagic(byte[] data) {
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
