package io.nbo.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nbo.api.Problem.FieldError;
import io.nbo.audit.AuditLog;
import io.nbo.model.SourceError;
import io.nbo.rules.ActiveRuleSet;
import io.nbo.rules.RuleSet;
import io.nbo.rules.RuleSetDiff;
import io.nbo.rules.RuleSetRollout;
import io.nbo.rules.RuleSetStore;
import io.nbo.rules.RuleSetValidator;
import io.nbo.security.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code /v1/rulesets}: validate, publish, list, show and roll back rule-set versions. Compiling is
 * CPU work, so these run on worker threads, never on the event loop.
 */
@Path("/v1/rulesets")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
@RolesAllowed(Roles.MARKETER)
public class RuleSetResource {

    /** Rule-set versions: the first 12 hex characters of the content hash. */
    static final String VERSION = "[0-9a-f]{12}";
    private static final String VERSION_PATTERN = "^" + VERSION + "$";
    private static final String LIMIT = "How many, newest first: 1-1000; default 50";

    /** The files of a small rule set that compiles, for the examples: one rule, one offer (JSON, each file one string). */
    static final String EXAMPLE_FILES = "\"files\": {"
            + "\"welcome.drl\": \"package rules;\\n\\nimport io.nbo.model.*;\\n\\n"
            + "rule \\\"Customers we know see the welcome offer\\\"\\nwhen\\n    $r : Result()\\n    Customer(known)\\n"
            + "    $o : Offer(id == \\\"welcome-10\\\")\\nthen\\n    $r.eligible($o, \\\"Welcome back: 10% off your next order\\\");\\nend\\n\", "
            + "\"offers.yaml\": \"offers:\\n  - id: welcome-10\\n    name: 10% off your next order\\n    group: welcome\\n"
            + "    value: 10\\n    channels:\\n      web: {headline: \\\"10% off your next order\\\"}\\n\"}";

    static final String FILE_NAME = "[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\\.drl|offers\\.yaml|policies\\.yaml|models\\.yaml|tests/[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\\.ya?ml";

    /** Rule-set files by name: DRL files, {@code offers.yaml}, and scenarios as {@code tests/<name>.yaml}. */
    public record Candidate(
            @NotEmpty @Size(max = 2000) Map<@Pattern(regexp = FILE_NAME, message = "file names are NAME.drl, offers.yaml, policies.yaml, models.yaml or tests/NAME.yaml") String, @NotNull String> files) {
    }

    /** A candidate to publish, with who publishes it and why. */
    public record Publication(
            @NotEmpty @Size(max = 2000) Map<@Pattern(regexp = FILE_NAME, message = "file names are NAME.drl, offers.yaml, policies.yaml, models.yaml or tests/NAME.yaml") String, @NotNull String> files,
            @NotBlank @Size(max = 200) String author,
            @NotBlank @Size(max = 2000) String message) {
    }

    /** Who rolls back and why. */
    public record Activation(@NotBlank @Size(max = 200) String author, @NotBlank @Size(max = 2000) String message) {
    }

