package dev.imagesearch.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the CLI in-process with captured stdout and stderr. */
record CliRun(int exitCode, String out, String err) {

    static CliRun run(ModelSource models, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = ImageSearchCli.commandLine(new ImageSearchCli(models));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    static CliRun fake(String... args) {
        return run(new FakeModels(), args);
    }

    /** The error lines the CLI printed (ignoring informational lines). */
    long errorLines() {
        return err.lines().filter(l -> l.startsWith("imagesearch: error:")).count();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
