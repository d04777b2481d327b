package io.nbo.rules.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import io.nbo.offers.OfferCatalogLoader;
import io.nbo.rules.InvalidRuleSetException;
import io.nbo.rules.RuleSet;
import io.nbo.rules.RuleSetCompiler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile rule sets against the real compiler, with a listening loopback server standing in for "the
 * outside": a rule set that would call it is refused, by either layer of the sandbox on its own, and
 * nothing of it runs before it is refused (issue 12, attacks 1 and 6). Without the sandbox the same
 * rules do reach the server, so these tests can tell.
 */
class SandboxEscapeTest {

    private HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();

    @BeforeEach
    void listen() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            calls.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** The demo folder plus one file whose rule calls the server from its action, on every request. */
    private Map<String, String> withCallOut() {
        Map<String, String> files = new TreeMap<>(RuleSetCompiler.readFolder(Path.of("rules")));
        files.put("callout.drl", """
                package rules;

                import io.nbo.model.*;

                rule "Phone home"
                when
                    $r : Result()
                    Request()
                then
                    try {
                        new java.net.URL("%s").openStream().close();
                    } catch (java.io.IOException e) {
                    }
                end
                """.formatted(url()));
        return files;
    }

    private static RuleSetCompiler compiler(RuleSetCompiler.Sandbox sandbox) {
        return new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC(), sandbox);
    }

    @Test
    void withoutTheSandboxTheWarmUpCallsOut() throws Exception {
        RuleSet ruleSet = compiler(RuleSetCompiler.Sandbox.OFF).compile(withCallOut());

        ruleSet.warmUp(100, Duration.ofSeconds(5));

        assertThat(calls.get()).as("the test server sees the rule's call").isPositive();
    }

    @Test
    void theSyntaxLayerRefusesItAndNothingRuns() {
        InvalidRuleSetException refused = assertThrows(InvalidRuleSetException.class,
                () -> compiler(RuleSetCompiler.Sandbox.FULL).compile(withCallOut()));

        assertThat(refused.errors()).anySatisfy(e -> {
            assertThat(e.file()).isEqualTo("callout.drl");
            assertThat(e.line()).isEqualTo(10);
        });
        assertThat(calls.get()).isZero();
    }

    @Test
    void theCompiledCodeLayerAloneRefusesItAndNothingRuns() {
        InvalidRuleSetException refused = assertThrows(InvalidRuleSetException.class,
                () -> compiler(RuleSetCompiler.Sandbox.COMPILED_CODE_ONLY).compile(withCallOut()));

        assertThat(refused.errors()).anySatisfy(e -> assertThat(e.message()).contains("Phone home").contains("java.net.URL"));
        assertThat(calls.get()).isZero();
    }

    @Test
    void theCompiledCodeLayerAloneRefusesTheConsequenceContextAndStaticState() {
        Map<String, String> files = new TreeMap<>(RuleSetCompiler.readFolder(Path.of("rules")));
        files.put("vandal.drl", """
                package rules;

                import io.nbo.model.*;

                rule "Vandal"
                when
                    $r : Result()
                    Request(attr("mode") == "evil")
                then
                    drools.delete($r);
                end

                rule "Counter"
                when
                    $r : Result()
                    $o : Offer()
                    Request()
                then
                    $r.eligible($o, new Object() { static int n; public String toString() { return "" + (++n); } }.toString());
                end
                """);

        InvalidRuleSetException refused = assertThrows(InvalidRuleSetException.class,
                () -> compiler(RuleSetCompiler.Sandbox.COMPILED_CODE_ONLY).compile(files));

        assertThat(refused.errors()).anySatisfy(e -> assertThat(e.message()).contains("Vandal"))
                .anySatisfy(e -> assertThat(e.message()).contains("static"));
    }
}
