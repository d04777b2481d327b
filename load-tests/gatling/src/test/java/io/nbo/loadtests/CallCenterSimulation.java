package io.nbo.loadtests;


/** Call-center decisions: channel call_center, the top five offers for a random customer. */
public class CallCenterSimulation extends NboSimulation {
    {
        setUp(Nbo.warmupThenMeasure("decision", "/v1/decisions", Traffic::callCenter)).protocols(Nbo.protocol());
    }
}
