/** The base type of the library's exceptions, {@link dev.imagesearch.error.ImageSearchException}. */
package dev.imagesearch.error;
