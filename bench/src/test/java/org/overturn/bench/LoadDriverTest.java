package org.overturn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class LoadDriverTest {

    @Test
    void requireLoopbackWhenRemoteHostThenRefused() {
        assertThatThrownBy(() -> LoadDriver.requireLoopback(URI.create("http://10.0.0.1:8080/fhir")))
                .hasMessageContaining("only loopback");
    }

    @Test
    void requireLoopbackWhenLocalThenAccepted() throws Exception {
        LoadDriver.requireLoopback(URI.create("http://127.0.0.1:8080/fhir"));
        LoadDriver.requireLoopback(URI.create("http://localhost:8080/fhir"));
    }

    @Test
    void optionsWhenOutOfBoundsThenRefused() {
        assertThatThrownBy(() -> LoadDriver.Options.parse(new String[] {"--clients", "0"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadDriver.Options.parse(new String[] {"--scenario", "delete-everything"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(LoadDriver.Options.parse(new String[] {"--clients", "8"}).clients()).isEqualTo(8);
    }
}
