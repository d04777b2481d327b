package io.nbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.context.CustomerContextRepository;
import io.nbo.context.StoredCustomer;
import io.nbo.model.CartItem;
import io.nbo.model.CustomerData;
import io.nbo.model.Event;
import io.nbo.redis.RedisConnection;
import io.nbo.testing.RealRedis;
import io.nbo.testing.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ImportCommandTest {

    @RegisterExtension
    static final RealRedis server = RealRedis.start();
    static final RedisConnection redis = server.closedAfterAll(RedisConnection.open(server.url(), Duration.ofSeconds(1), null));
    static final CustomerContextRepository repository = new CustomerContextRepository(redis, 10);

    @TempDir
    Path dir;

    static Optional<StoredCustomer> load(String id) throws Exception {
        return repository.load(id).toCompletableFuture().get(2, TimeUnit.SECONDS);
    }

    static CustomerData stored(String id) throws Exception {
        return load(id).orElseThrow(() -> new AssertionError(id + " was not imported")).data();
    }

    @Test
    void nullsAreRefusedAsTheApiRefusesThem() throws Exception {
        Path file = Cli.write(dir, "nulls.jsonl",
                "{\"id\":\"n-1\",\"recent\":[null]}",
                "{\"id\":\"n-2\",\"cart\":{\"items\":[{\"sku\":\"A\",\"name\":null}],\"updatedAt\":\"2026-11-22T10:00:00Z\"}}",
                "{\"id\":\"n-3\",\"cart\":{\"items\":[{\"sku\":\"A\"}]}}",
                "{\"id\":\"n-4\",\"cart\":{\"items\":[null],\"updatedAt\":\"2026-11-22T10:00:00Z\"}}",
                "{\"id\":\"n-5\",\"cart\":{\"items\":[{\"sku\":\"A\",\"name\":\"Scarf\"}],\"updatedAt\":\"2026-11-22T10:00:00Z\"}}");

        Cli.Run run = Cli.run("import", "--redis", server.url(), file.toString());

        List<String> out = run.outLines();
        assertThat(out.get(0)).startsWith("imported 1 customer, 4 failed");
        assertThat(out.subList(1, out.size())).containsExactly(
                "line 1: recent[0]: must be an event, not null",
                "line 2: cart.items[0].name: must not be null (leave it out instead)",
                "line 3: cart.updatedAt: required for a cart with items: when the cart last changed, an ISO instant such as 2026-11-23T09:00:00Z",
                "line 4: cart.items[0]: must be a cart item, not null");
        for (String refused : List.of("n-1", "n-2", "n-3", "n-4")) {
            assertThat(load(refused)).as(refused).isEmpty();
        }
        assertThat(stored("n-5").cart().items()).containsExactly(new CartItem("A", "Scarf", null, 0, 1));
    }

    @Test
    void importsTheGoodJsonLinesAndReportsEachBadOneByLineNumber() throws Exception {
        Path file = Cli.write(dir, "customers.jsonl",
                "{\"id\":\"j-1\",\"profile\":{\"tier\":\"gold\",\"zip\":\"01234\",\"age\":34,\"ltv\":1234.5,\"vip\":true,"
                        + "\"signupDate\":\"2023-02-01\",\"lastPurchaseAt\":\"2026-10-01T10:00:00Z\"},"
                        + "\"consent\":{\"email\":true,\"sms\":false},\"engagement\":{\"email\":{\"sent\":20,\"opens\":5,\"clicks\":3}},"
                        + "\"cart\":{\"items\":[{\"sku\":\"SH-104\",\"name\":\"Trail Runner\",\"category\":\"shoes\",\"price\":89.9,\"quantity\":2}],"
                        + "\"updatedAt\":\"2026-11-22T10:00:00Z\"},"
                        + "\"recent\":[{\"type\":\"page_view\",\"at\":\"2026-11-23T10:00:00Z\",\"attributes\":{\"category\":\"shoes\"}},"
                        + "{\"type\":\"email_open\",\"at\":\"2026-11-22T10:00:00Z\"}]}",
                "{\"id\":\"j-bad-age\",\"profile\":{\"age\":{\"years\":34}}}",
                "",
                "{\"id\":\"j-2\"}",
                "{\"id\":\"j-3\",\"profile\":{",
                "{\"id\":\"j-4\",\"consent\":{\"fax\":true,\"email\":\"yes\"}}",
                "{\"profile\":{\"tier\":\"gold\"}}",
                "{\"id\":\"j-5\",\"engagement\":{\"email\":{\"sent\":-1}}}",
                "{\"id\":\"j-6\",\"cart\":{\"items\":[{\"skus\":\"X-1\"}]}}",
                "{\"id\":\"j-7\",\"recent\":[{\"type\":\"search\",\"at\":\"yesterday\"}]}",
                "{\"id\":\"has space\"}",
                "{\"id\":\"j-8\",\"profil\":{}}",
                "{\"id\":\"j-9\",\"profile\":{\"tier\":\"silver\"}}");

        // --batch 2: several full batches, a partial last one, and the two-batch window all get used.
        Cli.Run run = Cli.run("import", "--redis", server.url(), "--batch", "2", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        List<String> out = run.outLines();
        assertThat(out.get(0)).matches("imported 3 customers, 9 failed, in \\d+\\.\\d s \\([\\d,]+/s\\)");
        assertThat(out.subList(1, out.size())).hasSize(9);
        assertThat(out.get(1)).isEqualTo("line 2: profile.age: must be text, a number, a boolean or an ISO date (got an object)");
        assertThat(out.get(2)).startsWith("line 5: not valid JSON: Unexpected end-of-input");
        assertThat(out.get(3)).isEqualTo("line 6: consent.email: must be true or false (got \"yes\")");
        assertThat(out.get(4)).isEqualTo("line 7: id: missing");
        assertThat(out.get(5)).isEqualTo("line 8: engagement.email.sent: must be a whole number >= 0");
        assertThat(out.get(6)).isEqualTo("line 9: cart.items[0].skus: unknown field (known: category, name, price, quantity, sku)");
        assertThat(out.get(7)).isEqualTo("line 10: recent[0].at: must be an ISO instant such as 2026-11-23T12:00:00Z");
        assertThat(out.get(8)).isEqualTo("line 11: id: must be 1-128 letters, digits or . _ : @ + - (got \"has space\")");
        assertThat(out.get(9)).isEqualTo("line 12: profil: unknown field (known: cart, consent, engagement, id, profile, recent)");

        CustomerData full = stored("j-1");
        assertThat(full.profile()).containsEntry("tier", "gold").containsEntry("zip", "01234").containsEntry("age", 34L)
                .containsEntry("ltv", 1234.5).containsEntry("vip", true)
                .containsEntry("signupDate", LocalDate.parse("2023-02-01"))
                .containsEntry("lastPurchaseAt", Instant.parse("2026-10-01T10:00:00Z"));
        assertThat(full.consent()).containsExactlyInAnyOrderEntriesOf(Map.of("email", true, "sms", false));
        assertThat(full.engagement()).containsOnlyKeys("email");
        assertThat(full.engagement().get("email")).containsExactlyInAnyOrderEntriesOf(Map.of("sent", 20L, "opens", 5L, "clicks", 3L));
        assertThat(full.cart().items()).containsExactly(new CartItem("SH-104", "Trail Runner", "shoes", 89.9, 2));
        assertThat(full.cart().updatedAt()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
        assertThat(full.recent()).containsExactly(
                new Event("page_view", Instant.parse("2026-11-23T10:00:00Z"), Map.of("category", "shoes")),
                new Event("email_open", Instant.parse("2026-11-22T10:00:00Z"), Map.of()));
        assertThat(stored("j-2").profile()).isEmpty();
        assertThat(stored("j-9").profile()).containsExactlyEntriesOf(Map.of("tier", "silver"));
        assertThat(load("j-bad-age")).isEmpty();
        assertThat(load("j-4")).isEmpty();
        assertThat(load("j-8")).isEmpty();
    }

    @Test
    void importsCsvWithTypedValuesConsentAndEngagement() throws Exception {
        Path file = Cli.write(dir, "customers.csv",
                "id,profile.tier,profile.points,profile.age,profile.ltv,profile.vip,profile.signupDate,profile.lastPurchaseAt,"
                        + "consent.email,consent.sms,engagement.email.sent,engagement.email.clicks",
                "k-1,gold,0012a,34,1234.5,true,2023-02-01,2026-10-01T10:00:00Z,yes,0,20,3",
                "k-2,silver,,,,,,,,,,",
                "",
                "k-3,bronze,,,,,,,maybe,,,",
                "k-4,bronze,,,,,,,,,-2,",
                "k-5,\"multi",
                "line\",,,,,,,,,,",
                "k-6,bronze,,",
                "bad id,bronze,,,,,,,,,,",
                "k-7,\"Hello, world\",,41,,,,,TRUE,No,,");

        Cli.Run run = Cli.run("import", "--redis", server.url(), file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).hasSize(5);
        assertThat(run.outLines().get(0)).startsWith("imported 4 customers, 4 failed, in ");
        assertThat(run.outLines().subList(1, 5)).containsExactly(
                "line 5: consent.email: must be true/false, 1/0 or yes/no (got \"maybe\")",
                "line 6: engagement.email.sent: must be a non-negative integer (got \"-2\")",
                // k-5's quoted cell spans lines 7 and 8, so k-6 is on line 9
                "line 9: has 4 cells, the header has 12",
                "line 10: id: must be 1-128 letters, digits or . _ : @ + - (got \"bad id\")");

        CustomerData k1 = stored("k-1");
        assertThat(k1.profile()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "tier", "gold", "points", "0012a", "age", 34L, "ltv", 1234.5, "vip", true,
                "signupDate", LocalDate.parse("2023-02-01"), "lastPurchaseAt", Instant.parse("2026-10-01T10:00:00Z")));
        assertThat(k1.consent()).containsExactlyInAnyOrderEntriesOf(Map.of("email", true, "sms", false));
        assertThat(k1.engagement().get("email")).containsExactlyInAnyOrderEntriesOf(Map.of("sent", 20L, "clicks", 3L));
        // Empty cells leave values out rather than storing empty text.
        CustomerData k2 = stored("k-2");
        assertThat(k2.profile()).containsExactlyEntriesOf(Map.of("tier", "silver"));
        assertThat(k2.consent()).isEmpty();
        assertThat(k2.engagement()).isEmpty();
        assertThat(stored("k-5").profile()).containsExactlyEntriesOf(Map.of("tier", "multi\nline"));
        CustomerData k7 = stored("k-7");
        assertThat(k7.profile()).containsExactlyInAnyOrderEntriesOf(Map.of("tier", "Hello, world", "age", 41L));
        assertThat(k7.consent()).containsExactlyInAnyOrderEntriesOf(Map.of("email", true, "sms", false));
        assertThat(load("k-3")).isEmpty();
        assertThat(load("k-6")).isEmpty();
    }

    @Test
    void anUnknownCsvColumnStopsTheImportBeforeAnythingIsWritten() throws Exception {
        Path file = Cli.write(dir, "typo.csv", "id,profile.tier,consent.emial,engagment.email.sent", "u-1,gold,true,3");

        Cli.Run run = Cli.run("import", "--redis", server.url(), file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("CSV header (line 1)")
                .contains("column \"consent.emial\": \"emial\" is not a channel")
                .contains("unknown column \"engagment.email.sent\"")
                .contains("Columns are id, profile.<name>, consent.<channel>, engagement.<channel>.<metric>");
        assertThat(run.out()).isEmpty();
        assertThat(load("u-1")).isEmpty();
    }

    @Test
    void aBrokenCsvQuoteStopsTheImportAfterTheLinesBeforeIt() throws Exception {
        Path file = Cli.write(dir, "broken.csv", "id,profile.tier", "q-1,gold", "q-2,\"never closed");

        Cli.Run run = Cli.run("import", "--redis", server.url(), file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.outLines().get(0)).startsWith("imported 1 customer, 0 failed, in ");
        assertThat(run.err()).contains("cannot read " + file + " any further: ").contains("The lines before it were imported.");
        assertThat(stored("q-1").profile()).containsEntry("tier", "gold");
        assertThat(load("q-2")).isEmpty();
    }

    @Test
    void readsStandardInputWhenGivenAFormat() throws Exception {
        Cli.Run run = Cli.runWithStdin("{\"id\":\"s-1\",\"profile\":{\"tier\":\"gold\"}}\n{\"id\":\"s-2\"}\n",
                "import", "--redis", server.url(), "--format", "jsonl", "-");

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).hasSize(1);
        assertThat(run.outLines().get(0)).startsWith("imported 2 customers, 0 failed, in ");
        assertThat(stored("s-1").profile()).containsEntry("tier", "gold");
        assertThat(load("s-2")).isPresent();
    }

    @Test
    void standardInputWithoutAFormatIsAUsageError() {
        Cli.Run run = Cli.runWithStdin("{\"id\":\"s-3\"}\n", "import", "--redis", server.url(), "-");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("reading standard input (-) needs --format jsonl or --format csv");
    }

    @Test
    void theRedisUrlDefaultsToTheEnvironment() throws Exception {
        Path file = Cli.write(dir, "env.ndjson", "{\"id\":\"e-1\"}");

        Cli.Run run = Cli.run(InputStream.nullInputStream(), Map.of("NBO_REDIS_URL", server.url()), "import", file.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(load("e-1")).isPresent();
    }

    @Test
    void anUnreachableRedisIsExitCodeTwoWithWhatToDo() throws Exception {
        Path file = Cli.write(dir, "x.jsonl", "{\"id\":\"x-1\"}");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }

        Cli.Run run = Cli.run("import", "--redis", "redis://127.0.0.1:" + port, file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("127.0.0.1:" + port + " is not reachable")
                .contains("Start Redis there, or point --redis (or the NBO_REDIS_URL environment variable) at a running one");
    }

    @Test
    void losingRedisMidImportStopsWithExitCodeTwoAndASummary() throws Exception {
        try (RedisServer doomed = RedisServer.start()) {
            // Three customers arrive, then Redis dies, then three more arrive.
            InputStream stdin = new InputStream() {
                final byte[] first = "{\"id\":\"d-1\"}\n{\"id\":\"d-2\"}\n{\"id\":\"d-3\"}\n".getBytes(StandardCharsets.UTF_8);
                final byte[] second = "{\"id\":\"d-4\"}\n{\"id\":\"d-5\"}\n{\"id\":\"d-6\"}\n".getBytes(StandardCharsets.UTF_8);
                int part;

                @Override
                public int read() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    byte[] next = part == 0 ? first : part == 1 ? second : null;
                    if (part == 1) {
                        doomed.kill();
                        sleep(300);
                    }
                    part++;
                    if (next == null) {
                        return -1;
                    }
                    System.arraycopy(next, 0, b, off, next.length);
                    return next.length;
                }
            };

            Cli.Run run = Cli.run(stdin, Map.of(), "import", "--redis", doomed.url(), "--format", "jsonl", "--batch", "1", "-");

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.outLines().get(0)).matches("imported [0-3] customers?, 0 failed, in .*");
            assertThat(run.err()).contains("Redis failed: ")
                    .contains("The import stopped; check Redis at 127.0.0.1:" + doomed.port() + " and run it again");
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aMissingFileOrAnUnknownExtensionIsAUsageError() throws IOException {
        Cli.Run missing = Cli.run("import", "--redis", server.url(), dir.resolve("nope.jsonl").toString());
        Path txt = Cli.write(dir, "customers.txt", "{\"id\":\"t-1\"}");
        Cli.Run unknown = Cli.run("import", "--redis", server.url(), txt.toString());

        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file: " + dir.resolve("nope.jsonl"));
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("use --format jsonl or --format csv");
    }

    @Test
    void showsTheFirstFiftyErrorsAndCountsTheRest() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            lines.add("{\"id\":\"m-" + i + "\",\"consent\":{\"email\":\"maybe\"}}");
        }
        lines.add("{\"id\":\"m-ok\"}");
        Path file = Cli.write(dir, "many.jsonl", lines.toArray(String[]::new));

        Cli.Run run = Cli.run("import", "--redis", server.url(), file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        List<String> out = run.outLines();
        assertThat(out.get(0)).startsWith("imported 1 customer, 60 failed, in ");
        assertThat(out).hasSize(52);
        assertThat(out.get(1)).isEqualTo("line 1: consent.email: must be true or false (got \"maybe\")");
        assertThat(out.get(50)).isEqualTo("line 50: consent.email: must be true or false (got \"maybe\")");
        assertThat(out.get(51)).isEqualTo("... and 10 more");
        assertThat(load("m-ok")).isPresent();
    }
}
