package io.nbo.learning;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The models as marketers and operators read them ({@code GET /v1/models}): per offer and channel the evidence,
 * the success rate, how well its contextual model ranks recent responses (AUC), whether it is still in its cold
 * start, when it last learned, and what each declared predictor's bins have seen, in the shape of Pega's adaptive
 * model reports.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"learning", "replicaLearns", "lagSeconds", "models"})
public record ModelHealth(
        @Schema(required = true, description = "Whether decisions use the learned propensities (nbo.learning.enabled)")
        boolean learning,
        @Schema(required = true, description = "Whether the replica that answered reads the event streams into the models now (one does at a time)")
        boolean replicaLearns,
        @Schema(description = "Seconds since the newest change of the models this replica applied was made; absent before any")
        Double lagSeconds,
        @Schema(required = true, description = "One per offer and channel that learned anything, by offer then channel")
        List<Model> models) {

    /** One offer on one channel. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"offerId", "channel", "impressions", "positives", "successRate", "auc", "coldStart", "lastUpdate", "predictors"})
    public record Model(
            @Schema(required = true, example = "free-shipping") String offerId,
            @Schema(required = true, example = "web") String channel,
            @Schema(required = true, description = "Impressions learned from (the first of each offer in a decision)") long impressions,
            @Schema(required = true, description = "Of which followed by a positive response within the window") long positives,
            @Schema(description = "positives / impressions; absent without impressions") Double successRate,
            @Schema(description = "AUC of the contextual model on recent responses (positives against impressions, corrected for the "
                    + "positives among them); absent until enough of both", example = "0.71") Double auc,
            @Schema(required = true, description = "True while it has fewer impressions than nbo.learning.cold-start: the formula still weighs "
                    + "as much as its evidence or more") boolean coldStart,
            @Schema(description = "When it last learned") Instant lastUpdate,
            @Schema(description = "Per declared predictor: its bins and how well it alone separates positives (only for one offer's models)")
            List<Predictor> predictors) {
    }

    /** A declared predictor's view of one model. */
    public record Predictor(
            @Schema(required = true, example = "tier") String name,
            @Schema(required = true, description = "Whether it takes part in the model's estimate (it separates positives better than chance)")
            boolean active,
            @Schema(required = true, description = "Area under the ROC curve of this predictor alone on the model's evidence (0.5: no better than chance)")
            double auc,
            @Schema(required = true) List<Bin> bins) {
    }

    /** One bin of a predictor: a range of numbers or a set of values, and what it has seen. */
    public record Bin(
            @Schema(required = true, example = "[20, 35)") String label,
            @Schema(required = true) long impressions,
            @Schema(required = true) long positives) {
    }

    /** The report of {@code models}, with each model's predictors when {@code detailed}. */
    public static ModelHealth of(boolean learning, boolean leader, long lagMillis, Models models, long coldStart, boolean detailed) {
        List<Model> out = new ArrayList<>();
        models.byOffer().forEach((offer, perChannel) -> {
            for (Models.Model m : perChannel) {
                if (m != null) {
                    out.add(model(m, coldStart, detailed));
                }
            }
        });
        out.sort(Comparator.comparing(Model::offerId).thenComparing(Model::channel));
        return new ModelHealth(learning, leader, lagMillis < 0 ? null : lagMillis / 1000.0, out);
    }

    private static Model model(Models.Model m, long coldStart, boolean detailed) {
        List<Predictor> predictors = null;
        if (detailed && m.contextual() != null) {
            predictors = m.contextual().predictors().stream().map(p -> new Predictor(p.name(), p.active(), round(p.auc()),
                    p.bins().stream().map(b -> new Bin(b.label(), b.trials(), b.positives())).toList())).toList();
        }
        return new Model(m.offerId(), m.channel().id(), m.trials(), m.positives(), m.trials() == 0 ? null : round(m.successRate()),
                Double.isNaN(m.auc()) ? null : round(m.auc()), m.trials() < coldStart, m.updatedAt() == 0 ? null : Instant.ofEpochMilli(m.updatedAt()), predictors);
    }

    private static double round(double v) {
        return Math.round(v * 1_000_000d) / 1_000_000d;
    }
}
