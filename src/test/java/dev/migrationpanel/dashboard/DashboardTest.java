package dev.migrationpanel.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;

/**
 * The dashboard over a recorded history: each instance's version from its latest check, its latest kept backup,
 * its active job with its progress and its last finished job; failures counted over the last 24 hours only; the
 * filters; the fragment the page polls.
 */
@SpringBootTest
@AutoConfigureMockMvc
class DashboardTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    Dashboard dashboard;
    @Autowired
    InstanceService instances;
    @Autowired
    JobService jobs;
    @Autowired
    JdbcTemplate jdbc;

    DashboardFixture fixture;
    String env;

    @BeforeEach
    void signIn() {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("dash-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        fixture = new DashboardFixture(instances, jobs, jdbc);
        env = "env" + System.nanoTime() % 1_000_000;
    }

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void eachInstanceShowsItsLatestCheckBackupAndJobs() throws Exception {
        Instant now = Instant.now();
        Fleet before = dashboard.read(null, null);
        Instance prod = fixture.instance("dash-prod-" + env, "dreamfactory", env);
        Instance cms = fixture.instance("dash-cms-" + env, "cairncms", env + "-staging");
        fixture.check(prod, "WARNING", now.minus(Duration.ofDays(3)), "DreamFactory 7.0.0");
        fixture.check(prod, "OK", now.minus(Duration.ofHours(2)), "DreamFactory 7.1.0");
        fixture.backup(prod, now.minus(Duration.ofDays(2)), 5L * 1024 * 1024, false);
        fixture.backup(prod, now.minus(Duration.ofHours(5)), 12L * 1024 * 1024, false);
        fixture.backup(prod, now.minus(Duration.ofHours(1)), 99L * 1024 * 1024, true); // deleted: not a backup any more
        fixture.finishedJob(prod, "Back up now", JobStatus.SUCCEEDED, now.minus(Duration.ofDays(2)));
        fixture.finishedJob(prod, "Minor upgrade", JobStatus.FAILED, now.minus(Duration.ofHours(3)));
        fixture.finishedJob(cms, "Old failure", JobStatus.FAILED, now.minus(Duration.ofDays(2)));
        Job waiting = fixture.waitingJob(cms);

        Fleet fleet = dashboard.read(null, env);
        assertThat(fleet.rows()).extracting(r -> r.instance().getName()).containsExactly(prod.getName());
        Fleet.Row row = fleet.rows().get(0);
        assertThat(row.productName()).isEqualTo("DreamFactory");
        assertThat(row.check().version()).isEqualTo("DreamFactory 7.1.0");
        assertThat(row.check().outcome().name()).isEqualTo("OK");
        assertThat(fleet.age(row.check().finishedAt())).isEqualTo("2 h ago");
        assertThat(row.backup().sizeBytes()).isEqualTo(12L * 1024 * 1024);
        assertThat(fleet.size(row.backup().sizeBytes())).isEqualTo("12 MiB");
        assertThat(row.last().title()).isEqualTo("Minor upgrade");
        assertThat(row.last().status()).isEqualTo(JobStatus.FAILED);
        assertThat(row.active()).isNull();

        Fleet staging = dashboard.read("cairncms", env + "-staging");
        Fleet.Row cmsRow = staging.rows().get(0);
        assertThat(staging.rows()).hasSize(1);
        assertThat(cmsRow.check()).isNull();
        assertThat(cmsRow.backup()).isNull();
        assertThat(cmsRow.active().id()).isEqualTo(waiting.getId());
        assertThat(cmsRow.active().status()).isEqualTo(JobStatus.WAITING);
        assertThat(cmsRow.active().done()).isZero();
        assertThat(cmsRow.active().steps()).isEqualTo(2);
        assertThat(cmsRow.last().title()).isEqualTo("Old failure");
        assertThat(dashboard.read("dreamfactory", env + "-staging").rows()).isEmpty();

        Fleet after = dashboard.read(null, null);
        assertThat(after.failedLastDay() - before.failedLastDay()).as("the failure of 2 days ago is not counted").isEqualTo(1);
        assertThat(after.waiting() - before.waiting()).isEqualTo(1);
        assertThat(after.environments()).contains(env, env + "-staging");

        String page = mvc.perform(get("/").param("environment", env + "-staging").with(user("v").roles("VIEWER")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains(cms.getName()).doesNotContain(prod.getName()).contains("Gate on the dashboard")
                .contains("0/2").contains("WAITING").contains("/js/dashboard.js").contains("id=\"nav-dashboard\"");
        String fragment = mvc.perform(get("/dashboard/fleet").param("environment", env).with(user("v").roles("VIEWER")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(fragment).startsWith("<div id=\"fleet\"").contains(prod.getName()).contains("DreamFactory 7.1.0")
                .contains("12 MiB").contains("Minor upgrade").doesNotContain("<html");
        jobs.cancel(waiting.getId());
    }

    @Test
    void theBackupsPageListsKeptArtifactsByInstanceAndKind() throws Exception {
        Instant now = Instant.now();
        Instance a = fixture.instance("backups-a-" + env, "dreamfactory", env);
        Instance b = fixture.instance("backups-b-" + env, "dreamfactory", env);
        fixture.backup(a, now.minus(Duration.ofHours(2)), 3L * 1024 * 1024, false);
        fixture.backup(a, now.minus(Duration.ofHours(1)), 4L * 1024 * 1024, true);
        fixture.backup(b, now.minus(Duration.ofHours(3)), 5L * 1024 * 1024, false);
        jdbc.update("insert into artifact (id, instance_id, name, kind, content_type, size_bytes, stored_bytes, sha256, "
                + "compressed, encrypted, storage_path, created_at) values (?, ?, 'sign-in.json', 'CREDENTIALS', "
                + "'application/json', 10, 10, ?, false, true, 'x', ?)", java.util.UUID.randomUUID().toString(), a.getId(),
                "1".repeat(64), java.sql.Timestamp.from(now));

        String one = mvc.perform(get("/backups").param("instanceId", String.valueOf(a.getId())).with(user("v").roles("VIEWER")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(one).contains(a.getName()).contains(String.valueOf(3L * 1024 * 1024) + " bytes")
                .doesNotContain(String.valueOf(4L * 1024 * 1024) + " bytes").doesNotContain(String.valueOf(5L * 1024 * 1024))
                .doesNotContain("sign-in.json").contains("encrypted at rest").contains("0".repeat(64));
        String all = mvc.perform(get("/backups").param("kind", "DB_DUMP").with(user("v").roles("VIEWER")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(all).contains(a.getName()).contains(b.getName()).contains("id=\"nav-backups\"");
        mvc.perform(get("/backups").param("kind", "CREDENTIALS").with(user("v").roles("VIEWER")))
                .andExpect(status().isBadRequest());
        mvc.perform(get("/backups").param("instanceId", "abc").with(user("v").roles("VIEWER")))
                .andExpect(status().isNotFound());
    }

    @Test
    void aFilterMatchingNothingSaysSo() throws Exception {
        mvc.perform(get("/").param("environment", "no-such-" + env).with(user("v").roles("VIEWER")))
                .andExpect(status().isOk())
                .andExpect(r -> assertThat(r.getResponse().getContentAsString()).contains("id=\"fleet-empty\"")
                        .contains("matches the"));
    }

    @Test
    void aLargeFleetIsPagedWithWhatNeedsTheAdminsEyeFirst() throws Exception {
        Instant now = Instant.now();
        java.util.List<Instance> fleet = new java.util.ArrayList<>();
        for (int i = 0; i < Dashboard.PAGE_SIZE + 5; i++) {
            fleet.add(fixture.instance(String.format("page-%s-%03d", env, i), "dreamfactory", env));
        }
        Instance failed = fleet.get(Dashboard.PAGE_SIZE + 3);
        fixture.finishedJob(failed, "Minor upgrade", JobStatus.FAILED, now.minus(Duration.ofHours(1)));
        Instance busy = fleet.get(Dashboard.PAGE_SIZE + 4);
        fixture.waitingJob(busy);

        Fleet first = dashboard.read("", env, 0);
        assertThat(first.total()).isEqualTo(Dashboard.PAGE_SIZE + 5);
        assertThat(first.pages()).isEqualTo(2);
        assertThat(first.rows()).hasSize(Dashboard.PAGE_SIZE);
        // the waiting job's instance first, then the failed one, then by name: the last by name is on page 2
        assertThat(first.rows()).extracting(r -> r.instance().getId()).startsWith(busy.getId(), failed.getId(),
                fleet.get(0).getId());
        Fleet second = dashboard.read("", env, 1);
        assertThat(second.rows()).extracting(r -> r.instance().getName()).hasSize(5)
                .endsWith(fleet.get(Dashboard.PAGE_SIZE + 2).getName());
        assertThat(dashboard.read("", env, 99).page()).as("past the end: the last page").isEqualTo(1);

        String page = mvc.perform(get("/").param("environment", env).param("page", "1").with(user("v").roles("VIEWER"))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("page 2 of 2 (" + (Dashboard.PAGE_SIZE + 5) + " instances").contains("data-page=\"1\"")
                .contains(fleet.get(Dashboard.PAGE_SIZE + 2).getName()).doesNotContain(fleet.get(0).getName() + "<");
        mvc.perform(get("/dashboard/fleet").param("page", "x").with(user("v").roles("VIEWER"))).andExpect(status().isBadRequest());
    }
}
