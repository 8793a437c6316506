package dev.migrationpanel.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;

import dev.migrationpanel.instance.FakeInstall;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.remote.TestSshServer;
import dev.migrationpanel.security.ApiTokenService;
import dev.migrationpanel.security.Role;
import dev.migrationpanel.security.UserService;

/**
 * The flow pages and roles: building a plan reads the instance over SSH, so it needs OPERATOR and a POST with its
 * CSRF token (page and API); a GET of a review's address, the flow list and a job's follow-ups only offer the
 * button, and a VIEWER sees no such button. SSH sessions are counted on the test server itself.
 */
@SpringBootTest
@AutoConfigureMockMvc
class FlowPagesTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    InstanceService instances;
    @Autowired
    JobService jobs;
    @Autowired
    UserService users;
    @Autowired
    ApiTokenService tokens;
    @Autowired
    JdbcTemplate jdbc;

    @TempDir
    Path tmp;
    TestSshServer server;
    Instance instance;

    @BeforeEach
    void setUp() throws Exception {
        server = TestSshServer.startDefault("deploy", "flow-pages-pw");
        Path install = FakeInstall.create(tmp.resolve("df"), FakeInstall.sqliteEnv());
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("flow-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        try {
            instance = instances.create(TestInstances.passwordForm("flow-pages", server, install));
        } finally {
            SecurityContextHolder.clearContext();
        }
        TestInstances.pinHostKey(jdbc, instance.getId(), server.hostKey());
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
    }

    private String flowPath(String flow) {
        return "/instances/" + instance.getId() + "/flows/" + flow;
    }

    private String page(org.springframework.test.web.servlet.RequestBuilder request) throws Exception {
        return mvc.perform(request).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    private String token(Role role) {
        String name = role.name().toLowerCase() + "-" + System.nanoTime() % 1_000_000;
        users.create(name, role, "long-enough-password", "long-enough-password");
        return "Bearer " + tokens.create(name, "t").token();
    }

    @Test
    void theFlowListOffersStartToOperatorsOnly() throws Exception {
        String viewer = page(get("/instances/" + instance.getId() + "/flows").with(user("v").roles("VIEWER")));
        assertThat(viewer).contains("Back up now").contains("id=\"flows-need-operator\"")
                .doesNotContain("id=\"flow-dreamfactory-backup\"").doesNotContain("/review\"")
                .doesNotContain("id=\"flow-dreamfactory-minor-upgrade\"");

        String operator = page(get("/instances/" + instance.getId() + "/flows").with(user("o").roles("OPERATOR")));
        // a flow without a wizard: a form that POSTs for its review; a flow with one: a link to the wizard's first page
        assertThat(operator).contains("action=\"" + flowPath("dreamfactory.backup") + "/review\"")
                .contains("<button type=\"submit\" id=\"flow-dreamfactory-backup\"")
                .contains("href=\"/instances/" + instance.getId() + "/upgrade\" id=\"flow-dreamfactory-minor-upgrade\"")
                .contains("href=\"/instances/" + instance.getId() + "/migrate\" id=\"flow-dreamfactory-major-migration\"")
                .contains("name=\"_csrf\"").doesNotContain("id=\"flows-need-operator\"");
        // grouped by purpose, each card saying what it changes; recovery only from the job it acts on
        assertThat(operator).contains("id=\"flows-migrate\"").contains("id=\"flows-backup\"").contains("id=\"flows-remedy\"")
                .contains("Upgrade &amp; migrate").contains("Changes:").contains("nothing on the instance")
                .doesNotContain("id=\"flows-recover\"").doesNotContain("id=\"flow-dreamfactory-rollback\"")
                .doesNotContain("id=\"flow-dreamfactory-restore-target\"").contains("id=\"recover-hint\"")
                .as("stash pop acts on one upgrade's stash: from that job's page only")
                .doesNotContain("id=\"flow-dreamfactory-stash-pop\"");
        String offered = operator.substring(operator.indexOf("id=\"flows-migrate\""), operator.indexOf("<h2>Recent jobs</h2>"));
        assertThat(offered.split("<div class=\"card\"", -1).length - 1).as("every card says what it changes")
                .isEqualTo(offered.split("<span class=\"muted\">Changes:</span>", -1).length - 1).isGreaterThan(5);
        assertThat(operator.indexOf("id=\"flow-dreamfactory-backup\"")).isGreaterThan(operator.indexOf("id=\"flows-backup\""));
        assertThat(operator.indexOf("id=\"flow-dreamfactory-major-migration\"")).isGreaterThan(operator.indexOf("id=\"flows-migrate\""))
                .isLessThan(operator.indexOf("id=\"flows-backup\""));
        assertThat(server.sessionsOpened()).isZero();
    }

    /**
     * Whatever a finished job offers to run next on its own backup or target (option {@code job}) is a recovery, which
     * the flow list leaves to that job's page; every other flow is on the list, and its card says what it changes.
     */
    @Test
    void aJobsFollowUpOnItsOwnWorkIsARecoveryAndEveryListedFlowSaysWhatItChanges(
            @Autowired List<Flow> all, @Autowired FlowService flowService) {
        JobView finished = new JobView(7, "any", "Any", instance.getId(), instance.getName(), JobStatus.SUCCEEDED, "o",
                null, null, null, null, 0, 1, false, null, 0, 0, null, List.of());
        Map<String, String> options = Map.of("target", "8", "stash", "true", "stamp", "20261206-2141");
        List<String> followUpsOnTheJob = all.stream().flatMap(f -> f.followUps(finished, options).stream())
                .filter(up -> up.options().containsKey("job")).map(Flow.FollowUp::flowId).distinct().toList();
        assertThat(followUpsOnTheJob).contains("dreamfactory.rollback", "dreamfactory.stash-pop",
                "dreamfactory.restore-target", "cairncms.restore-target", "cairncms.clone-rollback");
        assertThat(followUpsOnTheJob).allSatisfy(id -> assertThat(flowService.flow(id).purpose()).as(id)
                .isEqualTo(Flow.Purpose.RECOVER));
        assertThat(all.stream().filter(f -> f.purpose() != Flow.Purpose.RECOVER))
                .allSatisfy(f -> assertThat(f.changes()).as(f.id()).isNotBlank());
    }

    @Test
    void aFlowNotOfferedForTheInstanceIsListedWithItsReason() throws Exception {
        assertThat(page(get("/instances/" + instance.getId() + "/flows").with(user("o").roles("OPERATOR"))))
                .as("on its host everything applies").doesNotContain("id=\"flows-unavailable\"");
        Instance inDocker;
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("flow-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        try {
            dev.migrationpanel.instance.InstanceForm form = TestInstances.passwordForm("flow-pages-docker", server, tmp.resolve("df"));
            form.setDeploymentType(dev.migrationpanel.instance.DeploymentType.DOCKER);
            form.setContainerName("df-app");
            inDocker = instances.create(form);
        } finally {
            SecurityContextHolder.clearContext();
        }
        String page = page(get("/instances/" + inDocker.getId() + "/flows").with(user("o").roles("OPERATOR")));
        String unavailable = page.substring(page.indexOf("id=\"flows-unavailable\""));
        assertThat(unavailable).contains("Not offered: it is in Docker container df-app: the guide&#39;s minor upgrade");
        assertThat(page).doesNotContain("id=\"flow-dreamfactory-minor-upgrade\"")
                .contains("id=\"flow-dreamfactory-backup\"");
        assertThat(server.sessionsOpened()).isZero();
    }

    @Test
    void aGetOfTheReviewsAddressBuildsNoPlan() throws Exception {
        String operator = page(get(flowPath("dreamfactory.backup")).param("option.note", "<b>kept</b>")
                .with(user("o").roles("OPERATOR")));
        assertThat(operator).contains("id=\"plan-offer\"").contains("id=\"review-plan\"")
                .contains("action=\"" + flowPath("dreamfactory.backup") + "/review\"")
                .contains("name=\"option.note\" value=\"&lt;b&gt;kept&lt;/b&gt;\"")
                .doesNotContain("id=\"plan-steps\"").doesNotContain("id=\"start-job\"");
        String viewer = page(get(flowPath("dreamfactory.backup")).with(user("v").roles("VIEWER")));
        assertThat(viewer).contains("id=\"review-needs-operator\"").doesNotContain("id=\"review-plan\"");
        // a flow with a wizard says where it is
        assertThat(page(get(flowPath("dreamfactory.minor-upgrade")).with(user("o").roles("OPERATOR"))))
                .contains("href=\"/instances/" + instance.getId() + "/upgrade\" id=\"open-wizard\"");
        mvc.perform(get(flowPath("no.such-flow")).with(user("o").roles("OPERATOR"))).andExpect(status().isNotFound());
        assertThat(server.sessionsOpened()).as("no SSH on a GET").isZero();
    }

    @Test
    void buildingAPlanNeedsAnOperatorAndAPost() throws Exception {
        mvc.perform(post(flowPath("dreamfactory.backup") + "/review").with(csrf()).with(user("v").roles("VIEWER")))
                .andExpect(status().isForbidden());
        mvc.perform(post(flowPath("dreamfactory.backup") + "/review").with(user("o").roles("OPERATOR")))
                .andExpect(status().isForbidden()); // no CSRF token: another site cannot make a browser ask
        assertThat(server.sessionsOpened()).isZero();

        String review = page(post(flowPath("dreamfactory.backup") + "/review").with(csrf()).with(user("o").roles("OPERATOR")));
        assertThat(review).contains("id=\"plan-steps\"").contains("sqlite3 ").contains("id=\"start-job\"")
                .contains("name=\"planDigest\"").doesNotContain("id=\"plan-offer\"");
        assertThat(server.sessionsOpened()).as("the plan was read over SSH").isPositive();
        // an admin is an operator too
        assertThat(page(post(flowPath("dreamfactory.backup") + "/review").with(csrf()).with(user("a").roles("ADMIN"))))
                .contains("id=\"plan-steps\"");
    }

    @Test
    void aPlanThatCannotBeMadeOffersToTryAgain() throws Exception {
        String review = page(post(flowPath("dreamfactory.rollback") + "/review").param("option.job", "not-a-number")
                .with(csrf()).with(user("o").roles("OPERATOR")));
        assertThat(review).contains("id=\"plan-error\"").contains("id=\"review-plan\"").contains(">Try again<")
                .contains("name=\"option.job\" value=\"not-a-number\"").doesNotContain("id=\"start-job\"");
    }

    @Test
    void theApiBuildsAPlanForOperatorsOnly() throws Exception {
        String body = "{\"flow\":\"dreamfactory.backup\",\"instanceId\":" + instance.getId() + "}";
        mvc.perform(post("/api/v1/jobs/plan").header("Authorization", token(Role.VIEWER))
                        .contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.detail").value("Your role VIEWER may not do this"));
        assertThat(server.sessionsOpened()).isZero();
        assertThat(jdbc.queryForObject("select count(*) from reviewed_plan", Integer.class)).isZero();
        mvc.perform(post("/api/v1/jobs/plan").header("Authorization", token(Role.OPERATOR))
                        .contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isOk()).andExpect(jsonPath("$.planDigest").isString());
        // listing the flows reads nothing from the instance: any role
        mvc.perform(get("/api/v1/flows").param("instanceId", instance.getId().toString())
                        .header("Authorization", token(Role.VIEWER)))
                .andExpect(status().isOk()).andExpect(jsonPath("$[0].id").value("dreamfactory.backup"));
    }

    @Test
    void aStartThatIsRefusedComesBackToTheButton() throws Exception {
        mvc.perform(post(flowPath("dreamfactory.backup")).param("planDigest", "00").param("option.note", "kept")
                        .with(csrf()).with(user("o").roles("OPERATOR")))
                .andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrl(flowPath("dreamfactory.backup") + "?option.note=kept"))
                .andExpect(flash().attribute("flashError",
                        "The plan changed since you reviewed it (the instance or its settings changed): review it again"));
        mvc.perform(post(flowPath("dreamfactory.backup")).param("planDigest", "00").with(csrf())
                        .with(user("v").roles("VIEWER")))
                .andExpect(status().isForbidden());
    }

    @Test
    void aJobsFollowUpsAreButtonsThatPostForOperatorsOnly() throws Exception {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("flow-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        Job job;
        try {
            job = jobs.start(new Plan("dreamfactory.minor-upgrade", "Upgrade", instance.getId(), instance.getName(),
                    List.of(new Step("Confirm", null, null, false, new StepSpec.Gate("Go?"), Duration.ofHours(1), null)),
                    Map.of("ref", "master", "stash", "true")));
            jobs.cancel(job.getId());
        } finally {
            SecurityContextHolder.clearContext();
        }
        long until = System.currentTimeMillis() + 60_000; // generous: a busy CI machine dispatches late
        while (jobs.get(job.getId()).getStatus().isActive() && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        String operator = page(get("/jobs/" + job.getId()).with(user("o").roles("OPERATOR")));
        assertThat(operator).contains("id=\"follow-ups\"")
                .contains("action=\"" + flowPath("dreamfactory.rollback") + "/review\"")
                .contains("name=\"option.job\" value=\"" + job.getId() + "\"").contains(">Roll back</button>")
                .doesNotContain("href=\"" + flowPath("dreamfactory.rollback"));
        String viewer = page(get("/jobs/" + job.getId()).with(user("v").roles("VIEWER")));
        assertThat(viewer).contains("id=\"follow-ups\"").contains("Version before")
                .doesNotContain("/review\"").doesNotContain(">Roll back<");
        assertThat(server.sessionsOpened()).isZero();
    }
}
