package org.overturn.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.ServletOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** HAPI's encoder flushes after every boolean and number it writes; none of those flushes may reach the client. */
class FlushAtEndResponseTest {
    private final FhirContext ctx = FhirContext.forR4Cached();

    private static Patient patient() {
        Patient patient = new Patient().setActive(true).setMultipleBirth(new org.hl7.fhir.r4.model.IntegerType(2));
        patient.addName().setFamily("Rowe");
        return patient;
    }

    @Test
    void writerWhenHapiEncodesIntoItThenNothingIsSentBeforeTheWriterCloses() throws Exception {
        MockHttpServletResponse servlet = new MockHttpServletResponse();
        PrintWriter writer = new FlushAtEndResponse(servlet).getWriter();

        ctx.newJsonParser().encodeResourceToWriter(patient(), writer);
        writer.flush();
        assertThat(servlet.isCommitted()).isFalse();

        writer.close();
        assertThat(servlet.getContentAsString()).isEqualTo(ctx.newJsonParser().encodeResourceToString(patient()));
    }

    @Test
    void outputStreamWhenFlushedThenNothingIsSentBeforeItCloses() throws Exception {
        MockHttpServletResponse servlet = new MockHttpServletResponse();
        ServletOutputStream stream = new FlushAtEndResponse(servlet).getOutputStream();

        stream.write("{\"resourceType\":".getBytes(StandardCharsets.UTF_8));
        stream.flush();
        stream.write("\"Patient\"}".getBytes(StandardCharsets.UTF_8));
        stream.flush();
        assertThat(servlet.isCommitted()).isFalse();

        stream.close();
        assertThat(servlet.getContentAsString()).isEqualTo("{\"resourceType\":\"Patient\"}");
    }

    @Test
    void requestFilterWhenTheServletFlushesThenTheResponseIsStillOpenWhenItReturns() throws Exception {
        FhirRequestFilter filter = new FhirRequestFilter(ctx, 1_000_000,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), new ClientConcurrency(8));
        MockHttpServletResponse servlet = new MockHttpServletResponse();
        boolean[] committedInside = {true};
        filter.doFilter(new MockHttpServletRequest("GET", "/fhir/metadata"), servlet, new MockFilterChain(
                new jakarta.servlet.http.HttpServlet() {
                    @Override
                    protected void doGet(jakarta.servlet.http.HttpServletRequest request,
                            jakarta.servlet.http.HttpServletResponse response) throws java.io.IOException {
                        ctx.newJsonParser().encodeResourceToWriter(patient(), response.getWriter());
                        response.getWriter().flush();
                        committedInside[0] = response.isCommitted();
                    }
                }));
        assertThat(committedInside[0]).isFalse();
        assertThat(servlet.getContentAsString()).isEqualTo(ctx.newJsonParser().encodeResourceToString(patient()));
    }
}
