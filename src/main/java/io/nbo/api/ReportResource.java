package io.nbo.api;

import io.nbo.api.Problem.FieldError;
import io.nbo.events.EventReader;
import io.nbo.events.EventService;
import io.nbo.events.OfferReport;
import io.nbo.model.Channel;
import io.nbo.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code GET /v1/reports/offers}: how each offer did per channel and rule-set version over a range of days. */
@Path("/v1/reports/offers")
@RolesAllowed(Roles.MARKETER)
public class ReportResource {

    /** The longest range one report may cover, in days. */
    public static final int MAX_DAYS = 400;

    private final EventService events;

    public ReportResource(EventService events) {
        this.events = events;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Offer report: served, impressions, clicks, accepts, conversions and rates",
            description = "Rows per offer × channel × rule-set version over UTC days from..to (inclusive; default today; at most "
                    + MAX_DAYS + " days). Events that named no decision, or one no longer recorded, are under version \"unknown\". "
                    + "Rates are over impressions, null without impressions.")
    @APIResponse(responseCode = "200", description = "The report, rows sorted by offer, channel and version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OfferReport.class), examples = @ExampleObject(name = "report", value = """
                    {"from": "2026-11-01", "to": "2026-11-23", "rows": [
                      {"offerId": "winback-vip-call", "channel": "email", "ruleSetVersion": "c844f4c39aef", "served": 1200,
                       "impressions": 1000, "clicks": 80, "accepts": 20, "rejects": 5, "dismisses": 40, "conversions": 12,
                       "conversionValue": 1068.0, "clickRate": 0.08, "acceptRate": 0.02, "conversionRate": 0.012}]}""")))
    @APIResponse(responseCode = "400", description = "A bad date, a range over " + MAX_DAYS + " days, an unknown channel or a bad offer id")
    public Uni<OfferReport> offers(
            @Parameter(description = "First UTC day, YYYY-MM-DD; default today", example = "2026-11-01",
                    schema = @Schema(type = SchemaType.STRING, format = "date")) @QueryParam("from") String from,
            @Parameter(description = "Last UTC day, YYYY-MM-DD, inclusive; default today; at most " + MAX_DAYS + " days after from",
                    example = "2026-11-23", schema = @Schema(type = SchemaType.STRING, format = "date")) @QueryParam("to") String to,
            @Parameter(description = "Only this offer", example = "winback-vip-call",
                    schema = @Schema(type = SchemaType.STRING, pattern = EventReader.OFFER_ID_REGEX)) @QueryParam("offer") String offer,
            @Parameter(description = "Only this channel", example = "email") @QueryParam("channel") String channel,
            @Parameter(description = "Only this rule-set version (or unknown)", example = "c844f4c39aef",
                    schema = @Schema(type = SchemaType.STRING, pattern = "^[^|]{1,64}$")) @QueryParam("version") String version) {
        List<FieldError> errors = new ArrayList<>();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate first = day("from", from, today, errors);
        LocalDate last = day("to", to, today, errors);
        if (first != null && last != null) {
            if (first.isAfter(last)) {
                errors.add(FieldError.at("/from", "is after to (" + last + ")"));
            } else if (ChronoUnit.DAYS.between(first, last) >= MAX_DAYS) {
                errors.add(FieldError.at("/to", "at most " + MAX_DAYS + " days from " + first));
            }
        }
        if (offer != null && !EventReader.OFFER_ID.matcher(offer).matches()) {
            errors.add(FieldError.at("/offer", "must be 1-64 lowercase letters, digits, '-' or '_', as in the catalog"));
        }
        if (channel != null && Channel.fromId(channel).isEmpty()) {
            errors.add(FieldError.at("/channel", "unknown channel \"" + channel + "\"; one of " + Channel.ids()));
        }
        if (version != null && (version.isEmpty() || version.length() > 64 || version.indexOf('|') >= 0)) {
            errors.add(FieldError.at("/version", "must be a rule-set version (1-64 characters) or unknown"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.invalid(errors.size() == 1 ? errors.get(0).pointer() + " " + errors.get(0).detail()
                    : errors.size() + " parameters are invalid", errors));
        }
        OfferReport.Filter filter = new OfferReport.Filter(offer, channel, version);
        return Uni.createFrom().completionStage(() -> events.report(first, last, filter, CallerContext.current()));
    }

    private static LocalDate day(String name, String text, LocalDate today, List<FieldError> errors) {
        if (text == null || text.isEmpty()) {
            return today;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            errors.add(FieldError.at("/" + name, "must be a day, YYYY-MM-DD (got \"" + text + "\")"));
            return null;
        }
    }
}
