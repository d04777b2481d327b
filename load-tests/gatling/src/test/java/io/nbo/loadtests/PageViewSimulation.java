package io.nbo.loadtests;


/** Page-view decisions: {@code POST /v1/decisions}, channel web, limit 1, a random customer, page, placement and device. */
public class PageViewSimulation extends NboSimulation {
    {
        setUp(Nbo.warmupThenMeasure("decision", "/v1/decisions", Traffic::pageView)).protocols(Nbo.protocol());
    }
}
