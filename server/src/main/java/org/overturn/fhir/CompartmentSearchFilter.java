package org.overturn.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.overturn.platform.OverturnException;
import org.overturn.platform.Outcomes;
import org.overturn.store.SearchParameterRegistry;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Compartment search (R4 http.html#vsearch, search.html#compartments): {@code GET [base]/Patient/[id]/[type]?...} and
 * {@code POST [base]/Patient/[id]/[type]/_search} are the type's search narrowed to the members of that patient's
 * compartment, as R4's CompartmentDefinition for Patient names them. HAPI's plain server binds compartment searches
 * only to a method per compartment type, so the request goes on as the type's search, with the patient as a request
 * attribute that {@link FhirInteractions#search} applies and the links of the answer repeat. What
 * {@link CompartmentPath#check} refuses is answered here, with an OperationOutcome that says what to search instead.
 */
final class CompartmentSearchFilter extends OncePerRequestFilter {
    /** The Patient whose compartment the search is narrowed to. */
    static final String PATIENT = CompartmentSearchFilter.class.getName() + ".patient";
    /** The path the caller used ({@code Patient/p1/Observation}), which the answer's links repeat. */
    static final String PATH = CompartmentSearchFilter.class.getName() + ".path";

    private final FhirContext ctx;
    private final SearchParameterRegistry registry;

    CompartmentSearchFilter(FhirContext ctx, SearchParameterRegistry registry) {
        this.ctx = ctx;
        this.registry = registry;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String[] s = path.startsWith("/fhir/") ? path.substring("/fhir/".length()).split("/", -1) : new String[0];
        boolean get = request.getMethod().equals("GET") || request.getMethod().equals("HEAD");
        boolean search = (get && s.length == 3)
                || (request.getMethod().equals("POST") && s.length == 4 && s[3].equals("_search"));
        CompartmentPath compartment = search ? CompartmentPath.of(s) : null;
        if (compartment == null) {
            chain.doFilter(request, response); // not a compartment search: HAPI routes it
            return;
        }
        try {
            compartment.check(registry);
        } catch (OverturnException refused) {
            OutcomeResponses.write(ctx, response, refused.code().httpStatus(),
                    Outcomes.error(refused.code(), refused.getMessage()));
            return;
        }
        request.setAttribute(PATIENT, compartment.id());
        request.setAttribute(PATH, compartment.path());
        String typePath = request.getContextPath() + "/fhir/" + compartment.type() + (s.length == 4 ? "/_search" : "");
        chain.doFilter(new TypeSearch(request, typePath), response);
    }

    /** The compartment of a search HAPI passed on from this filter, or null for a plain type search. */
    static @Nullable String patientOf(RequestDetails request) {
        return request instanceof ServletRequestDetails servlet
                ? (String) servlet.getServletRequest().getAttribute(PATIENT)
                : null;
    }

    /** The path the links of a search's answer repeat: the compartment path, or the type. */
    static String pathOf(RequestDetails request, String type) {
        Object path = request instanceof ServletRequestDetails servlet
                ? servlet.getServletRequest().getAttribute(PATH)
                : null;
        return path == null ? type : (String) path;
    }

    /** The request as HAPI should route it: the type's search, same parameters, headers and body. */
    private static final class TypeSearch extends HttpServletRequestWrapper {
        private final String uri;

        TypeSearch(HttpServletRequest request, String uri) {
            super(request);
            this.uri = uri;
        }

        @Override
        public String getRequestURI() {
            return uri;
        }

        @Override
        public StringBuffer getRequestURL() {
            StringBuffer original = super.getRequestURL();
            String originalUri = super.getRequestURI();
            return new StringBuffer(original.substring(0, original.length() - originalUri.length())).append(uri);
        }

        @Override
        public String getPathInfo() {
            String servletPath = getServletPath();
            String prefix = getContextPath() + (servletPath == null ? "" : servletPath);
            return uri.startsWith(prefix) ? uri.substring(prefix.length()) : super.getPathInfo();
        }
    }
}
