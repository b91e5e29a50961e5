package dev.imagesearch.embedded;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file of checksummed records: the on-disk format of the embedded store and id map.
 *
 * <pre>
 * file   = header record*
 * header = magic "IMGSRCH1" | int formatVersion | int kindLength | kind (UTF-8) | int payloadLength | payload | int crc32c
 * record = int length | byte type | body (length - 1 bytes) | int crc32c(type, body)
 * </pre>
 *
 * <p>Why this is crash-safe: a new file is written to a temporary name, forced to disk and renamed into place, so
 * a file either does not exist or has a whole header. Records are only appended; a crash can leave at most one
 * torn record at the end, which fails its checksum and is cut off on the next open. {@link #sync()} forces the
 * appended records to disk, and callers report work as done only after it returns. Compaction writes a new file
 * beside the old one and renames it over, so either the old or the new file is seen after a crash.
 *
 * <p>The file is locked while open, so a second process (or a second open in this process) fails fast instead of
 * corrupting it. Not thread-safe: the owner serialises calls.
 */
final class RecordLog implements Closeable {

    static final int FORMAT_VERSION = 1;
    private static final int MAX_RECORD = 256 << 20;
    private static final int WRITE_THRESHOLD = 8 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(RecordLog.class);
    /** Receives each valid record while a log is replayed. */
    @FunctionalInterface
    interface RecordVisitor {
        void record(byte type, ByteBuffer body) throws IOException;
    }

    private final Path file;
    private final String kind;
    private byte[] header;
    private FileChannel channel;
    private FileChannel lockChannel;
    private FileLock lock;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long records;
    /** Offset of the first record (the header's end). */
    private long dataStart;
    /** File size after the last successful sync: everything before it is durable and complete. */
    private long durableEnd;
    /** Set when a write or sync failed; the log then refuses work until it is reopened. */
    private IOException failed;
    private Path registered;

    private RecordLog(Path file, String kind) {
        this.file = file;
        this.kind = kind;
    }

    /**
     * Opens {@code file}, creating it with {@code newHeader} if it does not exist, and replays its records into
     * {@code visitor}. The header of an existing file is available from {@link #header()} after opening.
     */
    static RecordLog open(Path file, String kind, byte[] newHeader, RecordVisitor visitor) throws IOException {
        RecordLog log = new RecordLog(file, kind);
        try {
            log.openAndReplay(newHeader, visitor);
            return log;
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
    }

    /** Whether {@code file} exists as a log (the header may still be invalid). */
    static boolean exists(Path file) {
        return Files.isRegularFile(file);
    }

    /** Reads only the header payload of an existing log, without locking or replaying it. */
    static byte[] readHeader(Path file, String kind) throws IOException {
        if (OpenFiles.isOpen(file)) {
            throw OpenFiles.alreadyOpen(file, null);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return LogHeader.read(ch, file, kind);
        }
    }

    private void openAndReplay(byte[] newHeader, RecordVisitor visitor) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path key = OpenFiles.register(file);
        if (key == null) {
            throw OpenFiles.alreadyOpen(file, null);
        }
        registered = key;
        // The lock lives on a separate file that is never renamed, so compaction (which renames a new data file
        // over the old one) never leaves the data unlocked.
        lockChannel = FileChannel.open(lockFile(file), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            throw OpenFiles.alreadyOpen(file, e);
        }
        if (lock == null) {
            throw new IOException(file + " is in use by another process; close it first");
        }
        if (!Files.exists(file)) {
            LogHeader.writeNewFile(file, kind, newHeader);
        }
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        header = LogHeader.read(channel, file, kind);
        dataStart = channel.position();
        long validEnd = replay(visitor);
        long size = channel.size();
        if (validEnd < size) {
            LOG.warn("{}: cut off {} bytes of an unfinished or damaged write at offset {} (an interrupted run; "
                    + "anything it held was never reported as stored)", file, size - validEnd, validEnd);
            channel.truncate(validEnd);
            channel.force(true);
        }
        channel.position(validEnd);
        durableEnd = validEnd;
    }

    /**
     * Replays records from the current position; returns the offset after the last valid record. A bad record
     * after which no valid record follows is the torn tail of an interrupted append; a bad record followed by a
     * valid one is damage in the middle of the file, which fails instead of silently dropping good records.
     */
    private long replay(RecordVisitor visitor) throws IOException {
        long pos = channel.position();
        long size = channel.size();
        while (pos + 4 <= size) {
            ByteBuffer rec = readRecord(pos, size);
            if (rec == null) {
                int len = readInt(pos);
                long next = pos + 4 + (long) len + 4;
                if (len >= 1 && len <= MAX_RECORD && next < size && readRecord(next, size) != null) {
                    throw new IOException(file + " is damaged: the record at offset " + pos + " fails its checksum "
                            + "but valid records follow it. The file was left as it is; restore it from a backup, "
                            + "or move it away to start this index again");
                }
                break;
            }
            pos += visit(rec, visitor);
            records++;
        }
        return pos;
    }

    private int readInt(long pos) throws IOException {
        ByteBuffer lenBuf = ByteBuffer.allocate(4);
        readFully(lenBuf, pos);
        return lenBuf.flip().getInt();
    }

    /** The record at {@code pos} (type, body and checksum), or null when it is incomplete or fails its checksum. */
    private ByteBuffer readRecord(long pos, long size) throws IOException {
        if (pos + 4 > size) {
            return null;
        }
        int len = readInt(pos);
        if (len < 1 || len > MAX_RECORD || pos + 4 + (long) len + 4 > size) {
            return null;
        }
        ByteBuffer rec = ByteBuffer.allocate(len + 4);
        readFully(rec, pos + 4);
        rec.flip();
        CRC32C c = new CRC32C();
        c.update(rec.array(), 0, len);
        return (int) c.getValue() == rec.getInt(len) ? rec : null;
    }

    private void readFully(ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos + buf.position());
            if (n < 0) {
                throw new java.io.EOFException();
            }
        }
    }

    /** The header payload this log was created with. */
    byte[] header() {
        return header.clone();
    }

    /** Number of records replayed or appended since open (including superseded ones). */
    long records() {
        return records;
    }

    /** Buffers one record; it reaches the file on {@link #sync()}. */
    void append(byte type, byte[] body) {
        append(type, body, 0, body.length);
    }

    void append(byte type, byte[] body, int off, int len) {
        if (failed != null) {
            throw new UncheckedIOException(file + ": an earlier write failed; reopen the store", failed);
        }
        CRC32C c = new CRC32C();
        c.update(type);
        c.update(body, off, len);
        writeInt(pending, len + 1);
        pending.write(type);
        pending.write(body, off, len);
        writeInt(pending, (int) c.getValue());
        records++;
        if (pending.size() > WRITE_THRESHOLD && channel != null) {
            try {
                writePending(); // bound memory; durability still comes from sync()
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write " + file, e);
            }
        }
    }

    private void writePending() throws IOException {
        if (pending.size() > 0) {
            ByteBuffer buf = ByteBuffer.wrap(pending.toByteArray());
            try {
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            } catch (IOException e) {
                throw fail(e);
            }
            pending.reset();
        }
    }

    /**
     * After a failed write or sync (disk full, I/O error) the file may end in a partial record, and a later
     * successful append would land behind it, where the next open would cut it off. So cut the file back to what
     * was last made durable, and refuse further writes until the log is reopened.
     */
    private IOException fail(IOException e) {
        failed = e;
        pending.reset();
        try {
            channel.truncate(durableEnd);
            channel.position(durableEnd);
        } catch (IOException again) {
            e.addSuppressed(again);
        }
        return e;
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    /** Bytes buffered by {@link #append} and not yet written. */
    int pendingBytes() {
        return pending.size();
    }

    /** Writes buffered records and forces them to disk. After it returns they survive a crash. */
    void sync() throws IOException {
        if (failed != null) {
            throw new IOException(file + ": an earlier write failed; reopen the store", failed);
        }
        writePending();
        try {
            channel.force(false);
        } catch (IOException e) {
            throw fail(e);
        }
        durableEnd = channel.position();
    }

    /**
     * Replaces the whole file with a new one holding the same header and the records {@code writer} produces
     * (the live state), atomically.
     */
    void compact(java.util.function.Consumer<RecordLog> writer) throws IOException {
        sync();
        // Stream the live records into a new file beside this one (never all in memory), then rename it over.
        Path tmp = file.resolveSibling(file.getFileName() + ".compact");
        LogHeader.writeFile(tmp, kind, header);
        long freshStart = Files.size(tmp);
        RecordLog fresh = new RecordLog(tmp, kind);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            fresh.channel = ch;
            writer.accept(fresh);
            fresh.writePending();
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        // Open the new file before the rename: the channel follows it, so no failure after the rename can leave this
        // log writing to the replaced file. The rename swaps the inode under the path; the lock file is untouched,
        // so we stay the only writer.
        FileChannel next = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            next.close();
            Files.deleteIfExists(tmp);
            throw e;
        }
        LogHeader.syncDirectory(file.toAbsolutePath().getParent());
        FileChannel old = channel;
        channel = next;
        channel.position(channel.size());
        durableEnd = channel.size();
        dataStart = freshStart;
        records = fresh.records;
        old.close();
    }

    /**
     * Visits every record of the file from the first, after a {@link #sync()}; nothing is appended meanwhile. For a
     * compaction that copies records rather than writing the live state from memory.
     *
     * @throws IOException if a record cannot be read (the file changed under this log)
     */
    void scan(RecordVisitor visitor) throws IOException {
        if (failed != null || pending.size() > 0) {
            sync(); // only then: a compaction scans right after a sync, twice
        }
        long pos = dataStart;
        while (pos < durableEnd) {
            ByteBuffer rec = readRecord(pos, durableEnd);
            if (rec == null) {
                throw new IOException(file + ": cannot read the record at offset " + pos + " again");
            }
            pos += visit(rec, visitor);
        }
    }

    /** Hands a record read by {@link #readRecord} to {@code visitor}; returns its size in the file. */
    private static long visit(ByteBuffer rec, RecordVisitor visitor) throws IOException {
        int len = rec.limit() - 4;
        visitor.record(rec.get(0), ByteBuffer.wrap(rec.array(), 1, len - 1).slice());
        return 4 + len + 4;
    }

    /** The file whose lock guards {@code file}: the same name with {@code .lock} appended. */
    static Path lockFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".lock");
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            if (channel != null && channel.isOpen() && failed == null) {
                sync();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        } finally {
            try {
                if (channel != null) {
                    channel.close();
                }
                if (lock != null && lock.isValid()) {
                    lock.release();
                }
                if (lockChannel != null) {
                    lockChannel.close();
                }
            } catch (IOException e) {
                LOG.warn("closing {}: {}", file, e.toString());
            } finally {
                if (registered != null) {
                    OpenFiles.unregister(registered);
                    registered = null;
                }
            }
        }
    }
}
