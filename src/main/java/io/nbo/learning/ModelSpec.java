package io.nbo.learning;

import java.util.List;
import java.util.Map;

/**
 * A rule set's {@code models.yaml}: the customer and request facts the adaptive models may learn from
 * (declared predictors), and how each placement explores. Without the file: no predictors, and every
 * placement samples.
 *
 * @param predictors  the declared predictors, in the file's order
 * @param exploration the default for every placement
 * @param placements  placement → its own exploration
 */
public record ModelSpec(List<Predictor> predictors, Exploration exploration, Map<String, Exploration> placements) {

    /** No file: no predictors, Thompson sampling everywhere. */
    public static final ModelSpec NONE = new ModelSpec(List.of(), Exploration.SAMPLE, Map.of());

    /** How a placement uses a model's propensity. */
    public enum Exploration {
        /** Thompson sampling: a draw from the model's posterior, so a new offer gets tried and a losing one fades. */
        SAMPLE,
        /** The posterior mean: the best estimate, no exploration (the same answer every time). */
        MEAN
    }

    /** One declared predictor: a name the model reports it under, and where its value comes from. */
    public record Predictor(String name, Source source) {
    }

    public ModelSpec {
        predictors = List.copyOf(predictors);
        placements = Map.copyOf(placements);
    }

    /** The exploration of a placement (null: the default). */
    public Exploration exploration(String placement) {
        return placement == null ? exploration : placements.getOrDefault(placement, exploration);
    }
}
