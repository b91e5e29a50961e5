package dev.imagesearch.duplicates;

import java.util.List;

/**
 * A second opinion on candidate pairs of {@link DuplicateFinder}, from the images themselves (for example local
 * features matched under a geometric transform). A global descriptor scores two photos of one kind of subject like a
 * copy, and a small, captioned or grayscale copy like a look-alike; a pair check that looks at the pixels separates
 * them. With a verifier, every candidate pair scoring at least {@link #floor()} is checked: {@link Verdict#SAME}
 * links it whatever its score (and groups it joins merge at {@link #mergeFloor()}), {@link Verdict#DIFFERENT} does
 * not link it, and {@link Verdict#UNKNOWN} (the check cannot tell, e.g. a textureless image) leaves it to the score,
 * threshold and margin as without a verifier. Two images called different may still share a group through others
 * when the mean score across their groups passes the threshold: two copies of one photo often do not line up with
 * each other (two different crops), so keeping such pairs apart split true groups (docs/EVALUATION.md).
 */
public interface PairVerifier {

    /** What a verifier says of a pair. */
    enum Verdict { SAME, DIFFERENT, UNKNOWN }

    /** Two indexed images, by location (a file path, or a URI the verifier may not read: then UNKNOWN). */
    record Pair(String first, String second) {
    }

    /**
     * The cosine from which candidate pairs are checked (below it only a threshold set lower still can link a pair).
     * Default 0.3.
     */
    default double floor() {
        return 0.3;
    }

    /**
     * The mean cosine over all pairs across two groups that average linkage needs to merge them, instead of the
     * threshold (verified copies may score below the threshold). Default 0.5.
     */
    default double mergeFloor() {
        return 0.5;
    }

    /** A name for reports, e.g. {@code orb-affine}. */
    String name();

    /**
     * One verdict per pair, in order. Called once per {@link DuplicateFinder#find()} with every candidate pair, so
     * that an implementation can order, cache and parallelise its work.
     */
    List<Verdict> verify(List<Pair> pairs);
}
