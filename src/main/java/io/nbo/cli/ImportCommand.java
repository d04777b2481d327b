package io.nbo.cli;

import io.nbo.context.CustomerDataValidator;
import io.nbo.context.CustomerImportRepository;
import io.nbo.redis.RedisConnection;
import io.nbo.config.StoreUnavailableException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nbo import}: loads customers from JSON lines or CSV into Redis, replacing each one whole. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Imports customers (JSON lines or CSV) into Redis.",
        description = {
            "Imports customers into Redis, pipelined. Each customer is replaced as a whole, so re-running an import is safe.",
            "A bad line is reported and skipped; the others are still imported.",
            "JSON lines: {\"id\": \"c-1\", \"profile\": {...}, \"consent\": {...}, \"engagement\": {...}, \"cart\": {...}, \"recent\": [...]}",
            "CSV: a header row with id, profile.<name>, consent.<channel>, engagement.<channel>.<metric>."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every line was imported",
            "1:some lines were rejected (listed; the others were imported)",
            "2:usage error, unreadable file or CSV header, or Redis unreachable or lost",
            "3:unexpected failure"})
final class ImportCommand implements Callable<Integer> {

    static final String DEFAULT_REDIS = "redis://127.0.0.1:6379";
    static final String REDIS_ENV = "NBO_REDIS_URL";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final long PROGRESS_NANOS = 1_000_000_000L;

    @Spec
    private CommandSpec spec;

    @Option(names = "--redis", paramLabel = "URL",
            description = "Redis to import into, e.g. redis://:password@host:6379/0 (default: $" + REDIS_ENV + ", else " + DEFAULT_REDIS + ").")
    private String redisUrl;

    @Mixin
    private ClusterOption cluster;

    @Option(names = "--format", paramLabel = "jsonl|csv",
            description = "Input format (default: from the file name: .jsonl/.ndjson or .csv; required for -).")
    private InputFormat format;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "2000",
            description = "Customers per pipelined batch; at most two batches await replies (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Parameters(paramLabel = "FILE|-", description = "The file to import, or - for standard input.")
    private String file;

    private final InputStream stdin;
    private final Map<String, String> env;

    ImportCommand(InputStream stdin, Map<String, String> env) {
        this.stdin = stdin;
        this.env = env;
    }

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || batch > 100_000) {
            throw new ParameterException(spec.commandLine(), "--batch must be between 1 and 100000 (got " + batch + ")");
        }
        InputFormat inputFormat = inputFormat();
        String url = redisUrl != null ? redisUrl : env.getOrDefault(REDIS_ENV, DEFAULT_REDIS);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        try (CustomerReader reader = open(inputFormat)) {
            RedisConnection redis = connect(url);
            try {
                return run(reader, redis, out, err);
            } finally {
                redis.close();
            }
        }
    }

    private int run(CustomerReader reader, RedisConnection redis, PrintWriter out, PrintWriter err) throws Exception {
        ImportReport report = new ImportReport();
        long start = System.nanoTime();
        long nextProgress = start + PROGRESS_NANOS;
        String inputProblem = null;
        try (CustomerImportRepository customers = importInto(redis, report)) {
            while (true) {
                CustomerLine line;
                try {
                    line = reader.next();
                } catch (IOException e) {
                    // A broken CSV quote or an I/O error: there is no next line to resume at.
                    inputProblem = "cannot read " + describeInput() + " any further: " + e.getMessage()
                            + ". The lines before it were imported.";
                    break;
                }
                if (line == null) {
                    break;
                }
                if (line.isValid()) {
                    customers.add(line.line(), line.id(), line.data());
                } else {
                    report.failed(line.line(), line.describeProblems());
                }
                long now = System.nanoTime();
                if (now >= nextProgress) {
                    err.println(report.progress(Duration.ofNanos(now - start)));
                    err.flush();
                    nextProgress = now + PROGRESS_NANOS;
                }
            }
            customers.finish();
        } catch (CustomerImportRepository.RedisLost e) {
            report.printSummary(out, Duration.ofNanos(System.nanoTime() - start));
            throw new UsageProblem(e.getMessage() + ". The import stopped; check Redis at " + redis.safeAddress()
                    + " and run it again (customers are replaced whole, so re-importing is safe).");
        }
        report.printSummary(out, Duration.ofNanos(System.nanoTime() - start));
        if (inputProblem != null) {
            throw new UsageProblem(inputProblem);
        }
        return report.failed() == 0 ? 0 : NboCommand.PARTIAL;
    }

    private CustomerImportRepository importInto(RedisConnection redis, ImportReport report) throws InterruptedException {
        try {
            return CustomerImportRepository.open(redis, batch, Instant.now(), report, COMMAND_TIMEOUT);
        } catch (StoreUnavailableException e) {
            throw new UsageProblem(e.getMessage());
        }
    }

    private InputFormat inputFormat() {
        if (format != null) {
            return format;
        }
        if (file.equals("-")) {
            throw new ParameterException(spec.commandLine(), "reading standard input (-) needs --format jsonl or --format csv");
        }
        return InputFormat.fromFileName(file).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "cannot tell the format of " + file + " from its name: use --format jsonl or --format csv"));
    }

    private CustomerReader open(InputFormat inputFormat) throws IOException {
        Reader in;
        if (file.equals("-")) {
            in = new InputStreamReader(stdin, StandardCharsets.UTF_8);
        } else {
            try {
                // Not Files.newBufferedReader: its strict decoder would stop the whole import at one bad byte.
                in = new InputStreamReader(Files.newInputStream(Path.of(file)), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new UsageProblem("no such file: " + file);
            } catch (IOException e) {
                throw new UsageProblem("cannot read " + file + ": " + e.getMessage());
            }
        }
        BufferedReader buffered = new BufferedReader(in, 1 << 20);
        try {
            CustomerDataValidator validator = CustomerDataValidator.standalone();
            return inputFormat == InputFormat.JSONL ? new JsonLinesReader(buffered, validator) : new CsvReader(buffered, validator);
        } catch (IOException e) {
            buffered.close();
            throw new UsageProblem("cannot read the CSV header of " + describeInput() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            buffered.close();
            throw e;
        }
    }

    private RedisConnection connect(String url) {
        RedisConnection redis;
        try {
            redis = RedisConnection.open(url, cluster.resolve(env), COMMAND_TIMEOUT, null);
        } catch (IllegalArgumentException e) {
            throw new UsageProblem("--redis " + url + " is not a Redis URL (" + e.getMessage() + "); use e.g. " + DEFAULT_REDIS);
        }
        if (!redis.isConnected()) {
            String reason;
            try {
                redis.commands();
                reason = "not connected";
            } catch (StoreUnavailableException e) {
                reason = e.getMessage();
            }
            redis.close();
            throw new UsageProblem(reason + ". Start Redis there, or point --redis (or the " + REDIS_ENV
                    + " environment variable) at a running one, e.g. --redis redis://host:6379.");
        }
        return redis;
    }

    private String describeInput() {
        return file.equals("-") ? "standard input" : file;
    }
}
