package dev.imagesearch.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link RecordLog} files open in this JVM, so that a second open of one fails fast. */
final class OpenFiles {

    /**
     * Files open in this JVM. File locks belong to the process, and on Linux closing <em>any</em> channel of a
     * file drops all of the process's locks on it, so a second open in this process must be refused before it
     * opens a channel of its own; hence one process-wide registry.
     */
    private static final Set<Path> OPEN_IN_THIS_PROCESS = ConcurrentHashMap.newKeySet();

    private OpenFiles() {
    }

    /** Whether {@code file} is open in this process. */
    static boolean isOpen(Path file) throws IOException {
        return OPEN_IN_THIS_PROCESS.contains(registryKey(file));
    }

    /** Registers {@code file} as open; returns its key for {@link #unregister}, or null if it is open already. */
    static Path register(Path file) throws IOException {
        Path key = registryKey(file);
        return OPEN_IN_THIS_PROCESS.add(key) ? key : null;
    }

    static void unregister(Path key) {
        OPEN_IN_THIS_PROCESS.remove(key);
    }

    static IOException alreadyOpen(Path file, Throwable cause) {
        return new IOException(file + " is already open in this process; close the other instance first", cause);
    }

    /** The same key for every spelling of a path (relative, via symbolic links) of one file. */
    private static Path registryKey(Path file) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        return Files.isDirectory(parent) ? parent.toRealPath().resolve(abs.getFileName()) : abs;
    }
}
