package dev.migrationpanel.fief;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
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
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabLocks;
import dev.migrationpanel.web.BrowserSupport;

/**
 * An admin consolidates the lab's Fief (MariaDB) in headless Chromium: from the instance's flows to the wizard, a bad
 * e-mail refused on the field, the pre-flight read, the plan (the backticked RENAME TABLE) reviewed and run, the job
 * page watched to its end with the proof passed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ResourceLock(LabLocks.FIEF)
class FiefWizardBrowserIT {

    private static final String NAME = "fief-mariadb";

    @LocalServerPort
    int port;
    @Autowired
    InstanceService instances;
    @Autowired
    JdbcTemplate jdbc;

    final Lab lab = Lab.get();
    WebDriver browser;
    Instance fief;

    @BeforeEach
    void setUp() {
        FiefLab.reset(NAME, "none");
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("setup", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        fief = FiefLab.register(instances, jdbc, lab, NAME);
        SecurityContextHolder.clearContext();
        browser = BrowserSupport.start();
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
        FiefLab.reset(NAME, "none");
    }

    private WebDriverWait waiting(int seconds) {
        return BrowserSupport.waiting(browser, Duration.ofSeconds(seconds));
    }

    private String row(String item) {
        return browser.findElement(By.cssSelector("#preflight tr[data-item='" + item + "']")).getText();
    }

    @Test
    void preflightReviewRunAndProof() throws Exception {
        BrowserSupport.signInAsAdmin(browser, port);
        browser.get("http://localhost:" + port + "/instances/" + fief.getId());
        browser.findElement(By.id("flows-link")).click();
        browser.findElement(By.id("flow-fief-consolidate-workspace")).click();
        waiting(60).until(d -> d.findElements(By.id("fief-preflight-form")).size() == 1);
        assertThat(browser.findElements(By.id("preflight"))).as("nothing read before the POST").isEmpty();

        browser.findElement(By.id("adminEmail")).sendKeys("not-an-address");
        browser.findElement(By.id("run-preflight")).click();
        waiting(60).until(d -> !d.findElements(By.cssSelector(".field-error")).isEmpty());
        assertThat(browser.findElement(By.cssSelector(".has-error .field-error")).getText()).contains("e-mail");

        browser.findElement(By.id("adminEmail")).clear();
        browser.findElement(By.id("adminEmail")).sendKeys(FiefLab.property(lab, NAME, "admin.email"));
        browser.findElement(By.id("run-preflight")).click();
        waiting(120).until(d -> d.findElements(By.id("preflight")).size() == 1);
        assertThat(row("Workspace tables")).contains("OK").contains("28 fief_* tables");
        assertThat(row("ENCRYPTION_KEY")).contains("OK").contains("decrypts all 6 Fernet value(s)");
        assertThat(row("Admin e-mail")).contains("OK");
        assertThat(row("Name clashes")).contains("OK");
        assertThat(browser.findElements(By.id("blocked"))).isEmpty();
        browser.manage().window().setSize(new Dimension(1280, 1300));
        Files.createDirectories(Path.of("target/screenshots"));
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(),
                Path.of("target/screenshots/fief-wizard.png"), StandardCopyOption.REPLACE_EXISTING);

        browser.findElement(By.id("to-review")).click();
        waiting(120).until(d -> d.findElements(By.id("plan-steps")).size() == 1);
        String plan = browser.findElement(By.id("plan-steps")).getText();
        assertThat(plan).contains("RENAME TABLE `" + FiefLab.property(lab, NAME, "workspace") + "`.`fief_alembic_version` TO "
                + "`fief_main`.`fief_alembic_version`").contains("grant-admin-role").contains("CI deploy, Terraform")
                .doesNotContain(FiefLab.property(lab, NAME, "db.password")).doesNotContain(FiefLab.property(lab, NAME, "key"));

        browser.findElement(By.id("start-job")).click();
        waiting(60).until(d -> d.findElements(By.cssSelector(".joblog-lines")).size() == 1);
        waiting(300).until(d -> "false".equals(d.findElement(By.id("job-page")).getAttribute("data-active")));
        assertThat(browser.findElement(By.cssSelector("h1 .status")).getText())
                .as(browser.findElement(By.tagName("body")).getText()).isEqualTo("SUCCEEDED");
        WebElement proof = browser.findElements(By.cssSelector("#steps tbody tr")).stream()
                .filter(r -> r.getText().contains("Prove the consolidation")).findFirst().orElseThrow();
        assertThat(proof.getAttribute("data-status")).isEqualTo("SUCCEEDED");
        assertThat(browser.findElement(By.tagName("body")).getText()).contains("Roll back").contains("Clean up the old tables");
    }

    /**
     * Two workspaces: the pre-flight blocks without a choice and lists both with the one-instance-per-workspace advice;
     * the move of the second to another registered Fief instance is offered beside it, and its review names the
     * pair's refusal (the other instance runs on SQLite, the workspace on MariaDB).
     */
    @Test
    void severalWorkspacesEachMayMoveToAnotherInstance() throws Exception {
        FiefLab.reset(NAME, "second-workspace");
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("setup", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        Instance other = FiefLab.register(instances, jdbc, lab, "fief-sqlite");
        SecurityContextHolder.clearContext();
        String second = lab.property("fief.second.workspace");
        BrowserSupport.signInAsAdmin(browser, port);
        browser.get("http://localhost:" + port + "/instances/" + fief.getId() + "/fief/consolidate");
        browser.findElement(By.id("adminEmail")).sendKeys(FiefLab.property(lab, NAME, "admin.email"));
        browser.findElement(By.id("run-preflight")).click();
        waiting(120).until(d -> d.findElements(By.id("preflight")).size() == 1);
        assertThat(browser.findElement(By.id("blocked")).getText()).contains("BLOCKING");
        assertThat(browser.findElement(By.id("workspaces")).getText()).contains(second)
                .contains(FiefLab.property(lab, NAME, "workspace"));
        assertThat(browser.getPageSource()).contains("one workspace per instance");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("target-" + second)))
                .selectByValue(String.valueOf(other.getId()));
        browser.findElement(By.id("move-" + second)).click();
        waiting(120).until(d -> d.findElements(By.id("plan-error")).size() == 1);
        assertThat(browser.findElement(By.id("plan-error")).getText()).contains("Target database")
                .contains("runs on SQLite");
    }
}
