package org.overturn.cds;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.lang.Nullable;

/**
 * Which {@code fhirServer} URLs a hook call may make this server call: hosts named in configuration ({@code host},
 * {@code host:port}, {@code *.domain}), plus loopback in development mode. Plain http only to loopback, so a bearer
 * token never crosses a network in clear text. Anything else is never contacted.
 */
final class HostAllowList {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final List<String> entries;
    private final boolean loopbackAllowed;

    HostAllowList(List<String> entries, boolean developmentMode) {
        this.entries = entries.stream().map(e -> e.trim().toLowerCase(Locale.ROOT)).filter(e -> !e.isEmpty()).toList();
        this.loopbackAllowed = developmentMode;
    }

    /** Null when {@code url} may be called, else why not. */
    @Nullable
    String refusal(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        if (host.isEmpty() || !(scheme.equals("https") || scheme.equals("http"))) {
            return "fhirServer '" + url + "' is not an http(s) URL";
        }
        boolean loopback = LOOPBACK.contains(host);
        if (scheme.equals("http") && !loopback) {
            return "fhirServer '" + url + "' is plain http; only https EHRs are called";
        }
        if (loopback && loopbackAllowed) {
            return null;
        }
        int port = url.getPort() == -1 ? (scheme.equals("https") ? 443 : 80) : url.getPort();
        for (String entry : entries) {
            if (entry.equals(host) || entry.equals(host + ":" + port)
                    || (entry.startsWith("*.") && host.endsWith(entry.substring(1)))) {
                return null;
            }
        }
        return "fhirServer host '" + host + "' is not on the allow-list (overturn.cds.ehr.allowed-hosts)";
    }
}