    /** The outcome of validating a candidate. */
    @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "ValidationReport")
    public record Report(boolean valid, String version,
                         @Schema(nullable = true, description = "How many rules; null when it does not compile") Integer rules,
                         @Schema(nullable = true, description = "How many offers; null when it does not compile") Integer offers,
                         List<SourceError> errors, List<String> testFailures) {
        static Report of(RuleSetValidator.Validation v) {
            RuleSet rs = v.ruleSet();
            return new Report(v.isValid(), v.version(), rs == null ? null : rs.ruleCount(), rs == null ? null : rs.catalog().size(),
                    v.errors(), v.testFailures());
        }
    }

    /** A version as listed. */
    public record VersionView(String version, Instant createdAt, boolean active) {
    }

    /** The version serving now on this replica, and the last refused change. */
    public record ActiveView(String version, int rules, int offers, Instant compiledAt, String replica,
                             @Schema(nullable = true, description = "The last change refused since this version was made active; null when none")
                             ActiveRuleSet.Failure lastFailure) {
    }

    /** A version just made active, and how it reached the replicas before that. */
    public record ActivatedView(String version, int rules, int offers, Instant compiledAt, RuleSetRollout.Rollout rollout) {
        static ActivatedView of(RuleSetRollout.Activated a) {
            RuleSet rs = a.ruleSet();
            return new ActivatedView(rs.version(), rs.ruleCount(), rs.catalog().size(), rs.compiledAt(), a.rollout());
        }
    }

    private final ActiveRuleSet rules;
    private final RuleSetValidator validator;
    private final RuleSetRollout rollout;
    private final RuleSetStore store;
    private final ObjectMapper json;

    private final Audited audit;

    public RuleSetResource(ActiveRuleSet rules, RuleSetValidator validator, RuleSetRollout rollout, RuleSetStore store, ObjectMapper json,
                           Audited audit) {
        this.rules = rules;
        this.validator = validator;
        this.rollout = rollout;
        this.store = store;
        this.json = json;
        this.audit = audit;
    }

    @POST
    @Path("/validate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Check a candidate rule set without publishing it",
            description = "Compiles the DRL, validates the catalog, and runs the scenario files given as tests/NAME.yaml. "
                    + "Every error names its file, line and column.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "one rule, one offer",
            value = "{" + EXAMPLE_FILES + "}")))
    @APIResponse(responseCode = "200", description = "The outcome: valid, or every error with its file, line and column",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Report.class)))
    public Report validate(@Valid @NotNull Candidate body) {
        return Report.of(validator.validate(body.files()));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish a rule set",
            description = "Validates it and runs its scenarios first; then stores it as an immutable version, has every live "
                    + "replica compile it, and makes it active on all of them at once. A refused rule set changes nothing.")
    @APIResponse(responseCode = "201", description = "Published and active; rollout names the replicas that had compiled it "
            + "(ready) and those that had not answered within nbo.rules.rollout-timeout (late)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ActivatedView.class)))
    @APIResponse(responseCode = "422", description = "Refused: errors with file, line and column, failing scenarios, "
            + "or a replica that cannot compile it")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "one rule, one offer",
            value = "{\"author\": \"ana@example.com\", \"message\": \"A welcome offer for customers we know\", " + EXAMPLE_FILES + "}")))
    public Response publish(@Valid @NotNull Publication body) {
        try {
            RuleSetRollout.Activated published = rollout.publish(body.files(), body.author(), body.message());
            audit.ruleSet(AuditLog.PUBLISH, published.ruleSet().version(), "ok");
            return Response.status(Response.Status.CREATED).entity(ActivatedView.of(published)).build();
        } catch (RuleSetRollout.RefusedException e) {
            audit.ruleSet(AuditLog.PUBLISH, e.validation().version(), "refused");
            throw refused("the rule set was not published", e.validation());
        } catch (RuntimeException e) {
            audit.ruleSet(AuditLog.PUBLISH, null, "failed");
            throw e;
        }
    }

    @GET
    @Operation(summary = "List stored versions, newest first")
    public List<VersionView> list(@Parameter(description = "How many versions, 1-1000; default 50", schema = @Schema(type = SchemaType.INTEGER,
            minimum = "1", maximum = "1000", defaultValue = "50")) @QueryParam("limit") String limit,
                                                 @Context UriInfo uri) {
        int n = QueryLimit.parse(uri, 50, 1000);
        RuleSet current = rules.current();
        return store.list(n).stream()
                .map(s -> new VersionView(s.version(), s.createdAt(), current != null && current.version().equals(s.version())))
                .toList();
    }

    @GET
    @Path("/active")
    @RolesAllowed({Roles.MARKETER, Roles.ADMIN})
    @Operation(summary = "The version serving now on this replica, and the last refused change")
    @APIResponse(responseCode = "200", description = "The active version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ActiveView.class)))
    @APIResponse(responseCode = "404", description = "No rule set is active (none compiled yet); see /q/health/ready")
    public ActiveView active() {
        RuleSet current = rules.current();
        if (current == null) {
            throw new ProblemException(Problem.of(Response.Status.NOT_FOUND, "no rule set is active; see lastFailure in /q/health/ready"));
        }
        return active(current);
    }

    private ActiveView active(RuleSet rs) {
        return new ActiveView(rs.version(), rs.ruleCount(), rs.catalog().size(), rs.compiledAt(), rollout.replicaId(), rules.lastFailure());
    }

    @GET
    @Path("/replicas")
    @RolesAllowed({Roles.MARKETER, Roles.ADMIN})
    @Operation(summary = "The replicas sharing this Redis, the version each serves, and when each last reported",
            description = "A replica reports every nbo.rules.poll-interval; live means seen within three of those. "
                    + "A publish waits for the live ones to compile the new version.")
    public List<RuleSetRollout.ReplicaView> replicas() {
        return rollout.replicas();
    }

    @GET
    @Path("/history")
    @Operation(summary = "Activations (publishes and rollbacks), newest first")
    public List<Map<String, Object>> history(@Parameter(description = "How many entries, 1-1000; default 50", schema = @Schema(type = SchemaType.INTEGER,
            minimum = "1", maximum = "1000", defaultValue = "50"))
                                             @QueryParam("limit") String limit,
                                                 @Context UriInfo uri) {
        int n = QueryLimit.parse(uri, 50, 1000);
        List<Map<String, Object>> out = new ArrayList<>();
        for (String entry : store.history(n)) {
            try {
                out.add(json.readValue(entry, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { }));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("corrupt rule-set history entry", e);
            }
        }
        return out;
    }

    @GET
    @Path("/{version}")
    @Operation(summary = "One stored version with its files")
    @APIResponse(responseCode = "200", description = "The version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RuleSetStore.StoredVersion.class)))
    @APIResponse(responseCode = "404", description = "No such version")
    public RuleSetStore.StoredVersion show(@Parameter(description = "A stored version", schema = @Schema(type = SchemaType.STRING, pattern = VERSION_PATTERN))
                                           @PathParam("version") String version) {
        return store.load(checkVersion(version)).orElseThrow(() -> notFound(version));
    }

    @GET
    @Path("/{from}/diff/{to}")
    @Operation(summary = "What changed between two versions, file by file, as unified diffs")
    @APIResponse(responseCode = "200", description = "The files that changed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY,
                    implementation = RuleSetDiff.FileDiff.class)))
    @APIResponse(responseCode = "404", description = "No such version")
    public List<RuleSetDiff.FileDiff> diff(@Parameter(description = "The older version", schema = @Schema(type = SchemaType.STRING, pattern = VERSION_PATTERN))
                                           @PathParam("from") String from,
                                           @Parameter(description = "The newer version", schema = @Schema(type = SchemaType.STRING, pattern = VERSION_PATTERN))
                                           @PathParam("to") String to) {
        RuleSetStore.StoredVersion a = store.load(checkVersion(from)).orElseThrow(() -> notFound(from));
        RuleSetStore.StoredVersion b = store.load(checkVersion(to)).orElseThrow(() -> notFound(to));
        return RuleSetDiff.between(from, a.files(), to, b.files());
    }

    @POST
    @Path("/{version}/activate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Roll back (or forward) to a stored version, on every replica",
            description = "Like a publish: every live replica compiles the version (or has it still), then it is made active.")
    @APIResponse(responseCode = "200", description = "Active on every live replica",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ActivatedView.class)))
    @APIResponse(responseCode = "404", description = "No such version")
    @APIResponse(responseCode = "422", description = "The version no longer compiles (or a replica cannot compile it); nothing changed")
    public ActivatedView activate(@Parameter(description = "A stored version", schema = @Schema(type = SchemaType.STRING, pattern = VERSION_PATTERN))
                                  @PathParam("version") String version,
                                  @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(
                                          name = "a rollback", value = """
                                          {"author": "ana@example.com", "message": "Back to the version before the campaign change"}""")))
                                  @Valid @NotNull Activation body) {
        checkVersion(version);
        try {
            ActivatedView activated = ActivatedView.of(rollout.rollback(version, body.author(), body.message())
                    .orElseThrow(() -> notFound(version)));
            audit.ruleSet(AuditLog.ACTIVATE, version, "ok");
            return activated;
        } catch (RuleSetRollout.RefusedException e) {
            audit.ruleSet(AuditLog.ACTIVATE, version, "refused");
            throw refused("version " + version + " no longer compiles and was not activated", e.validation());
        } catch (RuntimeException e) {
            audit.ruleSet(AuditLog.ACTIVATE, version, e instanceof ProblemException p ? Audited.outcome(p.problem().status()) : "failed");
            throw e;
        }
    }

    private static String checkVersion(String version) {
        if (!version.matches(VERSION)) {
            throw new ProblemException(Problem.invalid("invalid version", List.of(FieldError.at("/version", "versions are 12 hex characters"))));
        }
        return version;
    }

    private static ProblemException notFound(String version) {
        return new ProblemException(Problem.of(Response.Status.NOT_FOUND, "no rule-set version " + version));
    }

    /** A candidate that does not compile, or whose scenarios fail: 422 with every error's file, line and column. */
    static ProblemException refused(String detail, RuleSetValidator.Validation v) {
        List<FieldError> errors = new ArrayList<>();
        for (SourceError e : v.errors()) {
            errors.add(new FieldError("/files/" + e.file(), e.message(), e.file(), e.line() > 0 ? e.line() : null, e.column() > 0 ? e.column() : null));
        }
        for (String failure : v.testFailures()) {
            // A failing scenario starts with its file; a warm-up that did not finish belongs to no file.
            String file = failure.startsWith("tests/") ? failure.substring(0, Math.max(failure.indexOf(' '), 0)) : "";
            errors.add(new FieldError(file.isEmpty() ? "/files" : "/files/" + file, failure, file.isEmpty() ? null : file, null, null));
        }
        return new ProblemException(new Problem("https://nbo.dev/problems/rule-set-refused", "Rule set refused", 422,
                detail + ": " + errors.size() + " problem(s)", null, errors));
    }
}
