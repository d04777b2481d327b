package io.nbo.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nbo.model.Channel;
import io.nbo.model.Contact;
import io.nbo.model.ContactHistory;
import io.nbo.model.Creative;
import io.nbo.model.Offer;
import io.nbo.model.SourceError;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policies file is read with line numbers, and each policy counts what it says it counts. */
class ContactPoliciesTest {

    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final Creative CREATIVE = new Creative("h", "b", null, null, null);
    static final Offer SHOES = new Offer("shoes", "Shoes", "fashion", 10, 0, 1, null, null,
            Map.of(Channel.WEB, CREATIVE, Channel.EMAIL, CREATIVE), List.of("sale"));
    static final Offer BAGS = new Offer("bags", "Bags", "fashion", 10, 0, 1, null, null, Map.of(Channel.EMAIL, CREATIVE), List.of());

    static ContactPolicies parse(String yaml) throws InvalidPoliciesException {
        return PolicyLoader.parse("policies.yaml", yaml, List.of(SHOES, BAGS));
    }

    static Contact contact(String kind, String offer, String channel, Duration ago) {
        return new Contact(kind, offer, channel, "r" + ago.toMillis(), NOW.minus(ago));
    }

    @Test
    void impressionsAndPendingServingsCountWhileServingsAloneDoNot() throws Exception {
        ContactPolicies p = parse("""
                counting: impression
                pendingHold: 10m
                caps:
                  - {name: twice-a-week, per: offer, max: 2, window: 7d}
                """);
        ContactHistory one = new ContactHistory(List.of(contact("impression", "shoes", "web", Duration.ofDays(6)),
                contact("served", "shoes", "web", Duration.ofHours(1)),
                contact("impression", "shoes", "web", Duration.ofDays(8))));
        assertThat(p.capped(SHOES, Channel.WEB, one, NOW)).isNull();

        ContactHistory pending = new ContactHistory(List.of(contact("impression", "shoes", "web", Duration.ofDays(6)),
                contact("pending", "shoes", "email", Duration.ofMinutes(5))));
        // the sentence says what held the places: one was a serving not yet reported shown (issue 13)
        assertThat(p.capped(SHOES, Channel.WEB, pending, NOW)).isEqualTo(new ContactPolicies.Violation(Suppressed.CAPPED, "twice-a-week",
                "capped: 2 servings or impressions of this offer in 7 days (at most 2; 1 of them was served and not yet reported shown)"));
        // a pending serving whose impression never came stops counting after the hold
        ContactHistory stale = new ContactHistory(List.of(contact("impression", "shoes", "web", Duration.ofDays(6)),
                contact("pending", "shoes", "email", Duration.ofMinutes(11))));
        assertThat(p.capped(SHOES, Channel.WEB, stale, NOW)).isNull();
    }

    @Test
    void aChannelCapCountsEveryOfferOnThatChannelOnly() throws Exception {
        ContactPolicies p = parse("""
                counting: served
                caps:
                  - {name: email-weekly, per: channel, channels: [email], max: 2, window: 7d}
                """);
        ContactHistory h = new ContactHistory(List.of(contact("served", "shoes", "email", Duration.ofDays(1)),
                contact("served", "bags", "email", Duration.ofDays(2)), contact("served", "bags", "web", Duration.ofDays(1))));

        assertThat(p.capped(BAGS, Channel.EMAIL, h, NOW).message()).isEqualTo("capped: 2 servings on email in 7 days (at most 2)");
        assertThat(p.capped(SHOES, Channel.WEB, h, NOW)).isNull();
        assertThat(p.checks(SHOES, Channel.EMAIL)).containsExactly(new ContactPolicies.Check("c", 2, Duration.ofDays(7).toMillis(), "email-weekly"));
        assertThat(p.checks(SHOES, Channel.WEB)).isEmpty();
    }

