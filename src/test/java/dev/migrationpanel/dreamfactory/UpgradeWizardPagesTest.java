package dev.migrationpanel.dreamfactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.file.Path;

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

import dev.migrationpanel.instance.FakeInstall;
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
                        .param("webServer", "CUSTOM").param("restartCommand", "").param("warned", "true")
                        .with(csrf()).with(user("op").roles("OPERATOR")))
                .andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("Target ref: a branch or tag name")
                .contains("Web user: the Unix user the web server runs as")
                .contains("Web group: the Unix group of storage/ and bootstrap/cache/")
                .contains("Give the one-line command that restarts the web server")
                .contains("Commercial file &#39;../../etc/passwd&#39;: a plain file name")
                .contains("Tick the box to say you have read the warnings")
                .doesNotContain("Exception");
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
