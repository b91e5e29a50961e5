package dev.imagesearch.image;

/**
 * The frame header (SOF segment) of a JPEG: size, components and sample precision, read by walking the marker
 * segments without decoding anything. Used to decide whether a {@link ScaledJpegDecoder} may take the file.
 */
record JpegHeader(int width, int height, int components, int precision, boolean complete) {

    /** Whether a {@link ScaledJpegDecoder} can decode it: 8-bit gray or YCbCr, with an end-of-image marker. */
    boolean scalable() {
        return precision == 8 && (components == 1 || components == 3) && width > 0 && height > 0 && complete;
    }

    /** The header of {@code d}, or {@code null} when {@code d} is not a JPEG or its header is malformed. */
    static JpegHeader read(byte[] d) {
        if (d.length < 4 || (d[0] & 0xFF) != 0xFF || (d[1] & 0xFF) != 0xD8) {
            return null;
        }
        int width = 0;
        int height = 0;
        int components = 0;
        int precision = 0;
        boolean frame = false;
        int pos = 2;
        while (pos + 4 <= d.length) {
            if ((d[pos] & 0xFF) != 0xFF) {
                return null;
            }
            int marker = d[pos + 1] & 0xFF;
            if (marker == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (marker == 0xD9) {
                return null; // end before any scan
            }
            int len = ((d[pos + 2] & 0xFF) << 8) | (d[pos + 3] & 0xFF);
            if (len < 2 || pos + 2 + len > d.length) {
                return null;
            }
            if (marker == 0xDA) {
                // the first scan: its data runs to the end marker, which must lie after it (an EXIF thumbnail
                // carries an end marker of its own, before the scan)
                return frame ? new JpegHeader(width, height, components, precision, hasEndMarker(d, pos)) : null;
            }
            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC)
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof && !frame) {
                if (len < 8) {
                    return null;
                }
                frame = true;
                height = ((d[pos + 5] & 0xFF) << 8) | (d[pos + 6] & 0xFF);
                width = ((d[pos + 7] & 0xFF) << 8) | (d[pos + 8] & 0xFF);
                components = d[pos + 9] & 0xFF;
                // Only baseline, extended and progressive Huffman frames (C0..C2) are plain enough to hand over.
                precision = marker <= 0xC2 ? d[pos + 4] & 0xFF : -1;
            }
            pos += 2 + len;
        }
        return frame ? new JpegHeader(width, height, components, precision, false) : null;
    }

    /**
     * Whether an end-of-image marker (FF D9) lies after the scan start, near the end of the file. A truncated JPEG
     * lacks it; libjpeg decoders then make the missing rows up (grey, or the last good row repeated) and only warn,
     * so such files are left to ImageIO, which reports them. Trailing bytes after the marker (some cameras append data) are allowed up to 64 KiB.
     */
    private static boolean hasEndMarker(byte[] d, int scanStart) {
        int stop = Math.max(scanStart + 1, d.length - 65536);
        for (int i = d.length - 1; i >= stop; i--) {
            if ((d[i] & 0xFF) == 0xD9 && (d[i - 1] & 0xFF) == 0xFF) {
                return true;
            }
        }
        return false;
    }
}
