package dev.imagesearch.cli;

/**
 * An error the user can fix (a missing file, an unknown model, an unsupported option value). The CLI prints its
 * message as one line, without a stack trace, and exits with {@link #exitCode()}.
 */
public final class CliException extends RuntimeException {

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** A wrong command line: exit code {@value ImageSearchCli#EXIT_USAGE}. */
    public static CliException usage(String message) {
        return new CliException(ImageSearchCli.EXIT_USAGE, message);
    }

    /** Something failed while running: exit code {@value ImageSearchCli#EXIT_ERROR}. */
    public static CliException failure(String message, Throwable cause) {
        return new CliException(ImageSearchCli.EXIT_ERROR, message, cause);
    }

    public int exitCode() {
        return exitCode;
    }
}
