package dev.imagesearch.duplicates;

import java.util.List;

/**
 * Images that are near-identical to each other (connected through pairs scoring past the threshold).
 *
 * @param members  best quality first: most pixels, then largest file, then location
 * @param minScore the weakest link that joined the group (the lowest pair score among the edges used)
 * @param maxScore the strongest pair score in the group
 */
public record DuplicateGroup(List<Member> members, float minScore, float maxScore) {

    public DuplicateGroup {
        members = List.copyOf(members);
        if (members.size() < 2) {
            throw new IllegalArgumentException("A duplicate group has at least 2 members, got " + members.size());
        }
    }

    /** The member to keep: the best quality one. */
    public Member best() {
        return members.get(0);
    }

    /**
     * One image of a group.
     *
     * @param id        content id
     * @param location  its first known location
     * @param locations every location holding the same bytes
     * @param width     width in pixels (0 when the file could not be read)
     * @param height    height in pixels (0 when the file could not be read)
     * @param bytes     file size (0 when the file could not be read)
     */
    public record Member(long id, String location, List<String> locations, int width, int height, long bytes) {
        public Member {
            locations = List.copyOf(locations);
        }

        /** {@code width × height}. */
        public long pixels() {
            return (long) width * height;
        }
    }
}
