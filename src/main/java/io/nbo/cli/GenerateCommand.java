package io.nbo.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code nbo generate}: deterministic demo customers as JSON lines, ready for {@code nbo import}. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Writes deterministic demo customers as JSON lines, for nbo import.",
        description = {
            "Writes demo customers (demo-000001, demo-000002, ...) as JSON lines for nbo import.",
            "The same --seed, --count and --now give byte-identical output; dates are relative to --now, never the clock."})
final class GenerateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1000", description = "How many customers (default: ${DEFAULT-VALUE}).")
    private long count;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--out", paramLabel = "FILE|-", defaultValue = "-", description = "Where to write; - is standard output (default: ${DEFAULT-VALUE}).")
    private String out;

    @Option(names = "--now", paramLabel = "INSTANT", defaultValue = "2026-11-23T12:00:00Z",
            description = "The reference instant all dates are relative to (default: ${DEFAULT-VALUE}).")
    private String now;

    @Override
    public Integer call() throws IOException {
        if (count < 0) {
            throw new ParameterException(spec.commandLine(), "--count must not be negative (got " + count + ")");
        }
        Instant reference;
        try {
            reference = Instant.parse(now);
        } catch (DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), "--now must be an ISO instant such as 2026-11-23T12:00:00Z (got " + now + ")");
        }
        DemoCustomers customers = new DemoCustomers(seed, reference);
        long start = System.nanoTime();
        if (out.equals("-")) {
            customers.write(spec.commandLine().getOut(), count);
        } else {
            Path path = Path.of(out);
            try (Writer file = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(path), StandardCharsets.UTF_8), 1 << 20)) {
                customers.write(file, count);
            } catch (IOException e) {
                throw new UsageProblem("cannot write " + out + ": " + e.getMessage());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        PrintWriter err = spec.commandLine().getErr();
        err.printf(Locale.ROOT, "generated %,d customers%s in %.1f s (seed %d, now %s)%n",
                count, out.equals("-") ? "" : " to " + out, seconds, seed, reference);
        err.flush();
        return 0;
    }
}
