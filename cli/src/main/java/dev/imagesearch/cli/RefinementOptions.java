package dev.imagesearch.cli;

import dev.imagesearch.query.DatabaseAugmentation;
import dev.imagesearch.query.QueryExpansion;
import dev.imagesearch.query.SearchRefinement;
import picocli.CommandLine.Option;

/** {@code --qe} and {@code --dba}: how every model's search is refined ({@link SearchRefinement}). */
final class RefinementOptions {

    @Option(names = "--qe", paramLabel = "N[:ALPHA]",
            description = "Query expansion: search again with the query plus its top N results' vectors, "
                    + "alpha-weighted with :ALPHA (e.g. 5:3; default: none).")
    String qe;

    @Option(names = "--dba", paramLabel = "N[:ALPHA]",
            description = "Database-side augmentation: the top " + DatabaseAugmentation.DEFAULT_DEPTH
                    + " results re-ranked by their vectors averaged with their top N neighbours' (alpha-weighted "
                    + "with :ALPHA, e.g. 10:3); with --qe the query is expanded with augmented vectors "
                    + "(default: none).")
    String dba;

    /**
     * The refinement asked for, or null when neither option was given (then a single model searches plainly, and a
     * fused search follows each model's metadata).
     */
    SearchRefinement refinement() {
        if (qe == null && dba == null) {
            return null;
        }
        QueryExpansion expansion;
        try {
            expansion = qe == null ? null : QueryExpansion.parse(qe);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--qe: " + e.getMessage());
        }
        try {
            return new SearchRefinement(expansion, dba == null ? null : DatabaseAugmentation.parse(dba));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--dba: " + e.getMessage());
        }
    }
}
