package io.nbo.loadtests;

import io.gatling.javaapi.core.Simulation;
import java.util.Map;

/** A simulation that writes its timings ({@link Timings}) when it ends. */
public abstract class NboSimulation extends Simulation {

    /** The parameters to record with the timings; subclasses add their own. */
    protected Map<String, Object> params() {
        return Nbo.params();
    }

    @Override
    public void after() {
        Timings.write(getClass().getSimpleName(), params());
    }
}
