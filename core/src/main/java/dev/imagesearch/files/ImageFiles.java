package dev.imagesearch.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which entries under a folder are image files to index, and why every other entry is not. Special files (FIFOs,
 * devices, sockets, links to them) are recognised from their attributes and never opened: opening a FIFO blocks
 * and a device never ends.
 */
public final class ImageFiles {

    /** File name extensions a folder scan picks up (lower case). */
    public static final Set<String> EXTENSIONS = Set.of(
            "jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff", "wbmp");

    private static final String NOT_OPENED = ", not a regular file (not opened)";

    /** Symbolic links followed in a row before a chain counts as a loop (as Linux's ELOOP limit). */
    private static final int MAX_LINK_HOPS = 40;

    private ImageFiles() {
    }

    /**
     * The location string the index records for a path: its absolute, normalised form. Indexing, removal, queries
     * and evaluation all go through this one policy, so a file is found whatever relative path named it.
     */
    public static String locationOf(Path path) {
        return path.toAbsolutePath().normalize().toString();
    }

    /** Whether a file name has one of the {@link #EXTENSIONS}. */
    public static boolean isImageName(Path p) {
        String ext = extension(p);
        return ext != null && EXTENSIONS.contains(ext);
    }

    /**
     * Every entry under {@code directory}, recursively: the image files (regular files, or links to them, named
     * with an image extension), sorted by path, and every other entry with the reason it is not indexed.
     * Directories are entries only when named like an image; links to directories are not followed, except
     * {@code directory} itself.
     *
     * @throws UncheckedIOException if {@code directory} itself cannot be listed
     */
    public static Scan scan(Path directory) {
        List<Path> images = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        try {
            // The folder itself may be a link (~/Pictures -> /data/photos): follow that one link, and report what
            // is found under the path as given.
            Path walked = Files.isSymbolicLink(directory) && Files.isDirectory(directory)
                    ? directory.toRealPath() : directory;
            java.util.function.UnaryOperator<Path> given = walked == directory ? p -> p
                    : p -> directory.resolve(walked.relativize(p).toString());
            Files.walkFileTree(walked, EnumSet.noneOf(java.nio.file.FileVisitOption.class), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            if (!dir.equals(walked) && isImageName(dir)) {
                                skipped.add(new Skipped(given.apply(dir), "a directory named like an image (its "
                                        + "files are scanned as usual)"));
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            Path p = given.apply(file);
                            Optional<String> why = whyNotIndexed(p, attrs);
                            if (why.isPresent()) {
                                skipped.add(new Skipped(p, why.get()));
                            } else {
                                images.add(p);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                            if (file.equals(walked)) {
                                throw e;
                            }
                            skipped.add(new Skipped(given.apply(file), "cannot be listed: " + plain(e)));
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + directory + ": " + plain(e), e);
        }
        images.sort(null);
        skipped.sort(java.util.Comparator.comparing(Skipped::path));
        return new Scan(images, skipped);
    }

    /**
     * Why {@code path} cannot be read as an image file, judged from its attributes alone (links followed, nothing
     * opened): a dangling link, a link loop, a directory, a FIFO, a device or a socket. Empty for a regular file or
     * a path that does not exist at all (reading it then says so).
     */
    public static Optional<String> whyNotRegular(Path path) {
        BasicFileAttributes own;
        try {
            own = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return Optional.empty();
        }
        return own.isDirectory() ? Optional.of("a directory, not an image file") : notRegular(path, own, false);
    }

    private static Optional<String> whyNotIndexed(Path file, BasicFileAttributes own) {
        Optional<String> problem = notRegular(file, own, true);
        if (problem.isPresent() || isImageName(file)) {
            return problem;
        }
        String ext = extension(file);
        return Optional.of((ext == null ? "no file name extension" : "extension ." + ext)
                + " is not an image type that is indexed (" + String.join(", ", sorted(EXTENSIONS)) + ")");
    }

    /** Why a non-directory entry (given its own attributes, links not followed) is not a regular file, if so. */
    private static Optional<String> notRegular(Path p, BasicFileAttributes own, boolean inScan) {
        if (own.isSymbolicLink()) {
            return linkProblem(p, inScan);
        }
        return own.isOther() ? Optional.of(special(p) + NOT_OPENED) : Optional.empty();
    }

    /** What is wrong with following a symbolic link to a regular file, if anything. */
    private static Optional<String> linkProblem(Path link, boolean inScan) {
        Path at = link;
        Set<Path> seen = new HashSet<>();
        for (int hop = 0; hop < MAX_LINK_HOPS; hop++) {
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(at, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return Optional.of("dangling symbolic link: its target " + at + " does not exist");
            } catch (IOException e) {
                return Optional.of("symbolic link whose target cannot be read: " + plain(e));
            }
            if (!attrs.isSymbolicLink()) {
                if (attrs.isDirectory()) {
                    return Optional.of("symbolic link to the directory " + at
                            + (inScan ? " (links to directories are not followed)" : ", not an image file"));
                }
                if (attrs.isOther()) {
                    return Optional.of("symbolic link to " + special(at) + " " + at + NOT_OPENED);
                }
                return Optional.empty();
            }
            Path target;
            try {
                target = Files.readSymbolicLink(at);
            } catch (IOException e) {
                return Optional.of("symbolic link that cannot be read: " + plain(e));
            }
            Path next = at.toAbsolutePath().resolveSibling(target).normalize();
            if (!seen.add(next)) {
                return Optional.of("symbolic link loop (" + link + " leads back to " + next + ")");
            }
            at = next;
        }
        return Optional.of("symbolic link chain longer than " + MAX_LINK_HOPS + " links (a loop?)");
    }

    /** "a FIFO (named pipe)", "a character device", ... from the Unix file mode where the platform has it. */
    static String special(Path p) {
        try {
            Object mode = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (mode instanceof Integer m) {
                switch (m & 0170000) {
                    case 0010000: return "a FIFO (named pipe)";
                    case 0020000: return "a character device";
                    case 0060000: return "a block device";
                    case 0140000: return "a socket";
                    default: break;
                }
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // no Unix attributes here: fall through to the generic word
        }
        return "a special file (device, FIFO or socket)";
    }

    /** An I/O exception in words: "permission denied", "not found", or the system's reason. */
    public static String plain(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "not found";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(Locale.ROOT);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String extension(Path p) {
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && dot < name.length() - 1 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : null;
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    /**
     * The outcome of {@link #scan}.
     *
     * @param images  image files to index, sorted by path
     * @param skipped every other entry, with why it is not indexed, sorted by path
     */
    public record Scan(List<Path> images, List<Skipped> skipped) {
        public Scan {
            images = List.copyOf(images);
            skipped = List.copyOf(skipped);
        }

        /** Entries seen: images plus skipped entries. */
        public int entries() {
            return images.size() + skipped.size();
        }
    }

    /**
     * An entry that is not indexed.
     *
     * @param path   the entry
     * @param reason why, in plain words
     */
    public record Skipped(Path path, String reason) {
        @Override
        public String toString() {
            return path + ": " + reason;
        }
    }
}
