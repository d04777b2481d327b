package io.nbo.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A test profile: the demo rules copied to {@code target/NAME}, plus an offer {@code policy-test-coupon}
 * that only the request {@code test: global} makes eligible, with a global cap of 2; generous
 * timeouts, as such tests are about policies, not about a slow machine.
 */
public abstract class CouponRules implements QuarkusTestProfile {

    /** The offer with a global cap of 2. */
    public static final String COUPON = "policy-test-coupon";

    // A fixed path: a profile is loaded by both the test's and the application's class loader.
    private final Path dir;

    protected CouponRules(String name) {
        this.dir = Path.of("target", name).toAbsolutePath();
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            RuleSets.copyOfRulesFolder(dir);
            Files.writeString(dir.resolve("offers.yaml"), Files.readString(dir.resolve("offers.yaml")) + """

                      - id: policy-test-coupon
                        name: A coupon with two servings in all
                        group: policy-test
                        value: 1000.0
                        channels:
                          web: {headline: "Coupon", body: "Two in all."}
                    """);
            Files.writeString(dir.resolve("zz-policy-test.drl"), Drl.file(Drl.rule("Policy test offers the coupon")
                    .context("test", "global").offer(COUPON).eligible("test")));
            Files.writeString(dir.resolve("policies.yaml"), Files.readString(dir.resolve("policies.yaml")) + """
                      - name: policy-test-coupons
                        offer: policy-test-coupon
                        max: 2
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("nbo.rules.dir", dir.toString(), "nbo.redis.timeout", "5s", "nbo.rules.time-budget", "5s");
    }
}
