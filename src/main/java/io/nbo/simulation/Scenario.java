package io.nbo.simulation;

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

    /** The customer of a scenario; absent for an unknown visitor. {@code history}: what they were shown and how they responded. */
    public record ScenarioCustomer(String id, Map<String, Object> profile, Map<String, Boolean> consent,
                                   Map<String, Map<String, Long>> engagement, io.nbo.model.Cart cart,
                                   List<io.nbo.model.Event> recent, List<ScenarioContact> history) {
        public CustomerData data() {
            return new CustomerData(profile, consent, engagement, cart, recent);
        }

        /** The history as the contact policies read it. */
        public io.nbo.model.ContactHistory contacts() {
            if (history == null) {
                return io.nbo.model.ContactHistory.EMPTY;
            }
            List<io.nbo.model.Contact> contacts = new java.util.ArrayList<>();
            for (int i = 0; i < history.size(); i++) {
                ScenarioContact c = history.get(i);
                contacts.add(new io.nbo.model.Contact(c.kind(), c.offer(), c.channel(), "scenario-" + i, c.at()));
            }
            return new io.nbo.model.ContactHistory(contacts);
        }
    }

    /** One past contact: {@code kind} (impression, click, accept, reject, dismiss, conversion, served), the offer, the channel, when. */
    public record ScenarioContact(String kind, String offer, String channel, Instant at) {
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
