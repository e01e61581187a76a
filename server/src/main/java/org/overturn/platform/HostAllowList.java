package org.overturn.platform;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which URLs a feature may make this server call (an EHR's {@code fhirServer}, a subscriber's rest-hook endpoint):
 * hosts named in configuration ({@code host}, {@code host:port}, {@code *.domain}, or {@code *} for any host), plus
 * loopback when the feature allows it (development, tests). Plain http only to loopback, so a bearer token or PHI
 * never crosses a network in clear text. Anything else is never contacted.
 *
 * <p>A host is judged by the addresses it stands for, as the HTTP client would read them, not by its spelling: a
 * literal in any notation ({@code 127.0.0.2}, {@code [::ffff:127.0.0.1]}, {@code 2130706433}) and a name resolved now.
 * Wildcards reach only public addresses; a loopback or private address (10/8, 172.16/12, 192.168/16, 100.64/10,
 * fc00::/7) only when named exactly; link-local (169.254/16 with cloud metadata, fe80::/10), unspecified and multicast
 * addresses never. IP addresses must be written in dotted decimal (other IPv4 notations are refused outright). Callers
 * check again right before each call, so a name that later resolves inward is refused then.
 */
public final class HostAllowList {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");
    private static final Pattern NUMERIC_HOST = Pattern.compile("((0x[0-9a-f]*|[0-9]+)\\.){0,3}(0x[0-9a-f]*|[0-9]+)");
    private static final Pattern DOTTED_DECIMAL = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}"
            + "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");

    /** What kind of place an address is, from the most to the least reachable. */
    enum Reach {
        PUBLIC,
        PRIVATE,
        LOOPBACK,
        NEVER
    }

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
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty() || !(scheme.equals("https") || scheme.equals("http"))) {
            return what + " '" + url + "' is not an http(s) URL";
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (NUMERIC_HOST.matcher(bare).matches() && !DOTTED_DECIMAL.matcher(bare).matches()) {
            return what + " '" + url + "' writes an IP address in a form other than dotted decimal (a.b.c.d)";
        }
        Reach reach = reach(bare);
        boolean loopback = LOOPBACK.contains(host) || reach == Reach.LOOPBACK;
        if (reach == Reach.NEVER) {
            return what + " host '" + host + "' is a link-local, unspecified or multicast address, which this server never calls";
        }
        if (scheme.equals("http") && !loopback) {
            return what + " '" + url + "' is plain http; only https is allowed (plain http only to loopback)";
        }
        if (loopback && loopbackAllowed) {
            return null;
        }
        int port = url.getPort() == -1 ? (scheme.equals("https") ? 443 : 80) : url.getPort();
        boolean wildcardMatched = false;
        for (String entry : entries) {
            if (entry.equals(host) || entry.equals(host + ":" + port)) {
                return null;
            }
            if (entry.equals("*") || (entry.startsWith("*.") && host.endsWith(entry.substring(1)))) {
                if (reach == Reach.PUBLIC && !loopback) {
                    return null;
                }
                wildcardMatched = true;
            }
        }
        if (wildcardMatched) {
            return what + " host '" + host + "' is " + (loopback ? "on this machine" : "a private-network address")
                    + ": not on the allow-list (" + setting + "), whose wildcards reach public addresses only; name the"
                    + " host exactly to allow it";
        }
        return what + " host '" + host + "' is not on the allow-list (" + setting + ")";
    }

    /** The least reachable kind among the addresses {@code host} stands for now; PUBLIC when it does not resolve. */
    static Reach reach(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException | SecurityException e) {
            return Reach.PUBLIC; // nothing to call yet; judged again when called
        }
        Reach worst = Reach.PUBLIC;
        for (InetAddress address : addresses) {
            Reach r = reachOf(address);
            if (r.compareTo(worst) > 0) {
                worst = r;
            }
        }
        return worst;
    }

    private static Reach reachOf(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address v6 && v6.isIPv4CompatibleAddress()) {
            try {
                return reachOf(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
            } catch (UnknownHostException e) {
                return Reach.NEVER;
            }
        }
        if (address.isAnyLocalAddress() || address.isLinkLocalAddress() || address.isMulticastAddress()
                || (b.length == 4 && b[0] == 0)) {
            return Reach.NEVER;
        }
        if (address.isLoopbackAddress()) {
            return Reach.LOOPBACK;
        }
        boolean carrierNat = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
        boolean uniqueLocal = b.length == 16 && (b[0] & 0xfe) == 0xfc;
        if (address.isSiteLocalAddress() || carrierNat || uniqueLocal) {
            return Reach.PRIVATE;
        }
        return Reach.PUBLIC;
    }
}
