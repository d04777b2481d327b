package io.nbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.security.ApiKeys;
import org.junit.jupiter.api.Test;

/** {@code nbo keys new} and {@code nbo keys hash}: a key, and the entry nbo.security.keys takes for it. */
class KeysCommandTest {

    @Test
    void aNewKeyAndItsEntry() {
        Cli.Run made = Cli.run("keys", "new");
        assertThat(made.exitCode()).isZero();
        String key = made.out().trim();
        assertThat(key).hasSize(43);

        Cli.Run hashed = Cli.runWithStdin(key + "\n", "keys", "hash");
        assertThat(hashed.exitCode()).isZero();
        assertThat(hashed.out().trim()).isEqualTo(ApiKeys.hash(key)).matches("[0-9a-f]{64}");

        Cli.Run entry = Cli.runWithStdin(key + "\n", "keys", "hash", "--name", "web", "--roles", "channel+marketer");
        assertThat(entry.exitCode()).isZero();
        assertThat(entry.out().trim()).isEqualTo("web:channel+marketer:" + ApiKeys.hash(key));
        assertThat(ApiKeys.parse(entry.out()).match(key)).hasValueSatisfying(e -> assertThat(e.name()).isEqualTo("web"));
    }

    @Test
    void wrongUseIsAUsageError() {
        assertThat(Cli.runWithStdin("", "keys", "hash").exitCode()).isEqualTo(NboCommand.USAGE);
        Cli.Run badRole = Cli.runWithStdin("some-key-0123456789012345678901234567890\n", "keys", "hash", "--name", "web", "--roles", "root");
        assertThat(badRole.exitCode()).isEqualTo(NboCommand.USAGE);
        assertThat(badRole.err()).contains("unknown role 'root'");
        assertThat(Cli.runWithStdin("k\n", "keys", "hash", "--name", "web").exitCode()).isEqualTo(NboCommand.USAGE);
        assertThat(Cli.runWithStdin("short\n", "keys", "hash").err()).contains("short");
    }
}
