package io.nbo.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a customer was shown and how they responded, as far back as the contact policies look.
 * Rules read it through {@link Customer}, e.g. {@code Customer(responses("reject", "card-upgrade", 30) == 0)}.
 */
public final class ContactHistory {

    public static final ContactHistory EMPTY = new ContactHistory(List.of());

    private final List<Contact> contacts;

    public ContactHistory(List<Contact> contacts) {
        this.contacts = List.copyOf(contacts);
    }

    public List<Contact> all() {
        return contacts;
    }

    /** Contacts that match, at or after {@code since}. */
    public long count(Predicate<Contact> match, Instant since) {
        long n = 0;
        for (Contact c : contacts) {
            if (!c.at().isBefore(since) && match.test(c)) {
                n++;
            }
        }
        return n;
    }

    /** The latest matching contact, or null. */
    public Contact latest(Predicate<Contact> match) {
        Contact latest = null;
        for (Contact c : contacts) {
            if (match.test(c) && (latest == null || c.at().isAfter(latest.at()))) {
                latest = c;
            }
        }
        return latest;
    }

    /** Contacts of a kind for an offer (null: any offer) on a channel (null: any channel) within {@code window} before {@code now}. */
    public long count(String kind, String offerId, String channel, Duration window, Instant now) {
        return count(c -> c.kind().equals(kind) && (offerId == null || c.offerId().equals(offerId))
                && (channel == null || c.channel().equals(channel)), now.minus(window));
    }
}
