package io.nbo.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.context.CustomerDataValidator;
import java.io.BufferedReader;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionLogReaderTest {

    static final CustomerDataValidator VALIDATOR = CustomerDataValidator.standalone();

    static DecisionLogReader.Line parse(String text) {
        return DecisionLogReader.parse(7, text, VALIDATOR);
    }

    @Test
    void aFullLineGivesTheContextTheActionAndItsProbability() {
        DecisionLogReader.Line line = parse("""
                {"time": "2026-11-23T12:00:00Z",
                 "context": {"customer": {"id": "c-1", "profile": {"tier": "gold", "loyaltyPoints": 2400}, "consent": {"email": true}},
                             "request": {"channel": "web", "placement": "home-hero", "page": "/checkout", "device": "mobile",
                                         "attributes": {"campaign": "bf", "visits": 3}}},
                 "action": {"offer": "free-shipping", "channel": "web", "position": 2},
                 "probability": 0.25, "reward": 1, "candidates": ["free-shipping", "welcome-10"]}
                """.replace("\n", ""));

        assertThat(line.problems()).isEmpty();
        LoggedEvent e = line.event();
        assertThat(e.line()).isEqualTo(7);
        assertThat(e.time()).isEqualTo(Instant.parse("2026-11-23T12:00:00Z"));
        assertThat(e.customer().getId()).isEqualTo("c-1");
        assertThat(e.customer().isKnown()).isTrue();
        assertThat(e.customer().text("tier")).isEqualTo("gold");
        assertThat(e.customer().number("loyaltyPoints")).isEqualTo(2400);
        assertThat(e.request().getChannel()).isEqualTo("web");
        assertThat(e.request().getPlacement()).isEqualTo("home-hero");
        assertThat(e.request().getPage()).isEqualTo("/checkout");
        assertThat(e.request().getDevice()).isEqualTo("mobile");
        assertThat(e.request().attr("campaign")).isEqualTo("bf");
        assertThat(e.request().number("visits")).isEqualTo(3);
        assertThat(e.action()).isEqualTo("free-shipping");
        assertThat(e.channel()).isEqualTo("web");
        assertThat(e.position()).isEqualTo(2);
        assertThat(e.slot()).isEqualTo(1);
        assertThat(e.probability()).isEqualTo(0.25);
        assertThat(e.reward()).isEqualTo(1);
        assertThat(e.candidates()).containsExactly("free-shipping", "welcome-10");
    }

    @Test
    void theActionMayBeAnOfferIdAndTheContextMayBeLeftOut() {
        LoggedEvent e = parse("{\"time\": \"2026-11-23T12:00:00Z\", \"action\": \"welcome-10\", \"probability\": 1, \"reward\": 0}").event();
        assertThat(e.action()).isEqualTo("welcome-10");
        assertThat(e.channel()).isNull();
        assertThat(e.position()).isNull();
        assertThat(e.customer().isKnown()).isFalse();
        assertThat(e.request().getChannel()).isNull();
    }

    @Test
    void everyWrongFieldIsNamed() {
        DecisionLogReader.Line line = parse("""
                {"time": "yesterday", "context": {"customer": {"id": "c 1", "consent": {"fax": true}}, "request": {"channel": "pigeon"}},
                 "action": {"offer": "a", "position": 0}, "probability": 0, "reward": "yes", "candidates": ["b"], "extra": 1}
                """.replace("\n", ""));

        assertThat(line.isValid()).isFalse();
        assertThat(line.describeProblems()).startsWith("line 7: ");
        assertThat(line.problems()).anyMatch(p -> p.startsWith("extra: unknown field"))
                .contains("time: must be an ISO instant such as 2026-11-23T12:00:00Z")
                .anyMatch(p -> p.startsWith("context.customer.id: must be 1-128"))
                .anyMatch(p -> p.startsWith("context.customer.consent.fax: unknown channel"))
                .anyMatch(p -> p.startsWith("context.request.channel: unknown channel"))
                .contains("action.position: must be a whole number >= 1 (1 for the top slot)")
                .contains("probability: must be a number in (0, 1] (got 0)")
                .contains("reward: must be a number, e.g. 1 for a click and 0 for none")
                .contains("candidates: does not contain the action \"a\"");
    }

    @Test
    void missingFieldsAndBrokenJsonAreReportedNotThrown() {
        assertThat(parse("{}").problems()).contains("time: missing", "action: missing", "reward: missing")
                .anyMatch(p -> p.startsWith("probability: missing"));
        assertThat(parse("{\"time\": ").problems()).singleElement().asString().startsWith("not valid JSON");
        assertThat(parse("[1, 2]").problems()).singleElement().asString().startsWith("expected a JSON object");
        assertThat(parse("{\"time\": \"2026-11-23T12:00:00Z\", \"context\": {\"customer\": {\"profile\": 3}}, \"action\": \"a\", "
                + "\"probability\": 1, \"reward\": 0}").problems()).singleElement().asString().startsWith("context.customer.profile: ");
    }

    @Test
    void linesAreNumberedAsInTheFileSkippingBlankOnes() throws Exception {
        String ok = "{\"time\": \"2026-11-23T12:00:00Z\", \"action\": \"a\", \"probability\": 0.5, \"reward\": 1}";
        List<DecisionLogReader.Line> lines = new ArrayList<>();
        try (DecisionLogReader reader = new DecisionLogReader(new BufferedReader(new StringReader(ok + "\n\n{\"reward\": 1}\n" + ok + "\n")), VALIDATOR)) {
            DecisionLogReader.Line line;
            while ((line = reader.next()) != null) {
                lines.add(line);
            }
        }
        assertThat(lines).extracting(DecisionLogReader.Line::line).containsExactly(1L, 3L, 4L);
        assertThat(lines).extracting(DecisionLogReader.Line::isValid).containsExactly(true, false, true);
    }
}
