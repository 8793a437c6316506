package dev.migrationpanel.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.web.BrowserSupport;

/**
 * The dashboard in headless Chromium follows a job without a reload: a job waiting at its gate shows in its
 * instance's row with its progress; once it is continued, the row turns idle with the job as its last result
 * and the counts move, while the page itself was never reloaded.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Execution(ExecutionMode.CONCURRENT) // nothing of the lab: runs beside any other lab test
class DashboardBrowserIT {

    @LocalServerPort
    int port;
    @Autowired
    InstanceService instances;
    @Autowired
    JobService jobs;
    @Autowired
    JdbcTemplate jdbc;

    WebDriver browser;

    @BeforeEach
    void start() {
        browser = BrowserSupport.start();
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
        SecurityContextHolder.clearContext();
    }

    private String cell(long instanceId, String column) {
        return browser.findElement(By.cssSelector("#fleet-table tr[data-instance='" + instanceId + "'] td." + column)).getText();
    }

    @Test
    void aRunningJobMovesOnTheDashboardWithoutAReload() throws Exception {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("dash-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        DashboardFixture fixture = new DashboardFixture(instances, jobs, jdbc);
        Instant now = Instant.now();
        Instance prod = fixture.instance("df-prod", "dreamfactory", "production");
        Instance cms = fixture.instance("cms-staging", "cairncms", "staging");
        fixture.check(prod, "OK", now.minus(Duration.ofMinutes(42)), "DreamFactory 7.1.0");
        fixture.backup(prod, now.minus(Duration.ofHours(9)), 48L * 1024 * 1024, false);
        fixture.finishedJob(prod, "Back up now", JobStatus.SUCCEEDED, now.minus(Duration.ofHours(9)));
        fixture.check(cms, "WARNING", now.minus(Duration.ofHours(3)), null);
        fixture.finishedJob(cms, "Structure promotion", JobStatus.FAILED, now.minus(Duration.ofHours(4)));
        Job waiting = fixture.waitingJob(cms);

        BrowserSupport.signInAsAdmin(browser, port);
        browser.get("http://localhost:" + port + "/");
        assertThat(cell(cms.getId(), "active")).contains("Gate on the dashboard").contains("WAITING").contains("0/2");
        assertThat(cell(prod.getId(), "version")).isEqualTo("DreamFactory 7.1.0");
        assertThat(cell(prod.getId(), "backup")).contains("9 h ago").contains("48 MiB");
        assertThat(cell(cms.getId(), "last")).contains("Structure promotion").contains("FAILED");
        long waitingBefore = Long.parseLong(browser.findElement(By.id("count-waiting")).getText());
        browser.manage().window().setSize(new Dimension(1280, 700));
        Files.createDirectories(Path.of("target/screenshots"));
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(),
                Path.of("target/screenshots/dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
        ((JavascriptExecutor) browser).executeScript("window.stillThisPage = true;");

        jobs.continueAtGate(waiting.getId());

        BrowserSupport.waiting(browser, Duration.ofSeconds(30))
                .until(d -> cell(cms.getId(), "active").contains("idle"));
        assertThat(cell(cms.getId(), "last")).contains("Gate on the dashboard").contains("SUCCEEDED");
        assertThat(Long.parseLong(browser.findElement(By.id("count-waiting")).getText())).isEqualTo(waitingBefore - 1);
        assertThat(((JavascriptExecutor) browser).executeScript("return window.stillThisPage === true;"))
                .as("updated in place, not reloaded").isEqualTo(true);
    }
}
