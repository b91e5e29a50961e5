package dev.imagesearch.search;

import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.image.ImageDecodeException;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * What the multi-model features ({@code fusion}, {@code compare}, {@code duplicates}) need of an index: its
 * models, its id map, its decoding, embedding and nearest-neighbour search. {@code ImageSearch} implements it; the
 * features depend on this interface, not on the facade, so the facade can delegate to them without a package
 * cycle.
 */
public interface SimilaritySearch {

    /** Every model, the primary one first. */
    List<IndexedModel> models();

    /** The id map shared by the models. */
    IdMapper idMapper();

    /**
     * Decodes an image file as indexing does (size limits, EXIF orientation, reduced decoding, the index's JPEG
     * and PNG decoders), to {@code TYPE_INT_RGB}.
     *
     * @throws ImageDecodeException if the file cannot be read or decoded; the message starts with its path
     */
    BufferedImage decode(Path image) throws ImageDecodeException;

    /**
     * Embeds an image with one of the models, checked against its collection's dimension.
     *
     * @throws dev.imagesearch.embed.EmbeddingException if the model fails or returns a vector of the wrong length
     */
    float[] embed(IndexedModel model, BufferedImage image);

    /** The {@code k} indexed images nearest to a vector of {@code model}, best first. */
    List<Match> similar(IndexedModel model, float[] vector, int k);
}
