package dev.migrationpanel.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
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
 * Through a real Tomcat, where forwards and error dispatches happen (MockMvc only records them): the
 * friendly 403 page, a sign-in with the CSRF token from the page, and the API's problem+json answers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RealServerTest {

    @LocalServerPort
    int port;
    @Autowired
    UserService users;

    private final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postForm(String path, String form) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String csrfFrom(String page) {
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
        assertThat(m.find()).as("a CSRF field in the page").isTrue();
        return m.group(1);
    }

    @Test
    void aViewerSignsInAndGetsTheFriendly403PageOnAdminPages() throws Exception {
        String name = "real-viewer-" + System.nanoTime() % 100000;
        users.create(name, Role.VIEWER, SecurityTestSupport.PASSWORD, SecurityTestSupport.PASSWORD);

        HttpResponse<String> loginPage = get("/login");
        assertThat(loginPage.statusCode()).isEqualTo(200);
        HttpResponse<String> signIn = postForm("/login", "username=" + enc(name) + "&password="
                + enc(SecurityTestSupport.PASSWORD) + "&_csrf=" + enc(csrfFrom(loginPage.body())));
        assertThat(signIn.statusCode()).isEqualTo(302);
        assertThat(signIn.headers().firstValue("Location").orElseThrow()).doesNotContain("error");

        HttpResponse<String> denied = get("/admin/users");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(denied.body()).contains("Not allowed").contains("Back to the start page")
                .contains("class=\"topbar\"").contains(name).doesNotContain("Exception");

        HttpResponse<String> audit = get("/audit");
        assertThat(audit.statusCode()).isEqualTo(200);
        // a form without its CSRF token: the friendly page, with the reason
        HttpResponse<String> noCsrf = postForm("/account/tokens", "name=x");
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(noCsrf.body()).contains("reload the page");
    }

    @Test
    void withoutForwardHeadersConfiguredAForgedForwardedProtoChangesNothing() throws Exception {
        // server.forward-headers-strategy is not set here: a client cannot claim HTTPS by a header
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                .header("X-Forwarded-Proto", "https").GET().build(), HttpResponse.BodyHandlers.ofString());
        String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("JSESSIONID=").contains("HttpOnly").contains("SameSite=Lax").doesNotContain("Secure");
        assertThat(page.headers().firstValue("Strict-Transport-Security")).isEmpty();
    }

    @Test
    void theApiAnswersProblemJsonThroughTheServer() throws Exception {
        HttpResponse<String> response = get("/api/v1/audit");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(response.body()).contains("\"detail\":\"Sign in with an API token");
        assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
    }
}
