package io.nbo.context;

import io.nbo.config.NboConfig;
import io.nbo.redis.RedisConnection;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.validation.Validator;

/** Wires the customer repositories and the customer data validator into the application. */
public class ContextProducer {

    // Made at start: a missing script fails the start, and the decision's scripts are in Redis before the first decision.
    @Produces
    @Singleton
    @Startup
    CustomerContextRepository repository(RedisConnection connection, NboConfig config) {
        return new CustomerContextRepository(connection, config.decision().recentEvents());
    }

    @Produces
    @Singleton
    @Startup
    PersonalDataRepository personalData(RedisConnection connection) {
        return new PersonalDataRepository(connection);
    }

    @Produces
    @Singleton
    CustomerDataValidator validator(Validator validator) {
        return new CustomerDataValidator(validator);
    }
}
