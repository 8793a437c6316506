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
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.job.log.JobLogWriter;
import dev.migrationpanel.job.log.LogStream;
import dev.migrationpanel.lab.LabLocks;
import dev.migrationpanel.security.SecretMasker;

/**
 * An operator in real headless Chromium runs "Back up now" on the lab's PostgreSQL install: reviews the
 * plan, starts it, watches log lines arrive live, and downloads the dump, whose SHA-256 matches the one shown.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ResourceLock(LabLocks.DREAMFACTORY)
class JobBrowserIT {

    @LocalServerPort
    int port;
    @Autowired
    InstanceService instances;
    @Autowired
    JdbcTemplate jdbc;

    final Lab lab = Lab.get();
    WebDriver browser;
    Instance instance;

    @BeforeEach
    void setUp() {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("setup", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        InstanceForm form = TestInstances.labForm(lab, "pgsql", "df-pgsql-lab", "ed25519");
        form.setName("df-pgsql-lab");
        form.setEnvironment("staging");
        // the screenshot shows this name; the tests of this class share it
        instance = instances.list().stream().filter(i -> i.getName().equals("df-pgsql-lab")).findFirst()
                .orElseGet(() -> instances.create(form));
        TestInstances.pinLabHostKey(jdbc, instance.getId(), lab);
        SecurityContextHolder.clearContext();
        browser = BrowserSupport.start();
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    private WebDriverWait waiting() {
        return BrowserSupport.waiting(browser, Duration.ofSeconds(60));
    }

    @Test
    void reviewRunWatchTheLogAndDownloadTheDump() throws Exception {
        BrowserSupport.signInAsAdmin(browser, port);

        browser.get("http://localhost:" + port + "/instances/" + instance.getId());
        browser.findElement(By.id("flows-link")).click();
        browser.findElement(By.id("flow-dreamfactory-backup")).click();
        waiting().until(d -> d.findElements(By.id("plan-steps")).size() == 1);
        String plan = browser.findElement(By.id("plan-steps")).getText();
        assertThat(plan).contains("pg_dump").contains("PGPASSWORD=****").doesNotContain(lab.instance("pgsql").dbPassword());

        browser.findElement(By.id("start-job")).click();
        waiting().until(d -> d.findElements(By.cssSelector(".joblog-lines")).size() == 1);
        // lines arrive over Server-Sent Events while the page stays open
        waiting().until(d -> d.findElement(By.cssSelector(".joblog-lines")).getText().contains("All 5 steps succeeded"));
        String log = browser.findElement(By.cssSelector(".joblog-lines")).getText();
        assertThat(log).contains("Step 1/5: Capture .env").contains("Stored artifact");
        assertThat(log).doesNotContain(lab.instance("pgsql").dbPassword());

        waiting().until(d -> d.findElements(By.cssSelector("#artifacts tbody tr")).size() == 2);
        assertThat(browser.findElement(By.cssSelector("h1 .status")).getText()).isEqualTo("SUCCEEDED");
        WebElement dumpRow = browser.findElements(By.cssSelector("#artifacts tbody tr")).stream()
                .filter(r -> r.getText().contains("DB_DUMP")).findFirst().orElseThrow();
        String shownSha = dumpRow.findElement(By.cssSelector(".sha")).getText();
        String href = dumpRow.findElement(By.cssSelector("a.download")).getAttribute("href");
        Object downloaded = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0]).then(async r => done([r.status, r.headers.get('X-Checksum-SHA256'),"
                        + " r.headers.get('Content-Disposition'), (await r.text()).includes('CREATE TABLE')]))"
                        + ".catch(e => done(['error', String(e)]));", href);
        assertThat(downloaded.toString()).isEqualTo("[200, " + shownSha + ", attachment; filename=\"df-pgsql-lab-backup-pgsql-dump.sql\", true]");

        browser.manage().window().setSize(new Dimension(1280, 1550));
        Files.createDirectories(Path.of("target/screenshots"));
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, Path.of("target/screenshots/job.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Autowired
    JobService jobs;
    @Autowired
    JobLogService logs;

    @Test
    void aMillionLineLogKeepsThePageLight() throws Exception {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        Job job = jobs.start(new Plan("test.big-log", "A very long log", instance.getId(), instance.getName(), List.of(
                new Step("Confirm", null, null, false, new StepSpec.Gate("Go?"), Duration.ofHours(1), null))));
        jobs.cancel(job.getId());
        long until = System.currentTimeMillis() + 20_000;
        while (jobs.get(job.getId()).getStatus().isActive() && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        SecurityContextHolder.clearContext();
        try (JobLogWriter writer = logs.open(job.getId(), new SecretMasker(List.of()))) {
            for (int i = 1; i <= 1_000_000; i++) {
                writer.line(0, LogStream.OUT, "line " + i);
            }
        }
        BrowserSupport.signInAsAdmin(browser, port);

        long started = System.nanoTime();
        browser.get("http://localhost:" + port + "/jobs/" + job.getId());
        waiting().until(d -> d.findElements(By.cssSelector(".joblog-line")).size() >= 1000);
        System.out.printf("job page with a 1,000,000-line log: tail shown after %.0f ms%n", (System.nanoTime() - started) / 1e6);
        List<WebElement> lines = browser.findElements(By.cssSelector(".joblog-line"));
        assertThat(lines.get(lines.size() - 1).getText()).endsWith("line 1000000");
        WebElement earlier = browser.findElement(By.cssSelector(".joblog-earlier"));
        assertThat(earlier.getText()).matches("999,00[0-9] earlier lines — load earlier"); // the tail of 1,000 is shown
        for (int click = 0; click < 6; click++) {
            waiting().until(d -> d.findElement(By.cssSelector(".joblog-earlier")).isEnabled());
            browser.findElement(By.cssSelector(".joblog-earlier")).click();
        }
        waiting().until(d -> d.findElement(By.cssSelector(".joblog-earlier")).isEnabled());
        int shown = browser.findElements(By.cssSelector(".joblog-line")).size();
        assertThat(shown).as("the page keeps a bounded number of lines").isLessThanOrEqualTo(7000).isGreaterThan(1000);
        assertThat(browser.findElement(By.cssSelector(".joblog-line")).getText()).contains("line 99");
    }

    /** The review page's schedule form, the schedules page and its cancel; then a webhook channel added on its page. */
    @Test
    void scheduleAReviewedPlanForAWindowThenCancelItAndAddAWebhook() {
        BrowserSupport.signInAsAdmin(browser, port);
        browser.get("http://localhost:" + port + "/instances/" + instance.getId());
        browser.findElement(By.id("flows-link")).click();
        browser.findElement(By.id("flow-dreamfactory-backup")).click();
        waiting().until(d -> d.findElements(By.id("schedule-form")).size() == 1);
        String at = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).plusDays(2).withSecond(0).withNano(0)
                .toString().substring(0, 16);
        // a datetime-local field takes its value as the browser's own widget would set it
        ((JavascriptExecutor) browser).executeScript("document.getElementById('startAt').value = arguments[0];", at);
        browser.findElement(By.id("schedule-job")).click();
        waiting().until(d -> d.getCurrentUrl().endsWith("/schedules"));
        assertThat(browser.findElement(By.cssSelector(".flash")).getText()).contains("Scheduled", instance.getName(),
                at + ":00Z");
        WebElement row = browser.findElements(By.cssSelector("#schedules tbody tr[data-state=SCHEDULED]")).get(0);
        assertThat(row.getText()).contains(instance.getName(), at.replace('T', ' '));
        String id = row.getAttribute("data-id");
        row.findElement(By.cssSelector("button")).click();
        browser.switchTo().alert().accept();
        waiting().until(d -> d.findElement(By.cssSelector("#schedules tr[data-id='" + id + "']")).getAttribute("data-state")
                .equals("CANCELLED"));

        browser.get("http://localhost:" + port + "/admin/notifications");
        browser.findElement(By.id("name")).sendKeys("ops-hook");
        browser.findElement(By.id("url")).sendKeys("https://hooks.example.test/panel");
        browser.findElement(By.cssSelector("#channel-form button[type=submit]")).click();
        waiting().until(d -> d.findElements(By.id("generated-secret")).size() == 1);
        String secret = browser.findElement(By.id("generated-secret-value")).getText();
        assertThat(secret).matches("[0-9a-f]{64}");
        assertThat(browser.findElement(By.cssSelector("#channels tr[data-channel=ops-hook]")).getText())
                .contains("https://hooks.example.test/panel", "every instance", "failed, interrupted");
        browser.navigate().refresh();
        assertThat(browser.getPageSource()).as("the secret is shown once").doesNotContain(secret);
    }
}
