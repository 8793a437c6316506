package dev.migrationpanel.cairncms;

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
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabLocks;
import dev.migrationpanel.web.BrowserSupport;

/**
 * An admin clicks through the CairnCMS wizard of each shape in headless Chromium on the lab's real CairnCMS (SQLite,
 * the fastest pair): the structure promotion from the source's flows to its proof (a target of another vendor
 * refused by the pre-flight, the dry run shown at the gate); the full clone with its options (the pause chosen, the
 * source admin's sign-in kept encrypted) to its proof, whose report the README shows; the content move's collections
 * offered and a target without the source's structure refused with the way forward.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ResourceLock(LabLocks.CAIRNCMS)
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

    /** Set by a test that writes to ct-sqlite: it is rebuilt after that test (each test finds the lab's targets fresh). */
    boolean changesSqliteTarget;

    @BeforeEach
    void setUp() {
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
        if (changesSqliteTarget) {
            Lab.reset("ct-sqlite");
        }
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
        changesSqliteTarget = true;
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
        assertThat(row("Snapshot and target")).contains("BLOCKING").contains("DB vendor SQLite (snapshot) → PostgreSQL (target)")
                .contains("subtly wrong types");
        assertThat(browser.findElements(By.id("blocked"))).hasSize(1);
        assertThat(browser.findElement(By.id("acceptMismatch")).isSelected()).as("off by default").isFalse();
        // the explicit choice: the pair is checked again with it, a warning now, and the plan carries it
        browser.findElement(By.id("acceptMismatch")).click();
        WebElement stale = browser.findElement(By.id("to-review"));
        stale.click();
        waiting(180).until(org.openqa.selenium.support.ui.ExpectedConditions.stalenessOf(stale));
        waiting(180).until(d -> d.findElements(By.id("acknowledged")).size() == 1);
        assertThat(row("Snapshot and target")).contains("WARNING").contains("subtly wrong types").contains("Applied anyway");
        browser.findElement(By.id("acknowledged")).click();
        browser.findElement(By.id("to-review")).click();
        waiting(180).until(d -> d.findElements(By.id("plan-steps")).size() == 1);
        assertThat(browser.findElement(By.cssSelector("input[name='option.acceptMismatch']")).getAttribute("value"))
                .isEqualTo("true");
        assertThat(browser.findElement(By.id("plan-steps")).getText()).as("the review shows the guide's warning")
                .contains("Applied across a mismatch, as chosen: DB vendor SQLite (snapshot) → PostgreSQL (target)")
                .contains("subtly wrong types");
        browser.get("http://localhost:" + port + "/instances/" + source.getId() + "/cairncms/structure-promotion");
        waiting(60).until(d -> d.findElements(By.id("choose-target")).size() == 1);

        preflight(target);
        String preflight = browser.findElement(By.id("preflight")).getText();
        assertThat(preflight).contains("Source · " + source.getName()).contains("Target · " + target.getName());
        assertThat(row("Snapshot and target")).contains("OK").contains("both SQLite, CairnCMS 1.0.0-beta.4");
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

    @Test
    void fullCloneWithItsOptionsToItsProofReport() throws Exception {
        changesSqliteTarget = true;
        Lab.CairnInstance labSource = lab.cairn("cs-sqlite");
        BrowserSupport.signInAsAdmin(browser, port);
        browser.get("http://localhost:" + port + "/instances/" + source.getId() + "/flows");
        browser.findElement(By.id("flow-cairncms-clone")).click();
        waiting(60).until(d -> d.findElements(By.id("choose-target")).size() == 1);
        preflight(target);
        assertThat(browser.findElements(By.id("blocked"))).as(browser.findElement(By.id("preflight")).getText()).isEmpty();

        // no pause is chosen for the admin: the review is refused until one is
        if (!browser.findElements(By.id("acknowledged")).isEmpty()) {
            browser.findElement(By.id("acknowledged")).click();
        }
        browser.findElement(By.id("adminEmail")).sendKeys(labSource.adminEmail());
        browser.findElement(By.id("adminPassword")).sendKeys(labSource.adminPassword());
        browser.findElement(By.id("to-review")).click();
        waiting(120).until(d -> d.findElements(By.id("plan-steps")).size() == 1
                || d.findElements(By.cssSelector("#wizard-options .field-error")).size() > 0);
        assertThat(browser.findElements(By.id("plan-steps"))).as("a clone needs its pause chosen").isEmpty();
        assertThat(browser.getPageSource()).doesNotContain(labSource.adminPassword());
        browser.findElement(By.id("pause-stop-source")).click();
        browser.findElement(By.id("adminPassword")).sendKeys(labSource.adminPassword());
        if (!browser.findElements(By.id("acknowledged")).isEmpty() && !browser.findElement(By.id("acknowledged")).isSelected()) {
            browser.findElement(By.id("acknowledged")).click();
        }
        browser.findElement(By.id("to-review")).click();
        waiting(120).until(d -> d.findElements(By.id("plan-steps")).size() == 1);
        assertThat(browser.findElement(By.cssSelector("input[name='option.pause']")).getAttribute("value")).isEqualTo("stop-source");
        assertThat(browser.findElement(By.cssSelector("input[name='option.adminCredentials']")).getAttribute("value"))
                .as("the sign-in kept as an artifact, its id the option").matches("[0-9a-f-]{36}");
        String plan = browser.findElement(By.id("plan-steps")).getText();
        assertThat(plan).contains("bootstrap").contains("Prove the clone").doesNotContain(labSource.secret())
                .doesNotContain(labSource.key()).doesNotContain(labSource.adminPassword());

        browser.findElement(By.id("start-job")).click();
        waiting(60).until(d -> d.findElements(By.id("job-page")).size() == 1);
        waiting(900).until(d -> "false".equals(d.findElement(By.id("job-page")).getAttribute("data-active")));
        assertThat(browser.findElement(By.cssSelector("h1 .status")).getText())
                .as(browser.findElement(By.tagName("body")).getText()).isEqualTo("SUCCEEDED");
        WebElement proof = browser.findElements(By.cssSelector("#steps tbody tr")).stream()
                .filter(r -> r.getText().contains("Prove the clone")).findFirst().orElseThrow();
        assertThat(proof.getAttribute("data-status")).isEqualTo("SUCCEEDED");

        String reportName = target.getName() + "-clone-proof.txt";
        WebElement link = browser.findElements(By.cssSelector("#artifacts a.download")).stream()
                .filter(a -> a.getText().equals(reportName)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + reportName + " in " + browser.findElement(By.id("artifacts")).getText()));
        String href = link.getAttribute("href");
        Object report = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0]).then(r => r.text()).then(t => done(t)).catch(e => done('error ' + e));", href);
        assertThat(String.valueOf(report)).doesNotContain("FAIL").contains("SECRET").doesNotContain(labSource.secret());
        // the README shows the proof's step as the job page has it, and the report it stored
        browser.manage().window().setSize(new Dimension(1280, 1100));
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'});", proof);
        Files.createDirectories(Path.of("target/screenshots"));
        Files.copy(proof.getScreenshotAs(OutputType.FILE).toPath(), Path.of("target/screenshots/cairn-clone-proof.png"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(Path.of("target/screenshots/cairn-clone-proof.txt"), String.valueOf(report));
    }

    @Test
    void contentMoveOffersTheCollectionsAndRefusesATargetWithoutTheirStructure() {
        BrowserSupport.signInAsAdmin(browser, port);
        browser.get("http://localhost:" + port + "/instances/" + source.getId() + "/cairncms/content-move");
        waiting(60).until(d -> d.findElements(By.id("choose-target")).size() == 1);
        preflight(target);
        assertThat(browser.findElements(By.cssSelector("#collections-choice input[type=checkbox]")))
                .extracting(e -> e.getAttribute("value")).contains("authors", "articles", "comments")
                .noneMatch(c -> c.startsWith("directus_"));
        assertThat(browser.findElement(By.id("preflight")).getText()).as("a fresh target has none of the source's tables")
                .contains("Promote the structure first");
        assertThat(browser.findElements(By.id("blocked"))).hasSize(1);
        // the choice stays open: fewer collections are another pair check, run again on the POST
        WebElement before = browser.findElement(By.id("collection-comments"));
        before.click();
        browser.findElement(By.id("to-review")).click();
        waiting(120).until(org.openqa.selenium.support.ui.ExpectedConditions.stalenessOf(before));
        waiting(120).until(d -> d.findElements(By.id("collection-comments")).size() == 1);
        assertThat(browser.findElements(By.id("blocked"))).as("still refused: the target has none of the tables").hasSize(1);
        assertThat(browser.findElements(By.id("plan-steps"))).isEmpty();
        assertThat(browser.findElement(By.id("collection-comments")).isSelected()).isFalse();
        assertThat(browser.findElement(By.id("collection-authors")).isSelected()).isTrue();
    }

    /**
     * Across DB vendors in the wizard: cs-pgsql → ct-mariadb (its structure promoted by the real CLI), the pre-flight
     * asking for the target's API token, the token typed into the wizard's token field, kept encrypted (the review
     * names its artifact, never the token), and the reviewed plan replaying authors and the categories tree.
     */
    @Test
    void contentMoveAcrossVendorsTakesTheTargetsTokenToItsPlan() throws Exception {
        Lab.CairnInstance s = lab.cairn("cs-pgsql");
        Lab.CairnInstance t = lab.cairn("ct-mariadb");
        CairnCloneLabIT.freshTarget(t); // rebuilt only if a test left it changed (each rebuilds it after itself)
        try {
            CairnContentMoveLabIT.promoteByCli(s, t);
            SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("setup", null,
                    AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
            Instance pg = CairnLabInstances.register(instances, jdbc, lab, s, true);
            Instance maria = CairnLabInstances.register(instances, jdbc, lab, t, true);
            SecurityContextHolder.clearContext();
            String token = CairnContentMoveCrossVendorLabIT.staticToken(t);

            BrowserSupport.signInAsAdmin(browser, port);
            browser.get("http://localhost:" + port + "/instances/" + pg.getId() + "/cairncms/content-move");
            waiting(60).until(d -> d.findElements(By.id("choose-target")).size() == 1);
            preflight(maria);
            assertThat(browser.findElement(By.id("preflight")).getText()).as("no token yet: refused with what to give")
                    .contains("Give a static API token of an admin of " + maria.getName());
            assertThat(browser.findElements(By.id("blocked"))).hasSize(1);
            for (WebElement box : browser.findElements(By.cssSelector("#collections-choice input[type=checkbox]"))) {
                boolean wanted = List.of("authors", "categories").contains(box.getAttribute("value"));
                if (box.isSelected() != wanted) {
                    box.click();
                }
            }
            browser.findElement(By.id("apiToken")).sendKeys(token);
            WebElement stale = browser.findElement(By.id("to-review"));
            stale.click();
            waiting(180).until(org.openqa.selenium.support.ui.ExpectedConditions.stalenessOf(stale));
            waiting(180).until(d -> d.findElements(By.id("plan-steps")).size() == 1
                    || d.findElements(By.id("acknowledged")).size() == 1
                    || d.findElements(By.cssSelector("#wizard-options .field-error")).size() > 0);
            if (!browser.findElements(By.id("acknowledged")).isEmpty()) {
                browser.findElement(By.id("acknowledged")).click();
                browser.findElement(By.id("to-review")).click();
                waiting(180).until(d -> d.findElements(By.id("plan-steps")).size() == 1
                        || d.findElements(By.cssSelector("#wizard-options .field-error")).size() > 0);
            }
            assertThat(browser.findElements(By.id("plan-steps"))).as(browser.findElement(By.tagName("body")).getText()).hasSize(1);
            assertThat(browser.findElement(By.cssSelector("input[name='option.apiCredentials']")).getAttribute("value"))
                    .as("the token kept as an artifact of the target, its id the option").matches("[0-9a-f-]{36}");
            assertThat(browser.findElement(By.id("plan-steps")).getText()).contains("Replay the rows through the target's items API")
                    .contains("categories.parent point(s) at its own table");
            assertThat(browser.getPageSource()).doesNotContain(token);

            // the move itself, its replay and its proof are CairnContentMoveCrossVendorLabIT's (the same pair): not run again here
        } finally {
            Lab.reset(t.name());
        }
    }
}
