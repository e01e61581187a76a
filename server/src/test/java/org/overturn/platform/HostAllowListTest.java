package org.overturn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostAllowListTest {

    private static HostAllowList cds(List<String> entries, boolean developmentMode) {
        return new HostAllowList(entries, developmentMode, "fhirServer", "overturn.cds.ehr.allowed-hosts");
    }

    @Test
    void namedHostsPortsAndSubdomainsAreAllowedOverHttpsOnly() {
        HostAllowList list = cds(List.of("ehr.hospital.example", "fhir.clinic.example:8443", "*.health.example"), false);
        assertThat(list.refusal(URI.create("https://ehr.hospital.example/fhir"))).isNull();
        assertThat(list.refusal(URI.create("https://EHR.hospital.example/R4"))).isNull();
        assertThat(list.refusal(URI.create("https://fhir.clinic.example:8443/fhir"))).isNull();
        assertThat(list.refusal(URI.create("https://fhir.clinic.example/fhir"))).contains("not on the allow-list");
        assertThat(list.refusal(URI.create("https://a.b.health.example/fhir"))).isNull();
        assertThat(list.refusal(URI.create("https://health.example.attacker.example/fhir"))).contains("not on the allow-list");
        assertThat(list.refusal(URI.create("http://ehr.hospital.example/fhir"))).contains("plain http");
        assertThat(list.refusal(URI.create("file:///etc/passwd"))).contains("not an http(s) URL");
    }

    @Test
    void loopbackOnlyInDevelopmentModeOrWhenNamed() {
        assertThat(cds(List.of(), false).refusal(URI.create("http://127.0.0.1:9999/fhir"))).contains("not on the allow-list");
        assertThat(cds(List.of(), true).refusal(URI.create("http://127.0.0.1:9999/fhir"))).isNull();
        assertThat(cds(List.of(), true).refusal(URI.create("http://localhost/fhir"))).isNull();
        assertThat(cds(List.of("127.0.0.1:9999"), false).refusal(URI.create("http://127.0.0.1:9999/fhir"))).isNull();
        assertThat(cds(List.of(), true).refusal(URI.create("https://169.254.169.254/latest"))).contains("not on the allow-list");
    }

    @Test
    void starAllowsAnyHostOverHttpsButNeverLoopbackUnlessLoopbackIsAllowed() {
        HostAllowList any = new HostAllowList(List.of("*"), false, "endpoint", "overturn.subscriptions.allowed-hosts");
        assertThat(any.refusal(URI.create("https://subscriber.clinic.example/hook"))).isNull();
        assertThat(any.refusal(URI.create("http://subscriber.clinic.example/hook"))).contains("plain http");
        assertThat(any.refusal(URI.create("https://127.0.0.1:8443/hook"))).contains("overturn.subscriptions.allowed-hosts");
        assertThat(any.refusal(URI.create("http://localhost:8080/hook"))).contains("endpoint host 'localhost'");
        assertThat(new HostAllowList(List.of("*"), true, "endpoint", "x").refusal(URI.create("http://localhost:8080/hook"))).isNull();
    }
}
