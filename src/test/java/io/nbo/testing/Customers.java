package io.nbo.testing;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** Customer bodies for API tests, in one place. */
public final class Customers {

    private Customers() {
    }

    /** A gold member who left shoes in the cart three hours ago, consents to email but not SMS. */
    public static Map<String, Object> goldCartAbandoner() {
        Instant now = Instant.now();
        return Map.of(
                "profile", Map.of("firstName", "Ana", "tier", "gold", "loyaltyPoints", 2400, "lifetimeValue", 1840.5,
                        "ordersCount", 14, "signupDate", "2023-02-01", "favoriteCategory", "shoes",
                        "lastPurchaseAt", now.minus(20, ChronoUnit.DAYS).toString(), "appInstalled", true),
                "consent", Map.of("email", true, "sms", false, "push", false),
                "engagement", Map.of("email", Map.of("sent", 40, "opens", 18, "clicks", 9),
                        "web", Map.of("sent", 30, "clicks", 1)),
                "cart", Map.of("items", List.of(Map.of("sku", "SH-104", "name", "Trail runner", "category", "shoes",
                        "price", 89.0, "quantity", 1)), "updatedAt", now.minus(3, ChronoUnit.HOURS).toString()),
                "recent", List.of(Map.of("type", "page_view", "at", now.minus(3, ChronoUnit.HOURS).toString(),
                        "attributes", Map.of("category", "shoes"))));
    }

    /** A customer who consents to nothing outbound and has opted out of the call center. */
    public static Map<String, Object> noConsent() {
        return Map.of(
                "profile", Map.of("tier", "silver", "signupDate", "2022-05-01", "ordersCount", 3,
                        "lastPurchaseAt", Instant.now().minus(400, ChronoUnit.DAYS).toString()),
                "consent", Map.of("email", false, "sms", false, "push", false, "call_center", false));
    }
}
