package io.nbo.cli;

import java.io.InputStream;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code nbo} command line: imports customers into Redis, generates demo customers, makes API
 * keys, and validates, tests, simulates and publishes rules folders. Plain Java (no Quarkus, no
 * CDI), so it starts in well under a second.
 *
 * <p>Run it with the launcher at the top of the project, {@code ./nbo} (it runs the packaged
 * application's classes, building them first when there are none):
 *
 * <pre>
 * ./nbo import --redis redis://127.0.0.1:6379 customers.jsonl
 * ./nbo generate --count 1000000 --seed 42 --out customers.jsonl
 * ./nbo generate --count 1000 | ./nbo import --format jsonl -
 * ./nbo validate rules
 * ./nbo test rules
 * ./nbo simulate --sample 10000 --channel web candidate-rules/
 * ./nbo evaluate --rules candidate-rules/ --log decisions.jsonl
 * NBO_API_KEY=... ./nbo publish --author ana --message "Free shipping from 50" candidate-rules/
 * ./nbo keys new | tee key.txt | ./nbo keys hash --name web --roles channel
 * ./nbo help import
 * </pre>
 *
 * <p>Exit codes: 0 success; 1 some lines were rejected (the others were imported); 2 a usage error,
 * an unreadable file or header, or Redis unreachable or lost; 3 an unexpected failure.
 */
@Command(name = "nbo", mixinStandardHelpOptions = true, version = "nbo 0.1.0",
        description = "Imports customer context into Redis, generates demo customers, makes API keys, and validates, tests, "
                + "simulates and publishes rules folders.",
        subcommands = CommandLine.HelpCommand.class,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:some lines were rejected (the others were imported); rules that do not compile, a failing scenario or a refused publish",
            "2:usage error, unreadable input, or Redis or the service unreachable",
            "3:unexpected failure"})
public final class NboCommand implements Runnable {

    static final int PARTIAL = 1;
    static final int USAGE = 2;
    static final int FAILURE = 3;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Before anything logs: the Quarkus classpath brings JBoss LogManager, which prints an ERROR line
        // when java.util.logging starts under another manager.
        if (System.getProperty(CliLogging.MANAGER_PROPERTY) == null) {
            System.setProperty(CliLogging.MANAGER_PROPERTY, CliLogging.JBOSS_MANAGER);
        }
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
                .addSubcommand("evaluate", new EvaluateCommand(stdin, env))
                .addSubcommand("publish", new PublishCommands.Publish(env))
                .addSubcommand("files", new PublishCommands.Body())
                .addSubcommand("keys", new KeysCommand(stdin))
                .setCaseInsensitiveEnumValuesAllowed(true)
                // As wide as the terminal (80 columns where it cannot tell): help is wrapped, never cut.
                .setUsageHelpAutoWidth(true);
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
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: import, generate, validate, test, simulate, evaluate, publish, files or keys");
    }
}
