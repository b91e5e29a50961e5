package dev.imagesearch.image;

/**
 * The frame header (SOF segment) of a JPEG: size, components and sample precision, read without decoding anything,
 * and whether an end marker follows the first scan. Used to decide whether a {@link ScaledJpegDecoder} may take
 * the file.
 */
record JpegHeader(int width, int height, int components, int precision, boolean complete) {

    /** Whether a {@link ScaledJpegDecoder} can decode it: 8-bit gray or YCbCr, with an end-of-image marker. */
    boolean scalable() {
        return precision == 8 && (components == 1 || components == 3) && width > 0 && height > 0 && complete;
    }

    /**
     * The header of {@code d}, or {@code null} when {@code d} is not a JPEG, its header is malformed or it holds no
     * frame before its first scan.
     */
    static JpegHeader read(byte[] d) {
        int[] frame = new int[4]; // height, width, components, precision
        boolean[] found = new boolean[1];
        int sos = JpegSegments.walk(d, (marker, start, length) -> {
            if (JpegSegments.isFrame(marker) && !found[0]) {
                if (length < 8) {
                    return false;
                }
                found[0] = true;
                frame[0] = ((d[start + 5] & 0xFF) << 8) | (d[start + 6] & 0xFF);
                frame[1] = ((d[start + 7] & 0xFF) << 8) | (d[start + 8] & 0xFF);
                frame[2] = d[start + 9] & 0xFF;
                // Only baseline, extended and progressive Huffman frames (C0..C2) are plain enough to hand over.
                frame[3] = marker <= 0xC2 ? d[start + 4] & 0xFF : -1;
            }
            return true;
        });
        if (!found[0] || sos == JpegSegments.STOPPED) {
            return null;
        }
        // the end marker must follow the scan (an EXIF thumbnail carries an end marker of its own, before it)
        boolean complete = sos >= 0 && hasEndMarker(d, sos);
        return new JpegHeader(frame[1], frame[0], frame[2], frame[3], complete);
    }

    /**
     * Whether an end-of-image marker (FF D9) lies after the scan start, near the end of the file. A truncated JPEG
     * lacks it; libjpeg decoders then make the missing rows up (grey, or the last good row repeated) and only warn,
     * so such files are left to ImageIO, which reports them. Trailing bytes after the marker (some cameras append
     * data) are allowed up to 64 KiB.
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
