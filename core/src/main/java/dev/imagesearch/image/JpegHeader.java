package dev.imagesearch.image;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The frame header (SOF segment) of a JPEG: size, components and sample precision, read without decoding anything,
 * and whether its scan data runs properly to an end marker, with all its restart markers where it has them
 * ({@code complete}). Used to decide whether a {@link ScaledJpegDecoder} may take the file.
 */
record JpegHeader(int width, int height, int components, int precision, boolean complete) {

    /** Whether a {@link ScaledJpegDecoder} may decode it: 8-bit gray or YCbCr, scan data intact to the end marker. */
    boolean scalable() {
        return precision == 8 && (components == 1 || components == 3) && width > 0 && height > 0 && complete;
    }

    /**
     * The sample precision in bits of the first frame of {@code d} (8 for ordinary JPEGs, 12 or 16 for extended and
     * lossless ones), or -1 when {@code d} is not a JPEG or has no frame header. Reads the headers only, not the
     * scan data that {@link #read} walks through.
     */
    static int precision(byte[] d) {
        int[] bits = {-1};
        JpegSegments.walk(d, (marker, start, length) -> {
            if (JpegSegments.isFrame(marker)) {
                if (length >= 3) {
                    bits[0] = d[start + 4] & 0xFF;
                }
                return false; // the first frame is all we need
            }
            return marker != JpegSegments.SOS;
        });
        return bits[0];
    }

    /**
     * The header of {@code d}, or {@code null} when {@code d} is not a JPEG, its header is malformed or it holds no
     * frame before its first scan.
     */
    static JpegHeader read(byte[] d) {
        int[] frame = new int[4]; // height, width, components, precision
        // frame marker, largest horizontal and vertical sampling factors, restart interval, components in the scan
        int[] layout = new int[5];
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
                layout[0] = marker;
                for (int c = 0; c < frame[2] && 8 + 3 * c + 3 <= length; c++) {
                    int factors = d[start + 11 + 3 * c] & 0xFF;
                    layout[1] = Math.max(layout[1], factors >> 4);
                    layout[2] = Math.max(layout[2], factors & 0x0F);
                }
            } else if (marker == 0xDD && length >= 4) { // DRI
                layout[3] = ((d[start + 4] & 0xFF) << 8) | (d[start + 5] & 0xFF);
            } else if (marker == JpegSegments.SOS && length >= 3) {
                layout[4] = d[start + 4] & 0xFF;
            }
            return true;
        });
        if (!found[0] || sos == JpegSegments.STOPPED) {
            return null;
        }
        boolean complete = sos >= 0
                && restartsBeforeEnd(d, sos) >= expectedRestarts(frame[1], frame[0], frame[2], layout);
        return new JpegHeader(frame[1], frame[0], frame[2], frame[3], complete);
    }

    /**
     * How many restart markers a sequential file with one scan of all its components must hold: one between every
     * two restart intervals. A file cut short and given a new end marker (which {@link #restartsBeforeEnd} cannot
     * tell from a whole one) has fewer. 0 where that cannot be known: no restart interval, progressive or
     * multi-scan files, an unknown height.
     */
    private static int expectedRestarts(int width, int height, int components, int[] layout) {
        int marker = layout[0];
        int hmax = layout[1];
        int vmax = layout[2];
        int interval = layout[3];
        if ((marker != 0xC0 && marker != 0xC1) || interval <= 0 || layout[4] != components || components < 1
                || hmax < 1 || vmax < 1 || width < 1 || height < 1) {
            return 0;
        }
        // one component: a scan of single 8 x 8 blocks; several: interleaved MCUs of (8 hmax) x (8 vmax) pixels
        int mcuWidth = components == 1 ? 8 : 8 * hmax;
        int mcuHeight = components == 1 ? 8 : 8 * vmax;
        long mcus = (long) ((width + mcuWidth - 1) / mcuWidth) * ((height + mcuHeight - 1) / mcuHeight);
        return (int) Math.min(Integer.MAX_VALUE, (mcus + interval - 1) / interval - 1);
    }

    /**
     * The number of restart markers in the scan data that starts at the SOS marker at {@code sos}, if it runs to an
     * end-of-image marker with nothing but what may lie between and inside scans on the way: stuffed bytes, restart
     * markers, fill bytes, and (in progressive files) the table and scan segments of later scans; else -1. A
     * truncated file ends first, and corrupt data usually shows a marker that has no place there. Such files are
     * left to ImageIO, which reports them: libjpeg decoders make the missing rows up (grey, or the last good row
     * repeated) and only warn, which OpenCV does not pass on. A truncated file given a new end marker right after
     * the cut passes here, and is caught only when it has restart markers to count ({@link #expectedRestarts}).
     */
    private static int restartsBeforeEnd(byte[] d, int sos) {
        int restarts = 0;
        int pos = sos + 2 + (((d[sos + 2] & 0xFF) << 8) | (d[sos + 3] & 0xFF));
        int n = d.length - 1;
        while (pos < n) {
            // Most of the scan is entropy-coded bytes: skip 8 at a time while none of them is 0xFF.
            while (pos + 8 <= n && !hasFF((long) LONG_LE.get(d, pos))) {
                pos += 8;
            }
            if (pos >= n) {
                break;
            }
            if (d[pos] != (byte) 0xFF) {
                pos++;
                continue;
            }
            int m = d[pos + 1] & 0xFF;
            if (m == 0x00) {
                pos += 2; // a stuffed 0xFF byte
            } else if (m >= 0xD0 && m <= 0xD7) {
                pos += 2;
                restarts++;
            } else if (m == 0xFF) {
                pos++; // fill byte
            } else if (m == 0xD9) {
                return restarts;
            } else if (m == 0xC4 || m == 0xDA || m == 0xDB || m == 0xDD || (m >= 0xE0 && m <= 0xEF) || m == 0xFE) {
                if (pos + 4 > d.length) {
                    return -1;
                }
                int len = ((d[pos + 2] & 0xFF) << 8) | (d[pos + 3] & 0xFF);
                if (len < 2) {
                    return -1;
                }
                pos += 2 + len; // DHT, SOS, DQT, DRI, APPn or COM between the scans of a progressive file
            } else {
                return -1;
            }
        }
        return -1;
    }

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    /** Whether any byte of {@code x} is 0xFF: a zero byte of {@code ~x}, by the borrow trick (exact, no false hits). */
    static boolean hasFF(long x) {
        long y = ~x;
        return ((y - 0x0101010101010101L) & ~y & 0x8080808080808080L) != 0;
    }
}
