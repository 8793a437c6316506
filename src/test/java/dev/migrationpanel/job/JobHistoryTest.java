package dev.migrationpanel.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.data.domain.Page;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.resource.ResourceUrlEncodingFilter;

/**
 * The job history read with plain SQL (issue 15): order, paging and its totals (counted or told by the page), step
 * counts, every filter, the filter's instance list; and the pages' links built without a classpath lookup each.
 * The jobs are written straight into the DB under a flow of this run, so that other tests' jobs do not count.
 */
@SpringBootTest
@AutoConfigureMockMvc
class JobHistoryTest {

    @Autowired
    JobService jobs;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MockMvc mvc;
    @Autowired
    ApplicationContext context;

    final String flow = "test.history-" + System.nanoTime() % 1_000_000;
    final Instant base = Instant.parse("2026-03-10T12:00:00Z");
    long withJobs;
    long withoutJobs;
    final List<Long> ids = new ArrayList<>();

    @BeforeEach
    void seed() {
        withJobs = instance(flow + "-a");
        withoutJobs = instance(flow + "-b");
        // 120 jobs, 2 a minute (pairs with the same time: the id breaks the tie), every 4th FAILED, every 3rd by "bob"
        for (int i = 0; i < 120; i++) {
            Timestamp at = Timestamp.from(base.plusSeconds(60L * (i / 2)));
            jdbc.update("insert into job (flow, title, instance_id, instance_name, status, started_by, created_at, "
                    + "resume_from, attempt, cancel_requested, version) values (?, ?, ?, ?, ?, ?, ?, 0, 1, false, 0)",
                    flow, "job " + i, i < 7 ? withJobs : null, i < 7 ? flow + "-a" : null,
                    i % 4 == 0 ? "FAILED" : "SUCCEEDED", i % 3 == 0 ? "bob" : "alice", at);
            ids.add(jdbc.queryForObject("select max(id) from job where flow = ?", Long.class, flow));
        }
        // the newest job has 3 steps, 2 of them succeeded; the others none
        long newest = ids.get(119);
        for (int p = 0; p < 3; p++) {
            jdbc.update("insert into job_step (job_id, position, title, kind, changes_instance, display, spec, "
                    + "timeout_seconds, status, attempt) values (?, ?, 'step', 'note', false, 'x', '{}', 60, ?, 0)",
                    newest, p, p < 2 ? "SUCCEEDED" : "FAILED");
        }
    }

    @AfterEach
    void cleanUp() {
        jdbc.update("delete from job_step where job_id in (select id from job where flow = ?)", flow);
        jdbc.update("delete from job where flow = ?", flow);
        jdbc.update("delete from instance where id in (?, ?)", withJobs, withoutJobs);
    }

    private long instance(String name) {
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update("insert into instance (name, product, environment, ssh_host, ssh_port, ssh_user, ssh_auth, "
                + "deployment_type, install_path, db_access, created_at, updated_at, version) "
                + "values (?, 'dreamfactory', 'staging', '10.0.0.1', 22, 'deploy', 'PASSWORD', 'HOST', '/opt/app', 'TUNNEL', ?, ?, 0)",
                name, now, now);
        return jdbc.queryForObject("select id from instance where name = ?", Long.class, name);
    }

    private JobSearch byFlow() {
        return new JobSearch(null, flow, null, null, null, null);
    }

    @Test
    void pagesAreNewestFirstTheIdBreakingTiesWithTheirTotals() {
        List<Long> newestFirst = new ArrayList<>(ids);
        java.util.Collections.reverse(newestFirst); // inserted oldest first, and within a pair the higher id second
        Page<JobView> first = jobs.search(byFlow(), 0, 50);
        assertThat(first.getContent()).extracting(JobView::id).containsExactlyElementsOf(newestFirst.subList(0, 50));
        assertThat(first.getTotalElements()).isEqualTo(120);
        assertThat(first.getTotalPages()).isEqualTo(3);
        Page<JobView> last = jobs.search(byFlow(), 2, 50); // not full: its total comes from the page, no count
        assertThat(last.getContent()).extracting(JobView::id).containsExactlyElementsOf(newestFirst.subList(100, 120));
        assertThat(last.getTotalElements()).isEqualTo(120);
        assertThat(last.hasNext()).isFalse();
        assertThat(last.hasPrevious()).isTrue();
        Page<JobView> past = jobs.search(byFlow(), 7, 50); // empty past the end: counted
        assertThat(past.getContent()).isEmpty();
        assertThat(past.getTotalElements()).isEqualTo(120);
        Page<JobView> exact = jobs.search(byFlow(), 1, 60); // full and last: counted, no page after
        assertThat(exact.getContent()).hasSize(60);
        assertThat(exact.getTotalElements()).isEqualTo(120);
        assertThat(exact.hasNext()).isFalse();
        assertThat(jobs.search(new JobSearch(null, flow + "-none", null, null, null, null), 0, 50).getTotalElements())
                .isZero();
        // sizes are bounded: at most 200 a page, at least 1; a negative page is the first
        assertThat(jobs.search(byFlow(), 0, 10_000).getSize()).isEqualTo(200);
        assertThat(jobs.search(byFlow(), -3, 0).getContent()).extracting(JobView::id).containsExactly(newestFirst.get(0));
    }

