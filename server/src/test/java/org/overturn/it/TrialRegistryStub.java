package org.overturn.it;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;

/**
 * The stand-in for ClinicalTrials.gov (a system we don't own), started once for the test JVM on a loopback port; the
 * servers under test point {@code overturn.trials.base-url} at it. A test stubs the answer it needs before it asks.
 */
public final class TrialRegistryStub {
    static final WireMockServer SERVER = start();

    private TrialRegistryStub() {}

    private static WireMockServer start() {
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        return server;
    }

    static String apiBase() {
        return "http://127.0.0.1:" + SERVER.port() + "/api/v2";
    }
}
