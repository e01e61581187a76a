package org.overturn.pas;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.LenientErrorHandler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.lang.Nullable;

/** Sends a PAS request Bundle to a payer's {@code Claim/$submit} and says what came back. */
final class PayerClient {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final FhirContext ctx;
    private final HttpClient http;

    PayerClient(FhirContext ctx) {
        this.ctx = ctx;
        this.http = HttpClient.newBuilder().connectTimeout(DEFAULT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    sealed interface Delivery {}

    /** 2xx with a PAS response Bundle whose first entry is the ClaimResponse. */
    record Answered(Bundle bundle, ClaimResponse response) implements Delivery {}

    /** 4xx: the payer refused the request; sending it again will not help. */
    record Refused(int status, OperationOutcome outcome) implements Delivery {}

    /** Timeout, connection failure, 5xx or an answer that is not a PAS response: worth another attempt. */
    record Failed(String reason) implements Delivery {}

    Delivery send(String endpoint, String payload, @Nullable String bearerToken, @Nullable Duration timeout) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/Claim/$submit"))
                .timeout(timeout == null ? DEFAULT_TIMEOUT : timeout)
                .header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
        if (bearerToken != null && !bearerToken.isBlank()) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            return new Failed("timed out after " + (timeout == null ? DEFAULT_TIMEOUT : timeout));
        } catch (IOException e) {
            return new Failed("could not reach the payer: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failed("interrupted");
        }
        int status = response.statusCode();
        if (status >= 500 || status == 408 || status == 429) {
            return new Failed("HTTP " + status);
        }
        IBaseResource body = parse(response.body());
        if (status >= 400) {
            OperationOutcome outcome = body instanceof OperationOutcome oo ? oo : new OperationOutcome();
            if (!outcome.hasIssue()) {
                outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.PROCESSING)
                        .setDiagnostics("The payer answered HTTP " + status + " without an OperationOutcome");
            }
            return new Refused(status, outcome);
        }
        if (status >= 200 && status < 300 && body instanceof Bundle bundle && bundle.hasEntry()
                && bundle.getEntryFirstRep().getResource() instanceof ClaimResponse claimResponse) {
            return new Answered(bundle, claimResponse);
        }
        return new Failed("HTTP " + status + " without a PAS response Bundle (ClaimResponse first)");
    }

    /** What the payer sent, read leniently (a payer's extra elements are not our client error); null if not FHIR. */
    private @Nullable IBaseResource parse(String body) {
        try {
            return ctx.newJsonParser().setParserErrorHandler(new LenientErrorHandler(false)).parseResource(body);
        } catch (DataFormatException | IllegalArgumentException e) {
            return null;
        }
    }
}
