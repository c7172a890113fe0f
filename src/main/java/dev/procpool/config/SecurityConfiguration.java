package dev.procpool.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The optional API key, in Spring Security's filter chain: with {@code procpool.security.api-key}
 * (or {@code PROCPOOL_API_KEY}) set, everything but {@code /actuator/health} — the API, Swagger UI,
 * the OpenAPI document — needs it; without, every request is let through as before.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiKeyChain(HttpSecurity http, ProcpoolProperties properties) throws Exception {
        String key = properties.security().apiKey();
        if (key == null || key.isBlank()) {
            key = System.getenv().getOrDefault("PROCPOOL_API_KEY", "");
        }
        http.csrf(c -> c.disable())
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(r -> r.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        if (key.isBlank()) {
            http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
            return http.build();
        }
        byte[] expected = key.getBytes(StandardCharsets.UTF_8);
        http.addFilterBefore(new ApiKeyFilter(expected), AuthorizationFilter.class)
                .authorizeHttpRequests(a -> a
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll() // the request itself was checked
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        // the dashboard's page and scripts hold no data; the calls they make need the key
                        .requestMatchers("/", "/index.html", "/dashboard/**", "/favicon.ico").permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(e -> e.authenticationEntryPoint((request, response, ex) -> unauthorized(response))
                        .accessDeniedHandler((request, response, ex) -> unauthorized(response)));
        return http.build();
    }

    /** A path Spring Security's firewall refuses ({@code ..}, encoded slashes, NUL): a 400 problem like any bad name. */
    @Bean
    org.springframework.security.web.firewall.RequestRejectedHandler rejectedAsProblem() {
        return (request, response, rejected) -> {
            response.setStatus(400);
            response.setContentType("application/problem+json");
            response.getOutputStream().write(("{\"type\":\"https://procpool.dev/problems/malformed-request\",\"title\":\"Malformed request\","
                    + "\"status\":400,\"detail\":\"the request's path or headers are refused (for example '..', an encoded slash or a NUL)\"}")
                    .getBytes(StandardCharsets.UTF_8));
        };
    }

    /** No users or passwords: only the key authenticates (and Boot does not make up a password). */
    @Bean
    AuthenticationManager noPasswords() {
        return authentication -> {
            throw new BadCredentialsException("procpool authenticates API keys only");
        };
    }

    private static void unauthorized(HttpServletResponse response) throws IOException {
        response.setStatus(401);
        response.setHeader("WWW-Authenticate", "Bearer");
        response.setContentType("application/problem+json");
        response.getOutputStream().write(("{\"type\":\"https://procpool.dev/problems/unauthorized\",\"title\":\"Unauthorized\",\"status\":401,"
                + "\"detail\":\"this service needs its API key: send X-API-Key: <key> or Authorization: Bearer <key>\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Authenticates a request that carries the key; compares in constant time. */
    static final class ApiKeyFilter extends OncePerRequestFilter {
        private final byte[] expected;

        ApiKeyFilter(byte[] expected) {
            this.expected = expected;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String given = request.getHeader("X-API-Key");
            String authorization = request.getHeader("Authorization");
            if (given == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                given = authorization.substring(7).trim();
            }
            if (given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
                var auth = UsernamePasswordAuthenticationToken.authenticated("api-key", null, List.of());
                SecurityContextHolder.getContext().setAuthentication(auth);
            }
            try {
                chain.doFilter(request, response);
            } finally {
                SecurityContextHolder.clearContext();
            }
        }
    }
}
