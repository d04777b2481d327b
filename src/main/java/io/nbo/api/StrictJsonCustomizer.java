package io.nbo.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nbo.config.StrictJson;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/** The API reads request bodies by {@link StrictJson}'s rules: trailing text, duplicate keys and fractional whole numbers are 400s. */
@Singleton
public class StrictJsonCustomizer implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        StrictJson.apply(mapper);
    }
}
