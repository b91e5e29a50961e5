package dev.imagesearch.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} pairs after a benchmark's mode argument. */
final class BenchOptions {

    private final Map<String, String> values;

    private BenchOptions(Map<String, String> values) {
        this.values = values;
    }

    /** The pairs of {@code args[1..]}. */
    static BenchOptions parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            values.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return new BenchOptions(values);
    }

    String opt(String name, String def) {
        return values.getOrDefault(name, def);
    }

    int intOpt(String name, int def) {
        return Integer.parseInt(opt(name, String.valueOf(def)));
    }
}
