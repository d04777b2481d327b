package io.nbo.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Lua scripts live in src/main/resources/redis/, each naming its KEYS and ARGV; a missing one fails at once. */
class RedisScriptTest {

    private static final Path SCRIPTS = Path.of("src/main/resources/redis");

    @Test
    void everyScriptOpensWithAHeaderNamingItsKeysAndArguments() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(SCRIPTS)) {
            files = list.filter(p -> p.toString().endsWith(".lua")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            String name = file.getFileName().toString().replace(".lua", "");
            List<String> header = Files.readAllLines(file).stream().takeWhile(l -> l.startsWith("--")).toList();
            assertThat(header).as(file.toString()).isNotEmpty();
            assertThat(header.get(0)).as(file.toString()).startsWith("-- " + name + ":");
            assertThat(String.join("\n", header)).as(file.toString()).contains("KEYS");
            if (!name.equals("decision-ids")) {
                assertThat(header).as(file.toString()).anyMatch(l -> l.startsWith("-- ARGV:"));
            }
        }
    }

    @Test
    void aMissingScriptFailsWhenItsRepositoryIsLoaded() {
        assertThatThrownBy(() -> RedisScript.of("no-such-script", ScriptOutputType.INTEGER))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("/redis/no-such-script.lua");
    }

    @Test
    void everyRepositoryAndStoreFindsItsScripts() throws ClassNotFoundException {
        for (String holder : List.of("io.nbo.context.CustomerContextRepository", "io.nbo.context.PersonalDataRepository",
                "io.nbo.events.EventRepository", "io.nbo.rules.RuleSetStore")) {
            // Initialising the class reads its scripts.
            assertThat(Class.forName(holder, true, getClass().getClassLoader())).isNotNull();
        }
    }
}
