package dev.migrationpanel.dreamfactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import dev.migrationpanel.instance.FakeInstall;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.remote.TestSshServer;

/**
 * The major-migration wizard's own page: the pre-flight of source, target and the pair, and the options
 * form refusing every bad input with its own message while keeping the admin on the page; good input leads
 * to the engine's review of the plan. Two SQLite installs behind an in-process SSH server running real
 * commands (sqlite3, php, df).
 */
@SpringBootTest
@AutoConfigureMockMvc
class MigrationWizardPagesTest {

    private static final Pattern FIELD_ERROR = Pattern.compile("<span class=\"field-error\">([^<]*)</span>");
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"");

    @Autowired
    dev.migrationpanel.artifact.ArtifactStore artifacts;
    @Autowired
    MockMvc mvc;
    @Autowired
    InstanceService instances;
    @Autowired
    JdbcTemplate jdbc;

    @TempDir
    Path tmp;
    TestSshServer server;
    Path targetInstall;
    Instance source;
    Instance target;

    @BeforeEach
    void setUp() throws Exception {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        server = TestSshServer.startDefault("deploy", "wizard-pw");
        Path sourceInstall = FakeInstall.create(tmp.resolve("source"), FakeInstall.sqliteEnv());
        FakeInstall.addInstallerTables(sourceInstall);
        targetInstall = FakeInstall.create(tmp.resolve("target"), FakeInstall.sqliteEnv());
        FakeInstall.addInstallerTables(targetInstall);
        source = instances.create(TestInstances.passwordForm("migration-source", server, sourceInstall));
        target = instances.create(TestInstances.passwordForm("migration-target", server, targetInstall));
        TestInstances.pinHostKey(jdbc, source.getId(), server.hostKey());
        TestInstances.pinHostKey(jdbc, target.getId(), server.hostKey());
        SecurityContextHolder.clearContext();
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
    }

    private String wizardPath() {
        return "/instances/" + source.getId() + "/migrate";
    }

    /** The wizard after an operator chose the target and asked for the pre-flight (a POST). */
    private String wizard(String target) throws Exception {
        MockHttpServletRequestBuilder request = post(wizardPath() + "/preflight").with(csrf())
                .with(user("op").roles("OPERATOR"));
        if (target != null) {
            request.param("target", target);
        }
        return mvc.perform(request).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    /** The review page the options' POST answers with: the plan and its start form, options as hidden fields. */
    private String review(Map<String, String> form, String... expectedOptions) throws Exception {
        String page = mvc.perform(post(wizardPath()).params(params(form)).with(csrf()).with(user("op").roles("OPERATOR")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("id=\"plan-steps\"").doesNotContain("id=\"plan-error\"").contains("id=\"start-job\"")
                .contains("action=\"/instances/" + source.getId() + "/flows/dreamfactory.major-migration\"");
        for (String option : expectedOptions) {
            String[] nameValue = option.split("=", 2);
            assertThat(page).contains("name=\"option." + nameValue[0] + "\" value=\"" + nameValue[1] + "\"");
        }
        return page;
    }

    /** What the options form carries without the admin's doing: the chosen target and the page's own flags. */
    private static Map<String, String> hiddenFields(String page) {
        int form = page.indexOf("id=\"migration-options\"");
        assertThat(form).as("the options form is on the page").isPositive();
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = HIDDEN.matcher(page.substring(form, page.indexOf("</form>", form)));
        while (m.find()) {
            if (!m.group(1).equals("_csrf")) {
                fields.put(m.group(1), m.group(2));
            }
        }
        return fields;
    }

    /** Posts the options; the page comes back (status 200) when the wizard keeps the admin on it. */
    private String postKeptOnPage(Map<String, String> params) throws Exception {
        MockHttpServletRequestBuilder request = post(wizardPath()).with(csrf()).with(user("op").roles("OPERATOR"));
        params.forEach(request::param);
        String page = mvc.perform(request).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("id=\"choose-target\"").doesNotContain("Exception");
        return page;
    }

    private static List<String> fieldErrors(String page) {
        List<String> errors = new ArrayList<>();
        Matcher m = FIELD_ERROR.matcher(page);
        while (m.find()) {
            errors.add(m.group(1));
        }
        return errors;
    }

    private static String row(String page, String item) {
        Matcher m = Pattern.compile("<tr data-item=\"" + Pattern.quote(item) + "\">(.*?)</tr>", Pattern.DOTALL).matcher(page);
        assertThat(m.find()).as("pre-flight row " + item).isTrue();
        return m.group(1);
    }

    @Test
    void thePreflightShowsSourceTargetAndThePair() throws Exception {
        String page = wizard(String.valueOf(target.getId()));

        assertThat(page).contains("Source · " + source.getName()).contains("Target · " + target.getName())
                .contains("Source → target").doesNotContain("id=\"blocked\"");
        // both sides have their rows (the target's PHP check runs only on the target)
        assertThat(Pattern.compile("<tr data-item=\"Connectivity\">").matcher(page).results().count()).isEqualTo(2);
        assertThat(Pattern.compile("<tr data-item=\"DB tools\">").matcher(page).results().count()).isEqualTo(2);
        assertThat(row(page, "DB tools")).contains(">OK<").contains("sqlite3 at /");
        assertThat(row(page, "PHP")).contains(">OK<").contains("DreamFactory needs 8.1 or later");
        assertThat(row(page, "Same DB vendor")).contains(">OK<").contains("SQLite on both sides");
        assertThat(row(page, "Fresh target")).contains(">OK<").contains("no more than a fresh install");
        assertThat(row(page, "Room for the dump")).contains(">OK<").contains("the source DB holds");
        // a fresh target, no warnings: nothing to confirm, only the chosen target (and no API credentials yet)
        assertThat(hiddenFields(page)).isEqualTo(Map.of("target", String.valueOf(target.getId()), "apiCredentials", ""));
        // the target list offers the other instance, never the source
        assertThat(page).contains("<option value=\"" + target.getId() + "\" selected=\"selected\">" + target.getName())
                .doesNotContain("<option value=\"" + source.getId() + "\"");
    }

    @Test
    void noTargetChosen() throws Exception {
        assertThat(fieldErrors(postKeptOnPage(Map.of("target", ""))))
                .containsExactly("Choose the target: a registered DreamFactory instance (a fresh install)");
    }

    @Test
    void theSourceItselfAsTarget() throws Exception {
        String page = postKeptOnPage(Map.of("target", String.valueOf(source.getId())));
        assertThat(fieldErrors(page))
                .containsExactly("The target must be another instance than the source: a migration never writes to its source");
        assertThat(page).doesNotContain("id=\"preflight\"");
    }

    @Test
    void aTargetThatIsNotRegistered() throws Exception {
        String page = postKeptOnPage(Map.of("target", "987654321"));
        assertThat(fieldErrors(page)).containsExactly("The target instance 987654321 is not registered");
        assertThat(page).doesNotContain("id=\"preflight\"");
    }

    @Test
    void apiCheckCredentialsAreCheckedAndNeedTheTargetsAppUrl() throws Exception {
        String target = String.valueOf(this.target.getId());
        assertThat(fieldErrors(postKeptOnPage(Map.of("target", target, "apiEmail", "not an email", "apiPassword", "x"))))
                .containsExactly("API check: the email of an admin account of the source (it is carried to the target)");
        assertThat(fieldErrors(postKeptOnPage(Map.of("target", target, "apiEmail", "admin@lab.test"))))
                .containsExactly("API check: give the password of that account (one line)");
        // well formed, but the target has no app URL to sign in at: said before anything runs, the password not echoed
        String page = postKeptOnPage(Map.of("target", target, "apiEmail", "admin@lab.test", "apiPassword", "s3cret-pw"));
        assertThat(fieldErrors(page)).containsExactly("The API check needs the app URL of the target: set it on the instance");
        assertThat(page).doesNotContain("s3cret-pw").doesNotContain("Credentials already");
        assertThat(artifacts.forInstance(source.getId())).as("nothing stored for a form that goes back").isEmpty();
    }

    @Test
    void aTargetThatIsNoNumber() throws Exception {
        String page = postKeptOnPage(Map.of("target", "x; rm -rf /"));
        assertThat(fieldErrors(page))
                .containsExactly("Choose the target: a registered DreamFactory instance (a fresh install)");
        assertThat(page).doesNotContain("id=\"preflight\"");
        assertThat(wizard("x; rm -rf /")).contains("Choose the target from the list of registered instances")
                .doesNotContain("id=\"preflight\"");
    }

    @Test
    void warningsMustBeAcknowledged() throws Exception {
        // a target of the next major release: the admin UI changed between them
        Files.writeString(targetInstall.resolve("config/app.php"), "<?php\nreturn [\n    'version' => '8.0.0',\n];\n");
        String page = wizard(String.valueOf(target.getId()));
        assertThat(row(page, "Admin UI")).contains(">WARNING<").contains("From 7.0.0 to 8.0.0 crosses a major version");
        assertThat(page).contains("id=\"acknowledged\"").doesNotContain("id=\"wipeTarget\"");
        Map<String, String> form = hiddenFields(page);
        assertThat(form).containsEntry("warned", "true");

        assertThat(fieldErrors(postKeptOnPage(form))).containsExactly("Tick the box to say you have read the warnings");
        // the form's own hint is not what decides: leaving it out changes nothing, the server runs the pre-flight again
        form.remove("warned");
        assertThat(fieldErrors(postKeptOnPage(form))).containsExactly("Tick the box to say you have read the warnings");

        form.put("acknowledged", "on");
        review(form);
    }

    @Test
    void aTargetWithContentIsWipedOnlyWhenTheAdminSaysSo() throws Exception {
        FakeInstall.sqlite(targetInstall, "insert into user (email) values ('b@c.d'), ('c@d.e');");
        String page = wizard(String.valueOf(target.getId()));
        assertThat(row(page, "Fresh target")).contains(">WARNING<").contains("The target holds 3 users");
        assertThat(page).contains("id=\"wipeTarget\"").doesNotContain("id=\"blocked\"");
        Map<String, String> form = hiddenFields(page);
        assertThat(form).containsEntry("notFresh", "true").containsEntry("warned", "true");
        form.put("acknowledged", "on");

        assertThat(fieldErrors(postKeptOnPage(form)))
                .containsExactly("The target is not a fresh install: tick the box to confirm its system DB may be wiped");

        form.put("wipeTarget", "on");
        review(form, "target=" + target.getId(), "transfer=stream", "maintenance=false", "strict=false", "wipeTarget=true");
    }

    @Test
    void goodOptionsLeadToTheReviewOfThePlan() throws Exception {
        Map<String, String> form = hiddenFields(wizard(String.valueOf(target.getId())));
        form.put("maintenance", "on");
        String plan = review(form, "target=" + target.getId(), "transfer=stream", "maintenance=true", "strict=false",
                "wipeTarget=false");
        assertThat(plan).contains("php artisan migrate:fresh --force").contains("Prove the migration")
                .contains("Maintenance mode on (source, during the dump)");
        // the source's record and the stream are shown as running side by side, each naming the other
        Matcher beside = java.util.regex.Pattern.compile("runs beside step (\\d+)</span>").matcher(plan);
        List<Integer> partners = new java.util.ArrayList<>();
        while (beside.find()) {
            partners.add(Integer.parseInt(beside.group(1)));
        }
        assertThat(partners).hasSize(2);
        assertThat(partners.get(0)).isEqualTo(partners.get(1) + 1);
        assertThat(plan.indexOf("Record the source&#39;s state")).isLessThan(plan.indexOf("runs beside step " + partners.get(0)))
                .isGreaterThan(plan.indexOf("Maintenance mode on (source, during the dump)"));
    }

    @Test
    void viewersMayNotStartAMigration() throws Exception {
        mvc.perform(post(wizardPath()).param("target", String.valueOf(target.getId())).with(csrf())
                        .with(user("v").roles("VIEWER")))
                .andExpect(status().isForbidden());
        mvc.perform(post(wizardPath() + "/preflight").param("target", String.valueOf(target.getId())).with(csrf())
                        .with(user("v").roles("VIEWER")))
                .andExpect(status().isForbidden());
        mvc.perform(get(wizardPath()).with(user("v").roles("VIEWER"))).andExpect(status().isForbidden());
    }

    @Test
    void theGetOnlyOffersThePreflight() throws Exception {
        String page = mvc.perform(get(wizardPath()).param("target", String.valueOf(target.getId()))
                        .with(user("op").roles("OPERATOR")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("<form method=\"post\" action=\"" + wizardPath() + "/preflight\" id=\"choose-target\"")
                .contains("<option value=\"" + target.getId() + "\" selected=\"selected\">").contains("id=\"run-preflight\"")
                .doesNotContain("id=\"preflight\"").doesNotContain("id=\"migration-options\"");
        // the pre-flight is a POST with its CSRF token
        mvc.perform(post(wizardPath() + "/preflight").param("target", String.valueOf(target.getId()))
                        .with(user("op").roles("OPERATOR")))
                .andExpect(status().isForbidden());
        assertThat(fieldErrors(wizard("")))
                .containsExactly("Choose the target: a registered DreamFactory instance (a fresh install)");
    }

    private static MultiValueMap<String, String> params(Map<String, String> form) {
        LinkedMultiValueMap<String, String> params = new LinkedMultiValueMap<>();
        form.forEach(params::add);
        return params;
    }
}
