package dev.migrationpanel.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobRepository;
import dev.migrationpanel.job.JobStatus;

/**
 * The Content-Security-Policy does not break the pages: headless Chromium (no lab needed) signs in and opens
 * every kind of page, Swagger UI included, and its console reports no refused script, style or image. The
 * static scan ({@link ContentSecurityPolicyTemplatesTest}) runs without a browser; this proves the real thing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Execution(ExecutionMode.CONCURRENT) // nothing of the lab: runs beside any other lab test
class ContentSecurityPolicyBrowserIT {

    @LocalServerPort
    int port;
    @Autowired
    JobRepository jobs;

    @Test
    void noPageTriggersAContentSecurityPolicyViolation() {
        Job job = new Job("upgrade", "CSP check", null, null, "admin", Instant.now());
        job.setStatus(JobStatus.RUNNING);
        long jobId = jobs.save(job).getId();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(BrowserSupport.CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        System.setProperty("webdriver.chrome.driver", BrowserSupport.CHROMEDRIVER);
        WebDriver browser = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File(BrowserSupport.CHROMEDRIVER)).build(), options);
        List<String> violations = new ArrayList<>();
        try {
            BrowserSupport.signInAsAdmin(browser, port);
            for (String path : List.of("/", "/instances", "/instances/new", "/jobs", "/jobs/" + jobId, "/audit",
                    "/admin/users", "/account", "/swagger-ui/index.html")) {
                browser.get("http://localhost:" + port + path);
                if (path.startsWith("/swagger")) {
                    new WebDriverWait(browser, Duration.ofSeconds(60))
                            .until(d -> !d.findElements(By.cssSelector(".swagger-ui .info")).isEmpty());
                }
                sleep(path.startsWith("/jobs/") ? 3000 : 300); // the job page polls and follows its log
                for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
                    String message = entry.getMessage();
                    if (message.contains("Content Security Policy") || message.contains("Refused to")) {
                        violations.add(path + ": " + message);
                    }
                }
            }
        } finally {
            browser.quit();
        }
        assertThat(violations).isEmpty();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
