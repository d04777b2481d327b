package io.nbo.decision;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.nbo.model.Creative;
import io.nbo.policy.Suppressed;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to one decision request: ranked offers with their channel, score parts and reasons. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"decisionId", "customerId", "channel", "placement", "ruleSetVersion", "decidedAt", "offers",
        "preferredChannel", "partial", "degraded", "reasons", "suppressed"})
public record Decision(
        @Schema(required = true, description = "Id to quote on response events (impression, click, accept) for attribution")
        String decisionId,
        @Schema(description = "The customer asked about; absent for an anonymous visitor")
        String customerId,
        @Schema(required = true, description = "The channel asked on")
        String channel,
        @Schema(description = "The placement asked for, when one was given")
        String placement,
        @Schema(description = "Content hash of the rule set (DRL + catalog) that decided; absent when no rule set is active")
        String ruleSetVersion,
        @Schema(required = true)
        Instant decidedAt,
        @Schema(required = true, description = "Best first; at most one offer per offer group")
        List<RankedOffer> offers,
        @Schema(description = "The channel this customer is most likely to respond on, among those they consent to; absent when "
                + "there is none")
        String preferredChannel,
        @Schema(required = true, description = "True when the answer was made with less than the full context; see reasons")
        boolean partial,
        @Schema(required = true, description = "True when Redis could not be used: decided without the stored context, or without checking the caps "
                + "(then only uncapped offers, or the fallback offer); see reasons")
        boolean degraded,
        @Schema(required = true, description = "Why the answer is partial or empty: codes such as unknown_customer, fallback_offer")
        List<Notice> reasons,
        @Schema(required = true, description = "Offers the rules made eligible that could not be served, and why")
        List<Suppression> suppressed) {

    /** One offer of the answer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"rank", "offerId", "name", "group", "channel", "creative", "score", "scoreParts", "model", "rules", "why"})
    public record RankedOffer(
            @Schema(required = true, minimum = "1", description = "1 for the best")
            int rank,
            @Schema(required = true)
            String offerId,
            @Schema(required = true)
            String name,
            @Schema(required = true, description = "At most one offer of a group is served")
            String group,
            @Schema(required = true, description = "The channel to deliver this offer on")
            String channel,
            @Schema(required = true, description = "What to show or say on that channel")
            Creative creative,
            @Schema(required = true, description = "propensity × value × weight × contextBoost")
            double score,
            @Schema(required = true)
            ScoreParts scoreParts,
            @Schema(required = true, description = "Which model gave the propensity, its evidence, and how likely this rank was")
            ModelUse model,
            @Schema(required = true, description = "Names of the rules that made the offer eligible or boosted it")
            List<String> rules,
            @Schema(required = true, description = "Why this offer, in sentences an agent can read aloud: those the rules gave, or the rules' names "
                    + "when they gave none. Not to be confused with the decision's reasons (codes for a partial answer)")
            List<String> why) {
    }

    /** The factors of an offer's score, each visible. */
    @JsonPropertyOrder({"propensity", "value", "weight", "contextBoost"})
    public record ScoreParts(
            @Schema(required = true, description = "Estimated response probability on the chosen channel, as used in the score: see model")
            double propensity,
            @Schema(required = true, description = "The offer's value minus its cost, never below 0")
            double value,
            @Schema(required = true, description = "The marketer's business weight")
            double weight,
            @Schema(required = true, description = "Product of the boosts rules gave")
            double contextBoost) {
    }

    /** Where an offer's propensity came from: the model, its evidence, the estimate, and whether it explored. */
    @JsonPropertyOrder({"name", "impressions", "positives", "mean", "exploration", "choiceProbability"})
    public record ModelUse(
            @Schema(required = true, description = "engagement: today's formula, the customer's clicks and sends on the channel; adaptive: "
                    + "learned per offer and channel from impressions and responses (rules/README.md, \"Learning\")", example = "adaptive")
            String name,
            @Schema(required = true, description = "Impressions the model learned from (engagement: the customer's sends on the channel)")
            long impressions,
            @Schema(required = true, description = "Of which followed by a positive response (engagement: the customer's clicks)")
            long positives,
            @Schema(required = true, description = "The model's estimate for this customer (the posterior mean)")
            double mean,
            @Schema(required = true, description = "sample: scoreParts.propensity is a Thompson draw from the model's posterior, so a new offer "
                    + "gets tried; mean: it is the estimate itself", enumeration = {"sample", "mean"})
            String exploration,
            @Schema(required = true, minimum = "0", maximum = "1", description = "The probability that this policy puts this offer at this "
                    + "rank, before the caps are checked (estimated from draws when sampling; 1 otherwise)")
            double choiceProbability) {
    }

    /** Why an answer is partial or empty: a machine-readable code and a sentence. */
    public record Notice(
            @Schema(required = true, implementation = String.class, description = "context_unavailable, unknown_customer, anonymous, "
                    + "rules_failed, rule_firing_limit, rule_time_budget, session_discarded, no_rule_set, no_eligible_offer, policy_unchecked, "
                    + "fallback_offer")
            Reason code,
            @Schema(required = true, description = "The same in a sentence")
            String message) {
    }

    /** An offer the rules made eligible that was not served: a code, the policy that stopped it (if one did), and a sentence for an agent. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Suppression(
            @Schema(required = true)
            String offerId,
            @Schema(required = true, implementation = String.class, description = "excluded, not_deliverable, no_consent, capped, suppressed, sold_out")
            Suppressed code,
            @Schema(required = true, description = "Why, in words an agent can read, e.g. \"capped: 3 impressions of this offer in 7 days (at most 3)\"")
            String message,
            @Schema(description = "The name of the contact policy (policies.yaml) that stopped it, when one did")
            String policy) {
    }
}
