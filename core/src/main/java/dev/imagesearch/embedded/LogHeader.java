package dev.imagesearch.embedded;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The header of a {@link RecordLog} file ({@code magic "IMGSRCH1" | int formatVersion | int kindLength | kind |
 * int payloadLength | payload | int crc32c}): written whole under a temporary name and renamed into place, read
 * and checked on open.
 */
final class LogHeader {

    private static final byte[] MAGIC = "IMGSRCH1".getBytes(StandardCharsets.US_ASCII);
    private static final Logger LOG = LoggerFactory.getLogger(RecordLog.class);

    private LogHeader() {
    }

    /**
     * Reads and checks the header at the start of {@code ch}; leaves the channel positioned after it and returns
     * its payload.
     */
    static byte[] read(FileChannel ch, Path file, String kind) throws IOException {
        DataInputStream in = new DataInputStream(Channels.newInputStream(ch.position(0)));
        byte[] magic = new byte[MAGIC.length];
        try {
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + " is not an imagesearch data file (bad magic)");
            }
            int version = in.readInt();
            if (version > RecordLog.FORMAT_VERSION) {
                throw new IOException(file + " has format version " + version + " but this library reads up to "
                        + RecordLog.FORMAT_VERSION + "; upgrade imagesearch");
            }
            if (version < 1) {
                throw new IOException(file + " has an invalid format version " + version);
            }
            byte[] k = readBlock(in, 1024);
            String fileKind = new String(k, StandardCharsets.UTF_8);
            if (!fileKind.equals(kind)) {
                throw new IOException(file + " holds '" + fileKind + "' data, not '" + kind + "'");
            }
            byte[] payload = readBlock(in, 1 << 20);
            int crc = in.readInt();
            CRC32C c = new CRC32C();
            c.update(k);
            c.update(payload);
            if ((int) c.getValue() != crc) {
                throw new IOException(file + " has a damaged header (checksum mismatch)");
            }
            ch.position(length(k.length, payload.length));
            return payload;
        } catch (EOFException e) {
            throw new IOException(file + " has a truncated header", e);
        }
    }

    private static long length(int kindLen, int payloadLen) {
        return MAGIC.length + 4 + 4 + kindLen + 4 + payloadLen + 4;
    }

    private static byte[] readBlock(DataInputStream in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new IOException("invalid block length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** Creates a new log holding only its header: written under a temporary name, forced, renamed into place. */
    static void writeNewFile(Path file, String kind, byte[] header) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        writeFile(tmp, kind, header);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.toAbsolutePath().getParent());
    }

    /** Writes {@code target} (replacing it) with just the header, and forces it to disk. */
    static void writeFile(Path target, String kind, byte[] header) throws IOException {
        byte[] k = kind.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeInt(RecordLog.FORMAT_VERSION);
        out.writeInt(k.length);
        out.write(k);
        out.writeInt(header.length);
        out.write(header);
        CRC32C c = new CRC32C();
        c.update(k);
        c.update(header);
        out.writeInt((int) c.getValue());
        out.flush();
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.wrap(bytes.toByteArray());
            while (head.hasRemaining()) {
                ch.write(head);
            }
            ch.force(true);
        }
    }

    static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename itself is still atomic there.
            LOG.debug("could not sync directory {}: {}", dir, e.toString());
        }
    }
}
