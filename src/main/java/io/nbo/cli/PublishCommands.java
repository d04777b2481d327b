package io.nbo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nbo.rules.RuleSetCompiler;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nbo files} and {@code nbo publish}: a rules folder as the body of the rule-set API, printed for
 * curl or sent to a running service. Publishing goes through the API (never straight into Redis), so
 * every replica compiles the version before it goes live.
 */
final class PublishCommands {

    static final ObjectMapper JSON = new ObjectMapper();

    private PublishCommands() {
    }

    /** The folder's DRL files, catalog, policies and scenarios ({@code tests/NAME.yaml}), as the API names them. */
    static Map<String, String> filesOf(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UsageProblem("no rules folder at " + dir.toAbsolutePath());
        }
        return RuleSetCompiler.readFolderAndTests(dir);
    }

    /** Prints a folder as the JSON body of POST /v1/rulesets/validate, /v1/rulesets or /v1/rulesets/simulations. */
    @Command(name = "files", mixinStandardHelpOptions = true, sortOptions = false,
            header = "Prints a rules folder as the JSON body the rule-set API takes, for curl.",
            description = {"Prints {\"files\": {NAME: CONTENT, ...}} with the folder's DRL files, offers.yaml, policies.yaml, models.yaml "
                    + "and scenarios (as tests/NAME.yaml), plus the fields given below: the body of POST /v1/rulesets/validate "
                    + "as it is, of POST /v1/rulesets with --author and --message, of POST /v1/rulesets/simulations with --channel "
                    + "(and --sample, --limit).",
                "Example: nbo files my-rules | curl -s localhost:8080/v1/rulesets/validate -H \"X-API-Key: $KEY\" "
                    + "-H 'Content-Type: application/json' -d @-"})
    static final class Body implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private RulesCommands.Folder folder;

        @Option(names = "--author", paramLabel = "NAME", description = "Who publishes (for POST /v1/rulesets).")
        private String author;

        @Option(names = "--message", paramLabel = "TEXT", description = "Why (for POST /v1/rulesets).")
        private String message;

        @Option(names = "--channel", description = "The calling channel to simulate (for POST /v1/rulesets/simulations).")
        private String channel;

        @Option(names = "--sample", paramLabel = "N", description = "How many stored customers to simulate.")
        private Integer sample;

        @Option(names = "--limit", paramLabel = "N", description = "Offers per simulated decision.")
        private Integer limit;

        @Override
        public Integer call() throws IOException {
            ObjectNode body = JSON.createObjectNode();
            body.set("files", JSON.valueToTree(filesOf(folder.dir)));
            putIfGiven(body, "author", author);
            putIfGiven(body, "message", message);
            putIfGiven(body, "channel", channel);
            if (sample != null) {
                body.put("sample", sample);
            }
            if (limit != null) {
                body.put("limit", limit);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(JSON.writeValueAsString(body));
            out.flush();
            return 0;
        }

        private static void putIfGiven(ObjectNode body, String field, String value) {
            if (value != null) {
                body.put(field, value);
            }
        }
    }

    /** Publishes a folder through a running service's API. */
    @Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
            header = "Publishes a rules folder through a running nbo (POST /v1/rulesets).",
            description = {"Sends the folder's files (scenarios included) to the service at --url, which validates them, runs the "
                    + "scenarios, has every replica compile the version, and makes it active on all of them at once. A refused "
                    + "folder changes nothing: every error is printed as FILE:LINE:COLUMN: MESSAGE, and the exit code is 1.",
                "The API key (role marketer) is read from the environment variable NBO_API_KEY, never from an argument, so it "
                    + "stays out of the shell history."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:published and active",
                "1:refused (errors printed); nothing changed",
                "2:usage error, no API key, a key without the role marketer, or the service unreachable",
                "3:unexpected answer"})
    static final class Publish implements Callable<Integer> {
        static final String KEY_ENV = "NBO_API_KEY";
        static final String URL_ENV = "NBO_URL";

        @Spec
        private CommandSpec spec;

        @Mixin
        private RulesCommands.Folder folder;

        @Option(names = "--author", required = true, paramLabel = "NAME", description = "Who publishes: the history and the audit log show it.")
        private String author;

        @Option(names = "--message", required = true, paramLabel = "TEXT", description = "Why: the history shows it.")
        private String message;

        @Option(names = "--url", paramLabel = "URL", description = "The service (default: $" + URL_ENV + ", else http://localhost:8080).")
        private String url;

        private final Map<String, String> env;

        Publish(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            String key = env.get(KEY_ENV);
            if (key == null || key.isBlank()) {
                throw new UsageProblem("set " + KEY_ENV + " to an API key with the role marketer (export " + KEY_ENV + "=...)");
            }
            String base = url != null ? url : env.getOrDefault(URL_ENV, "http://localhost:8080");
            ObjectNode body = JSON.createObjectNode();
            body.set("files", JSON.valueToTree(filesOf(folder.dir)));
            body.put("author", author);
            body.put("message", message);
            HttpResponse<String> response;
            URI target;
            try {
                target = URI.create(base.replaceAll("/+$", "") + "/v1/rulesets");
            } catch (IllegalArgumentException e) {
                throw new UsageProblem("--url " + base + " is not a URL");
            }
            try {
                response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                        HttpRequest.newBuilder(target).timeout(Duration.ofMinutes(5))
                                .header("Content-Type", "application/json").header("X-API-Key", key.strip())
                                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UsageProblem("cannot reach nbo at " + base + " (" + e + "): start it, or point --url at it");
            }
            JsonNode answer = parse(response.body());
            int status = response.statusCode();
            if (status == 201 || status == 200) {
                JsonNode rollout = answer.path("rollout");
                out.printf("%s: published version %s (%d rules, %d offers), active; replicas ready: %s%s%n", folder.dir,
                        answer.path("version").asText(), answer.path("rules").asInt(), answer.path("offers").asInt(),
                        rollout.path("ready").size(), rollout.path("late").size() > 0 ? ", still compiling: " + rollout.path("late") : "");
                out.flush();
                return 0;
            }
            if (status == 422) {
                for (JsonNode e : answer.path("errors")) {
                    String file = e.path("file").asText("");
                    String where = file.isEmpty() ? "" : folder.dir.resolve(file) + (e.hasNonNull("line")
                            ? ":" + e.path("line").asInt() + ":" + e.path("column").asInt(0) : "") + ": ";
                    // problem+json's errors say what in "detail"
                    out.println(where + e.path("detail").asText(e.path("message").asText("")));
                }
                out.printf("%s: refused (%s); nothing was published%n", folder.dir, answer.path("detail").asText("422"));
                out.flush();
                return NboCommand.PARTIAL;
            }
            String detail = answer.path("detail").asText(response.body());
            if (status == 401 || status == 403) {
                throw new UsageProblem(status + " from " + target + ": " + detail + " (" + KEY_ENV + " needs the role marketer)");
            }
            spec.commandLine().getErr().println("nbo publish: " + status + " from " + target + ": " + detail);
            spec.commandLine().getErr().flush();
            return NboCommand.FAILURE;
        }

        private static JsonNode parse(String body) {
            try {
                return JSON.readTree(body == null || body.isBlank() ? "{}" : body);
            } catch (IOException e) {
                return JSON.createObjectNode();
            }
        }
    }
}
