package dev.imagesearch.embedded;

import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.Metric;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The file of an {@link EmbeddedCollection}: a {@link RecordLog} whose header is the {@link CollectionSpec} and
 * whose records are upserts (id and the vector as given, 32-bit floats) and deletes. Replays the log into a
 * {@link SlotTable} when opened, appends each change, and compacts. Not thread-safe: the collection's lock guards
 * it.
 */
final class CollectionFile implements AutoCloseable {

    private static final byte UPSERT = 1;
    private static final byte DELETE = 2;

    private final RecordLog log;
    private final int dim;
    private final ByteBuffer upsert;
    private final ByteBuffer delete = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    private CollectionFile(RecordLog log, int dim) {
        this.log = log;
        this.dim = dim;
        this.upsert = ByteBuffer.allocate(8 + 4 * dim).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The spec in an existing file's header, read without replaying or locking anything. */
    static CollectionSpec readSpec(Path file) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(
                RecordLog.readHeader(file, EmbeddedVectorStore.KIND)));
        String name = in.readUTF();
        int dim = in.readInt();
        Metric metric = Metric.parse(in.readUTF());
        String fingerprint = in.readUTF();
        return CollectionSpec.builder(name, dim).metric(metric).fingerprint(fingerprint).build();
    }

    /**
     * Opens (or creates) the file of {@code spec} and replays it into {@code rows}.
     *
     * @throws IOException also when a live vector cannot be held in the rows' precision (FLOAT16)
     */
    static CollectionFile open(Path file, CollectionSpec spec, SlotTable rows) throws IOException {
        Replay replay = new Replay(rows, spec.dimension());
        RecordLog log = RecordLog.open(file, EmbeddedVectorStore.KIND, encodeSpec(spec), replay::apply);
        if (!replay.misfits.isEmpty()) {
            log.close();
            throw new IOException(replay.firstMisfit + "; open this collection with precision FLOAT32");
        }
        rows.trimToSize(); // a reopened collection holds its vectors plus a little, not a growth margin
        return new CollectionFile(log, spec.dimension());
    }

    private static byte[] encodeSpec(CollectionSpec s) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(b);
            out.writeUTF(s.name());
            out.writeInt(s.dimension());
            out.writeUTF(s.metric().name());
            out.writeUTF(s.fingerprint());
            out.flush();
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Applies logged records to the rows; remembers vectors the rows' precision cannot hold. */
    private static final class Replay {
        private final SlotTable rows;
        private final int dim;
        /** Ids whose latest vector cannot be held; opening fails if any stays live. */
        final Set<Long> misfits = new HashSet<>();
        String firstMisfit;

        Replay(SlotTable rows, int dim) {
            this.rows = rows;
            this.dim = dim;
        }

        void apply(byte type, ByteBuffer body) throws IOException {
            body.order(ByteOrder.LITTLE_ENDIAN);
            long id = body.getLong();
            if (type == UPSERT) {
                if (body.remaining() != 4 * dim) {
                    throw new IOException("vector record of " + body.remaining() / 4 + " elements in a collection "
                            + "of " + dim + " dimensions");
                }
                float[] v = new float[dim];
                body.asFloatBuffer().get(v);
                String misfit = rows.vectors.misfit(v);
                if (misfit != null) {
                    // fatal only if it is still live at the end (a later record may overwrite or delete it)
                    if (misfits.add(id) && firstMisfit == null) {
                        firstMisfit = "the vector of id " + id + " has " + misfit;
                    }
                    rows.put(id, new float[dim]);
                } else {
                    misfits.remove(id);
                    rows.put(id, v);
                }
            } else if (type == DELETE) {
                misfits.remove(id);
                rows.remove(id);
            } else {
                throw new IOException("unknown record type " + type + " (written by a newer version?)");
            }
        }
    }

    void appendUpsert(long id, float[] v) {
        upsert.clear();
        upsert.putLong(id);
        upsert.asFloatBuffer().put(v);
        log.append(UPSERT, upsert.array());
    }

    void appendDelete(long id) {
        delete.clear();
        delete.putLong(id);
        log.append(DELETE, delete.array());
    }

    void sync() throws IOException {
        log.sync();
    }

    /**
     * Rewrites the file with only the live vectors of {@code rows}: from memory when it holds them exactly, else
     * by copying each live id's last upsert record, so the file keeps the vectors as they were given.
     */
    void compact(SlotTable rows) throws IOException {
        if (rows.vectors.lossless()) {
            log.compact(fresh -> {
                for (int s = 0; s < rows.size(); s++) {
                    upsert.clear();
                    upsert.putLong(rows.idAt(s));
                    upsert.asFloatBuffer().put(rows.vectors.get(s));
                    fresh.append(UPSERT, upsert.array());
                }
            });
        } else {
            compactFromLog(rows);
        }
    }

    /**
     * Two passes over the old file: find the record number of each live slot's last upsert, then copy those
     * records.
     */
    private void compactFromLog(SlotTable rows) throws IOException {
        long[] last = new long[rows.size()];
        Arrays.fill(last, -1);
        long[] seq = {0};
        log.scan((type, body) -> {
            int slot = liveSlot(rows, type, body);
            if (slot >= 0) {
                last[slot] = seq[0];
            }
            seq[0]++;
        });
        try {
            log.compact(fresh -> copyLastUpserts(rows, fresh, last));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void copyLastUpserts(SlotTable rows, RecordLog fresh, long[] last) {
        long[] seq = {0};
        long[] copied = {0};
        try {
            log.scan((type, body) -> {
                int slot = liveSlot(rows, type, body);
                if (slot >= 0 && last[slot] == seq[0]) {
                    fresh.append(UPSERT, body.array(), body.arrayOffset() + body.position(), body.remaining());
                    copied[0]++;
                }
                seq[0]++;
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (copied[0] != rows.size()) { // every live vector was logged: anything else means the file changed
            throw new UncheckedIOException(new IOException("compaction found " + copied[0] + " of the "
                    + rows.size() + " live vectors in " + log.file() + "; the file was left as it is"));
        }
    }

    /** The slot of an upsert record's id if that id is live, else -1. */
    private static int liveSlot(SlotTable rows, byte type, ByteBuffer body) {
        if (type != UPSERT) {
            return -1;
        }
        return rows.slot(body.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(body.position()));
    }

    @Override
    public void close() {
        log.close();
    }
}
