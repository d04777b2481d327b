package io.nbo.rules;

import io.nbo.offers.OfferCatalogLoader;
import io.nbo.redis.RedisConnection;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.validation.Validator;
import java.time.Clock;

/** Wires the plain rule-set classes into the application. */
public class RuleSetProducer {

    @Produces
    @Singleton
    RuleSetCompiler compiler(Validator validator) {
        return new RuleSetCompiler(new OfferCatalogLoader(validator), Clock.systemUTC());
    }

    @Produces
    @Singleton
    RuleSetStore store(RedisConnection redis) {
        return new RuleSetStore(redis);
    }
}
