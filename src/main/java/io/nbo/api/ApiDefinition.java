package io.nbo.api;

import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The schemas of the OpenAPI document that no resource method names itself: the problem detail
 * every error answer carries, and one event of {@code POST /v1/events}. {@link ApiContract} puts them
 * where they belong. (Title, version and description come from application.properties.)
 */
@OpenAPIDefinition(info = @Info(title = "nbo next-best-offer API", version = "0.1.0"),
        components = @Components(schemas = {
                @Schema(name = "Problem", implementation = Problem.class),
                @Schema(name = "EventInput", implementation = EventInput.class)}))
public final class ApiDefinition {

    private ApiDefinition() {
    }
}
