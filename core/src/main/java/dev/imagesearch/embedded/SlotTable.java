package dev.imagesearch.embedded;

import dev.imagesearch.store.VectorStoreException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The rows of an {@link EmbeddedCollection}: ids and their vectors in slots {@code 0 ..< size}, packed (a removed
 * row's slot takes the last row). Not thread-safe: the collection's lock guards it.
 */
final class SlotTable {

    private final String name;
    private final int dim;
    private final Map<Long, Integer> slotOf = new HashMap<>();
    final VectorRows vectors;
    private long[] ids = new long[0];
    private int size;
    /** Log records made dead weight by later ones (overwritten or deleted vectors), for compaction. */
    long superseded;

    SlotTable(String name, int dim, EmbeddedVectorStore.Precision precision) {
        this.name = name;
        this.dim = dim;
        this.vectors = VectorRows.create(precision, dim);
    }

    int size() {
        return size;
    }

    long idAt(int slot) {
        return ids[slot];
    }

    boolean contains(long id) {
        return slotOf.containsKey(id);
    }

    /** The slot of {@code id}, or -1. */
    int slot(long id) {
        Integer slot = slotOf.get(id);
        return slot == null ? -1 : slot;
    }

    long[] idsSnapshot() {
        return Arrays.copyOf(ids, size);
    }

    void put(long id, float[] v) {
        Integer slot = slotOf.get(id);
        if (slot != null) {
            vectors.set(slot, v);
            superseded++;
            return;
        }
        if (size == ids.length) {
            grow();
        }
        ids[size] = id;
        vectors.set(size, v);
        slotOf.put(id, size);
        size++;
    }

    private void grow() {
        // grow by half: large collections would otherwise hold up to twice their vectors' memory
        int cap = Math.max(16, ids.length + (ids.length >> 1));
        long elements = (long) cap * dim;
        if (elements > Integer.MAX_VALUE - 8) {
            cap = (Integer.MAX_VALUE - 8) / dim;
            if (cap <= size) {
                throw new VectorStoreException("Collection '" + name + "' is full: the embedded store "
                        + "holds at most " + cap + " vectors of " + dim + " dimensions (one Java array); "
                        + "use a server store such as Milvus for more");
            }
        }
        ids = Arrays.copyOf(ids, cap);
        vectors.resize(cap);
    }

    boolean remove(long id) {
        Integer slot = slotOf.remove(id);
        if (slot == null) {
            return false;
        }
        int last = size - 1;
        if (slot != last) {
            ids[slot] = ids[last];
            vectors.move(last, slot);
            slotOf.put(ids[slot], slot);
        }
        size--;
        superseded += 2; // the upsert and the delete record are both dead weight now
        return true;
    }

    /** Drops the growth margin: a reopened collection holds its vectors plus a little. */
    void trimToSize() {
        if (ids.length > size) {
            ids = Arrays.copyOf(ids, size);
            vectors.resize(size);
        }
    }
}
