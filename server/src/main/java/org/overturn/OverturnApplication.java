package org.overturn;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Overturn: a FHIR R4 server for prior authorization and appeals of specialty cancer drugs. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class OverturnApplication {

    public static void main(String[] args) {
        SpringApplication.run(OverturnApplication.class, args);
    }
}
