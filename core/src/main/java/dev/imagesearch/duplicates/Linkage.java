package dev.imagesearch.duplicates;

/** How linked images become groups. */
public enum Linkage {
    /**
     * Connected components: any chain of linked pairs is one group. Similar-but-different photos chain (a bird
     * like another bird like a third), so groups grow past what is a copy of what. Kept for comparison.
     */
    SINGLE,
    /**
     * Average linkage (the default): the strongest links are taken first, and two groups merge only when the mean
     * score over every pair across them passes the threshold. A~B and B~C with A not~C stay apart unless B pulls
     * the mean over the threshold. With normalised vectors the mean is one dot product of the groups' vector sums,
     * so a merge costs O(dimension) whatever the group sizes.
     */
    AVERAGE
}
