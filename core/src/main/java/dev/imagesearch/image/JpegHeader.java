package dev.imagesearch.image;

/**
 * The frame header (SOF segment) of a JPEG: size, components and sample precision, read without decoding anything,
 * and whether its scan data runs properly to an end marker ({@code complete}). Used to decide whether a {@link ScaledJpegDecoder} may take
 * the file.
 */
record JpegHeader(int width, int height, int components, int precision, boolean complete) {

    /** Whether a {@link ScaledJpegDecoder} may decode it: 8-bit gray or YCbCr, scan data intact to the end marker. */
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
        return new JpegHeader(frame[1], frame[0], frame[2], frame[3], sos >= 0 && endsProperly(d, sos));
    }

    /**
     * Whether the scan data that starts at the SOS marker at {@code sos} runs to an end-of-image marker with nothing
     * but what may lie between and inside scans on the way: stuffed bytes, restart markers, fill bytes, and (in
     * progressive files) the table and scan segments of later scans. A truncated file ends first, and corrupt data
     * usually shows a marker that has no place there. Such files are left to ImageIO, which reports them: libjpeg
     * decoders make the missing rows up (grey, or the last good row repeated) and only warn, which OpenCV does not
     * pass on. Not caught: a truncated file given a new end marker right after the cut.
     */
    private static boolean endsProperly(byte[] d, int sos) {
        int pos = sos + 2 + (((d[sos + 2] & 0xFF) << 8) | (d[sos + 3] & 0xFF));
        int n = d.length - 1;
        while (pos < n) {
            if (d[pos] != (byte) 0xFF) {
                pos++;
                continue;
            }
            int m = d[pos + 1] & 0xFF;
            if (m == 0x00 || (m >= 0xD0 && m <= 0xD7)) {
                pos += 2; // a stuffed 0xFF byte, or a restart marker
            } else if (m == 0xFF) {
                pos++; // fill byte
            } else if (m == 0xD9) {
                return true;
            } else if (m == 0xC4 || m == 0xDA || m == 0xDB || m == 0xDD || (m >= 0xE0 && m <= 0xEF) || m == 0xFE) {
                if (pos + 4 > d.length) {
                    return false;
                }
                int len = ((d[pos + 2] & 0xFF) << 8) | (d[pos + 3] & 0xFF);
                if (len < 2) {
                    return false;
                }
                pos += 2 + len; // DHT, SOS, DQT, DRI, APPn or COM between the scans of a progressive file
            } else {
                return false;
            }
        }
        return false;
    }
}
