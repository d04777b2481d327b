package io.nbo.cli;

import java.io.InputStream;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code nbo} command line: imports customers into Redis, generates demo customers, validates
 * and tests rules folders. Plain
 * Java (no Quarkus, no CDI), so it starts in well under a second.
 *
 * <p>Run it from the packaged application, after {@code ./mvnw package}:
 *
 * <pre>
 * java -cp "target/quarkus-app/app/*:target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*" \
 *      io.nbo.cli.NboCommand import --redis redis://127.0.0.1:6379 customers.jsonl
 * java -cp "..." io.nbo.cli.NboCommand generate --count 1000000 --seed 42 --out customers.jsonl
 * java -cp "..." io.nbo.cli.NboCommand generate --count 1000 | java -cp "..." io.nbo.cli.NboCommand import --format jsonl -
 * java -cp "..." io.nbo.cli.NboCommand validate rules
 * java -cp "..." io.nbo.cli.NboCommand test rules
 * java -cp "..." io.nbo.cli.NboCommand simulate --sample 10000 --channel web candidate-rules/
 * java -cp "..." io.nbo.cli.NboCommand keys new | tee key.txt | java -cp "..." io.nbo.cli.NboCommand keys hash --name web --roles channel
 * java -cp "..." io.nbo.cli.NboCommand help import
 * </pre>
 *
 * <p>Exit codes: 0 success; 1 some lines were rejected (the others were imported); 2 a usage error,
 * an unreadable file or header, or Redis unreachable or lost; 3 an unexpected failure.
 */
@Command(name = "nbo", mixinStandardHelpOptions = true, version = "nbo 0.1.0",
        description = "Imports customer context into Redis, generates demo customers, and validates and tests rules folders.",
        subcommands = CommandLine.HelpCommand.class,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:some lines were rejected (the others were imported); rules that do not compile or a failing scenario",
            "2:usage error, unreadable input, or Redis unreachable",
            "3:unexpected failure"})
public final class NboCommand implements Runnable {

    static final int PARTIAL = 1;
    static final int USAGE = 2;
    static final int FAILURE = 3;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CliLogging.quiet();
        int code = commandLine(System.in, System.getenv()).execute(args);
        // Lettuce's Netty threads are stopped by then, but a stray non-daemon thread must not keep the JVM up.
        System.exit(code);
    }

    /** The command tree reading {@code -} from {@code stdin} and defaults from {@code env}. */
    public static CommandLine commandLine(InputStream stdin, Map<String, String> env) {
        CommandLine cli = new CommandLine(new NboCommand())
                .addSubcommand("import", new ImportCommand(stdin, env))
                .addSubcommand("generate", new GenerateCommand())
                .addSubcommand("validate", new RulesCommands.Validate())
                .addSubcommand("test", new RulesCommands.Test())
                .addSubcommand("simulate", new SimulateCommand(env))
                .addSubcommand("keys", new KeysCommand(stdin))
                .setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UsageProblem) {
                commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
                commandLine.getErr().flush();
                return USAGE;
            }
            commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": unexpected failure: " + e);
            e.printStackTrace(commandLine.getErr());
            commandLine.getErr().flush();
            return FAILURE;
        });
        return cli;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: import, generate, validate, test, simulate or keys");
    }
}
