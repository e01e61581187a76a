package org.overturn.cds;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The CDS Hooks edge: discovery and service calls. */
@RestController
@RequestMapping("/cds-services")
class CdsController {
    private final CoverageHookService services;

    CdsController(CoverageHookService services) {
        this.services = services;
    }

    @GetMapping(produces = "application/json")
    CdsJson.Discovery discovery() {
        return new CdsJson.Discovery(services.descriptors());
    }

    @PostMapping(path = "/{id}", consumes = "application/json", produces = "application/json")
    CdsJson.Response call(@PathVariable String id, @RequestBody CdsJson.Request request) {
        return services.call(id, request);
    }
}
