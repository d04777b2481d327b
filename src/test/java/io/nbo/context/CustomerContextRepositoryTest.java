package io.nbo.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nbo.model.Cart;
import io.nbo.model.CartItem;
import io.nbo.model.CustomerData;
import io.nbo.model.Event;
import io.nbo.redis.KeySchema;
import io.nbo.redis.RedisConnection;
import io.nbo.config.StoreUnavailableException;
import io.nbo.testing.RedisProbe;
import io.nbo.testing.RedisServer;
import io.nbo.testing.RealRedis;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CustomerContextRepositoryTest {

    @RegisterExtension
    static final RealRedis server = RealRedis.start();
    static final RedisConnection redis = server.closedAfterAll(RedisConnection.open(server.url(), Duration.ofSeconds(1), null));
    static final CustomerContextRepository repository = new CustomerContextRepository(redis, 2);

    static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");

    static CustomerData sample() {
        return new CustomerData(
                Map.of("tier", "gold", "zip", "01234", "age", 34L, "ltv", 1234.5, "vip", true,
                        "signupDate", LocalDate.parse("2023-02-01"), "lastPurchaseAt", Instant.parse("2026-10-01T10:00:00Z")),
                Map.of("email", true, "sms", false),
                Map.of("email", Map.of("sent", 20L, "clicks", 3L)),
                new Cart(List.of(new CartItem("SH-1", "Runner", "shoes", 89.0, 2)), AT),
                List.of(new Event("page_view", AT, Map.of("category", "shoes")),
                        new Event("search", AT.minusSeconds(60), Map.of("query", "boots")),
                        new Event("purchase", AT.minusSeconds(3600), Map.of("amount", "50"))));
    }

    @Test
    void aLoadOffTheRequestPathWaitsForABusyRedisWhereADecisionsLoadGivesUp() throws Exception {
        repository.upsert("c-busy", sample(), AT).toCompletableFuture().get(2, TimeUnit.SECONDS);
        try (RedisConnection decisions = RedisConnection.open(server.url(), Duration.ofMillis(250), null)) {
            CustomerContextRepository customers = new CustomerContextRepository(decisions, 2);
            java.util.concurrent.CompletableFuture<Object> busy = RedisProbe.busyFor(server.server(), 700);

            var forADecision = customers.load("c-busy").toCompletableFuture();
            var forASimulation = customers.loadPatiently("c-busy", Duration.ofSeconds(5)).toCompletableFuture();

            assertThatThrownBy(() -> forADecision.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreUnavailableException.class);
            assertThat(forASimulation.get(5, TimeUnit.SECONDS)).isPresent();
            busy.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void storesAndLoadsEveryPartWithItsType() throws Exception {
        repository.upsert("c-1", sample(), AT).toCompletableFuture().get(2, TimeUnit.SECONDS);

        StoredCustomer stored = repository.load("c-1").toCompletableFuture().get(2, TimeUnit.SECONDS).orElseThrow();

        assertThat(stored.updatedAt()).isEqualTo(AT);
        assertThat(stored.data().profile()).containsEntry("zip", "01234").containsEntry("age", 34L)
                .containsEntry("ltv", 1234.5).containsEntry("vip", true)
                .containsEntry("signupDate", LocalDate.parse("2023-02-01"))
                .containsEntry("lastPurchaseAt", Instant.parse("2026-10-01T10:00:00Z"));
        assertThat(stored.data().consent()).containsEntry("email", true).containsEntry("sms", false);
        assertThat(stored.data().engagement().get("email")).containsEntry("sent", 20L).containsEntry("clicks", 3L);
        assertThat(stored.data().cart().items()).extracting(CartItem::sku).containsExactly("SH-1");
        assertThat(stored.data().cart().updatedAt()).isEqualTo(AT);
        // the repository was told to read the 2 newest events only
        assertThat(stored.data().recent()).extracting(Event::type).containsExactly("page_view", "search");
    }

    @Test
    void anUpsertReplacesTheWholeCustomer() throws Exception {
        repository.upsert("c-2", sample(), AT).toCompletableFuture().get(2, TimeUnit.SECONDS);
        CustomerData smaller = new CustomerData(Map.of("tier", "silver"), Map.of(), Map.of(), Cart.EMPTY, List.of());
        repository.upsert("c-2", smaller, AT).toCompletableFuture().get(2, TimeUnit.SECONDS);

        CustomerData data = repository.load("c-2").toCompletableFuture().get(2, TimeUnit.SECONDS).orElseThrow().data();

        assertThat(data.profile()).containsOnlyKeys("tier");
        assertThat(data.consent()).isEmpty();
        assertThat(data.cart().isEmpty()).isTrue();
        assertThat(data.recent()).isEmpty();
    }

    @Test
    void everyKeyOfACustomerSharesOneSlotWithItsPartition() throws Exception {
        repository.upsert("c-3", sample(), AT).toCompletableFuture().get(2, TimeUnit.SECONDS);

        List<String> keys = redis.commands().keys("*c-3*").get(2, TimeUnit.SECONDS);

        assertThat(keys).hasSize(5).allMatch(k -> k.contains(KeySchema.tag("c-3")));
        List<String> partitionKeys = new java.util.ArrayList<>(keys);
        partitionKeys.add(KeySchema.events("c-3"));
        partitionKeys.add(KeySchema.decision("c-3", "some-decision"));
        partitionKeys.add(KeySchema.report(KeySchema.partition("c-3"), "20261123"));
        List<Long> slots = new java.util.ArrayList<>();
        for (String k : partitionKeys) {
            slots.add(io.lettuce.core.cluster.SlotHash.getSlot(k) * 1L);
        }
        assertThat(slots).containsOnly(slots.get(0));
        // and customers do spread over partitions
        assertThat(java.util.stream.IntStream.range(0, 10_000).map(i -> KeySchema.partition("demo-" + i)).distinct().count())
                .isEqualTo(KeySchema.PARTITIONS);
    }

    @Test
    void unknownCustomerLoadsEmptyAndEraseRemovesEverything() throws Exception {
        assertThat(repository.load("nobody").toCompletableFuture().get(2, TimeUnit.SECONDS)).isEmpty();
        PersonalDataRepository personalData = new PersonalDataRepository(redis);

        repository.upsert("c-4", sample(), AT).toCompletableFuture().get(2, TimeUnit.SECONDS);
        assertThat(personalData.erase("c-4").toCompletableFuture().get(2, TimeUnit.SECONDS).keys())
                .containsExactly("profile", "consent", "engagement", "cart", "recent");

        assertThat(repository.load("c-4").toCompletableFuture().get(2, TimeUnit.SECONDS)).isEmpty();
        assertThat(redis.commands().keys("*c-4*").get(2, TimeUnit.SECONDS)).isEmpty();
        assertThat(personalData.erase("c-4").toCompletableFuture().get(2, TimeUnit.SECONDS).removedNothing()).isTrue();
    }

    @Test
    void readsStillWorkAfterRedisForgetsTheScripts() throws Exception {
        repository.upsert("c-5", sample(), AT).toCompletableFuture().get(2, TimeUnit.SECONDS);
        redis.commands().scriptFlush().get(2, TimeUnit.SECONDS);

        assertThat(repository.load("c-5").toCompletableFuture().get(2, TimeUnit.SECONDS)).isPresent();
    }
}
