package io.nbo.learning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nbo.config.FileErrors;
import io.nbo.config.YamlLines;
import io.nbo.learning.ModelSpec.Exploration;
import io.nbo.learning.ModelSpec.Predictor;
import io.nbo.model.SourceError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code models.yaml}, the learning settings of a rule set: declared predictors and exploration per
 * placement. Every problem is reported with the file and the line, and the spec is returned only when
 * all of it is valid.
 */
public final class ModelSpecLoader {

    /** The models file name inside a rules folder; optional. */
    public static final String FILE_NAME = "models.yaml";

    /** At most this many predictors: each one costs a lookup per candidate offer and channel of every decision. */
    static final int MAX_PREDICTORS = 32;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final String NAME = "[a-z0-9][a-z0-9_-]{0,63}";

    /** The file as written. */
    record Spec(String exploration, Map<String, String> placements, List<PredictorSpec> predictors) {
    }

    record PredictorSpec(String name, String from) {
    }

    private ModelSpecLoader() {
    }

    /** @throws InvalidModelsException with every error found */
    public static ModelSpec parse(String file, String yaml) throws InvalidModelsException {
        Spec spec;
        Map<String, List<Integer>> lines;
        try {
            lines = YamlLines.ofListEntries(YAML.getFactory(), yaml);
            spec = YAML.readValue(yaml, Spec.class);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new InvalidModelsException(List.of(new SourceError(file, loc == null ? 0 : loc.getLineNr(),
                    loc == null ? 0 : loc.getColumnNr(), FileErrors.describeAt(e))));
        }
        if (spec == null) {
            return ModelSpec.NONE;
        }
        List<SourceError> errors = new ArrayList<>();
        Exploration exploration = spec.exploration() == null ? Exploration.SAMPLE : exploration(file, 1, "exploration", spec.exploration(), errors);
        Map<String, Exploration> placements = new LinkedHashMap<>();
        if (spec.placements() != null) {
            spec.placements().forEach((placement, value) -> {
                if (placement == null || placement.isBlank() || placement.length() > 64) {
                    errors.add(new SourceError(file, 1, 1, "placements: a placement name must be 1-64 characters"));
                } else {
                    placements.put(placement, exploration(file, 1, "placements." + placement, value, errors));
                }
            });
        }
        List<Predictor> predictors = new ArrayList<>();
        List<PredictorSpec> specs = spec.predictors() == null ? List.of() : spec.predictors();
        List<Integer> at = lines.getOrDefault("predictors", List.of());
        Set<String> names = new HashSet<>();
        if (specs.size() > MAX_PREDICTORS) {
            errors.add(new SourceError(file, at.isEmpty() ? 1 : at.get(MAX_PREDICTORS), 1,
                    "at most " + MAX_PREDICTORS + " predictors (each one is looked up for every candidate of every decision)"));
        }
        for (int i = 0; i < specs.size(); i++) {
            PredictorSpec p = specs.get(i);
            int line = i < at.size() ? at.get(i) : 1;
            if (p == null || p.name() == null || !p.name().matches(NAME)) {
                errors.add(new SourceError(file, line, 1, "predictor name must match " + NAME));
                continue;
            }
            if (!names.add(p.name())) {
                errors.add(new SourceError(file, line, 1, "predictor '" + p.name() + "' is declared twice"));
            }
            Source source = Source.parse(p.from());
            if (source == null) {
                errors.add(new SourceError(file, line, 1, "predictor '" + p.name() + "': from must be one of profile.ATTRIBUTE, "
                        + "engagement.CHANNEL.METRIC, cart.total, cart.items, cart.idle-hours, request.channel, request.placement, "
                        + "request.page, request.device, context.ATTRIBUTE, recent.TYPE (got " + (p.from() == null ? "nothing" : "'" + p.from() + "'") + ")"));
                continue;
            }
            predictors.add(new Predictor(p.name(), source));
        }
        if (!errors.isEmpty()) {
            throw new InvalidModelsException(errors);
        }
        return new ModelSpec(predictors, exploration, placements);
    }

    private static Exploration exploration(String file, int line, String field, String value, List<SourceError> errors) {
        try {
            return Exploration.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            errors.add(new SourceError(file, line, 1, field + " must be sample or mean (got '" + value + "')"));
            return Exploration.SAMPLE;
        }
    }
}
