package dev.imagesearch.cli;

import picocli.CommandLine.Mixin;

/**
 * Which index a command works on: the model(s) and decoders that embed its images, and where its vectors and id
 * map are kept. Declared once here for every command that opens an index ({@link ImageSearchCli#open} and
 * {@link ImageSearchCli#openExisting} take it).
 */
final class IndexOptions {

    @Mixin
    ModelAndDecoderOptions model;

    @Mixin
    StoreOptions store;
}
