package dev.imagesearch.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/** Generated test images: deterministic pictures and hand-made byte streams. */
public final class TestImages {

    private TestImages() {
    }

    /**
     * A {@code size × size} picture of 4 × 4 blocks of colours drawn from {@code seed}: different seeds give
     * clearly different pictures (and vectors), the same seed the same picture.
     */
    public static BufferedImage blocks(long seed, int size) {
        Random r = new Random(seed * 7919 + 17);
        int[] colours = new int[16];
        for (int i = 0; i < colours.length; i++) {
            colours[i] = r.nextInt(0x1000000);
        }
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                img.setRGB(x, y, colours[(y * 4 / size) * 4 + x * 4 / size]);
            }
        }
        return img;
    }

    /** Encodes an image with ImageIO ({@code png}, {@code jpg}, {@code bmp}, ...). */
    public static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PNG bytes of {@link #blocks}. */
    public static byte[] png(long seed, int size) {
        return encode(blocks(seed, size), "png");
    }

    /** Writes bytes to a file (creating parent directories) and returns the path. */
    public static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A syntactically valid PNG that declares {@code width × height} RGB pixels but holds only a tiny IDAT: its
     * header alone says "huge", so a decoder that checks limits first refuses it without allocating anything.
     */
    /**
     * A path this process cannot read. As an ordinary user: a real image with mode 000. As root (containers, CI),
     * which reads files whatever their mode, a symbolic link to a write-only kernel setting
     * ({@code /proc/sys/vm/drop_caches}, refused even to root; opening it for reading has no effect). Skips the
     * test when neither is available.
     */
    public static Path unreadable(Path file) {
        try {
            write(file, png(1, 8));
            java.nio.file.Files.setPosixFilePermissions(file,
                    java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
            if (!java.nio.file.Files.isReadable(file)) {
                return file;
            }
            Path writeOnly = Path.of("/proc/sys/vm/drop_caches");
            java.nio.file.Files.delete(file);
            if (java.nio.file.Files.exists(writeOnly) && !java.nio.file.Files.isReadable(writeOnly)) {
                return java.nio.file.Files.createSymbolicLink(file, writeOnly);
            }
        } catch (java.io.IOException | UnsupportedOperationException e) {
            org.junit.jupiter.api.Assumptions.abort("cannot make an unreadable file here: " + e);
        }
        org.junit.jupiter.api.Assumptions.abort("cannot make an unreadable file here (root without /proc/sys)");
        return file;
    }

    public static byte[] pngHeader(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(width).putInt(height);
        ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0); // 8-bit RGB, no interlace
        pngChunk(out, "IHDR", ihdr.array());
        // zlib stream of an empty stored block: 78 01 | 01 0000 ffff | adler32(empty) = 1
        pngChunk(out, "IDAT", new byte[] {0x78, 0x01, 0x01, 0x00, 0x00, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 1});
        pngChunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** Writes one PNG chunk: length, type, data, CRC. */
    public static void pngChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /**
     * A JPEG with an APP1 Exif segment holding only the orientation tag, inserted right after SOI (where cameras
     * put it).
     */
    public static byte[] jpegWithOrientation(BufferedImage image, int orientation) {
        byte[] jpeg = encode(image, "jpg");
        // TIFF, big-endian: header, IFD at 8 with one entry (0x0112 SHORT count 1 value), next IFD 0
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4);
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
        byte[] exifHeader = {'E', 'x', 'i', 'f', 0, 0};
        int segmentLength = 2 + exifHeader.length + tiff.capacity();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2); // SOI
        out.write(0xFF);
        out.write(0xE1);
        out.write(segmentLength >> 8);
        out.write(segmentLength & 0xFF);
        out.writeBytes(exifHeader);
        out.writeBytes(tiff.array());
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** Index of the first {@code FF marker} pair after SOI in {@code jpeg} (e.g. 0xDA for the scan). */
    public static int markerIndex(byte[] jpeg, int marker) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == marker) {
                return i;
            }
        }
        throw new AssertionError("no marker " + Integer.toHexString(marker));
    }

    /** A baseline JPEG of {@code image} with a restart marker after every {@code interval} MCUs (ImageIO's DRI). */
    public static byte[] jpegWithRestarts(BufferedImage image, int interval) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata meta = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
            String format = "javax_imageio_jpeg_image_1.0";
            IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
            IIOMetadataNode sequence = (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
            IIOMetadataNode dri = new IIOMetadataNode("dri");
            dri.setAttribute("interval", Integer.toString(interval));
            sequence.insertBefore(dri, sequence.getElementsByTagName("sos").item(0));
            meta.setFromTree(format, root);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(ios);
                writer.write(null, new IIOImage(image, null, meta), param);
            }
            return out.toByteArray();
        } finally {
            writer.dispose();
        }
    }
}
