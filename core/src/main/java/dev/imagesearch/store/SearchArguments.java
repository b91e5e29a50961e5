package dev.imagesearch.store;

/** The one check of a result count {@code k}, shared by every search method and backend. */
public final class SearchArguments {

    private SearchArguments() {
    }

    /**
     * Returns {@code k} if it is a valid result count (0 or more).
     *
     * @throws IllegalArgumentException naming the value otherwise
     */
    public static int checkK(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        return k;
    }
}
