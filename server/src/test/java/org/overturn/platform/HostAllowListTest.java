package org.overturn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
        assertThat(cds(List.of(), true).refusal(URI.create("https://169.254.169.254/latest"))).contains("link-local");
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

    /**
     * With "*" (any host) every notation of an address on this machine, a private network, link-local (cloud metadata)
     * or the unspecified address is refused: the host is read as the HTTP client would read it, not compared as text.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "https://127.0.0.2:5432/",
        "https://127.1/",
        "https://0.0.0.0/",
        "https://0/",
        "https://[::ffff:127.0.0.1]/",
        "https://[::ffff:7f00:1]/",
        "https://2130706433/",
        "https://0x7f000001/",
        "https://0x7f.0.0.1/",
        "https://017700000001/",
        "https://0177.0.0.1/",
        "https://169.254.169.254/latest/meta-data",
        "https://[fe80::1]/",
        "https://[::1]/",
        "https://[::]/",
        "https://10.0.0.5/",
        "https://172.16.4.2/",
        "https://192.168.1.1/",
        "https://100.64.0.1/",
        "https://[fc00::1]/",
        "https://[fd12:3456::1]/",
        "https://224.0.0.1/",
        "https://LOCALHOST/",
        "https://localhost./",
        "https://vm/",
    })
    void anyHostNeverReachesThisMachinePrivateOrLinkLocalAddressesInAnyNotation(String url) {
        HostAllowList any = new HostAllowList(List.of("*"), false, "endpoint", "overturn.subscriptions.allowed-hosts");
        assertThat(any.refusal(URI.create(url))).as(url).isNotNull();
    }

    @Test
    void anyHostStillAllowsPublicAddressesAndNamesThatDoNotResolveHere() {
        HostAllowList any = new HostAllowList(List.of("*"), false, "endpoint", "overturn.subscriptions.allowed-hosts");
        assertThat(any.refusal(URI.create("https://93.184.216.34/hook"))).isNull();
        assertThat(any.refusal(URI.create("https://[2606:2800:220:1::1]/hook"))).isNull();
        // Resolved again when called: a name is judged by the addresses it has then.
        assertThat(any.refusal(URI.create("https://subscriber.clinic.example/hook"))).isNull();
    }

    @Test
    void privateAddressesOnlyWhenNamedExactlyAndLinkLocalNever() {
        HostAllowList named = cds(List.of("10.0.0.5", "ehr.internal.example:8443", "169.254.169.254"), false);
        assertThat(named.refusal(URI.create("https://10.0.0.5/fhir"))).isNull();
        assertThat(named.refusal(URI.create("https://10.0.0.6/fhir"))).isNotNull();
        assertThat(named.refusal(URI.create("https://169.254.169.254/latest"))).contains("link-local");
        assertThat(cds(List.of("*.internal.example"), false).refusal(URI.create("https://10.1.2.3/fhir"))).isNotNull();
        assertThat(cds(List.of(), true).refusal(URI.create("http://0.0.0.0:8080/fhir"))).isNotNull();
    }
}
