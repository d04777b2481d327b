package io.nbo.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nbo.model.Channel;
import io.nbo.model.Offer;
import io.nbo.model.SourceError;
import io.nbo.policy.ContactPolicies.Cap;
import io.nbo.policy.ContactPolicies.Counting;
import io.nbo.policy.ContactPolicies.GlobalCap;
import io.nbo.policy.ContactPolicies.Per;
import io.nbo.policy.ContactPolicies.Selector;
import io.nbo.policy.ContactPolicies.Suppression;
import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code policies.yaml}, the contact policies of a rule set. Every problem is reported with the
 * file and the line of the entry, so a marketer can fix it; the policies are returned only when all
 * of them are valid.
 */
public final class PolicyLoader {

    /** The policies file name inside a rules folder; optional. */
    public static final String FILE_NAME = "policies.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Set<String> RESPONSES = Set.of("click", "accept", "reject", "dismiss", "conversion");
    private static final String NAME = "[a-z0-9][a-z0-9_-]{0,63}";

    /** The file as written. */
    record Spec(String counting, String pendingHold, String journeyWindow, List<CapSpec> caps, List<SuppressionSpec> suppressions,
                List<GlobalCapSpec> globalCaps) {
    }

    record CapSpec(String name, String text, String per, List<String> channels, List<String> offers, List<String> groups,
                   List<String> tags, Integer max, String window) {
    }

    record SuppressionSpec(String name, String text, String after, Integer count, String within, String suppressFor,
                           List<String> offers, List<String> groups, List<String> tags) {
    }

    record GlobalCapSpec(String name, String offer, Long max) {
    }

    private PolicyLoader() {
    }

    /**
     * Parses and checks the policies against the catalog's offers.
     *
     * @throws InvalidPoliciesException with every error found
     */
    public static ContactPolicies parse(String file, String yaml, Collection<Offer> offers) throws InvalidPoliciesException {
        Spec spec;
        Map<String, List<Integer>> lines;
        try {
            lines = io.nbo.config.YamlLines.ofListEntries(YAML.getFactory(), yaml);
            spec = YAML.readValue(yaml, Spec.class);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new InvalidPoliciesException(List.of(new SourceError(file, loc == null ? 0 : loc.getLineNr(),
                    loc == null ? 0 : loc.getColumnNr(), io.nbo.config.FileErrors.describeAt(e))));
        }
        if (spec == null) {
            return ContactPolicies.NONE;
        }
        Errors errors = new Errors(file, offers);
        Counting counting = spec.counting() == null ? ContactPolicies.NONE.counting()
                : errors.oneOf(1, "counting", spec.counting(), Counting.class);
        Duration pendingHold = spec.pendingHold() == null ? ContactPolicies.NONE.pendingHold() : errors.duration(1, "pendingHold", spec.pendingHold());
        Duration journeyWindow = spec.journeyWindow() == null ? ContactPolicies.NONE.journeyWindow() : errors.duration(1, "journeyWindow", spec.journeyWindow());
        Set<String> names = new HashSet<>();

        List<Cap> caps = new ArrayList<>();
        List<CapSpec> capSpecs = spec.caps() == null ? List.of() : spec.caps();
        for (int i = 0; i < capSpecs.size(); i++) {
            CapSpec c = capSpecs.get(i);
            int line = line(lines, "caps", i);
            String name = errors.name(line, "caps", c.name(), names);
            Per per = c.per() == null ? Per.OFFER : errors.oneOf(line, "per", c.per().replace('-', '_'), Per.class);
            List<Channel> channels = errors.channels(line, c.channels());
            Selector applies = errors.selector(line, c.offers(), c.groups(), c.tags());
            if (c.max() == null || c.max() < 1) {
                errors.add(line, "cap '" + c.name() + "': max must be at least 1");
            }
            Duration window = errors.duration(line, "window", c.window());
            caps.add(new Cap(name, c.text(), per, channels, applies, c.max() == null ? 1 : c.max(), window));
        }
        List<Suppression> suppressions = new ArrayList<>();
        List<SuppressionSpec> suppressionSpecs = spec.suppressions() == null ? List.of() : spec.suppressions();
        for (int i = 0; i < suppressionSpecs.size(); i++) {
            SuppressionSpec s = suppressionSpecs.get(i);
            int line = line(lines, "suppressions", i);
            String name = errors.name(line, "suppressions", s.name(), names);
            if (s.after() == null || !RESPONSES.contains(s.after())) {
                errors.add(line, "suppression '" + s.name() + "': after must be one of " + new java.util.TreeSet<>(RESPONSES));
            }
            if (s.count() != null && s.count() < 1) {
                errors.add(line, "suppression '" + s.name() + "': count must be at least 1");
            }
            Duration suppressFor = errors.duration(line, "suppressFor", s.suppressFor());
            Duration within = s.within() == null ? suppressFor : errors.duration(line, "within", s.within());
            suppressions.add(new Suppression(name, s.text(), s.after(), s.count() == null ? 1 : s.count(), within, suppressFor,
                    errors.selector(line, s.offers(), s.groups(), s.tags())));
        }
        List<GlobalCap> globalCaps = new ArrayList<>();
        List<GlobalCapSpec> globalSpecs = spec.globalCaps() == null ? List.of() : spec.globalCaps();
        for (int i = 0; i < globalSpecs.size(); i++) {
            GlobalCapSpec g = globalSpecs.get(i);
            int line = line(lines, "globalCaps", i);
            String name = errors.name(line, "globalCaps", g.name(), names);
            errors.selector(line, g.offer() == null ? List.of() : List.of(g.offer()), null, null);
            if (g.offer() == null) {
                errors.add(line, "global cap '" + g.name() + "': offer is required");
            }
            if (g.max() == null || g.max() < 0) {
                errors.add(line, "global cap '" + g.name() + "': max must be 0 or more");
            }
            globalCaps.add(new GlobalCap(name, g.offer(), g.max() == null ? 0 : g.max()));
        }
        if (!errors.list.isEmpty()) {
            throw new InvalidPoliciesException(errors.list);
        }
        return new ContactPolicies(counting, pendingHold, journeyWindow, caps, suppressions, globalCaps);
    }

