package dev.imagesearch.embedded;

import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.idmap.ImageRecord;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * The default id map: all entries in memory, persisted to {@code <dataDir>/ids.log}, an append-only
 * {@link RecordLog} that survives crashes. Thread-safe (all methods synchronised).
 */
public final class EmbeddedIdMapper implements IdMapper {

    static final String KIND = "idmap";
    private static final byte PUT = 1;
    private static final byte REMOVE_LOCATION = 2;
    private static final byte REMOVE_ID = 3;

    private static final class Entry {
        final String hash;
        final List<String> locations = new ArrayList<>(1);

        Entry(String hash) {
            this.hash = hash;
        }

        ImageRecord record(long id) {
            return new ImageRecord(id, hash, locations);
        }
    }

    private final Map<Long, Entry> byId = new LinkedHashMap<>();
    private final Map<String, Long> byLocation = new HashMap<>();
    private RecordLog log;
    private long superseded;

    private EmbeddedIdMapper() {
    }

    /** Opens (or creates) the id map in {@code dataDirectory/ids.log}. */
    public static EmbeddedIdMapper open(Path dataDirectory) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        EmbeddedIdMapper m = new EmbeddedIdMapper();
        Path file = dataDirectory.resolve("ids.log");
        try {
            m.log = RecordLog.open(file, KIND, new byte[0], m::replay);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open id map " + file + ": " + e.getMessage(), e);
        }
        return m;
    }

    private void replay(byte type, ByteBuffer body) throws IOException {
        switch (type) {
            case PUT -> {
                String location = readString(body);
                long id = body.getLong();
                String hash = readString(body);
                apply(location, id, hash);
            }
            case REMOVE_LOCATION -> applyRemove(readString(body));
            case REMOVE_ID -> applyRemoveId(body.getLong());
            default -> throw new IOException("unknown record type " + type + " (written by a newer version?)");
        }
    }

    private static String readString(ByteBuffer b) {
        int n = b.getInt();
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private OptionalLong apply(String location, long id, String hash) {
        Long previous = byLocation.get(location);
        if (previous != null && previous == id) {
            return OptionalLong.empty();
        }
        OptionalLong changed = OptionalLong.empty();
        if (previous != null) {
            detach(location, previous);
            changed = OptionalLong.of(previous);
        }
        Entry e = byId.computeIfAbsent(id, k -> new Entry(hash));
        e.locations.add(location);
        byLocation.put(location, id);
        return changed;
    }

    private void detach(String location, long id) {
        Entry e = byId.get(id);
        if (e != null) {
            e.locations.remove(location);
            if (e.locations.isEmpty()) {
                byId.remove(id);
            }
        }
        superseded++;
    }

    private Optional<ImageRecord> applyRemove(String location) {
        Long id = byLocation.remove(location);
        if (id == null) {
            return Optional.empty();
        }
        Entry e = byId.get(id);
        detach(location, id);
        superseded++;
        return Optional.of(e == null ? new ImageRecord(id, "", List.of()) : e.record(id));
    }

    private boolean applyRemoveId(long id) {
        Entry e = byId.remove(id);
        if (e == null) {
            return false;
        }
        for (String l : e.locations) {
            byLocation.remove(l);
        }
        superseded += e.locations.size() + 1;
        return true;
    }

    private static byte[] encode(Object... parts) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(b);
            for (Object p : parts) {
                if (p instanceof String s) {
                    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(bytes.length);
                    out.write(bytes);
                } else {
                    out.writeLong((Long) p);
                }
            }
            out.flush();
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized OptionalLong put(String location, long id, String contentHash) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(contentHash, "contentHash");
        ensureOpen();
        Long previous = byLocation.get(location);
        if (previous != null && previous == id) {
            return OptionalLong.empty();
        }
        log.append(PUT, encode(location, id, contentHash));
        return apply(location, id, contentHash);
    }

    @Override
    public synchronized Optional<ImageRecord> get(long id) {
        Entry e = byId.get(id);
        return e == null ? Optional.empty() : Optional.of(e.record(id));
    }

    @Override
    public synchronized Map<Long, ImageRecord> getAll(Collection<Long> ids) {
        Map<Long, ImageRecord> out = new LinkedHashMap<>();
        for (Long id : ids) {
            Entry e = byId.get(id);
            if (e != null) {
                out.put(id, e.record(id));
            }
        }
        return out;
    }

    @Override
    public synchronized Optional<ImageRecord> lookup(String location) {
        Long id = byLocation.get(location);
        return id == null ? Optional.empty() : get(id);
    }

    @Override
    public synchronized Optional<ImageRecord> remove(String location) {
        ensureOpen();
        if (!byLocation.containsKey(location)) {
            return Optional.empty();
        }
        log.append(REMOVE_LOCATION, encode(location));
        long id = byLocation.get(location);
        applyRemove(location);
        Entry e = byId.get(id);
        return Optional.of(e == null ? new ImageRecord(id, "", List.of()) : e.record(id));
    }

    @Override
    public synchronized boolean removeId(long id) {
        ensureOpen();
        if (!byId.containsKey(id)) {
            return false;
        }
        log.append(REMOVE_ID, encode(id));
        return applyRemoveId(id);
    }

    @Override
    public synchronized long size() {
        return byId.size();
    }

    @Override
    public void forEachId(LongConsumer action) {
        long[] snapshot;
        synchronized (this) {
            snapshot = byId.keySet().stream().mapToLong(Long::longValue).toArray();
        }
        for (long id : snapshot) {
            action.accept(id);
        }
    }

    @Override
    public synchronized void flush() {
        ensureOpen();
        try {
            log.sync();
            if (superseded > 4096 && superseded > byLocation.size()) {
                log.compact(fresh -> {
                    for (Map.Entry<Long, Entry> e : byId.entrySet()) {
                        for (String l : e.getValue().locations) {
                            fresh.append(PUT, encode(l, e.getKey(), e.getValue().hash));
                        }
                    }
                });
                superseded = 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write id map " + log.file() + ": " + e.getMessage(), e);
        }
    }

    private void ensureOpen() {
        if (log == null) {
            throw new IllegalStateException("id map is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (log != null) {
            log.close();
            log = null;
        }
    }

    @Override
    public String toString() {
        return "EmbeddedIdMapper[" + (log == null ? "closed" : log.file()) + "]";
    }
}
