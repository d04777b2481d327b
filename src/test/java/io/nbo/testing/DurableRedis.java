package io.nbo.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** An application of its own on a redis-server that keeps an AOF, so a test can kill it and lose nothing acknowledged. */
public class DurableRedis implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(RedisServerResource.class, Map.of("durable", "true")));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