    @Test
    void rejectsSuppressOnlyWhenEnoughFallWithinTheWindowAndOnlyForAWhile() throws Exception {
        ContactPolicies p = parse("""
                suppressions:
                  - {name: rejected-3-times, after: reject, count: 3, within: 30d, suppressFor: 14d, tags: [sale]}
                  - {name: accepted, after: accept, suppressFor: 30d}
                """);
        ContactHistory twoRecent = new ContactHistory(List.of(contact("reject", "shoes", "web", Duration.ofDays(1)),
                contact("reject", "shoes", "web", Duration.ofDays(2)), contact("reject", "shoes", "web", Duration.ofDays(40))));
        assertThat(p.suppression(SHOES, twoRecent, NOW)).isNull();

        ContactHistory three = new ContactHistory(List.of(contact("reject", "shoes", "web", Duration.ofDays(1)),
                contact("reject", "shoes", "app", Duration.ofDays(2)), contact("reject", "shoes", "web", Duration.ofDays(20))));
        assertThat(p.suppression(SHOES, three, NOW).message())
                .isEqualTo("suppressed: rejected 3 times in 30 days; not offered again before 2026-12-06 12:00 UTC");
        // the suppression applies to offers tagged sale only
        ContactHistory bags = new ContactHistory(three.all().stream()
                .map(c -> new Contact(c.kind(), "bags", c.channel(), c.ref(), c.at())).toList());
        assertThat(p.suppression(BAGS, bags, NOW)).isNull();

        ContactHistory accepted = new ContactHistory(List.of(contact("accept", "bags", "email", Duration.ofDays(29))));
        assertThat(p.suppression(BAGS, accepted, NOW).message()).startsWith("suppressed: accepted on email; not offered again before 2026-11-24");
        ContactHistory longAgo = new ContactHistory(List.of(contact("accept", "bags", "email", Duration.ofDays(31))));
        assertThat(p.suppression(BAGS, longAgo, NOW)).isNull();
        assertThat(p.lookback()).isEqualTo(Duration.ofDays(60));
    }

    @Test
    void everyMistakeIsReportedWithItsLine() {
        InvalidPoliciesException e = catchThrowableOfType(InvalidPoliciesException.class, () -> parse("""
                counting: sometimes
                caps:
                  - name: ok-cap
                    max: 3
                    window: 7d
                  - name: Bad Name
                    max: 0
                    window: soon
                    channels: [fax]
                suppressions:
                  - name: ok-cap
                    after: like
                    suppressFor: 1d
                globalCaps:
                  - name: coupons
                    offer: no-such-offer
                    max: 10
                """));

        assertThat(e.errors()).extracting(SourceError::line, SourceError::message).contains(
                org.assertj.core.groups.Tuple.tuple(1, "counting must be one of [served, impression], not 'sometimes'"),
                org.assertj.core.groups.Tuple.tuple(6, "caps: each entry needs a name of 1-64 lowercase letters, digits, '-' or '_'"),
                org.assertj.core.groups.Tuple.tuple(6, "unknown channel 'fax' (one of " + Channel.ids() + ")"),
                org.assertj.core.groups.Tuple.tuple(6, "cap 'Bad Name': max must be at least 1"),
                org.assertj.core.groups.Tuple.tuple(6, "window must be a duration such as 7d, 24h or 30m, not 'soon'"),
                org.assertj.core.groups.Tuple.tuple(11, "suppressions: the name 'ok-cap' is used twice"),
                org.assertj.core.groups.Tuple.tuple(15, "no offer 'no-such-offer' in the catalog"));
        assertThat(e.errors()).allSatisfy(err -> assertThat(err.file()).isEqualTo("policies.yaml"));
    }

    @Test
    void theDemoPoliciesAreValid() throws Exception {
        var catalog = io.nbo.offers.OfferCatalogLoader.standalone().parse("offers.yaml",
                java.nio.file.Files.readString(java.nio.file.Path.of("rules", "offers.yaml")));
        ContactPolicies p = PolicyLoader.parse("policies.yaml", java.nio.file.Files.readString(java.nio.file.Path.of("rules", "policies.yaml")),
                catalog.all());
        assertThat(p.caps()).isNotEmpty();
        assertThat(p.suppressions()).isNotEmpty();
        assertThat(p.globalCap("black-friday-30")).isNotNull();
    }
}
