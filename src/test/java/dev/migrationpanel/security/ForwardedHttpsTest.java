package dev.migrationpanel.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Behind a TLS proxy ({@code server.forward-headers-strategy=native}, the proxy on this host as nginx would be):
 * what the proxy says in {@code X-Forwarded-Proto}/{@code -For} counts, so the session cookie is Secure and HSTS
 * is sent when the browser spoke HTTPS to the proxy, and the audit trail names the browser's address.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "server.forward-headers-strategy=native")
class ForwardedHttpsTest {

    @LocalServerPort
    int port;
    @Autowired
    UserService users;
    @Autowired
    AuditEventRepository audit;

    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void overPlainHttpTheCookieIsLaxAndHttpOnlyButNotSecureAndThereIsNoHsts() throws Exception {
        HttpResponse<String> page = get("/login");
        assertThat(page.statusCode()).isEqualTo(200);
        String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("JSESSIONID=").contains("HttpOnly").contains("SameSite=Lax").doesNotContain("Secure");
        assertThat(page.headers().firstValue("Strict-Transport-Security")).isEmpty();
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("default-src 'self'");
    }

    @Test
    void forwardedHttpsMakesTheCookieSecureAndSendsHsts() throws Exception {
        HttpResponse<String> page = get("/login", "X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.7");
        assertThat(page.statusCode()).isEqualTo(200);
        String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("JSESSIONID=").contains("Secure").contains("HttpOnly").contains("SameSite=Lax");
        assertThat(page.headers().firstValue("Strict-Transport-Security").orElseThrow())
                .contains("max-age=31536000").contains("includeSubDomains");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("same-origin");
    }

    @Test
    void theAuditTrailNamesTheAddressTheProxyForwarded() throws Exception {
        String name = "fwd-" + System.nanoTime() % 100000;
        users.create(name, Role.VIEWER, SecurityTestSupport.PASSWORD, SecurityTestSupport.PASSWORD);
        HttpResponse<String> page = get("/login", "X-Forwarded-Proto", "https", "X-Forwarded-For", "198.51.100.23");
        String session = page.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(csrf.find()).isTrue();
        HttpResponse<String> signIn = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", session)
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-For", "198.51.100.23")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + enc(name) + "&password="
                        + enc(SecurityTestSupport.PASSWORD) + "&_csrf=" + enc(csrf.group(1))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).isEqualTo(302);
        // the redirect goes to the HTTPS address the browser used, and the new session cookie is Secure
        assertThat(signIn.headers().firstValue("Location").orElseThrow()).startsWith("https://");
        assertThat(signIn.headers().firstValue("Set-Cookie").orElseThrow()).contains("Secure");
        assertThat(audit.findAll()).anySatisfy(e -> {
            assertThat(e.getAction()).isEqualTo("signin.succeeded");
            assertThat(e.getTargetName()).isEqualTo(name);
            assertThat(e.getDetail()).contains("198.51.100.23");
        });
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
