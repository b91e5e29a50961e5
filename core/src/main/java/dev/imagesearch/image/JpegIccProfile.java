package dev.imagesearch.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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
        List<int[]> profiles = new ArrayList<>(); // start, end of each ICC_PROFILE segment
        int sos = JpegSegments.walk(d, (marker, start, length) -> {
            if (JpegSegments.isFrame(marker) && length >= 8 && (d[start + 9] & 0xFF) == 4) {
                return false; // CMYK / YCCK: keep the profile
            }
            if (marker == 0xE2 && length >= 14
                    && new String(d, start + 4, 11, StandardCharsets.ISO_8859_1).equals("ICC_PROFILE")) {
                profiles.add(new int[] {start, start + 2 + length});
            }
            return true;
        });
        if (sos < 0 || profiles.isEmpty()) {
            return d; // nothing to remove, CMYK, or malformed headers (the decoder reports them)
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(d.length);
        int copied = 0;
        for (int[] segment : profiles) {
            out.write(d, copied, segment[0] - copied);
            copied = segment[1];
        }
        out.write(d, copied, d.length - copied);
        return out.toByteArray();
    }
}
