package org.overturn.platform;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.lang.Nullable;

/**
 * Which URLs a feature may make this server call (an EHR's {@code fhirServer}, a subscriber's rest-hook endpoint):
 * hosts named in configuration ({@code host}, {@code host:port}, {@code *.domain}, or {@code *} for any host that is
 * not loopback), plus loopback when the feature allows it (development, tests). Plain http only to loopback, so a
 * bearer token or PHI never crosses a network in clear text. Anything else is never contacted.
 */
public final class HostAllowList {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final List<String> entries;
    private final boolean loopbackAllowed;
    private final String what;
    private final String setting;

    /**
     * @param what how refusals name the URL ("fhirServer", "endpoint")
     * @param setting the configuration key of {@code entries}, named in refusals
     */
    public HostAllowList(List<String> entries, boolean loopbackAllowed, String what, String setting) {
        this.entries = entries.stream().map(e -> e.trim().toLowerCase(Locale.ROOT)).filter(e -> !e.isEmpty()).toList();
        this.loopbackAllowed = loopbackAllowed;
        this.what = what;
        this.setting = setting;
    }

    /** Null when {@code url} may be called, else why not. */
    @Nullable
    public String refusal(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        if (host.isEmpty() || !(scheme.equals("https") || scheme.equals("http"))) {
            return what + " '" + url + "' is not an http(s) URL";
        }
        boolean loopback = LOOPBACK.contains(host);
        if (scheme.equals("http") && !loopback) {
            return what + " '" + url + "' is plain http; only https is allowed (plain http only to loopback)";
        }
        if (loopback && loopbackAllowed) {
            return null;
        }
        int port = url.getPort() == -1 ? (scheme.equals("https") ? 443 : 80) : url.getPort();
        for (String entry : entries) {
            if (entry.equals(host) || entry.equals(host + ":" + port)
                    || (entry.equals("*") && !loopback)
                    || (entry.startsWith("*.") && host.endsWith(entry.substring(1)))) {
                return null;
            }
        }
        return what + " host '" + host + "' is not on the allow-list (" + setting + ")";
    }
}
