package dev.imagesearch.cli;

/** The CLI with {@link FakeModels}, as a {@code main} for tests that need a separate JVM. */
final class FakeCliMain {

    private FakeCliMain() {
    }

    public static void main(String[] args) {
        CliLogging.configure(false);
        System.exit(ImageSearchCli.commandLine(new ImageSearchCli(new FakeModels())).execute(args));
    }
}
