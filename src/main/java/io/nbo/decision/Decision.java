package io.nbo.decision;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.nbo.model.Creative;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to one decision request: ranked offers with their channel, score parts and reasons. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"decisionId", "customerId", "channel", "placement", "ruleSetVersion", "decidedAt", "offers",
        "preferredChannel", "partial", "degraded", "reasons", "suppressed"})
public record Decision(
        @Schema(description = "Id to quote on response events (impression, click, accept) for attribution")
        String decisionId,
        String customerId,
        String channel,
        String placement,
        @Schema(description = "Content hash of the rule set (DRL + catalog) that decided")
        String ruleSetVersion,
        Instant decidedAt,
        @Schema(description = "Best first; at most one offer per offer group")
        List<RankedOffer> offers,
        @Schema(description = "The channel this customer is most likely to respond on, among those they consent to")
        String preferredChannel,
        @Schema(description = "True when the answer was made with less than the full context; see reasons")
        boolean partial,
        @Schema(description = "True when Redis could not be used: decided without the stored context, or without checking the caps "
                + "(then only uncapped offers, or the fallback offer); see reasons")
        boolean degraded,
        @Schema(description = "Why the answer is partial or empty")
        List<Notice> reasons,
        @Schema(description = "Offers the rules made eligible that could not be served, and why")
        List<Suppression> suppressed) {

    /** One offer of the answer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"rank", "offerId", "name", "group", "channel", "creative", "score", "scoreParts", "rules", "reasons"})
    public record RankedOffer(
            int rank,
            String offerId,
            String name,
            String group,
            @Schema(description = "The channel to deliver this offer on")
            String channel,
            Creative creative,
            @Schema(description = "propensity × value × weight × contextBoost")
            double score,
            ScoreParts scoreParts,
            @Schema(description = "Names of the rules that made the offer eligible or boosted it")
            List<String> rules,
            @Schema(description = "Sentences from those rules, for an agent to read")
            List<String> reasons) {
    }

    /** The factors of an offer's score, each visible. */
    @JsonPropertyOrder({"propensity", "value", "weight", "contextBoost"})
    public record ScoreParts(
            @Schema(description = "Estimated response probability on the chosen channel, (clicks + a) / (sent + b)")
            double propensity,
            @Schema(description = "The offer's value minus its cost, never below 0")
            double value,
            @Schema(description = "The marketer's business weight")
            double weight,
            @Schema(description = "Product of the boosts rules gave")
            double contextBoost) {
    }

    /** Why an answer is partial or empty: a machine-readable code and a sentence. */
    public record Notice(String code, String message) {
    }

    /** An offer the rules made eligible that was not served: a code, the policy that stopped it (if one did), and a sentence for an agent. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Suppression(
            String offerId,
            @Schema(description = "excluded, not_deliverable, no_consent, capped, suppressed, sold_out")
            String code,
            @Schema(description = "Why, in words an agent can read, e.g. \"capped: 3 impressions of this offer in 7 days (at most 3)\"")
            String message,
            @Schema(description = "The name of the contact policy (policies.yaml) that stopped it, when one did")
            String policy) {
    }
}
