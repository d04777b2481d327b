package io.nbo.api;

import io.nbo.api.Problem.FieldError;
import io.nbo.model.Channel;
import io.nbo.rules.ActiveRuleSet;
import io.nbo.rules.RuleSet;
import io.nbo.rules.RuleSetValidator;
import io.nbo.security.Roles;
import io.nbo.simulation.SimulationJobs;
import io.nbo.simulation.SimulationJobs.Job;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code /v1/rulesets/simulations}: what a candidate rule set would do to stored customers, next to
 * the active one, run as a job with progress. Jobs live in memory on the replica that runs them.
 */
@Path("/v1/rulesets/simulations")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
@RolesAllowed(Roles.MARKETER)
public class SimulationResource {

    /** The most customers one API simulation may take; the CLI has no such limit. */
    public static final int MAX_SAMPLE = 50_000;

    /** Seconds a refused caller is asked to wait; a guess, since when the running jobs end is not known. */
    private static final String RETRY_AFTER = "10";

    private static final String ON_THIS_REPLICA = " Jobs live in memory on the replica that runs them: behind a load balancer, "
            + "ask the same replica (sticky sessions), or another one answers 404.";

    /** A simulation: the candidate files (none = the active rule set), the sample and the request to simulate. */
    public record SimulationRequest(
            @Size(max = 2000) Map<@Pattern(regexp = RuleSetResource.FILE_NAME, message = "file names are NAME.drl, offers.yaml, policies.yaml, models.yaml or tests/NAME.yaml") String, @NotNull String> files,
            @Min(1) @Max(MAX_SAMPLE) Integer sample,
            @NotBlank String channel,
            @Size(max = 100) String placement,
            @Min(1) @Max(DecisionRequest.MAX_LIMIT) Integer limit,
            @Size(max = 50) Map<String, Object> context) {
    }

    private final ActiveRuleSet rules;
    private final RuleSetValidator validator;
    private final SimulationJobs jobs;

    public SimulationResource(ActiveRuleSet rules, RuleSetValidator validator, SimulationJobs jobs) {
        this.rules = rules;
        this.validator = validator;
        this.jobs = jobs;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start simulating a candidate rule set over stored customers, next to the active one",
            description = "Compiles the candidate (no files = the active rule set) at once, then runs it in the background and "
                    + "serves nothing. The report: per offer, made eligible, left after consent and channel policies, chosen; "
                    + "the top offers and channels; how many customers' top offer would change. At most " + MAX_SAMPLE
                    + " customers (default 10,000); the nbo simulate command has no limit." + ON_THIS_REPLICA)
    @APIResponse(responseCode = "202", description = "Started: the job, and its address in Location",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Job.class)))
    @APIResponse(responseCode = "404", description = "No candidate was given and no rule set is active")
    @APIResponse(responseCode = "422", description = "The candidate does not compile; nothing was started")
    @APIResponse(responseCode = "429", description = "As many simulations as allowed are running on this replica; retry after Retry-After seconds")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = {
            @ExampleObject(name = "the active rule set, on the web", value = """
                    {"channel": "web", "placement": "home-hero", "limit": 3, "sample": 1000}"""),
            @ExampleObject(name = "a candidate", value = "{\"channel\": \"web\", \"sample\": 1000, " + RuleSetResource.EXAMPLE_FILES + "}")}))
    public Response start(@Valid @NotNull SimulationRequest body) {
        Channel channel = Channel.fromId(body.channel()).orElseThrow(() -> new ProblemException(Problem.invalid(
                "/channel must be one of " + Channel.ids(), List.of(FieldError.at("/channel", "unknown channel")))));
        RuleSet active = rules.current();
        RuleSet candidate = active;
        if (body.files() != null && !body.files().isEmpty()) {
            RuleSetValidator.Validation v = validator.validate(body.files());
            if (v.ruleSet() == null) {
                throw RuleSetResource.refused("the candidate does not compile; nothing was simulated", v);
            }
            candidate = v.ruleSet();
        }
        if (candidate == null) {
            throw new ProblemException(Problem.of(Response.Status.NOT_FOUND, "no rule set is active and no candidate was given"));
        }
        SimulationJobs.Plan plan = new SimulationJobs.Plan(candidate, candidate == active ? null : active, channel, body.placement(),
                body.limit() == null ? 1 : body.limit(), body.context(), body.sample() == null ? 10_000 : body.sample());
        return jobs.start(plan)
                .map(job -> Response.accepted(job).location(URI.create("/v1/rulesets/simulations/" + job.id())).build())
                .orElseGet(() -> Response.fromResponse(new Problem("https://nbo.dev/problems/too-many-simulations", "Too Many Requests", 429,
                        "as many simulations as allowed are running on this replica; retry when one has finished", null, null).toResponse())
                        .header("Retry-After", RETRY_AFTER).build());
    }

    @GET
    @Operation(summary = "The simulations this replica knows, newest first, without their reports",
            description = "Finished jobs are kept for nbo.simulation.keep-for (100 at most)." + ON_THIS_REPLICA)
    public List<Job> list() {
        return jobs.list();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One simulation: its state, progress and report",
            description = "state is running, done, failed (with error) or cancelled. While running, report covers the customers "
                    + "done so far (customersDone of customersPlanned); when done, all of them." + ON_THIS_REPLICA)
    @APIResponse(responseCode = "200", description = "The job",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Job.class)))
    @APIResponse(responseCode = "404", description = "This replica does not know the job, or no longer keeps it")
    public Job get(@PathParam("id") String id) {
        return jobs.get(id).orElseThrow(SimulationResource::notFound);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Cancel a running simulation",
            description = "The job is cancelled at once, keeping the report of the customers done so far; its run stops at the end "
                    + "of the batch of customers it is in.")
    @APIResponse(responseCode = "204", description = "Cancelled (or was already)")
    @APIResponse(responseCode = "404", description = "This replica does not know the job")
    @APIResponse(responseCode = "409", description = "The job has already finished")
    public Response cancel(@PathParam("id") String id) {
        Job job = jobs.cancel(id).orElseThrow(SimulationResource::notFound);
        if (job.state() != SimulationJobs.State.CANCELLED) {
            throw new ProblemException(Problem.of(Response.Status.CONFLICT, "the simulation has already finished: " + job.state().id()));
        }
        return Response.noContent().build();
    }

    private static ProblemException notFound() {
        return new ProblemException(Problem.of(Response.Status.NOT_FOUND, "no such simulation on this replica"));
    }
}
