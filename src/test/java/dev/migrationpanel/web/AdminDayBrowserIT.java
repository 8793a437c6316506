package dev.migrationpanel.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Isolated;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceForm;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.SshAuthMethod;
import dev.migrationpanel.security.PasswordPolicy;
import dev.migrationpanel.security.Role;
import dev.migrationpanel.security.UserService;

/**
 * An admin's first day in headless Chromium, on one panel started without {@code panel.admin-password}: the
 * generated first password (read from the log, as the admin would) opens only the password form until it is
 * replaced; an instance's flows grouped by purpose with what each changes, recoveries offered only from the job
 * they act on; a word where an id goes answering a 404 page with the navigation. One panel, one Chromium.
 */
@ExtendWith(OutputCaptureExtension.class) // registered before the context starts: the first admin's log line is kept
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "panel.admin-password=")
@Isolated // captures the JVM's standard output, which every test running beside it writes to
class AdminDayBrowserIT {

    /** A second admin with a password of its own choosing, for the pages that are not about the first sign-in. */
    static final String DAY_ADMIN = "day-admin";
    static final String DAY_ADMIN_PASSWORD = "day-admin-password-1";
    static final Pattern GENERATED = Pattern.compile("Initial admin password: (\\S+) — it must be changed");

    static WebDriver browser;

    @LocalServerPort
    int port;
    @Autowired
    UserService users;
    @Autowired
    InstanceService instances;
    @Autowired
    JdbcTemplate jdbc;

