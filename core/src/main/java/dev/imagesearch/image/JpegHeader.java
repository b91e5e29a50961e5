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
            if (marker == 0xDA || marker == 0xD9) {
                return null; // scan or end before any frame header
            }
            int len = ((d[pos + 2] & 0xFF) << 8) | (d[pos + 3] & 0xFF);
            if (len < 2 || pos + 2 + len > d.length) {
                return null;
            }
            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC)
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                if (len < 8) {
                    return null;
                }
                int precision = d[pos + 4] & 0xFF;
                int height = ((d[pos + 5] & 0xFF) << 8) | (d[pos + 6] & 0xFF);
                int width = ((d[pos + 7] & 0xFF) << 8) | (d[pos + 8] & 0xFF);
                int components = d[pos + 9] & 0xFF;
                // Only baseline, extended and progressive Huffman frames (C0..C2) are plain enough to hand over.
                boolean supported = marker <= 0xC2;
                return new JpegHeader(width, height, components, supported ? precision : -1, hasEndMarker(d));
            }
            pos += 2 + len;
        }
        return null;
    }

    /**
     * Whether an end-of-image marker (FF D9) lies near the end of the file. A truncated JPEG lacks it; libjpeg
     * decoders then fill the missing rows with grey and only warn, so such files are left to ImageIO, which reports
     * them. Trailing bytes after the marker (some cameras append data) are allowed up to 64 KiB.
     */
    private static boolean hasEndMarker(byte[] d) {
        int stop = Math.max(1, d.length - 65536);
        for (int i = d.length - 1; i >= stop; i--) {
            if ((d[i] & 0xFF) == 0xD9 && (d[i - 1] & 0xFF) == 0xFF) {
                return true;
            }
        }
        return false;
    }
}
