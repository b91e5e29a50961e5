package dev.imagesearch.image;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The header ({@code IHDR}) of a PNG, whether it is a valid one ({@code validHeader}: a bit depth its colour type
 * allows, standard compression, filter and interlace methods), the number of palette entries, whether an ICC
 * profile is embedded, whether the file is intact (every chunk whole with a correct CRC, up to {@code IEND}) and
 * whether its colour chunks are where the PNG specification puts them ({@code ordered}), read without inflating
 * anything. Used to decide whether a {@link PngDecoder} may take the file: a damaged or disordered one goes straight
 * to ImageIO, which decodes or explains it (libpng would also print its complaint, e.g. "sRGB: out of place", on
 * the process's standard error). {@code ordered} also requires tRNS, bKGD and hIST before IDAT, no critical chunk
 * other than IHDR, PLTE, IDAT and IEND after IHDR, and one unbroken run of IDAT chunks; what libpng may still
 * print about (a bad zlib stream, ancillary chunk contents) is not checked here.
 *
 * @param paletteEntries entries of the {@code PLTE} chunk, 0 without one
 */
record PngHeader(int width, int height, int bitDepth, int colorType, boolean validHeader, int paletteEntries,
                 boolean iccProfile, boolean intact, boolean ordered) {

    /** Chunks that must precede PLTE and IDAT and appear at most once. */
    private static final Set<String> COLOUR_CHUNKS = Set.of("cHRM", "gAMA", "iCCP", "sBIT", "sRGB");
    /** Chunks that must come before IDAT (and after PLTE in a palette image), at most once. */
    private static final Set<String> PALETTE_CHUNKS = Set.of("tRNS", "bKGD", "hIST");
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /**
     * Whether a {@link PngDecoder} may decode it: a valid header with at most 8 bits per sample, no ICC profile,
     * intact and ordered, and for palette images a palette whose out-of-range indices both decoders read as black
     * (see {@link #paletteAgrees}).
     */
    boolean plain() {
        return validHeader && bitDepth <= 8 && !iccProfile && intact && ordered && width > 0 && height > 0
                && (colorType != 3 || paletteAgrees());
    }

    /**
     * Whether a pixel whose palette index lies beyond the palette (allowed by the bit depth, not by the palette's
     * length; a malformed file) has the same colour in ImageIO and libpng. libpng reads such an index as black.
     * ImageIO pads the palette with black up to 2, 4, 16 or 256 entries, and beyond that up to 2^bitDepth with the
     * last entry: the two agree only when that padding reaches 2^bitDepth with black.
     */
    boolean paletteAgrees() {
        int n = paletteEntries;
        int padded = n <= 2 ? 2 : n <= 4 ? 4 : n <= 16 ? 16 : 256;
        return n > 0 && padded >= (1 << bitDepth);
    }

    private static boolean validHeader(byte[] d) {
        int depth = d[24] & 0xFF;
        int type = d[25] & 0xFF;
        boolean depthOk = switch (type) {
            case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
            case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
            case 2, 4, 6 -> depth == 8 || depth == 16;
            default -> false;
        };
        return depthOk && d[26] == 0 && d[27] == 0 && (d[28] == 0 || d[28] == 1);
    }

    /** The header of {@code d}, or {@code null} when {@code d} is not a PNG or its chunks are malformed. */
    static PngHeader read(byte[] d) {
        if (d.length < 33) {
            return null;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (d[i] != SIGNATURE[i]) {
                return null;
            }
        }
        if (int32(d, 8) != 13 || d[12] != 'I' || d[13] != 'H' || d[14] != 'D' || d[15] != 'R') {
            return null;
        }
        int width = int32(d, 16);
        int height = int32(d, 20);
        int bitDepth = d[24] & 0xFF;
        int colorType = d[25] & 0xFF;
        // Walk every chunk, checking lengths, CRCs and the place of the colour chunks.
        boolean icc = false;
        boolean idat = false;
        boolean afterIdat = false; // a chunk came after the IDAT run
        boolean plte = false;
        int paletteEntries = 0;
        boolean ordered = true;
        Set<String> colourChunks = new HashSet<>();
        boolean intact = crcMatches(d, 8, 13);
        long pos = 33;
        while (pos + 12 <= d.length) {
            long length = int32(d, (int) pos) & 0xFFFFFFFFL;
            int type = (int) pos + 4;
            if (pos + 12 + length > d.length) {
                break; // cut inside this chunk
            }
            intact &= crcMatches(d, (int) pos, (int) length);
            String name = new String(d, type, 4, StandardCharsets.ISO_8859_1);
            if (name.equals("IEND")) {
                return idat ? new PngHeader(width, height, bitDepth, colorType, validHeader(d), paletteEntries, icc,
                        intact, ordered) : null;
            }
            if (COLOUR_CHUNKS.contains(name)) {
                // before PLTE and IDAT, at most once each
                ordered &= !plte && !idat && colourChunks.add(name);
            } else if (PALETTE_CHUNKS.contains(name)) {
                ordered &= !idat && (colorType != 3 || plte) && colourChunks.add(name);
            } else if (Character.isUpperCase(name.charAt(0)) && !name.equals("IDAT") && !name.equals("PLTE")) {
                ordered = false; // an unknown critical chunk, or a second IHDR: libpng stops with an error
            }
            if (name.equals("IDAT")) {
                ordered &= !afterIdat; // the image data is one run of IDAT chunks
                idat = true;
            } else {
                afterIdat |= idat;
            }
            if (name.equals("PLTE")) {
                ordered &= !plte && !idat; // one palette, before the image data
                plte = true;
                paletteEntries = (int) (length / 3);
            }
            icc |= name.equals("iCCP");
            pos += 12 + length;
        }
        // cut before IEND
        return idat ? new PngHeader(width, height, bitDepth, colorType, validHeader(d), paletteEntries, icc, false,
                ordered) : null;
    }

    /** Whether the CRC after the chunk at {@code pos} with {@code length} data bytes covers its type and data. */
    private static boolean crcMatches(byte[] d, int pos, int length) {
        CRC32 crc = new CRC32();
        crc.update(d, pos + 4, 4 + length);
        return (int) crc.getValue() == int32(d, pos + 8 + length);
    }

    private static int int32(byte[] d, int at) {
        return ((d[at] & 0xFF) << 24) | ((d[at + 1] & 0xFF) << 16) | ((d[at + 2] & 0xFF) << 8) | (d[at + 3] & 0xFF);
    }
}