    /** Collects errors with their line. */
    private static final class Errors {
        final String file;
        final Set<String> ids = new HashSet<>();
        final Set<String> groups = new HashSet<>();
        final Set<String> tags = new HashSet<>();
        final List<SourceError> list = new ArrayList<>();

        Errors(String file, Collection<Offer> offers) {
            this.file = file;
            for (Offer o : offers) {
                ids.add(o.getId());
                groups.add(o.getGroup());
                tags.addAll(o.getTags());
            }
        }

        void add(int line, String message) {
            list.add(new SourceError(file, line, 0, message));
        }

        String name(int line, String section, String name, Set<String> names) {
            if (name == null || !name.matches(NAME)) {
                add(line, section + ": each entry needs a name of 1-64 lowercase letters, digits, '-' or '_'");
                return String.valueOf(name);
            }
            if (!names.add(name)) {
                add(line, section + ": the name '" + name + "' is used twice");
            }
            return name;
        }

        Duration duration(int line, String field, String text) {
            if (text == null) {
                add(line, field + " is required (e.g. 7d, 24h, 30m)");
                return Duration.ZERO;
            }
            try {
                Duration d = DurationConverter.parseDuration(text);
                if (d == null || d.isNegative() || d.isZero()) {
                    add(line, field + " must be a positive duration (e.g. 7d, 24h, 30m), not '" + text + "'");
                    return Duration.ZERO;
                }
                return d;
            } catch (RuntimeException e) {
                add(line, field + " must be a duration such as 7d, 24h or 30m, not '" + text + "'");
                return Duration.ZERO;
            }
        }

        <E extends Enum<E>> E oneOf(int line, String field, String value, Class<E> type) {
            try {
                return Enum.valueOf(type, value.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                List<String> allowed = java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).toList();
                add(line, field + " must be one of " + allowed + ", not '" + value + "'");
                return type.getEnumConstants()[0];
            }
        }

        List<Channel> channels(int line, List<String> names) {
            List<Channel> out = new ArrayList<>();
            for (String n : names == null ? List.<String>of() : names) {
                Channel.fromId(n).ifPresentOrElse(out::add, () -> add(line, "unknown channel '" + n + "' (one of " + Channel.ids() + ")"));
            }
            return out;
        }

        Selector selector(int line, List<String> offers, List<String> groupNames, List<String> tagNames) {
            List<String> o = offers == null ? List.of() : offers;
            List<String> g = groupNames == null ? List.of() : groupNames;
            List<String> t = tagNames == null ? List.of() : tagNames;
            o.stream().filter(id -> !ids.contains(id)).forEach(id -> add(line, "no offer '" + id + "' in the catalog"));
            g.stream().filter(id -> !groups.contains(id)).forEach(id -> add(line, "no offer group '" + id + "' in the catalog"));
            t.stream().filter(id -> !tags.contains(id)).forEach(id -> add(line, "no offer has the tag '" + id + "'"));
            return new Selector(o, g, t);
        }
    }

    private static int line(Map<String, List<Integer>> lines, String section, int i) {
        List<Integer> l = lines.getOrDefault(section, List.of());
        return i < l.size() ? l.get(i) : 0;
    }
}
