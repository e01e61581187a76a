package org.overturn.authserver;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.overturn.platform.SystemWork;
import org.overturn.store.ResourceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AccessTokenResponseAuthenticationSuccessHandler;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The development authorization server (Spring Authorization Server): EHR launch ({@code launch} with a context the
 * development EHR made), standalone launch ({@code launch/patient} through the patient picker), PKCE S256 required of
 * every code flow, client credentials with {@code private_key_jwt} (SMART Backend Services), OpenID Connect with
 * {@code fhirUser}. Off unless {@code overturn.auth-server.enabled}; profile {@code dev-auth} turns it on and makes the
 * FHIR API trust it like any other issuer (its key set fetched over HTTP from {@code /oauth2/jwks}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "overturn.auth-server.enabled", havingValue = "true")
@EnableConfigurationProperties(AuthServerProperties.class)
class AuthServerConfig {
    private static final Logger log = LoggerFactory.getLogger(AuthServerConfig.class);
    static final String AUTHORIZE = "/oauth2/authorize";

    @Bean
    LaunchContexts launchContexts() {
        return new LaunchContexts();
    }

    @Bean
    RegisteredClientRepository registeredClients(AuthServerProperties properties) {
        if (properties.clients().isEmpty()) {
            throw new IllegalStateException("overturn.auth-server.enabled is set but no client is registered:"
                    + " add overturn.auth-server.clients[0].client-id and .redirect-uris (or .jwks-uri for a backend"
                    + " service), or start with the dev-auth profile, which registers the SMART app");
        }
        return new InMemoryRegisteredClientRepository(properties.clients().stream()
                .map(c -> client(c, properties))
                .toList());
    }