    @Test
    void rowsCarryTheirFieldsAndStepCountsWithoutThePlan() {
        JobView newest = jobs.search(byFlow(), 0, 2).getContent().get(0);
        assertThat(newest.id()).isEqualTo(ids.get(119));
        assertThat(newest.title()).isEqualTo("job 119");
        assertThat(newest.flow()).isEqualTo(flow);
        assertThat(newest.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(newest.startedBy()).isEqualTo("alice");
        assertThat(newest.createdAt()).isEqualTo(base.plusSeconds(60L * 59));
        assertThat(newest.finishedAt()).isNull();
        assertThat(newest.instanceId()).isNull();
        assertThat(newest.attempt()).isEqualTo(1);
        assertThat(newest.stepsDone()).isEqualTo(2);
        assertThat(newest.stepsTotal()).isEqualTo(3);
        assertThat(newest.steps()).isEmpty();
        JobView second = jobs.search(byFlow(), 0, 2).getContent().get(1);
        assertThat(second.stepsDone()).isZero();
        assertThat(second.stepsTotal()).isZero();
        JobView ofInstance = jobs.search(new JobSearch(withJobs, null, null, null, null, null), 0, 50).getContent().get(0);
        assertThat(ofInstance.instanceId()).isEqualTo(withJobs);
        assertThat(ofInstance.instanceName()).isEqualTo(flow + "-a");
        assertThat(ofInstance.status()).isEqualTo(JobStatus.SUCCEEDED); // job 6
    }

    @Test
    void everyFilterNarrowsTheHistory() {
        List<Long> ofInstance = new ArrayList<>(ids.subList(0, 7));
        java.util.Collections.reverse(ofInstance);
        assertThat(jobs.search(new JobSearch(withJobs, null, null, null, null, null), 0, 50).getContent())
                .extracting(JobView::id).containsExactlyElementsOf(ofInstance);
        assertThat(jobs.search(new JobSearch(withoutJobs, null, null, null, null, null), 0, 50).getTotalElements()).isZero();
        Page<JobView> failed = jobs.search(new JobSearch(null, " " + flow + " ", JobStatus.FAILED, null, null, null), 0, 50);
        assertThat(failed.getTotalElements()).isEqualTo(30);
        assertThat(failed.getContent()).allMatch(j -> j.status() == JobStatus.FAILED);
        assertThat(jobs.search(new JobSearch(null, flow, JobStatus.FAILED, " bob ", null, null), 0, 50).getTotalElements())
                .isEqualTo(10); // multiples of 12 below 120
        // whole UTC days, "to" included: the 120 jobs all fall on 2026-03-10
        LocalDate day = LocalDate.ofInstant(base, ZoneOffset.UTC);
        assertThat(jobs.search(new JobSearch(null, flow, null, null, day, day), 0, 50).getTotalElements()).isEqualTo(120);
        assertThat(jobs.search(new JobSearch(null, flow, null, null, day.plusDays(1), null), 0, 50).getTotalElements())
                .isZero();
        assertThat(jobs.search(new JobSearch(null, flow, null, null, null, day.minusDays(1)), 0, 50).getTotalElements())
                .isZero();
    }

    @Test
    void theFilterOffersTheInstancesWithJobsAndTheOneAskedFor() throws Exception {
        String page = mvc.perform(get("/jobs").with(user("v").roles("VIEWER"))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("<option value=\"" + withJobs + "\">" + flow + "-a</option>");
        assertThat(page).doesNotContain(flow + "-b");
        assertThat(page).contains("<option value=\"" + flow + "\">" + flow + "</option>");
        String asked = mvc.perform(get("/jobs").param("instanceId", String.valueOf(withoutJobs))
                        .with(user("v").roles("VIEWER"))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(asked).contains("<option value=\"" + withoutJobs + "\" selected=\"selected\">" + flow + "-b</option>");
        assertThat(asked).contains("No job matches.");
        String paged = mvc.perform(get("/jobs").param("flow", flow).param("page", "1").with(user("v").roles("VIEWER")))
                .andReturn().getResponse().getContentAsString();
        assertThat(paged).contains("page 2 of 3 (120 jobs)", "/jobs/" + ids.get(69) + "\"", "job 69")
                .doesNotContain("/jobs/" + ids.get(70) + "\"");
    }

    @Test
    void linksAreNotLookedUpAsStaticResources() {
        // Swagger UI's webjars locator is on the classpath, which turns Spring Boot's resource chain on by default
        // (and with it a filter that resolves every link of a page against the classpath): the property keeps it off
        assertThat(ClassUtils.isPresent("org.webjars.WebJarVersionLocator", null)).isTrue();
        assertThat(context.getEnvironment().getProperty("spring.web.resources.chain.enabled")).isEqualTo("false");
        assertThat(context.getBeansOfType(ResourceUrlEncodingFilter.class)).isEmpty();
    }
}
