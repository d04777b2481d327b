package io.nbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

/** The command line's help: every command listed with a whole summary, every description printed whole. */
class NboCommandTest {

    /** The text with every run of white space (line wraps included) made one space. */
    static String flat(String text) {
        return text.replaceAll("\\s+", " ");
    }

    @Test
    void everyCommandIsListedWithAWholeSentence() {
        String help = Cli.run("--help").out();
        String flatHelp = flat(help);

        Map<String, CommandLine> commands = NboCommand.commandLine(java.io.InputStream.nullInputStream(), Map.of()).getSubcommands();
        assertThat(commands).containsKeys("import", "generate", "validate", "test", "simulate", "publish", "files", "keys");
        commands.forEach((name, command) -> {
            CommandLine.Model.UsageMessageSpec usage = command.getCommandSpec().usageMessage();
            // picocli lists a command by its header, else by the first line of its description
            String listed = usage.header().length > 0 ? usage.header()[0] : usage.description()[0];
            assertThat(listed).as("what the list shows for " + name).endsWith(".");
            assertThat(flatHelp).as("the list shows all of it for " + name).contains(" " + name + " " + flat(listed));
        });
    }

    @Test
    void everyCommandsHelpPrintsItsWholeDescription() {
        NboCommand.commandLine(java.io.InputStream.nullInputStream(), Map.of()).getSubcommands().forEach((name, command) -> {
            if (name.equals("help")) {
                return;
            }
            Cli.Run run = Cli.run(name, "--help");
            assertThat(run.exitCode()).isZero();
            for (String paragraph : command.getCommandSpec().usageMessage().description()) {
                // picocli may wrap after a '.' inside a word (engagement.<channel>): compare without white space
                assertThat(run.out().replaceAll("\\s+", "")).as(name + " --help").contains(paragraph.replaceAll("\\s+", ""));
            }
        });
    }
}
