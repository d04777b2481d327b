package io.nbo.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nbo.context.CustomerContextRepository;
import io.nbo.model.CustomerData;
import io.nbo.redis.RedisConnection;
import io.nbo.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {

    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final Set<String> PROFILE = Set.of("firstName", "tier", "loyaltyPoints", "signupDate", "lastPurchaseAt",
            "lifetimeValue", "ordersCount", "city", "country", "birthMonth", "favoriteCategory", "appInstalled", "age");
    static final Set<String> CATEGORIES = Set.of("shoes", "outerwear", "accessories", "beauty", "home", "kids", "sports");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    byte[] generate(String... options) throws Exception {
        Path out = dir.resolve("out-" + System.nanoTime() + ".jsonl");
        List<String> args = new ArrayList<>(List.of("generate", "--out", out.toString()));
        args.addAll(List.of(options));
        Cli.Run run = Cli.run(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        return Files.readAllBytes(out);
    }

    @Test
    void theSameSeedAndCountGiveTheSameBytesAndAnotherSeedOthers() throws Exception {
        byte[] first = generate("--count", "500", "--seed", "7");
        byte[] again = generate("--count", "500", "--seed", "7");
        byte[] otherSeed = generate("--count", "500", "--seed", "8");
        byte[] fewer = generate("--count", "20", "--seed", "7");
        Cli.Run toStdout = Cli.run("generate", "--count", "500", "--seed", "7");

        assertThat(again).isEqualTo(first);
        assertThat(toStdout.out()).isEqualTo(new String(first, UTF_8));
        assertThat(otherSeed).isNotEqualTo(first);
        // Customer n does not depend on how many are generated.
        assertThat(new String(first, UTF_8)).startsWith(new String(fewer, UTF_8));
        List<String> a = new String(first, UTF_8).lines().toList();
        List<String> b = new String(otherSeed, UTF_8).lines().toList();
        long same = 0;
        for (int i = 0; i < a.size(); i++) {
            same += a.get(i).equals(b.get(i)) ? 1 : 0;
        }
        assertThat(same).isZero();
    }

    @Test
    void customersFollowTheDemoVocabularyAndMix() throws Exception {
        List<String> lines = new String(generate("--count", "4000", "--seed", "42"), UTF_8).lines().toList();

        assertThat(lines).hasSize(4000);
        int neverPurchased = 0;
        int purchasers = 0;
        int lapsed = 0;
        int carts = 0;
        int brandNew = 0;
        int bronze = 0;
        long bytes = 0;
        Set<String> preferred = new HashSet<>();
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1);
            bytes += line.length();
            JsonNode c = JSON.readTree(line);
            assertThat(c.get("id").asText()).isEqualTo(String.format("demo-%06d", n));
            JsonNode p = c.get("profile");
            Set<String> names = new HashSet<>();
            p.fieldNames().forEachRemaining(names::add);
            assertThat(PROFILE).containsAll(names);
            assertThat(names).containsAll(PROFILE.stream().filter(k -> !k.equals("lastPurchaseAt")).toList());
            assertThat(p.get("tier").asText()).isIn("bronze", "silver", "gold", "platinum");
            assertThat(p.get("favoriteCategory").asText()).isIn(CATEGORIES);
            assertThat(p.get("birthMonth").asInt()).isBetween(1, 12);
            assertThat(p.get("appInstalled").isBoolean()).isTrue();
            LocalDate signup = LocalDate.parse(p.get("signupDate").asText());
            assertThat(signup).isBeforeOrEqualTo(LocalDate.parse("2026-11-23"));
            bronze += p.get("tier").asText().equals("bronze") ? 1 : 0;
            if (p.has("lastPurchaseAt")) {
                purchasers++;
                Instant last = Instant.parse(p.get("lastPurchaseAt").asText());
                assertThat(last).isBefore(NOW);
                assertThat(p.get("ordersCount").asInt()).isPositive();
                lapsed += last.isBefore(NOW.minus(Duration.ofDays(120))) ? 1 : 0;
            } else {
                neverPurchased++;
                assertThat(p.get("ordersCount").asInt()).isZero();
            }
            if (signup.isAfter(LocalDate.parse("2026-10-24")) && p.get("ordersCount").asInt() == 0) {
                brandNew++;
            }
            assertThat(c.get("consent").get("push").asBoolean() && !p.get("appInstalled").asBoolean()).isFalse();
            double bestRate = -1;
            String best = null;
            for (var e : (Iterable<java.util.Map.Entry<String, JsonNode>>) () -> c.get("engagement").fields()) {
                JsonNode m = e.getValue();
                long sent = m.get("sent").asLong();
                long opens = m.get("opens").asLong();
                long clicks = m.get("clicks").asLong();
                assertThat(e.getKey()).isIn("email", "sms", "push", "web", "app");
                assertThat(opens).isBetween(0L, sent);
                assertThat(clicks).isBetween(0L, e.getKey().equals("web") || e.getKey().equals("app") ? sent : opens);
                double rate = (double) clicks / sent;
                if (rate > bestRate) {
                    bestRate = rate;
                    best = e.getKey();
                }
            }
            if (best != null && bestRate > 0) {
                preferred.add(best);
            }
            if (c.has("cart")) {
                carts++;
                JsonNode items = c.get("cart").get("items");
                assertThat(items.size()).isBetween(1, 4);
                for (JsonNode item : items) {
                    assertThat(item.get("sku").asText()).matches("[A-Z]{2}-\\d{3}");
                    assertThat(item.get("category").asText()).isIn(CATEGORIES);
                    assertThat(item.get("price").asDouble()).isPositive();
                    assertThat(item.get("quantity").asInt()).isBetween(1, 3);
                }
                Instant updated = Instant.parse(c.get("cart").get("updatedAt").asText());
                assertThat(updated).isBetween(NOW.minus(Duration.ofHours(72)), NOW);
            }
            if (c.has("recent")) {
                JsonNode recent = c.get("recent");
                assertThat(recent.size()).isBetween(1, 8);
                Instant previous = NOW;
                for (JsonNode event : recent) {
                    assertThat(event.get("type").asText()).isIn("page_view", "search", "cart_add", "purchase", "email_open");
                    Instant at = Instant.parse(event.get("at").asText());
                    assertThat(at).isBeforeOrEqualTo(previous);
                    previous = at;
                }
            }
        }
        assertThat(neverPurchased / 4000.0).isBetween(0.12, 0.18);
        assertThat(lapsed / (double) purchasers).isBetween(0.21, 0.29);
        assertThat(carts / 4000.0).isBetween(0.26, 0.34);
        assertThat(brandNew / 4000.0).isBetween(0.035, 0.065);
        assertThat(bronze / 4000.0).isGreaterThan(0.45);
        assertThat(bytes / 4000).isBetween(400L, 750L);
        assertThat(preferred).as("different customers click best on different channels")
                .contains("email", "sms", "push", "web", "app");
    }

    @Test
    void generatedCustomersImportWithoutErrorsAndWithTheirTypes() throws Exception {
        Path file = dir.resolve("demo.jsonl");
        Cli.Run generated = Cli.run("generate", "--count", "3000", "--seed", "1", "--out", file.toString());
        assertThat(generated.exitCode()).isZero();
        assertThat(generated.err()).contains("generated 3,000 customers to " + file);

        try (RedisServer server = RedisServer.start()) {
            Cli.Run run = Cli.run("import", "--redis", server.url(), file.toString());

            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            assertThat(run.outLines()).hasSize(1);
            assertThat(run.outLines().get(0)).startsWith("imported 3,000 customers, 0 failed, in ");

            RedisConnection redis = RedisConnection.open(server.url(), Duration.ofSeconds(1), null);
            try {
                CustomerContextRepository repository = new CustomerContextRepository(redis, 10);
                JsonNode firstLine = JSON.readTree(Files.readAllLines(file).get(0));
                CustomerData first = repository.load("demo-000001").toCompletableFuture().get(2, TimeUnit.SECONDS).orElseThrow().data();
                assertThat(first.profile().get("firstName")).isInstanceOf(String.class);
                assertThat(first.profile().get("loyaltyPoints")).isInstanceOf(Long.class);
                assertThat(first.profile().get("signupDate")).isEqualTo(LocalDate.parse(firstLine.get("profile").get("signupDate").asText()));
                assertThat(first.profile().get("lifetimeValue")).isInstanceOf(Double.class);
                assertThat(first.profile().get("appInstalled")).isInstanceOf(Boolean.class);
                if (firstLine.get("profile").has("lastPurchaseAt")) {
                    assertThat(first.profile().get("lastPurchaseAt")).isInstanceOf(Instant.class);
                }
                assertThat(first.consent()).containsOnlyKeys("email", "sms", "push");
                assertThat(repository.load("demo-003000").toCompletableFuture().get(2, TimeUnit.SECONDS)).isPresent();
                assertThat(repository.load("demo-003001").toCompletableFuture().get(2, TimeUnit.SECONDS)).isEmpty();
            } finally {
                redis.close();
            }
        }
    }

    @Test
    void aBadNowIsAUsageError() {
        Cli.Run run = Cli.run("generate", "--now", "yesterday");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--now must be an ISO instant");
    }
}
