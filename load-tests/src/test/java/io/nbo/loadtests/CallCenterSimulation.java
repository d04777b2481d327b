package io.nbo.loadtests;

import io.gatling.javaapi.core.Simulation;

/** Call-center decisions: channel call_center, the top five offers for a random customer. */
public class CallCenterSimulation extends Simulation {
    {
        setUp(Nbo.warmupThenMeasure("decision", "/v1/decisions", Traffic::callCenter)).protocols(Nbo.protocol());
    }
}
