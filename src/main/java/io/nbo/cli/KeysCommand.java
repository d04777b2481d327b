package io.nbo.cli;

import io.nbo.security.ApiKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nbo keys}: make API keys and the hashes {@code nbo.security.keys} holds. */
@Command(name = "keys", mixinStandardHelpOptions = true, header = "Makes API keys and their entries for nbo.security.keys.",
        description = "Makes API keys and their entries for nbo.security.keys.",
        subcommands = {KeysCommand.New.class, KeysCommand.Hash.class})
final class KeysCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    private final InputStream stdin;

    KeysCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a command: new or hash");
    }

    /** {@code nbo keys new}: a new random key on standard output. */
    @Command(name = "new", mixinStandardHelpOptions = true, header = "Prints a new random API key.",
            description = {"Prints a new random API key (32 random bytes, URL-safe base64).",
                "Give it to the caller; configure only its hash (nbo keys hash)."})
    static final class New implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(ApiKeys.newKey());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** {@code nbo keys hash}: the SHA-256 of the key read from standard input, or the whole entry. */
    @Command(name = "hash", mixinStandardHelpOptions = true, header = "Prints the hash of a key, or its nbo.security.keys entry.",
            description = {"Reads a key from standard input (its first line; never an argument, so it stays out of the shell history) "
                + "and prints its SHA-256 in hex, or with --name and --roles the whole nbo.security.keys entry NAME:ROLES:HASH.",
                "The same as: printf %s \"$KEY\" | sha256sum"})
    static final class Hash implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--name", paramLabel = "NAME", description = "The key's name, as the audit log shows who acted.")
        private String name;

        @Option(names = "--roles", paramLabel = "ROLE[+ROLE...]", description = "channel, marketer, admin, metrics; several joined by +.")
        private String roles;

        @Override
        public Integer call() throws IOException {
            InputStream in = ((KeysCommand) spec.parent().userObject()).stdin;
            String key = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            if (key == null || key.isEmpty()) {
                throw new UsageProblem("give the key on standard input, e.g. nbo keys new | tee key.txt | nbo keys hash");
            }
            if ((name == null) != (roles == null)) {
                throw new UsageProblem("give both --name and --roles, or neither");
            }
            String hash = ApiKeys.hash(key);
            String line = name == null ? hash : name + ":" + roles + ":" + hash;
            if (name != null) {
                try {
                    ApiKeys.parse(line);
                } catch (IllegalArgumentException e) {
                    throw new UsageProblem(e.getMessage());
                }
            }
            if (key.length() < 32) {
                spec.commandLine().getErr().println("warning: a key of " + key.length() + " characters is short; nbo keys new makes 43");
                spec.commandLine().getErr().flush();
            }
            spec.commandLine().getOut().println(line);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
