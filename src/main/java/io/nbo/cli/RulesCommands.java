package io.nbo.cli;

import io.nbo.context.CustomerDataValidator;
import io.nbo.model.SourceError;
import io.nbo.offers.OfferCatalogLoader;
import io.nbo.rules.InvalidRuleSetException;
import io.nbo.rules.RuleSet;
import io.nbo.rules.RuleSetCompiler;
import io.nbo.simulation.ScenarioRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nbo validate} and {@code nbo test}: check a rules folder offline, in a Git workflow or CI. */
final class RulesCommands {

    private RulesCommands() {
    }

    /** The rules folder argument both commands take. */
    static final class Folder {
        @Parameters(paramLabel = "DIR", defaultValue = "rules", description = "The rules folder (default: ${DEFAULT-VALUE}).")
        Path dir;
    }

    /** Compiles a rules folder; prints every error as {@code file:line:column: message}. */
    @Command(name = "validate", mixinStandardHelpOptions = true, header = "Compiles a rules folder as the service would, without publishing it.",
            description = {"Compiles a rules folder (DRL files and offers.yaml) as the service would, without publishing it.",
                "Every error is printed as FILE:LINE:COLUMN: MESSAGE; exit 1 when there is any."})
    static final class Validate implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private Folder folder;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return compile(folder.dir, out) == null ? NboCommand.PARTIAL : 0;
        }
    }

    /** Compiles a rules folder and runs its scenario files ({@code tests/*.yaml}). */
    @Command(name = "test", mixinStandardHelpOptions = true, header = "Compiles a rules folder and runs its scenarios.",
            description = {"Compiles a rules folder and runs its scenarios (DIR/tests/*.yaml): a customer and a request in, "
                + "the offers and channels expected out.", "Exit 1 when the rules do not compile or any scenario fails."})
    static final class Test implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private Folder folder;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Path dir = folder.dir;
            RuleSet ruleSet = compile(dir, out);
            if (ruleSet == null) {
                return NboCommand.PARTIAL;
            }
            List<Path> files = ScenarioRunner.files(dir.resolve("tests"));
            if (files.isEmpty()) {
                out.println("no scenarios in " + dir.resolve("tests"));
                out.flush();
                return NboCommand.PARTIAL;
            }
            ScenarioRunner runner = ScenarioRunner.standard(CustomerDataValidator.standalone());
            int failed = 0;
            for (Path file : files) {
                ScenarioRunner.Run run = runner.run(ruleSet, file);
                out.printf("%s  %s  %s%n", run.passed() ? "PASS" : "FAIL", run.file(), run.name());
                for (String failure : run.failures()) {
                    out.println("      " + failure);
                }
                failed += run.passed() ? 0 : 1;
            }
            out.printf("%d passed, %d failed%n", files.size() - failed, failed);
            out.flush();
            return failed == 0 ? 0 : NboCommand.PARTIAL;
        }
    }

    /** The compiled folder, or null after printing its errors. */
    private static RuleSet compile(Path dir, PrintWriter out) {
        if (!Files.isDirectory(dir)) {
            throw new UsageProblem("no rules folder at " + dir.toAbsolutePath());
        }
        try {
            RuleSet ruleSet = new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC()).compile(dir);
            out.printf("%s: valid, version %s, %d rules, %d offers%n", dir, ruleSet.version(), ruleSet.ruleCount(), ruleSet.catalog().size());
            out.flush();
            return ruleSet;
        } catch (InvalidRuleSetException e) {
            for (SourceError error : e.errors()) {
                out.println(dir.resolve(error.file()) + ":" + error.line() + ":" + error.column() + ": " + error.message());
            }
            out.printf("%s: %d error(s); nothing was published%n", dir, e.errors().size());
            out.flush();
            return null;
        }
    }
}
