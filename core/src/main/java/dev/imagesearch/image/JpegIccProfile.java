package dev.imagesearch.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Removes embedded ICC profiles (APP2 {@code ICC_PROFILE} segments) from 3- and 1-component JPEGs before
 * decoding. ImageIO converts a JPEG with an embedded profile into sRGB through that profile, while Pillow (and so
 * every Keras / torchvision reference pipeline the models were trained and checked with) ignores the profile and
 * uses the YCbCr to RGB conversion only. Without the profile ImageIO decodes exactly as Pillow does. CMYK/YCCK
 * (4-component) JPEGs keep their profile: their conversion needs it, and Pillow differs there anyway.
 */
final class JpegIccProfile {

    private JpegIccProfile() {
    }

    /** {@code data} without ICC profile segments, or {@code data} itself when there is nothing to remove. */
    static byte[] strip(byte[] data) {
        try {
            return stripOrSame(data);
        } catch (RuntimeException e) {
            return data; // malformed headers: let the decoder report them
        }
    }

    private static byte[] stripOrSame(byte[] d) {
        if (d.length < 4 || (d[0] & 0xFF) != 0xFF || (d[1] & 0xFF) != 0xD8) {
            return d;
        }
        ByteArrayOutputStream out = null;
        int copied = 0;
        int pos = 2;
        while (pos + 4 <= d.length) {
            if ((d[pos] & 0xFF) != 0xFF) {
                return d;
            }
            int marker = d[pos + 1] & 0xFF;
            if (marker == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                break; // image data follows: no more header segments
            }
            int len = ((d[pos + 2] & 0xFF) << 8) | (d[pos + 3] & 0xFF);
            if (len < 2 || pos + 2 + len > d.length) {
                return d;
            }
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof && len >= 8 && (d[pos + 9] & 0xFF) == 4) {
                return d; // CMYK / YCCK: keep the profile
            }
            if (marker == 0xE2 && len >= 14
                    && new String(d, pos + 4, 11, StandardCharsets.ISO_8859_1).equals("ICC_PROFILE")) {
                if (out == null) {
                    out = new ByteArrayOutputStream(d.length);
                }
                out.write(d, copied, pos - copied);
                copied = pos + 2 + len;
            }
            pos += 2 + len;
        }
        if (out == null) {
            return d;
        }
        out.write(d, copied, d.length - copied);
        return out.toByteArray();
    }
}
