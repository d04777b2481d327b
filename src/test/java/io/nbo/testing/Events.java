package io.nbo.testing;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Event bodies for API tests, in one place. */
public final class Events {

    private Events() {
    }

    /** An event of {@code type} for {@code customerId}, happening now, plus {@code fields} (name, value, name, value, ...). */
    public static Map<String, Object> event(String eventId, String type, String customerId, Object... fields) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("eventId", eventId);
        e.put("type", type);
        e.put("customerId", customerId);
        e.put("timestamp", Instant.now().minusSeconds(1).toString());
        for (int i = 0; i + 1 < fields.length; i += 2) {
            e.put((String) fields[i], fields[i + 1]);
        }
        return e;
    }

    /** POSTs a body (an event or a list of events) to /v1/events. */
    public static ValidatableResponse post(Object body) {
        return given().contentType(ContentType.JSON).body(body).post("/v1/events").then();
    }

    /**
     * A recorded decision in the format the decision side writes: {@code offers} are id, channel pairs,
     * in rank order.
     */
    public static String recordedDecision(String version, String callingChannel, String... offers) {
        StringBuilder o = new StringBuilder();
        for (int i = 0; i + 1 < offers.length; i += 2) {
            o.append(o.length() == 0 ? "" : ",").append("{\"id\":\"").append(offers[i]).append("\",\"ch\":\"").append(offers[i + 1])
                    .append("\",\"s\":1.5,\"p\":[0.05,30.0,1.0,1.0]}");
        }
        return "{\"v\":\"" + version + "\",\"c\":\"" + callingChannel + "\",\"at\":" + Instant.now().toEpochMilli() + ",\"o\":[" + o + "]}";
    }
}
