package io.nbo.offers;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nbo.model.Channel;
import io.nbo.model.Creative;
import io.nbo.model.Offer;
import io.nbo.model.SourceError;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and validates the offer catalog ({@code offers.yaml}). Every problem is reported with the
 * file, the line of the offer (or of the syntax error) and the field, so a marketer can fix it;
 * nothing is returned unless the whole catalog is valid.
 */
public final class OfferCatalogLoader {

    /** The catalog file name inside a rules folder. */
    public static final String FILE_NAME = "offers.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** The catalog file as written: a list of offers. */
    record CatalogSpec(List<JsonNode> offers) {
    }

    /** One offer as written in YAML, before it becomes an {@link Offer}. */
    record OfferSpec(
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,63}", message = "must be 1-64 lowercase letters, digits, '-' or '_'") String id,
            @NotBlank @Size(max = 200) String name,
            @NotBlank @Size(max = 64) String group,
            @NotNull @PositiveOrZero @DecimalMax("1e9") Double value,
            @PositiveOrZero @DecimalMax("1e9") Double cost,
            @Positive @DecimalMax("1000") Double weight,
            Instant validFrom,
            Instant validUntil,
            @NotEmpty Map<String, @Valid @NotNull Creative> channels,
            List<@NotBlank String> tags,
            Boolean fallback) {
    }

    private final Validator validator;

    public OfferCatalogLoader(Validator validator) {
        this.validator = validator;
    }

    /** A loader with its own validator, for use outside the Quarkus application (CLI, tests). */
    public static OfferCatalogLoader standalone() {
        return new OfferCatalogLoader(io.nbo.config.Validators.standalone());
    }

    /**
     * Parses and validates catalog text.
     *
     * @param file the name to report errors against
     * @throws InvalidCatalogException with every error found
     */
    public OfferCatalog parse(String file, String yaml) throws InvalidCatalogException {
        List<SourceError> errors = new ArrayList<>();
        List<Integer> lines;
        CatalogSpec spec;
        try {
            lines = io.nbo.config.YamlLines.ofListEntries(YAML.getFactory(), yaml).getOrDefault("offers", List.of());
            spec = YAML.readValue(yaml, CatalogSpec.class);
        } catch (JsonProcessingException e) {
            throw new InvalidCatalogException(List.of(error(file, e)));
        }
        if (spec == null || spec.offers() == null || spec.offers().isEmpty()) {
            throw new InvalidCatalogException(List.of(new SourceError(file, 1, 0, "the catalog needs an 'offers:' list with at least one offer")));
        }
        List<Offer> offers = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < spec.offers().size(); i++) {
            int line = i < lines.size() ? lines.get(i) : 0;
            toOffer(file, line, spec.offers().get(i), seen, errors).ifPresent(offers::add);
        }
        if (!errors.isEmpty()) {
            throw new InvalidCatalogException(errors);
        }
        return new OfferCatalog(offers);
    }

    private java.util.Optional<Offer> toOffer(String file, int line, JsonNode node, Map<String, Integer> seen, List<SourceError> errors) {
        OfferSpec s;
        try {
            s = YAML.treeToValue(node, OfferSpec.class);
        } catch (JsonProcessingException e) {
            errors.add(new SourceError(file, line, 0, "offer " + describe(node) + ": " + io.nbo.config.FileErrors.describeAt(e)));
            return java.util.Optional.empty();
        }
        String who = "offer '" + s.id() + "'";
        int before = errors.size();
        for (ConstraintViolation<OfferSpec> v : validator.validate(s)) {
            errors.add(new SourceError(file, line, 0, who + ": " + v.getPropertyPath() + " " + v.getMessage()));
        }
        Map<Channel, Creative> creatives = new EnumMap<>(Channel.class);
        if (s.channels() != null) {
            s.channels().forEach((name, creative) -> Channel.fromId(name).ifPresentOrElse(
                    c -> creatives.put(c, creative),
                    () -> errors.add(new SourceError(file, line, 0, who + ": unknown channel '" + name + "' (one of " + Channel.ids() + ")"))));
        }
        if (s.validFrom() != null && s.validUntil() != null && !s.validFrom().isBefore(s.validUntil())) {
            errors.add(new SourceError(file, line, 0, who + ": validFrom must be before validUntil"));
        }
        if (s.id() != null) {
            Integer first = seen.putIfAbsent(s.id(), line);
            if (first != null) {
                errors.add(new SourceError(file, line, 0, who + ": duplicate id (first defined at line " + first + ")"));
            }
        }
        if (errors.size() > before) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Offer(s.id(), s.name(), s.group(), s.value(),
                s.cost() == null ? 0 : s.cost(), s.weight() == null ? 1 : s.weight(),
                s.validFrom(), s.validUntil(), creatives, s.tags() == null ? List.of() : s.tags(),
                Boolean.TRUE.equals(s.fallback())));
    }

    private static String describe(JsonNode node) {
        JsonNode id = node == null ? null : node.get("id");
        return id != null && id.isTextual() ? "'" + id.asText() + "'" : "(no id)";
    }

    private static SourceError error(String file, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        return new SourceError(file, loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr(), io.nbo.config.FileErrors.describeAt(e));
    }
}
