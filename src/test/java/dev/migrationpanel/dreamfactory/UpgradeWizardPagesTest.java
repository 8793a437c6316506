package dev.migrationpanel.dreamfactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;

import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactSpec;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.instance.FakeInstall;
import dev.migrationpanel.web.InvalidInputException;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.remote.TestSshServer;

/**
 * The wizard's options step refuses every bad input with its own message, on the server, and keeps the
 * admin on the page; good input leads to the review. Against an in-process SSH server running real git.
 */
@SpringBootTest
@AutoConfigureMockMvc
class UpgradeWizardPagesTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    InstanceService instances;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    FlowService flows;

    @TempDir
    Path tmp;
    TestSshServer server;
    Instance instance;

    @BeforeEach
    void setUp() throws Exception {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        server = TestSshServer.startDefault("deploy", "wizard-pw");
        Path install = FakeInstall.create(tmp.resolve("df"), FakeInstall.sqliteEnv());
        FakeInstall.run(tmp, "git", "clone", "-q", "--bare", install.toString(), tmp.resolve("origin.git").toString());
        FakeInstall.run(install, "git", "remote", "add", "origin", tmp.resolve("origin.git").toString());
        instance = instances.create(TestInstances.passwordForm("wizard", server, install));
        TestInstances.pinHostKey(jdbc, instance.getId(), server.hostKey());
        SecurityContextHolder.clearContext();
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
    }

    @Test
    void everyBadOptionHasItsMessage() throws Exception {
        String page = mvc.perform(multipart("/instances/" + instance.getId() + "/upgrade")
                        .file(new MockMultipartFile("commercialFiles", "../../etc/passwd", "text/plain", "x".getBytes()))
                        .param("ref", "master; rm -rf /").param("webUser", "").param("webGroup", "www data")
                        .param("webServer", "CUSTOM").param("warned", "true")
                        .with(csrf()).with(user("admin").roles("ADMIN")))
                .andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("Target ref: a branch or tag name")
                .contains("Web user: the Unix user the web server runs as")
                .contains("Web group: the Unix group of storage/ and bootstrap/cache/")
                .contains("This instance has no custom restart command: an ADMIN sets one")
                .contains("Commercial file &#39;../../etc/passwd&#39;: the vendor&#39;s Composer files are auth.json, "
                        + "composer.json, composer.lock")
                .contains("Tick the box to say you have read the warnings")
                .doesNotContain("Exception");
    }

    /**
     * Commercial files are Composer files, which name scripts Composer runs: only an ADMIN uploads them, under the
     * guide's names; a job's {@code commercial} option takes only such uploads of that instance, never another of
     * its artifacts (its .env); a restart command never comes with the options.
     */
    @Test
    void onlyAnAdminUploadsTheVendorsComposerFilesAndNoOptionCarriesACommand() throws Exception {
        String asOperator = mvc.perform(multipart("/instances/" + instance.getId() + "/upgrade")
                        .file(new MockMultipartFile("commercialFiles", "composer.json", "application/json", "{}".getBytes()))
                        .param("ref", "master").param("webUser", "deploy").param("webGroup", "deploy")
                        .param("webServer", "NONE").param("warned", "true").param("acknowledged", "on")
                        .with(csrf()).with(user("op").roles("OPERATOR")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(asOperator).contains("Only an ADMIN uploads commercial Composer files");
        for (String name : new String[] {"artisan", ".env", "index.php"}) {
            assertThat(mvc.perform(multipart("/instances/" + instance.getId() + "/upgrade")
                            .file(new MockMultipartFile("commercialFiles", name, "text/plain", "x".getBytes()))
                            .param("ref", "master").param("webUser", "deploy").param("webGroup", "deploy")
                            .param("webServer", "NONE").param("warned", "true").param("acknowledged", "on")
                            .with(csrf()).with(user("admin").roles("ADMIN")))
                    .andExpect(status().isOk()).andReturn().getResponse().getContentAsString())
                    .as(name).contains("the vendor&#39;s Composer files are");
        }
        String review = mvc.perform(multipart("/instances/" + instance.getId() + "/upgrade")
                        .file(new MockMultipartFile("commercialFiles", "composer.json", "application/json", "{}".getBytes()))
                        .param("ref", "master").param("webUser", "deploy").param("webGroup", "deploy")
                        .param("webServer", "NONE").param("warned", "true").param("acknowledged", "on")
                        .with(csrf()).with(user("admin").roles("ADMIN")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(review).contains("id=\"plan-steps\"").contains("Place the commercial file composer.json");

        // the instance's .env, kept as an artifact, named as a Composer file: still not an upload
        String envId = artifacts.write(new ArtifactSpec(null, instance.getId(), null, "composer.json", ArtifactKind.ENV_FILE,
                "text/plain", true), new java.io.ByteArrayInputStream("APP_KEY=x".getBytes())).getId();
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("op", null,
                AuthorityUtils.createAuthorityList("ROLE_OPERATOR")));
        try {
            assertThatThrownBy(() -> flows.review(DreamFactoryMinorUpgradeFlow.ID, instance.getId(),
                    Map.of("commercial", envId))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("not an upload of this instance's Composer files");
            assertThatThrownBy(() -> flows.review(DreamFactoryMinorUpgradeFlow.ID, instance.getId(),
                    Map.of("webServer", "CUSTOM", "restartCommand", "echo {{secret:ssh.password}} | rev")))
                    .isInstanceOf(InvalidInputException.class);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    @Test
    void goodOptionsAreAnsweredWithTheReviewAndViewersMayNotStart() throws Exception {
        String review = mvc.perform(multipart("/instances/" + instance.getId() + "/upgrade")
                        .param("ref", "master").param("webUser", "deploy").param("webGroup", "deploy")
                        .param("webServer", "NONE").param("stash", "on").param("warned", "true").param("acknowledged", "on")
                        .with(csrf()).with(user("op").roles("OPERATOR")))
                .andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(review).contains("id=\"plan-steps\"").doesNotContain("id=\"plan-error\"").contains("id=\"start-job\"")
                .contains("action=\"/instances/" + instance.getId() + "/flows/dreamfactory.minor-upgrade\"")
                .contains("name=\"option.ref\" value=\"master\"").contains("git stash push")
                .contains("name=\"planDigest\"");
        mvc.perform(get("/instances/" + instance.getId() + "/upgrade").with(user("v").roles("VIEWER")))
                .andExpect(status().isForbidden());
        mvc.perform(post("/instances/" + instance.getId() + "/upgrade/preflight").with(csrf()).with(user("v").roles("VIEWER")))
                .andExpect(status().isForbidden());
    }

    @Test
    void thePreflightRunsOnAPostNeverOnAGet() throws Exception {
        long checks = jdbc.queryForObject("select count(*) from instance_check where instance_id = ?", Long.class,
                instance.getId());
        String entry = mvc.perform(get("/instances/" + instance.getId() + "/upgrade").with(user("op").roles("OPERATOR")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(entry).contains("id=\"run-preflight\"")
                .contains("action=\"/instances/" + instance.getId() + "/upgrade/preflight\"")
                .doesNotContain("id=\"preflight\"").doesNotContain("id=\"upgrade-options\"");
        assertThat(jdbc.queryForObject("select count(*) from instance_check where instance_id = ?", Long.class,
                instance.getId())).as("no check stored by the GET").isEqualTo(checks);

        mvc.perform(post("/instances/" + instance.getId() + "/upgrade/preflight").with(user("op").roles("OPERATOR")))
                .andExpect(status().isForbidden()); // no CSRF token
        String page = mvc.perform(post("/instances/" + instance.getId() + "/upgrade/preflight").with(csrf())
                        .with(user("op").roles("OPERATOR")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("id=\"preflight\"").contains("id=\"upgrade-options\"").contains("Room for the dump")
                .doesNotContain("Exception");
        assertThat(jdbc.queryForObject("select count(*) from instance_check where instance_id = ?", Long.class,
                instance.getId())).as("the pre-flight's fresh check").isEqualTo(checks + 1);
    }
}
