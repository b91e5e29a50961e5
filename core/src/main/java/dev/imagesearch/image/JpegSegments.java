package dev.imagesearch.image;

/**
 * Walks the marker segments of a JPEG's header, from SOI to the first scan (SOS), without decoding anything. The one
 * place that knows the marker syntax; {@link JpegHeader}, {@link JpegIccProfile} and {@link ExifOrientation} read
 * the segments they care about through it.
 */
final class JpegSegments {

    /** Start of scan: the entropy-coded image data follows. */
    static final int SOS = 0xDA;
    /** End result of {@link #walk}: not a JPEG, a malformed header, or data that ends before the first scan. */
    static final int NONE = -1;
    /** End result of {@link #walk}: the visitor stopped the walk. */
    static final int STOPPED = -2;

    /** Called for each segment with a length; returns {@code false} to stop the walk. */
    @FunctionalInterface
    interface Visitor {
        /**
         * @param marker the marker byte (e.g. 0xE1 for APP1)
         * @param start  index of the segment's 0xFF
         * @param length the segment length as stored: its payload starts at {@code start + 4} and the next segment
         *               at {@code start + 2 + length}
         */
        boolean segment(int marker, int start, int length);
    }

    private JpegSegments() {
    }

    /** Whether {@code d} starts with a JPEG start-of-image marker. */
    private static boolean isJpeg(byte[] d) {
        return d.length >= 4 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xFF) == 0xD8;
    }

    /**
     * Visits every segment before the first scan (SOS included: it is visited last, and then the walk ends).
     *
     * @return the index of the SOS marker, {@link #STOPPED} if the visitor stopped, or {@link #NONE}
     */
    static int walk(byte[] d, Visitor visitor) {
        if (!isJpeg(d)) {
            return NONE;
        }
        int pos = 2;
        while (pos + 4 <= d.length) {
            if ((d[pos] & 0xFF) != 0xFF) {
                return NONE;
            }
            int marker = d[pos + 1] & 0xFF;
            if (marker == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                pos += 2; // SOI, TEM and RSTn stand alone, without a length
                continue;
            }
            if (marker == 0xD9) {
                return NONE; // end of image before any scan
            }
            int len = ((d[pos + 2] & 0xFF) << 8) | (d[pos + 3] & 0xFF);
            if (len < 2 || pos + 2 + len > d.length) {
                return NONE;
            }
            if (!visitor.segment(marker, pos, len)) {
                return STOPPED;
            }
            if (marker == SOS) {
                return pos;
            }
            pos += 2 + len;
        }
        return NONE;
    }

    /** Whether {@code marker} starts a frame (SOF0..SOF15, except DHT C4, JPG C8 and DAC CC). */
    static boolean isFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }
}
