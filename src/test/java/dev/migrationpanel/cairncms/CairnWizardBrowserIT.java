package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
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
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.web.BrowserSupport;

/**
 * An admin clicks through the CairnCMS wizard in headless Chromium on the lab's real CairnCMS (SQLite, the fastest
 * pair): from the source's flows to the wizard, a target of another vendor refused by the pre-flight, the right
 * target's pre-flight read (both sides' storage and server checks), the plan reviewed, run to its gate, continued
 * and proved.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CairnWizardBrowserIT {

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
    Instance otherVendor;

    @BeforeEach
    void setUp() {
        Lab.reset("ct-sqlite");
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("setup", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        source = CairnLabInstances.register(instances, jdbc, lab, lab.cairn("cs-sqlite"), true);
        target = CairnLabInstances.register(instances, jdbc, lab, lab.cairn("ct-sqlite"), true);
        otherVendor = CairnLabInstances.register(instances, jdbc, lab, lab.cairn("ct-pgsql"), true);
        SecurityContextHolder.clearContext();
        browser = BrowserSupport.start();
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
        Lab.reset("ct-sqlite");
    }

    private WebDriverWait waiting(int seconds) {
        return BrowserSupport.waiting(browser, Duration.ofSeconds(seconds));
    }

    private String row(String item) {
        return browser.findElements(By.cssSelector("#preflight tr[data-item='" + item + "']")).stream()
                .map(e -> e.getText()).reduce((a, b) -> a + "\n" + b).orElse("(no " + item + " row)");
    }

    private void preflight(Instance chosen) {
        new Select(browser.findElement(By.id("target"))).selectByValue(String.valueOf(chosen.getId()));
        browser.findElement(By.id("run-preflight")).click();
        waiting(180).until(d -> d.findElements(By.id("preflight")).size() == 1);
    }

    @Test
    void structurePromotionFromTheFlowListToItsProof() {
        BrowserSupport.signInAsAdmin(browser, port);
        browser.get("http://localhost:" + port + "/instances/" + source.getId() + "/flows");
        browser.findElement(By.id("flow-cairncms-structure-promotion")).click();
        waiting(60).until(d -> d.findElements(By.id("choose-target")).size() == 1);
        assertThat(browser.findElements(By.id("preflight"))).as("nothing is read before a target is chosen").isEmpty();
        List<String> offered = new Select(browser.findElement(By.id("target"))).getOptions().stream()
                .map(o -> o.getAttribute("value")).toList();
        assertThat(offered).contains(String.valueOf(target.getId()), String.valueOf(otherVendor.getId()))
                .doesNotContain(String.valueOf(source.getId()));

        preflight(otherVendor);
        assertThat(row("Same DB vendor")).contains("BLOCKING").contains("SQLite").contains("PostgreSQL");
        assertThat(browser.findElements(By.id("blocked"))).hasSize(1);
        assertThat(browser.findElements(By.id("to-review"))).as("no options for a refused pair").isEmpty();

        preflight(target);
        String preflight = browser.findElement(By.id("preflight")).getText();
        assertThat(preflight).contains("Source · " + source.getName()).contains("Target · " + target.getName());
        assertThat(row("Same DB vendor")).contains("OK").contains("SQLite on both sides");
        assertThat(row("Storage local")).contains("OK").contains("file(s)");
        assertThat(row("File bytes")).as("the lab's source has one file row without its bytes").contains("WARNING")
                .contains("lost-scan.pdf");
        assertThat(browser.findElements(By.id("blocked"))).isEmpty();

        browser.findElement(By.id("to-review")).click();
        waiting(60).until(d -> d.findElements(By.id("wizard-options")).size() == 1
                && d.findElements(By.cssSelector("#wizard-options .field-error")).size() == 1);
        assertThat(browser.findElement(By.cssSelector("#wizard-options .field-error")).getText())
                .as("warnings must be acknowledged").contains("read the warnings");
        browser.findElement(By.id("acknowledged")).click();
        browser.findElement(By.id("to-review")).click();
        waiting(120).until(d -> d.findElements(By.id("plan-steps")).size() == 1);
        assertThat(browser.findElement(By.cssSelector("input[name='option.target']")).getAttribute("value"))
                .isEqualTo(String.valueOf(target.getId()));
        assertThat(browser.findElement(By.cssSelector("input[name='option.destructive']")).getAttribute("value"))
                .isEqualTo("false");
        String plan = browser.findElement(By.id("plan-steps")).getText();
        assertThat(plan).contains("schema snapshot -y").contains("schema apply --dry-run").contains("config apply -y")
                .doesNotContain("--destructive").doesNotContain(lab.cairn("cs-sqlite").secret());

        browser.findElement(By.id("start-job")).click();
        waiting(300).until(d -> d.findElements(By.id("continue-job")).size() == 1);
        assertThat(browser.findElement(By.cssSelector(".joblog-lines")).getText()).as("the dry run shown at the gate")
                .contains("articles");
        browser.findElement(By.id("continue-job")).click();
        waiting(600).until(d -> d.findElements(By.id("job-page")).size() == 1
                && "false".equals(d.findElement(By.id("job-page")).getAttribute("data-active")));
        assertThat(browser.findElement(By.cssSelector("h1 .status")).getText())
                .as(browser.findElement(By.tagName("body")).getText()).isEqualTo("SUCCEEDED");
    }
}
