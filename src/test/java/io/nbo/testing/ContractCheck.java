package io.nbo.testing;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nbo.testing.ApiDocument.Op;
import io.nbo.testing.RequestFuzzer.Call;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Sends requests to the application under test and checks each answer against the OpenAPI document:
 * no 5xx; a status the document lists for the operation; a request the document forbids is not
 * accepted; an error is {@code application/problem+json}; a body fits the schema documented for its
 * status and media type. Findings are collected by kind, so one run reports every drift at once.
 */
public final class ContractCheck {

    private final ApiDocument doc;
    private final ObjectMapper json;
    private final boolean storeDown;
    /** Finding kind → the requests that showed it (the first few kept). */
    private final Map<String, List<String>> findings = new TreeMap<>();
    private final Map<String, Integer> counts = new TreeMap<>();
    private int sent;

    public ContractCheck(ApiDocument doc, ObjectMapper json) {
        this(doc, json, false);
    }

    /** @param storeDown Redis is stopped: a documented 503 is the right answer then */
    public ContractCheck(ApiDocument doc, ObjectMapper json, boolean storeDown) {
        this.doc = doc;
        this.json = json;
        this.storeDown = storeDown;
    }

    public int sent() {
        return sent;
    }

    /** Sends the request with an API key (null: none) and checks the answer; returns it. */
    public Response send(Call call, String key) {
        RequestSpecification request = given().urlEncodingEnabled(false);
        if (key != null) {
            request = request.header("X-API-Key", key);
        }
        if (call.body() != null) {
            request = request.contentType(call.contentType()).body(call.body());
        }
        Response response = request.request(call.method(), call.uri());
        sent++;
        check(call, response);
        return response;
    }

    /** Checks one answer against the document. */
    public void check(Call call, Response r) {
        Op op = call.op();
        int status = r.statusCode();
        if (status >= 500 && !(storeDown && status == 503)) {
            note(op, status + " (no 5xx)", call, r);
        }
        Set<Integer> documented = doc.statuses(op);
        if (!documented.contains(status)) {
            note(op, status + " is not a documented status " + documented, call, r);
        }
        if (call.invalid() != null && status < 400) {
            note(op, status + " for a request the document does not allow", call, r);
        }
        String contentType = r.contentType() == null ? "" : r.contentType();
        String mediaType = contentType.contains(";") ? contentType.substring(0, contentType.indexOf(';')).trim() : contentType.trim();
        if (status >= 400 && !mediaType.equals("application/problem+json")) {
            note(op, status + " answered as '" + mediaType + "', not application/problem+json", call, r);
            return;
        }
        String body = r.asString();
        Set<String> mediaTypes = documented.contains(status) ? doc.mediaTypes(op, status) : Set.of();
        if (body.isEmpty()) {
            if (!mediaTypes.isEmpty()) {
                note(op, status + " without the documented body", call, r);
            }
            return;
        }
        if (mediaTypes.isEmpty()) {
            if (documented.contains(status)) {
                note(op, status + " has a body the document does not describe", call, r);
            }
            return;
        }
        if (!mediaTypes.contains(mediaType)) {
            note(op, status + " answered as '" + mediaType + "', documented " + mediaTypes, call, r);
            return;
        }
        JsonNode value;
        try {
            value = json.readTree(body);
        } catch (IOException e) {
            note(op, status + " body is not JSON", call, r);
            return;
        }
        for (String problem : doc.checkResponse(op, status, mediaType, value)) {
            note(op, status + " body does not fit its schema: " + problem.replaceAll("\\d+", "N"), call, r);
        }
    }

    /** Records a finding about one answer. */
    public void note(Op op, String what, Call call, Response r) {
        String kind = op + " → " + what;
        counts.merge(kind, 1, Integer::sum);
        List<String> examples = findings.computeIfAbsent(kind, k -> new ArrayList<>());
        if (examples.size() < 2) {
            String body = r.asString();
            examples.add(call + "\n        answered " + r.statusCode() + " " + (body.length() > 400 ? body.substring(0, 400) + "…" : body)
                    + (call.invalid() == null ? "" : "\n        not allowed by the document: " + call.invalid()));
        }
    }

    /** Every finding, counted, with up to two requests that showed it; empty when everything matched the document. */
    public String report() {
        StringBuilder out = new StringBuilder();
        findings.forEach((kind, examples) -> {
            out.append("\n").append(counts.get(kind)).append(" × ").append(kind);
            examples.forEach(e -> out.append("\n      ").append(e));
        });
        return out.toString();
    }
}
