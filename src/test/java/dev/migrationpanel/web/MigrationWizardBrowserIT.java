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
import org.openqa.selenium.support.ui.Select;
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
 * An admin migrates the lab's PostgreSQL 7.0.0 source to its fresh 7.1.0 target in headless Chromium:
 * from the instance's flows to the wizard, the target picked, the pre-flight of both sides read, the plan
 * reviewed and run, the live job page watched to its end, and the proof's report downloaded. Only the pgsql
 * pair: other lab tests may use the MariaDB and SQLite pairs at the same time.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ResourceLock(LabLocks.DREAMFACTORY)
class MigrationWizardBrowserIT {

    private static final String SOURCE = "ms-pgsql";
    private static final String TARGET = "mt-pgsql";

    @LocalServerPort
    int port;
    @Autowired
    InstanceService instances;
    @Autowired
    JdbcTemplate jdbc;

    final Lab lab = Lab.get();
    WebDriver browser;
    Instance source;
    Instance target;

    @BeforeEach
    void setUp() {
        Lab.reset(SOURCE);
        Lab.reset(TARGET);
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("setup", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        source = register(SOURCE, "df-old-pgsql");
        target = register(TARGET, "df-new-pgsql");
        SecurityContextHolder.clearContext();
        browser = BrowserSupport.start();
    }

    private Instance register(String labInstance, String name) {
        InstanceForm form = TestInstances.labForm(lab, labInstance, name, "ecdsa");
        form.setName(name); // the screenshot shows these names
        Instance instance = instances.create(form);
        TestInstances.pinLabHostKey(jdbc, instance.getId(), lab);
        return instance;
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
        Lab.reset(SOURCE);
        Lab.reset(TARGET);
    }

    private WebDriverWait waiting(int seconds) {
        return BrowserSupport.waiting(browser, Duration.ofSeconds(seconds));
    }

    private String row(String item) {
        return browser.findElement(By.cssSelector("#preflight tr[data-item='" + item + "']")).getText();
    }

    @Test
    void pickTheTargetReviewRunAndDownloadTheProof() throws Exception {
        BrowserSupport.signInAsAdmin(browser, port);

        browser.get("http://localhost:" + port + "/instances/" + source.getId());
        browser.findElement(By.id("flows-link")).click();
        browser.findElement(By.id("flow-dreamfactory-major-migration")).click();
        waiting(60).until(d -> d.findElements(By.id("choose-target")).size() == 1);
        assertThat(browser.findElements(By.id("preflight"))).as("no pre-flight before a target is chosen").isEmpty();
        List<String> offered = new Select(browser.findElement(By.id("target"))).getOptions().stream()
                .map(o -> o.getAttribute("value")).toList();
        assertThat(offered).contains(String.valueOf(target.getId())).doesNotContain(String.valueOf(source.getId()));

        new Select(browser.findElement(By.id("target"))).selectByValue(String.valueOf(target.getId()));
        browser.findElement(By.id("run-preflight")).click();
        waiting(120).until(d -> d.findElements(By.id("preflight")).size() == 1);
        String preflight = browser.findElement(By.id("preflight")).getText();
        assertThat(preflight).contains("Source · df-old-pgsql").contains("Target · df-new-pgsql")
                .contains("DreamFactory 7.0.0").contains("DreamFactory 7.1.0");
        assertThat(row("Same DB vendor")).contains("OK").contains("PostgreSQL on both sides");
        assertThat(row("Fresh target")).contains("OK").contains("no more than a fresh install");
        assertThat(row("Admin UI")).contains("OK").contains("7.0.0 → 7.1.0");
        assertThat(row("PHP")).contains("OK");
        assertThat(browser.findElements(By.id("blocked"))).as("nothing blocks the migration").isEmpty();
        assertThat(browser.findElement(By.id("transfer-path")).getText()).isEqualTo("SFTP to the target host");
        assertThat(browser.findElement(By.id("transfer-stream")).isSelected()).as("streamed into a plain host by default")
                .isTrue();
        assertThat(browser.findElement(By.id("transfer-staged")).isSelected()).isFalse();

        browser.manage().window().setSize(new Dimension(1280, 1300));
        Files.createDirectories(Path.of("target/screenshots"));
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(),
                Path.of("target/screenshots/migration-wizard.png"), StandardCopyOption.REPLACE_EXISTING);

        // a fresh target asks for no wipe; warnings, when the lab's disks give any, must be acknowledged
        assertThat(browser.findElements(By.id("wipeTarget"))).isEmpty();
        if (!browser.findElements(By.id("acknowledged")).isEmpty()) {
            browser.findElement(By.id("acknowledged")).click();
        }
        browser.findElement(By.id("to-review")).click();
        waiting(120).until(d -> d.findElements(By.id("plan-steps")).size() == 1);
        // the review answers the options' POST: the plan's options travel in its start form
        assertThat(browser.findElement(By.cssSelector("input[name='option.target']")).getAttribute("value"))
                .isEqualTo(String.valueOf(target.getId()));
        assertThat(browser.findElement(By.cssSelector("input[name='option.transfer']")).getAttribute("value"))
                .isEqualTo("stream");
        String plan = browser.findElement(By.id("plan-steps")).getText();
        assertThat(plan).contains("php artisan migrate:fresh --force").contains("Prove the migration")
                .contains("| through the panel, stored as artifact df-old-pgsql-migration-pgsql-dump.sql (encrypted)")
                .contains("on df-old-pgsql").contains("on df-new-pgsql")
                .doesNotContain(lab.instance(SOURCE).dbPassword()).doesNotContain(lab.instance(TARGET).dbPassword())
                .doesNotContain(lab.instance(SOURCE).appKey());

        browser.findElement(By.id("start-job")).click();
        waiting(60).until(d -> d.findElements(By.cssSelector(".joblog-lines")).size() == 1);
        // the page refreshes its timeline while the job runs and reloads once when it ends
        waiting(300).until(d -> "false".equals(d.findElement(By.id("job-page")).getAttribute("data-active")));

        assertThat(browser.findElement(By.cssSelector("h1 .status")).getText())
                .as(browser.findElement(By.tagName("body")).getText()).isEqualTo("SUCCEEDED");
        WebElement proof = browser.findElements(By.cssSelector("#steps tbody tr")).stream()
                .filter(r -> r.getText().contains("Prove the migration")).findFirst().orElseThrow();
        assertThat(proof.getAttribute("data-status")).isEqualTo("SUCCEEDED");
        assertThat(proof.findElement(By.cssSelector(".step-message")).getText()).contains("APP_KEY carried");

        String reportName = "df-new-pgsql-migration-proof.txt";
        WebElement link = browser.findElements(By.cssSelector("#artifacts a.download")).stream()
                .filter(a -> a.getText().equals(reportName)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + reportName + " in " + browser.findElement(By.id("artifacts")).getText()));
        Object downloaded = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0]).then(async r => { const t = await r.text();"
                        + " done([r.status, t.includes(\"OK    APP_KEY: the target's equals the source's\"), t.includes('FAIL')]); })"
                        + ".catch(e => done(['error', String(e)]));",
                link.getAttribute("href"));
        assertThat(downloaded.toString()).isEqualTo("[200, true, false]");
    }
}
