package dev.imagesearch.image;

import java.awt.image.BufferedImage;

/**
 * Reads the EXIF orientation tag (0x0112) of a JPEG and applies it. Only the one tag is parsed: the APP1 "Exif"
 * segment's TIFF header and first IFD. Anything unexpected means "no orientation" (1), never an error.
 */
final class ExifOrientation {

    private ExifOrientation() {
    }

    /** The orientation value 1..8 of a JPEG's EXIF data, or 1 when absent or unreadable. */
    static int read(byte[] data) {
        try {
            return readJpeg(data);
        } catch (RuntimeException e) {
            return 1; // malformed EXIF must not make a good image fail
        }
    }

    private static int readJpeg(byte[] d) {
        int[] orientation = {1};
        // EXIF lives in an APP1 segment that starts with "Exif\0\0", before the image data
        JpegSegments.walk(d, (marker, start, length) -> {
            int seg = start + 4;
            if (marker == 0xE1 && length >= 8 && seg + 6 <= d.length
                    && d[seg] == 'E' && d[seg + 1] == 'x' && d[seg + 2] == 'i' && d[seg + 3] == 'f'
                    && d[seg + 4] == 0 && d[seg + 5] == 0) {
                orientation[0] = readTiff(d, seg + 6, Math.min(d.length, start + 2 + length));
                return false;
            }
            return true;
        });
        return orientation[0];
    }

    private static int readTiff(byte[] d, int tiff, int end) {
        boolean big;
        if (d[tiff] == 'M' && d[tiff + 1] == 'M') {
            big = true;
        } else if (d[tiff] == 'I' && d[tiff + 1] == 'I') {
            big = false;
        } else {
            return 1;
        }
        long ifd = u32(d, tiff + 4, big);
        int p = (int) (tiff + ifd);
        if (ifd < 8 || p + 2 > end) {
            return 1;
        }
        int entries = u16(d, p, big);
        for (int i = 0; i < entries; i++) {
            int e = p + 2 + 12 * i;
            if (e + 12 > end) {
                return 1;
            }
            if (u16(d, e, big) == 0x0112) {
                int value = u16(d, e + 8, big);
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static int u16(byte[] d, int p, boolean big) {
        int a = d[p] & 0xFF;
        int b = d[p + 1] & 0xFF;
        return big ? (a << 8) | b : (b << 8) | a;
    }

    private static long u32(byte[] d, int p, boolean big) {
        long hi = u16(d, big ? p : p + 2, big);
        long lo = u16(d, big ? p + 2 : p, big);
        return (hi << 16) | lo;
    }

    /** Returns the image turned upright for an EXIF orientation value (a new image unless orientation is 1). */
    static BufferedImage apply(BufferedImage src, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return src;
        }
        int w = src.getWidth();
        int h = src.getHeight();
        boolean swap = orientation >= 5;
        BufferedImage dst = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            src.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int dx;
                int dy;
                switch (orientation) {
                    case 2 -> { dx = w - 1 - x; dy = y; }
                    case 3 -> { dx = w - 1 - x; dy = h - 1 - y; }
                    case 4 -> { dx = x; dy = h - 1 - y; }
                    case 5 -> { dx = y; dy = x; }
                    case 6 -> { dx = h - 1 - y; dy = x; }
                    case 7 -> { dx = h - 1 - y; dy = w - 1 - x; }
                    default -> { dx = y; dy = w - 1 - x; } // 8
                }
                dst.setRGB(dx, dy, row[x]);
            }
        }
        return dst;
    }
}
