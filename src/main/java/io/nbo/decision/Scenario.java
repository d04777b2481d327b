package io.nbo.decision;

import io.nbo.model.CustomerData;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A marketer's test of the rules ({@code rules/tests/*.yaml}): a customer and a request in, the
 * offers and channels expected out.
 */
public record Scenario(
        String name,
        Instant now,
        ScenarioCustomer customer,
        ScenarioRequest request,
        Expect expect) {

    /** The customer of a scenario; absent for an unknown visitor. */
    public record ScenarioCustomer(String id, Map<String, Object> profile, Map<String, Boolean> consent,
                                   Map<String, Map<String, Long>> engagement, io.nbo.model.Cart cart,
                                   List<io.nbo.model.Event> recent) {
        public CustomerData data() {
            return new CustomerData(profile, consent, engagement, cart, recent);
        }
    }

    /** The request of a scenario, as a caller would send it. */
    public record ScenarioRequest(String channel, String placement, String page, String device, Integer limit,
                                  Map<String, Object> context) {
    }

    /** What must hold of the answer; every part is optional. */
    public record Expect(String top, List<String> includes, List<String> excludes, String channel,
                        String preferredChannel, List<String> rules, List<String> suppressed, Boolean empty) {
    }
}
