package io.nbo.api;

import static io.nbo.testing.Events.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nbo.redis.KeySchema;
import io.nbo.testing.Customers;
import io.nbo.testing.Events;
import io.nbo.testing.RedisProbe;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Events attributed to recorded decisions show up in {@code GET /v1/reports/offers} per offer × channel × version. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class ReportResourceTest {

    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    static JsonPath report(String query) {
        return given().get("/v1/reports/offers?from=" + TODAY.minusDays(1) + "&to=" + TODAY + query).then().statusCode(200)
                .extract().jsonPath();
    }

    @Test
    void responsesToARecordedDecisionAreReportedUnderItsOfferChannelAndVersion() {
        String c = "t-rep-1";
        given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/" + c).then().statusCode(200);
        try (RedisProbe probe = RedisProbe.ofApp()) {
            probe.redis().set(KeySchema.decision(c, "dec-rep"), Events.recordedDecision("rs-rep-1", "web", "rep-a", "email", "rep-b", "sms"));
            // what the decision side counts when it serves
            probe.redis().hincrby(KeySchema.report(KeySchema.partition(c), DateTimeFormatter.BASIC_ISO_DATE.format(TODAY)),
                    "rep-a|email|rs-rep-1|served", 4);
        }

        Events.post(List.of(
                event("rep-1", "impression", c, "decisionId", "dec-rep", "offerId", "rep-a"),
                event("rep-2", "impression", c, "decisionId", "dec-rep", "offerId", "rep-a"),
                event("rep-3", "impression", c, "decisionId", "dec-rep", "offerId", "rep-a"),
                event("rep-4", "impression", c, "decisionId", "dec-rep", "offerId", "rep-a"),
                event("rep-5", "click", c, "decisionId", "dec-rep"),
                event("rep-6", "click", c, "decisionId", "dec-rep"),
                event("rep-7", "accept", c, "decisionId", "dec-rep", "offerId", "rep-a"),
                event("rep-8", "conversion", c, "decisionId", "dec-rep", "offerId", "rep-a", "amount", 40.25),
                event("rep-9", "conversion", c, "decisionId", "dec-rep", "offerId", "rep-a", "amount", 9.5),
                event("rep-10", "dismiss", c, "decisionId", "dec-rep", "offerId", "rep-b"),
                event("rep-11", "click", c, "decisionId", "dec-gone", "offerId", "rep-a", "channel", "email"),
                event("rep-12", "impression", c, "offerId", "rep-a", "channel", "web")))
                .statusCode(200);

        List<Map<String, Object>> rows = report("&offer=rep-a").getList("rows");

        assertThat(rows).extracting(r -> r.get("channel") + "/" + r.get("ruleSetVersion"))
                .containsExactly("email/rs-rep-1", "email/unknown", "web/unknown");
        Map<String, Object> attributed = rows.get(0);
        assertThat(attributed).containsEntry("offerId", "rep-a").containsEntry("served", 4).containsEntry("impressions", 4)
                .containsEntry("clicks", 2).containsEntry("accepts", 1).containsEntry("rejects", 0).containsEntry("dismisses", 0)
                .containsEntry("conversions", 2);
        assertThat(((Number) attributed.get("conversionValue")).doubleValue()).isEqualTo(49.75);
        assertThat(((Number) attributed.get("clickRate")).doubleValue()).isCloseTo(0.5, within(1e-9));
        assertThat(((Number) attributed.get("acceptRate")).doubleValue()).isCloseTo(0.25, within(1e-9));
        assertThat(((Number) attributed.get("conversionRate")).doubleValue()).isCloseTo(0.5, within(1e-9));
        // a click whose decision is not recorded: under version unknown, and without impressions no rates
        assertThat(rows.get(1)).containsEntry("clicks", 1).containsEntry("impressions", 0).containsEntry("clickRate", null)
                .containsEntry("conversionRate", null);
        assertThat(rows.get(2)).containsEntry("impressions", 1).containsEntry("clicks", 0);

        JsonPath other = report("&offer=rep-b&version=rs-rep-1&channel=sms");
        assertThat(other.getList("rows")).hasSize(1);
        assertThat(other.getInt("rows[0].dismisses")).isEqualTo(1);
        assertThat(other.getString("from")).isEqualTo(TODAY.minusDays(1).toString());
        assertThat(report("&offer=rep-b&channel=email").getList("rows")).isEmpty();
    }

    @Test
    void theDefaultRangeIsToday() {
        JsonPath r = given().get("/v1/reports/offers?offer=rep-none").then().statusCode(200).extract().jsonPath();

        assertThat(r.getString("from")).isEqualTo(TODAY.toString());
        assertThat(r.getString("to")).isEqualTo(TODAY.toString());
        assertThat(r.getList("rows")).isEmpty();
    }

    @Test
    void badParametersAreRefusedWithWhatIsWrong() {
        given().get("/v1/reports/offers?from=2026-13-01").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].pointer", org.hamcrest.Matchers.equalTo("/from"));
        given().get("/v1/reports/offers?from=2026-11-23&to=2026-11-01").then().statusCode(400)
                .body("errors[0].pointer", org.hamcrest.Matchers.equalTo("/from"));
        given().get("/v1/reports/offers?from=2024-01-01&to=2026-11-01").then().statusCode(400)
                .body("errors[0].pointer", org.hamcrest.Matchers.equalTo("/to"));
        given().get("/v1/reports/offers?channel=fax&offer=Bad!").then().statusCode(400)
                .body("errors.pointer", org.hamcrest.Matchers.contains("/offer", "/channel"));
    }
}
