package dev.imagesearch.cli;

/**
 * Quiets slf4j-simple for command line use. Per-file problems are already in the index summary, so library
 * WARN lines would only repeat them; {@code --verbose} turns debug logging on instead.
 *
 * <p>slf4j-simple reads its configuration once, when the first logger is created, so this must run before any
 * library class is touched. Explicit {@code -Dorg.slf4j.simpleLogger.*} settings win.
 */
final class CliLogging {

    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private CliLogging() {
    }

    static void configure(boolean verbose) {
        setIfAbsent("defaultLogLevel", verbose ? "debug" : "error");
        setIfAbsent("logFile", "System.err");
        setIfAbsent("showThreadName", "false");
        setIfAbsent("showShortLogName", "true");
        setIfAbsent("levelInBrackets", "true");
        if (!verbose) {
            // The Milvus SDK logs each failed call with gRPC internals (and a warning on every query iterator
            // against Milvus Lite); the CLI's own error line already names the server and what to do.
            setIfAbsent("log.io.milvus", "off");
        }
    }

    /** Whether the raw arguments ask for verbose output (checked before picocli parses anything). */
    static boolean verboseRequested(String[] args) {
        for (String a : args) {
            if ("--verbose".equals(a)) {
                return true;
            }
            if ("--".equals(a)) {
                return false;
            }
        }
        return false;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
