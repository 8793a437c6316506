package dev.migrationpanel.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabLocks;
import dev.migrationpanel.web.BrowserSupport;

/**
 * The backups page in headless Chromium, for a MariaDB, a PostgreSQL and a SQLite dump a real backup job took of
 * the lab's df-* instances: the admin adds the scratch server on its page (the password never shown again), clicks
 * test-restore on the dump's row, reads the plan, runs it, and finds the result on the backups page and its
 * per-table counts on the result's page.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ResourceLock(LabLocks.DREAMFACTORY)
class TestRestoreBrowserIT {

    @LocalServerPort
    int port;
    @Autowired
    InstanceService instances;
    @Autowired
    FlowService flows;
    @Autowired
    JobService jobs;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    JdbcTemplate jdbc;

    final Lab lab = Lab.get();
    WebDriver browser;

    @BeforeEach
    void start() {
        browser = BrowserSupport.start();
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("tr-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
        SecurityContextHolder.clearContext();
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    /** Adds the lab's scratch server of this vendor on the ADMIN's page, as an admin types it. */
    private String addScratchServer(String vendor) {
        String name = "lab-scratch-" + vendor + "-" + System.nanoTime() % 100000;
        browser.get(url("/admin/scratch-servers"));
        browser.findElement(By.id("name")).sendKeys(name);
        new Select(browser.findElement(By.id("vendor"))).selectByValue(vendor.equals("mariadb") ? "mysql" : "pgsql");
        browser.findElement(By.id("host")).sendKeys("127.0.0.1");
        browser.findElement(By.id("port")).sendKeys(lab.property(vendor.equals("mariadb") ? "mariadb.port" : "postgres.port"));
        browser.findElement(By.id("username")).sendKeys(lab.property("scratch.user"));
        browser.findElement(By.id("password")).sendKeys(lab.property("scratch.password"));
        browser.findElement(By.id("add-scratch")).click();
        // the click returns before the redirect's page has loaded: wait for the flash, or say what the page showed
        BrowserSupport.waiting(browser, Duration.ofSeconds(30)).until(d -> !d.findElements(By.cssSelector(".flash.ok")).isEmpty());
        assertThat(browser.findElement(By.cssSelector(".flash.ok")).getText()).contains("Added the scratch server " + name);
        assertThat(browser.getPageSource()).doesNotContain(lab.property("scratch.password"));
        return name;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "pgsql", "sqlite"})
    void testRestoreFromTheBackupsPageShowsItsResult(String vendor) throws Exception {
        Instance instance = instances.create(TestInstances.labForm(lab, vendor, "trb-" + vendor, "ed25519"));
        TestInstances.pinLabHostKey(jdbc, instance.getId(), lab);
        Artifact dump = TestRestoreLabIT.backUp(flows, jobs, artifacts, instances.get(instance.getId()));
        BrowserSupport.signInAsAdmin(browser, port);
        String scratch = vendor.equals("sqlite") ? null : addScratchServer(vendor);

        browser.get(url("/backups?kind=DB_DUMP"));
        WebElement row = browser.findElement(By.cssSelector("#backups tr[data-artifact='" + dump.getId() + "']"));
        assertThat(row.findElement(By.cssSelector("td.test-restore")).getText()).contains("never");
        if (scratch != null) {
            new Select(row.findElement(By.name("option.scratch"))).selectByVisibleText(scratch);
        } else {
            assertThat(row.findElements(By.name("option.scratch"))).as("SQLite needs no scratch server").isEmpty();
        }
        row.findElement(By.cssSelector(".test-restore-button")).click();

        BrowserSupport.waiting(browser, Duration.ofSeconds(60)).until(d -> d.findElements(By.id("plan-steps")).size() == 1);
        String plan = browser.findElement(By.id("plan-steps")).getText();
        assertThat(plan).contains("Restore into a scratch database, count, compare, drop")
                .contains(vendor.equals("sqlite") ? ".sqlite on trb-sqlite" : "on the scratch server " + scratch);
        browser.findElement(By.id("start-job")).click();
        BrowserSupport.waiting(browser, Duration.ofMinutes(2)).until(d ->
                List.of("SUCCEEDED", "FAILED").contains(d.findElement(By.cssSelector("h1 .status")).getText()));
        assertThat(browser.findElement(By.cssSelector("h1 .status")).getText()).isEqualTo("SUCCEEDED");

        browser.get(url("/backups?instanceId=" + instance.getId() + "&kind=DB_DUMP"));
        WebElement result = browser.findElement(By.cssSelector("#backups tr[data-artifact='" + dump.getId()
                + "'] a.test-restore-result"));
        assertThat(result.getText()).contains("PASS");
        result.click();
        BrowserSupport.waiting(browser, Duration.ofSeconds(30)).until(d -> !d.findElements(By.id("test-restore-result")).isEmpty());
        assertThat(browser.findElement(By.id("test-restore-result")).getText()).isEqualTo("PASS");
        assertThat(browser.findElement(By.id("test-restore-reason")).getText()).contains("restored with the source's row counts");
        List<WebElement> tables = browser.findElements(By.cssSelector("#test-restore-tables tbody tr"));
        assertThat(tables).hasSizeGreaterThan(3).allSatisfy(t -> assertThat(t.getText()).endsWith("ok"));
        if (vendor.equals("mariadb")) {
            browser.manage().window().setSize(new Dimension(1280, 900));
            Files.createDirectories(Path.of("target/screenshots"));
            Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(),
                    Path.of("target/screenshots/test-restore.png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
