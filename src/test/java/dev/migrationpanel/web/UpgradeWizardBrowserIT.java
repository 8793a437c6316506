package dev.migrationpanel.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceForm;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabLocks;

/**
 * An operator clicks through the minor-upgrade wizard in headless Chromium on the lab's MariaDB upgrade
 * install: pre-flight, options (bad input refused field by field), review, run with the log arriving
 * live, the result's follow-ups, and the DB dump downloaded with a matching SHA-256.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ResourceLock(LabLocks.DREAMFACTORY)
class UpgradeWizardBrowserIT {

    @LocalServerPort
    int port;
    @Autowired
    InstanceService instances;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    dev.migrationpanel.instance.InstanceConnections connections;

    final Lab lab = Lab.get();
    WebDriver browser;
    Instance instance;

    @BeforeEach
    void setUp() {
        Lab.reset("up-mariadb");
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("setup", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        InstanceForm form = TestInstances.labForm(lab, "up-mariadb", "df-upgrade-lab", "rsa");
        form.setName("df-upgrade-lab"); // the screenshots show this name
        form.setEnvironment("staging");
        instance = instances.create(form);
        TestInstances.pinLabHostKey(jdbc, instance.getId(), lab);
        SecurityContextHolder.clearContext();
        browser = BrowserSupport.start();
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
        Lab.reset("up-mariadb");
    }

    private WebDriverWait waiting() {
        return BrowserSupport.waiting(browser, Duration.ofSeconds(120));
    }

    private void type(String id, String text) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(text);
    }

    private List<String> fieldErrors() {
        return browser.findElements(By.cssSelector(".field-error")).stream().map(WebElement::getText).toList();
    }

    @Test
    void clickThroughTheWizardAndUpgrade() throws Exception {
        BrowserSupport.signInAsAdmin(browser, port);

        browser.get("http://localhost:" + port + "/instances/" + instance.getId() + "/flows");
        browser.findElement(By.id("flow-dreamfactory-minor-upgrade")).click();
        // the wizard's first page reads nothing: the pre-flight is asked for (a POST)
        waiting().until(d -> d.findElements(By.id("run-preflight")).size() == 1);
        assertThat(browser.findElements(By.id("preflight"))).isEmpty();
        browser.findElement(By.id("run-preflight")).click();
        waiting().until(d -> d.findElements(By.id("preflight")).size() == 1);
        assertThat(browser.findElement(By.id("preflight")).getText()).contains("DreamFactory 7.0.0").contains("Room for the backup")
                .contains("Room for the dump");
        assertThat(browser.findElement(By.cssSelector("#preflight tr[data-item='Room for the dump']")).getText())
                .contains("OK").contains("the DB holds");

        // bad input, refused by the server field by field
        type("ref", "--upload-pack=touch /tmp/pwned");
        type("webUser", "www data");
        browser.findElement(By.id("to-review")).click();
        waiting().until(d -> !d.findElements(By.cssSelector(".field-error")).isEmpty());
        assertThat(fieldErrors()).anyMatch(e -> e.startsWith("Target ref: a branch or tag name"))
                .anyMatch(e -> e.startsWith("Web user: the Unix user"));
        assertThat(browser.getPageSource()).doesNotContain("Exception");

        type("ref", "master");
        type("webUser", "dflab");
        Path authJson = Files.createTempDirectory("commercial").resolve("auth.json");
        Files.writeString(authJson, "{\"http-basic\": {}}\n");
        browser.findElement(By.id("commercialFiles")).sendKeys(authJson.toString());
        if (!browser.findElements(By.id("acknowledged")).isEmpty()) {
            browser.findElement(By.id("acknowledged")).click();
        }
        browser.findElement(By.id("to-review")).click();
        waiting().until(d -> d.findElements(By.id("plan-steps")).size() == 1);
        String plan = browser.findElement(By.id("plan-steps")).getText();
        assertThat(plan).contains("Place the commercial file auth.json").contains("/opt/lab/up-mariadb/auth.json")
                .contains("git stash push").contains("git checkout 'master'").contains("git pull origin 'master'")
                .contains("composer install --no-dev --ignore-platform-reqs").contains("php artisan migrate --seed --force")
                .contains("(nothing runs) no web server is configured");
        browser.manage().window().setSize(new Dimension(1280, 2200));
        Files.createDirectories(Path.of("target/screenshots"));
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(),
                Path.of("target/screenshots/upgrade-review.png"), StandardCopyOption.REPLACE_EXISTING);

        browser.findElement(By.id("start-job")).click();
        waiting().until(d -> d.findElements(By.cssSelector(".joblog-lines")).size() == 1);
        waiting().until(d -> d.findElement(By.cssSelector(".joblog-lines")).getText().contains("steps succeeded"));
        assertThat(browser.findElement(By.cssSelector(".joblog-lines")).getText())
                .contains("Step 1/").contains("version now: 7.1.0").contains("no new errors");
        waiting().until(d -> d.findElements(By.id("follow-ups")).size() == 1);
        try (var ssh = connections.openSsh(instances.get(instance.getId()))) {
            assertThat(ssh.run("cat /opt/lab/up-mariadb/auth.json", Duration.ofSeconds(10)).stdout())
                    .isEqualTo("{\"http-basic\": {}}\n");
        }
        assertThat(browser.findElement(By.id("follow-ups")).getText()).contains("Roll back").contains("Reset Composer")
                .contains("Version before: 7.0.0 · after: 7.1.0 · target: master");

        WebElement dumpRow = browser.findElements(By.cssSelector("#artifacts tbody tr")).stream()
                .filter(r -> r.getText().contains("DB_DUMP")).findFirst().orElseThrow();
        String sha = dumpRow.findElement(By.cssSelector(".sha")).getText();
        Object downloaded = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0]).then(async r => done([r.status, r.headers.get('X-Checksum-SHA256'),"
                        + " (await r.text()).includes('CREATE TABLE')])).catch(e => done(['error', String(e)]));",
                dumpRow.findElement(By.cssSelector("a.download")).getAttribute("href"));
        assertThat(downloaded.toString()).isEqualTo("[200, " + sha + ", true]");
    }
}
