package io.nbo.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Limits outside the body: an over-long request line or over-large headers are refused by the HTTP
 * server before any endpoint (414, 431), and a body sent without a length (chunked) is held to a limit too.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class RequestLimitsTest {

    @TestHTTPResource("/v1/decisions")
    URI decisions;

    @Test
    void anOverlongUrlIs414() {
        int status = given().get("/v1/rulesets/history?limit=1&pad=" + "x".repeat(5000)).statusCode();
        assertThat(status).isEqualTo(414);
    }

    @Test
    void overlargeHeadersAre431() {
        int status = given().header("X-Pad", "x".repeat(21 * 1024)).contentType("application/json").body("{\"channel\": \"web\"}")
                .post("/v1/decisions").statusCode();
        assertThat(status).isEqualTo(431);
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefused() throws Exception {
        String body = "{\"channel\": \"web\", \"context\": {\"pad\": \"" + "x".repeat(300 * 1024) + "\"}}";
        HttpRequest request = HttpRequest.newBuilder(decisions).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))).build();
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(response.body()).contains("larger than 262144 bytes");

        // Under the limit, a chunked body is read as any other.
        String small = "{\"channel\": \"web\"}";
        HttpResponse<String> ok = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(decisions).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(small.getBytes(StandardCharsets.UTF_8)))).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    }
}