    @BeforeAll
    static void startBrowser() {
        browser = BrowserSupport.start();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void signedOutWithADayAdmin() {
        browser.get(url("/login"));
        browser.manage().deleteAllCookies();
        if (users.findByUsername(DAY_ADMIN).isEmpty()) {
            users.create(DAY_ADMIN, Role.ADMIN, DAY_ADMIN_PASSWORD, DAY_ADMIN_PASSWORD);
        }
    }

    @AfterEach
    void clearContext() {
        SecurityContextHolder.clearContext();
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private void submitSignIn(String name, String password) {
        browser.get(url("/login"));
        browser.findElement(By.id("username")).sendKeys(name);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.cssSelector("main button[type=submit]")).click();
    }

    private void signInAsDayAdmin() {
        submitSignIn(DAY_ADMIN, DAY_ADMIN_PASSWORD);
        BrowserSupport.waiting(browser, Duration.ofSeconds(30)).until(d -> d.findElements(By.id("fleet")).size() == 1);
    }

    private String body() {
        return browser.findElement(By.tagName("body")).getText();
    }

    private String h1() {
        return browser.findElement(By.tagName("h1")).getText();
    }

    /** The status the browser itself gets for the address, with its session cookie (a fetch from the page). */
    private long statusOf(String path) {
        return (Long) ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0], {credentials: 'same-origin', redirect: 'manual'}).then(r => done(r.status));",
                path);
    }

    private void fillPasswordForm(String current, String password, String confirmation) {
        for (String[] field : new String[][] {{"currentPassword", current}, {"password", password}, {"confirmation", confirmation}}) {
            WebElement input = browser.findElement(By.id(field[0]));
            input.clear();
            input.sendKeys(field[1]);
        }
    }

    private void clickChangePassword() {
        browser.findElement(By.cssSelector("form[action='/account/password'] button[type=submit]")).click();
    }

    private String fieldError(String field) {
        List<WebElement> errors = browser.findElements(By.cssSelector("#" + field + " ~ .field-error"));
        return errors.isEmpty() ? "" : errors.get(0).getText();
    }

    private boolean onTheRequiredPasswordForm() {
        return browser.getCurrentUrl().endsWith("/account?password-change-required")
                && browser.findElements(By.id("password-change-required")).size() == 1;
    }

    @Test
    void theGeneratedFirstPasswordOpensOnlyThePasswordFormUntilItIsReplaced(CapturedOutput output) {
        Matcher logged = GENERATED.matcher(output.getOut());
        assertThat(logged.find()).as("the first start logs the generated password").isTrue();
        String generated = logged.group(1);
        String chosen = "the-admins-own-choice-42";

        submitSignIn("admin", generated);
        BrowserSupport.waiting(browser, Duration.ofSeconds(30)).until(d -> onTheRequiredPasswordForm());
        assertThat(browser.findElement(By.id("password-change-required")).getText()).contains("choose your own");
        // the page is the password form alone: no token or session form to wonder about first
        assertThat(h1()).isEqualTo("Change your password");
        assertThat(browser.findElements(By.id("name"))).as("the token form").isEmpty();
        assertThat(browser.findElements(By.id("sign-out-everywhere"))).isEmpty();
        // every other page, typed or clicked, comes back to the form
        for (String path : new String[] {"/", "/instances", "/jobs/1", "/admin/users"}) {
            browser.get(url(path));
            assertThat(onTheRequiredPasswordForm()).as(path + " sends back to the password form").isTrue();
        }
        browser.findElement(By.linkText("Jobs")).click();
        assertThat(onTheRequiredPasswordForm()).as("the Jobs link sends back to the password form").isTrue();

        // too short: the browser holds the form back (minlength) and says why…
        fillPasswordForm(generated, "short-1", "short-1");
        clickChangePassword();
        assertThat(onTheRequiredPasswordForm()).isTrue();
        assertThat(((JavascriptExecutor) browser).executeScript(
                "return document.getElementById('password').validity.tooShort;")).isEqualTo(true);
        // …and a browser that does not check it gets the panel's own message on the page
        ((JavascriptExecutor) browser).executeScript("document.getElementById('password').removeAttribute('minlength');");
        clickChangePassword();
        BrowserSupport.waiting(browser, Duration.ofSeconds(15)).until(d -> !fieldError("password").isEmpty());
        assertThat(fieldError("password")).isEqualTo(PasswordPolicy.TOO_SHORT);
        assertThat(browser.findElements(By.id("password-change-required"))).as("still required").hasSize(1);

        fillPasswordForm(generated, chosen, chosen + "x");
        clickChangePassword();
        BrowserSupport.waiting(browser, Duration.ofSeconds(15)).until(d -> !fieldError("confirmation").isEmpty());
        assertThat(fieldError("confirmation")).isEqualTo(PasswordPolicy.MISMATCH);
        assertThat(fieldError("password")).isEmpty();
        browser.get(url("/instances"));
        assertThat(onTheRequiredPasswordForm()).as("a refused change changes nothing").isTrue();

        fillPasswordForm(generated, chosen, chosen);
        clickChangePassword();
        BrowserSupport.waiting(browser, Duration.ofSeconds(30))
                .until(d -> d.getCurrentUrl().endsWith("/account") && body().contains("Your password was changed"));
        assertThat(browser.findElements(By.id("password-change-required"))).isEmpty();
        browser.findElement(By.id("nav-dashboard")).click();
        assertThat(browser.findElements(By.id("fleet"))).as("the dashboard opens").hasSize(1);
        browser.get(url("/instances"));
        assertThat(h1()).isEqualTo("Instances");

        browser.findElement(By.cssSelector(".who button[type=submit]")).click();
        BrowserSupport.waiting(browser, Duration.ofSeconds(30)).until(d -> body().contains("Signed out"));
        submitSignIn("admin", generated);
        BrowserSupport.waiting(browser, Duration.ofSeconds(30)).until(d -> body().contains("Wrong username or password"));
        assertThat(browser.getCurrentUrl()).contains("/login");
        submitSignIn("admin", chosen);
        BrowserSupport.waiting(browser, Duration.ofSeconds(30)).until(d -> d.findElements(By.id("fleet")).size() == 1);
        assertThat(browser.findElement(By.cssSelector(".who")).getText()).contains("admin").contains("ADMIN");
    }

    private Instance instance(String name, String product) {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken(DAY_ADMIN, null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        try {
            InstanceForm form = new InstanceForm();
            form.setProduct(product);
            form.setName(name);
            form.setEnvironment("production");
            form.setSshHost("127.0.0.1");
            form.setSshPort(22);
            form.setSshUser("deploy");
            form.setSshAuth(SshAuthMethod.PASSWORD);
            form.setSshPassword("not-used-here-1");
            form.setInstallPath(Path.of("/opt", name).toString());
            if (product.equals("dreamfactory")) {
                form.getProductSettings().put("webServer", "NONE");
            }
            return instances.create(form);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    /**
     * A finished job as the engine leaves it in the panel's DB (its row and the options its flow resolved): what the
     * job page and its follow-ups read. Nothing runs.
     */
    private long finishedJob(Instance instance, String flow, String title, String optionsJson) {
        Instant finished = Instant.now().minus(Duration.ofHours(2));
        jdbc.update("insert into job (flow, title, instance_id, instance_name, status, started_by, created_at, started_at, "
                + "finished_at, resume_from, attempt, cancel_requested, version, options) values (?, ?, ?, ?, 'FAILED', "
                + "'day-admin', ?, ?, ?, 0, 1, false, 0, ?)", flow, title, instance.getId(), instance.getName(),
                Timestamp.from(finished.minusSeconds(300)), Timestamp.from(finished.minusSeconds(300)),
                Timestamp.from(finished), optionsJson);
        return jdbc.queryForObject("select max(id) from job where instance_id = ?", Long.class, instance.getId());
    }

    private List<String> startButtons() {
        return browser.findElements(By.cssSelector("section.flow-group [id^='flow-']")).stream()
                .map(e -> e.getAttribute("id")).toList();
    }

    @Test
    void flowsAreGroupedByPurposeAndRecoveryStartsFromTheJobItActsOn() {
        Instance df = instance("day-df", "dreamfactory");
        Instance cms = instance("day-cms", "cairncms");
        signInAsDayAdmin();

        browser.get(url("/instances/" + df.getId() + "/flows"));
        List<String> groups = browser.findElements(By.cssSelector("section.flow-group h3")).stream()
                .map(WebElement::getText).toList();
        assertThat(groups).containsExactly("Upgrade & migrate", "Back up", "Remedies");
        assertThat(browser.findElements(By.id("flows-recover"))).isEmpty();
        List<WebElement> cards = browser.findElements(By.cssSelector("section.flow-group .card"));
        assertThat(cards).hasSizeGreaterThan(5).allSatisfy(card -> assertThat(card.findElement(By.cssSelector(".changes"))
                .getText()).as(card.findElement(By.tagName("strong")).getText()).matches("Changes: .{20,}"));
        assertThat(browser.findElement(By.id("flows-backup")).getText()).contains("Back up now")
                .contains("Changes: nothing on the instance");
        assertThat(browser.findElement(By.id("flows-migrate")).getText()).contains("Minor upgrade");
        // no job yet: nothing to recover, and no recovery is offered
        assertThat(body()).contains("No job has run on this instance yet.");
        assertThat(startButtons()).contains("flow-dreamfactory-backup", "flow-dreamfactory-minor-upgrade")
                .doesNotContain("flow-dreamfactory-rollback", "flow-dreamfactory-restore-target",
                        "flow-dreamfactory-stash-pop");
        assertThat(browser.findElement(By.id("recover-hint")).getText()).contains("starts from the page of the job");

        long upgrade = finishedJob(df, "dreamfactory.minor-upgrade", "Upgrade day-df to 7.1.0",
                "{\"ref\":\"7.1.0\",\"stash\":\"true\",\"stamp\":\"20261206-0900\",\"versionBefore\":\"7.0.0\"}");
        browser.navigate().refresh();
        assertThat(startButtons()).as("the flow list still leaves recovery to the job's page")
                .doesNotContain("flow-dreamfactory-rollback", "flow-dreamfactory-stash-pop");
        browser.findElement(By.linkText(String.valueOf(upgrade))).click();
        BrowserSupport.waiting(browser, Duration.ofSeconds(15)).until(d -> d.findElements(By.id("follow-ups")).size() == 1);
        assertThat(h1()).contains("Upgrade day-df to 7.1.0");
        WebElement followUps = browser.findElement(By.id("follow-ups"));
        assertThat(followUps.getText()).contains("Version before: 7.0.0");
        String reviewOf = "/instances/" + df.getId() + "/flows/";
        for (String[] offer : new String[][] {{"dreamfactory.rollback", "Roll back"}, {"dreamfactory.stash-pop", "git stash pop"}}) {
            WebElement form = followUps.findElement(By.cssSelector("form[action='" + reviewOf + offer[0] + "/review']"));
            assertThat(form.findElement(By.tagName("button")).getText()).isEqualTo(offer[1]);
            assertThat(form.findElement(By.name("option.job")).getAttribute("value")).isEqualTo(String.valueOf(upgrade));
        }

        // CairnCMS: restoring a promotion's target is a recovery too, offered on the promotion's page for its target
        browser.get(url("/instances/" + cms.getId() + "/flows"));
        assertThat(startButtons()).contains("flow-cairncms-structure-promotion")
                .doesNotContain("flow-cairncms-restore-target", "flow-cairncms-clone-rollback");
        assertThat(browser.findElements(By.id("flows-recover"))).isEmpty();
        Instance cmsTarget = instance("day-cms-target", "cairncms");
        long promotion = finishedJob(cms, "cairncms.structure-promotion", "Promote day-cms to day-cms-target",
                "{\"target\":\"" + cmsTarget.getId() + "\"}");
        browser.get(url("/jobs/" + promotion));
        WebElement restore = browser.findElement(By.cssSelector("#follow-ups form[action='/instances/" + cmsTarget.getId()
                + "/flows/cairncms.restore-target/review']"));
        assertThat(restore.findElement(By.tagName("button")).getText()).isEqualTo("Restore the target");
        assertThat(restore.findElement(By.name("option.job")).getAttribute("value")).isEqualTo(String.valueOf(promotion));
    }

    @Test
    void aWordWhereAnIdGoesIsA404PageWithTheNavigation() {
        signInAsDayAdmin();
        String[][] routes = {{"/jobs/abc", "Jobs", "Jobs"}, {"/instances/abc", "Instances", "Instances"},
                {"/instances/abc/flows", "Audit trail", "Audit trail"}, {"/admin/users/abc", "Dashboard", "Dashboard"}};
        for (String[] route : routes) {
            browser.get(url(route[0]));
            assertThat(h1()).as(route[0]).isEqualTo("404 · Not Found");
            assertThat(browser.findElement(By.cssSelector("main p.card")).getText()).as(route[0])
                    .isEqualTo("There is nothing at this address: 'abc' is not an id (ids are numbers)");
            assertThat(body()).as(route[0]).doesNotContain("Whitelabel").doesNotContain("Exception")
                    .doesNotContain("at dev.").doesNotContain("at org.");
            assertThat(statusOf(route[0])).as(route[0]).isEqualTo(404);
            List<String> nav = browser.findElements(By.cssSelector("header.topbar nav a")).stream()
                    .map(WebElement::getText).toList();
            assertThat(nav).as(route[0]).contains("Dashboard", "Instances", "Jobs", "Backups", "Audit trail", "Users");
            assertThat(browser.findElement(By.cssSelector("header.topbar .who")).getText()).contains(DAY_ADMIN);
            // the navigation works from there
            browser.findElement(By.cssSelector("header.topbar nav")).findElement(By.linkText(route[1])).click();
            BrowserSupport.waiting(browser, Duration.ofSeconds(15)).until(d -> h1().startsWith(route[2]));
        }
        browser.get(url("/jobs/987654321"));
        assertThat(h1()).isEqualTo("404 · Not Found");
        assertThat(browser.findElement(By.cssSelector("main p.card")).getText()).contains("987654321");
        browser.findElement(By.linkText("Back to the dashboard")).click();
        assertThat(browser.findElements(By.id("fleet"))).hasSize(1);
    }
}
