package io.nbo.loadtests;

import io.gatling.javaapi.core.Simulation;

/** Page-view decisions: {@code POST /v1/decisions}, channel web, limit 1, a random customer, page, placement and device. */
public class PageViewSimulation extends Simulation {
    {
        setUp(Nbo.warmupThenMeasure("decision", "/v1/decisions", Traffic::pageView)).protocols(Nbo.protocol());
    }
}