    private static RegisteredClient client(AuthServerProperties.Client c, AuthServerProperties properties) {
        RegisteredClient.Builder builder = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(c.clientId())
                .scopes(s -> s.addAll(c.scopes()))
                .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(properties.tokenLifetime()).build());
        if (c.backendService()) {
            SignatureAlgorithm algorithm = SignatureAlgorithm.from(c.signingAlgorithm());
            if (algorithm == null) {
                throw new IllegalStateException("overturn.auth-server.clients: " + c.clientId()
                        + " has signing-algorithm " + c.signingAlgorithm() + "; use RS384 or ES384");
            }
            return builder.clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                    .clientSettings(ClientSettings.builder()
                            .jwkSetUrl(Objects.requireNonNull(c.jwksUri(), "a backend service has its keys").toString())
                            .tokenEndpointAuthenticationSigningAlgorithm(algorithm)
                            .build())
                    .build();
        }
        if (c.redirectUris().isEmpty()) {
            throw new IllegalStateException("overturn.auth-server.clients: " + c.clientId()
                    + " has neither redirect-uris (an app) nor jwks-uri (a backend service)");
        }
        return builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUris(r -> r.addAll(c.redirectUris()))
                .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false).build())
                .build();
    }

    @Bean
    OAuth2AuthorizationService authorizations() {
        return new InMemoryOAuth2AuthorizationService();
    }

    /** A key made at each start: tokens from an earlier start are no longer valid, as befits development. */
    @Bean
    JWKSource<SecurityContext> authServerKeys() {
        try {
            RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
            return new ImmutableJWKSet<>(new JWKSet(key));
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException("Could not make the authorization server's signing key", e);
        }
    }

    @Bean
    JwtDecoder authServerJwtDecoder(JWKSource<SecurityContext> keys) {
        return OAuth2AuthorizationServerConfiguration.jwtDecoder(keys);
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(AuthServerProperties properties,
            @Value("${server.port:8080}") int port) {
        URI issuer = properties.issuer() != null ? properties.issuer() : URI.create("http://127.0.0.1:" + port);
        return AuthorizationServerSettings.builder().issuer(issuer.toString()).build();
    }

    @Bean
    DevelopmentUsers developmentUsers(AuthServerProperties properties, @Value("${overturn.fhir.base-url:}") String fhirBase) {
        return new DevelopmentUsers(properties.users(), fhirBase);
    }

    /** Each development user's resource, stored at start so that the {@code fhirUser} of their tokens can be read. */
    @Bean
    ApplicationRunner storeDevelopmentUsers(DevelopmentUsers users, ResourceStore store) {
        return args -> SystemWork.run("auth-server", () -> users.store(store));
    }

    @Bean
    SmartTokens smartTokens(DevelopmentUsers users, LaunchContexts launches,
            OAuth2AuthorizationService authorizations, @Value("${overturn.security.audience:${overturn.fhir.base-url:}}") String audience) {
        if (audience.isBlank()) {
            throw new IllegalStateException("overturn.auth-server.enabled is set but not the audience of its tokens:"
                    + " set overturn.fhir.base-url (or overturn.security.audience) to this server's FHIR base URL");
        }
        return new SmartTokens(audience, launches, users, authorizations);
    }

    /** The protocol endpoints: authorize, token, JWKS, metadata, OpenID Connect. */
    @Bean
    @Order(1)
    SecurityFilterChain authorizationServerChain(HttpSecurity http, JWKSource<SecurityContext> keys, SmartTokens tokens,
            LaunchContexts launches, AuthorizationServerSettings settings,
            @Value("${overturn.security.audience:${overturn.fhir.base-url:}}") String audience) throws Exception {
        OAuth2AuthorizationServerConfigurer server = OAuth2AuthorizationServerConfigurer.authorizationServer();
        JwtGenerator jwt = new JwtGenerator(new NimbusJwtEncoder(keys));
        jwt.setJwtCustomizer(tokens.claims());
        OAuth2AccessTokenResponseAuthenticationSuccessHandler response = new OAuth2AccessTokenResponseAuthenticationSuccessHandler();
        response.setAccessTokenResponseCustomizer(tokens.response());
        http.securityMatcher(server.getEndpointsMatcher())
                .with(server, s -> s.tokenGenerator(jwt)
                        .oidc(Customizer.withDefaults())
                        .clientAuthentication(c -> c.authenticationConverters(list -> list.add(0, new BackendClientAssertion())))
                        .authorizationEndpoint(e -> e.authenticationProviders(providers -> providers.forEach(p -> {
                            if (p instanceof OAuth2AuthorizationCodeRequestAuthenticationProvider code) {
                                code.setAuthenticationValidator(authorizeRequests(launches, audience));
                            }
                        })))
                        .tokenEndpoint(e -> e.accessTokenResponseHandler(response)
                                .authenticationProviders(providers -> providers.forEach(p -> {
                                    if (p instanceof OAuth2ClientCredentialsAuthenticationProvider cc) {
                                        cc.setAuthenticationValidator(backendRequests());
                                    }
                                }))))
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .cors(AbstractHttpConfigurer::disable) // one CORS layer: platform.CorsConfig, before every chain
                // One place sets the common headers, platform.SecurityHeadersFilter; the token endpoint adds Pragma.
                .headers(AbstractHttpConfigurer::disable)
                .addFilterBefore(new TokenAnswersUncached(settings.getTokenEndpoint()), SecurityContextHolderFilter.class)
                .addFilterBefore(new PatientPickerRedirect(), SecurityContextHolderFilter.class)
                .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint(AuthPages.LOGIN),
                        PathPatternRequestMatcher.withDefaults().matcher(AUTHORIZE)));
        return http.build();
    }

    /** The pages: sign-in, patient picker, development EHR. */
    @Bean
    @Order(2)
    SecurityFilterChain authPagesChain(HttpSecurity http, AuthServerProperties properties) throws Exception {
        Set<String> users = properties.users().stream().map(AuthServerProperties.User::username)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        AuthenticationProvider developmentUsers = new AuthenticationProvider() {
            @Override
            public org.springframework.security.core.Authentication authenticate(
                    org.springframework.security.core.Authentication authentication) {
                if (!users.contains(authentication.getName())) {
                    throw new BadCredentialsException("Not a configured development user");
                }
                return UsernamePasswordAuthenticationToken.authenticated(
                        authentication.getName(), null, AuthorityUtils.createAuthorityList("ROLE_USER"));
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
            }
        };
        PathPatternRequestMatcher.Builder path = PathPatternRequestMatcher.withDefaults();
        http.securityMatcher(path.matcher("/auth/**"))
                .cors(AbstractHttpConfigurer::disable)
                .headers(AbstractHttpConfigurer::disable)
                .authenticationProvider(developmentUsers)
                .authorizeHttpRequests(a -> a.requestMatchers(path.matcher(AuthPages.LOGIN),
                                path.matcher(AuthPages.EHR), path.matcher(AuthPages.EHR_LAUNCH))
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .formLogin(f -> f.loginPage(AuthPages.LOGIN).permitAll());
        log.warn("DEVELOPMENT AUTHORIZATION SERVER: anyone who reaches this server can sign in as {} and obtain"
                + " tokens; it is for development and tests only and listens on loopback only.", users);
        return http.build();
    }

    /**
     * Authorize requests: the registration's scopes cover narrower SMART scopes; {@code aud} must be this FHIR
     * server; a request for {@code launch} or {@code launch/patient} must carry a live launch context. Then the
     * library's own checks (redirect URI, scopes, PKCE, prompt).
     */
    private static Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> authorizeRequests(
            LaunchContexts launches, String audience) {
        OAuth2AuthorizationCodeRequestAuthenticationValidator library = new OAuth2AuthorizationCodeRequestAuthenticationValidator();
        return context -> {
            OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
            RegisteredClient client = context.getRegisteredClient();
            OAuth2AuthorizationCodeRequestAuthenticationContext.Builder widened =
                    OAuth2AuthorizationCodeRequestAuthenticationContext.with(request)
                            .registeredClient(RegisteredClient.from(client)
                                    .scopes(s -> s.addAll(ScopeGrants.covered(client.getScopes(), request.getScopes())))
                                    .build());
            if (context.getAuthorizationRequest() != null) {
                widened.authorizationRequest(context.getAuthorizationRequest());
            }
            if (context.getAuthorizationConsent() != null) {
                widened.authorizationConsent(context.getAuthorizationConsent());
            }
            library.accept(widened.build());
            Map<String, Object> extra = request.getAdditionalParameters();
            Object aud = extra.get("aud");
            if (aud == null || !audience.equals(aud.toString())) {
                throw refused(request, "aud must be this FHIR server's base URL, " + audience);
            }
            if (request.getScopes().contains("launch") || request.getScopes().contains("launch/patient")) {
                Object launch = extra.get(SmartTokens.LAUNCH);
                if (launch == null || launches.patient(launch.toString()).isEmpty()) {
                    throw refused(request, "launch is missing or has expired: launch the app again from the EHR");
                }
            }
        };
    }

    private static OAuth2AuthorizationCodeRequestAuthenticationException refused(
            OAuth2AuthorizationCodeRequestAuthenticationToken request, String description) {
        return new OAuth2AuthorizationCodeRequestAuthenticationException(
                new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, description, null), request);
    }

    /** Client credentials: the registration's scopes cover narrower SMART scopes; then the library's check. */
    private static Consumer<OAuth2ClientCredentialsAuthenticationContext> backendRequests() {
        OAuth2ClientCredentialsAuthenticationValidator library = new OAuth2ClientCredentialsAuthenticationValidator();
        return context -> {
            RegisteredClient client = context.getRegisteredClient();
            library.accept(OAuth2ClientCredentialsAuthenticationContext.with(context.getAuthentication())
                    .registeredClient(RegisteredClient.from(client)
                            .scopes(s -> s.addAll(ScopeGrants.covered(
                                    client.getScopes(), context.<org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken>getAuthentication().getScopes())))
                            .build())
                    .build());
        };
    }

    /**
     * The token endpoint's answers, tokens and errors alike, carry {@code Pragma: no-cache} beside the
     * {@code Cache-Control: no-store} of every API answer (platform.SecurityHeadersFilter), as RFC 6749 section 5.1
     * and SMART ask of an authorization server. Set before the chain runs, so a refused client's answer has it too.
     */
    static final class TokenAnswersUncached extends OncePerRequestFilter {
        private final String tokenEndpoint;

        TokenAnswersUncached(String tokenEndpoint) {
            this.tokenEndpoint = tokenEndpoint;
        }

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return !tokenEndpoint.equals(request.getRequestURI());
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            response.setHeader("Pragma", "no-cache");
            chain.doFilter(request, response);
        }
    }

    /**
     * A standalone launch asks for {@code launch/patient} without a launch context: the user picks the patient first
     * (the picker sends the request back with one).
     */
    static final class PatientPickerRedirect extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String scope = request.getParameter("scope");
            if ("GET".equals(request.getMethod())
                    && AUTHORIZE.equals(request.getRequestURI())
                    && request.getParameter(SmartTokens.LAUNCH) == null
                    && scope != null
                    && Arrays.asList(scope.split(" ")).contains("launch/patient")) {
                response.sendRedirect(UriComponentsBuilder.fromPath(AuthPages.PATIENTS)
                        .query(request.getQueryString()).build().toUriString());
                return;
            }
            chain.doFilter(request, response);
        }
    }
}
