package dev.migrationpanel.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.instance.InstanceCheck;
import dev.migrationpanel.instance.InstanceCheckRepository;
import dev.migrationpanel.instance.InstanceRepository;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobRepository;
import dev.migrationpanel.job.JobSearch;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.JobView;
import dev.migrationpanel.job.ReviewedPlans;
import dev.migrationpanel.remote.HostKey;
import dev.migrationpanel.security.AuditEvent;
import dev.migrationpanel.security.AuditEventRepository;
import dev.migrationpanel.web.ConflictException;
import dev.migrationpanel.web.GoneException;
import dev.migrationpanel.web.NotFoundException;

/**
 * The Flyway migrations and the repositories, run the same way against each database the panel
 * supports for itself (subclasses: embedded H2, the machine's PostgreSQL).
 */
abstract class PanelRepositoriesContract {

    @Autowired
    InstanceRepository instances;
    @Autowired
    InstanceCheckRepository checks;
    @Autowired
    AuditEventRepository audit;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ReviewedPlans reviewedPlans;
    @Autowired
    JobRepository jobs;
    @Autowired
    JobService jobService;

    static Instance instance(String name) {
        return TestInstances.entity(name);
    }

    @Test
    void migrationsRan() {
        List<Map<String, Object>> rows = jdbc.queryForList(
                "select \"version\", \"success\" from \"flyway_schema_history\" where \"version\" is not null");
        assertThat(rows).isNotEmpty().allSatisfy(r -> assertThat(r.get("success")).isEqualTo(true));
        assertThat(rows).extracting(r -> r.get("version")).contains("1");
    }

    @Test
    void secretsRoundTripButAreCiphertextInTheirColumns() {
        Instance saved = instances.saveAndFlush(instance("enc-" + System.nanoTime()));
        Map<String, Object> raw = jdbc.queryForMap(
                "select ssh_password_enc, db_password_enc from instance where id = ?", saved.getId());
        assertThat((String) raw.get("ssh_password_enc")).startsWith("gcm2:").doesNotContain("ssh-secret");
        assertThat((String) raw.get("db_password_enc")).startsWith("gcm2:").doesNotContain("db-secret");
        Instance read = instances.findById(saved.getId()).orElseThrow();
        assertThat(read.getSshPassword()).isEqualTo(saved.getSshPassword());
        assertThat(read.getDbPassword()).isEqualTo(saved.getDbPassword());
        assertThat(read.getSshPrivateKey()).isNull();
    }

    @Test
    void instanceNamesAreUnique() {
        String name = "dup-" + System.nanoTime();
        instances.saveAndFlush(instance(name));
        assertThatThrownBy(() -> instances.saveAndFlush(instance(name)))
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void hostKeysAndChecksPersistInOrderAndGoWithTheirInstance() {
        Instance i = instance("chk-" + System.nanoTime());
        i.pinHostKey(new HostKey("ssh-ed25519", "SHA256:abc", "AAAAC3NzaC1lZDI1NTE5AAAAIA=="), "alice", Instant.now());
        Instance saved = instances.saveAndFlush(i);
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        checks.saveAndFlush(new InstanceCheck(saved.getId(), t.minusSeconds(60), t.minusSeconds(59), "alice",
                List.of(CheckItem.ok("SSH", "old"))));
        InstanceCheck latest = checks.saveAndFlush(new InstanceCheck(saved.getId(), t, t.plusSeconds(1), "bob",
                List.of(CheckItem.ok("SSH", "fine"), CheckItem.warning("Git", "dirty"), CheckItem.ok("PHP", "8.2"))));
        assertThat(latest.getOutcome()).isEqualTo(CheckStatus.WARNING);

        InstanceCheck read = checks.findFirstByInstanceIdOrderByStartedAtDescIdDesc(saved.getId()).orElseThrow();
        assertThat(read.getId()).isEqualTo(latest.getId());
        assertThat(read.getItems()).extracting(CheckItem::getName).containsExactly("SSH", "Git", "PHP");
        assertThat(instances.findById(saved.getId()).orElseThrow().pinnedHostKey().fingerprint()).isEqualTo("SHA256:abc");

        instances.delete(instances.findById(saved.getId()).orElseThrow());
        instances.flush();
        assertThat(checks.findTop10ByInstanceIdOrderByStartedAtDescIdDesc(saved.getId())).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from instance_check_item where check_id = ?", Integer.class,
                latest.getId())).isZero();
    }

    @Test
    void auditPagesNewestFirst() {
        String marker = "page-" + System.nanoTime();
        Instant t = Instant.now();
        for (int n = 0; n < 3; n++) {
            audit.save(new AuditEvent(t.plusSeconds(n), "alice", "test." + n, marker, "1", "x", null));
        }
        List<AuditEvent> page = audit.findByTargetTypeAndTargetIdOrderByOccurredAtDescIdDesc(marker, "1",
                PageRequest.of(0, 2)).getContent();
        assertThat(page).extracting(AuditEvent::getAction).containsExactly("test.2", "test.1");
    }

    @Test
    void aReviewedPlanStartsOneJobOnceAndIsSweptPastItsTime() {
        Instance on = instances.saveAndFlush(instance("rev-" + System.nanoTime()));
        ReviewedPlans.Reviewed kept = reviewedPlans.keep("test.flow", on.getId(), Map.of("stamp", "20261121-101530"),
                "ab".repeat(32), "alice");
        ReviewedPlans.Reviewed read = reviewedPlans.startable(kept.id());
        assertThat(read.options()).containsExactly(Map.entry("stamp", "20261121-101530"));
        assertThat(read.expiresAt()).isEqualTo(kept.expiresAt());
        assertThat(read.startedJobId()).isNull();

        String title = "reviewed-" + System.nanoTime();
        Job first = reviewedPlans.startOnce(kept.id(), () -> jobs.saveAndFlush(
                new Job("test.flow", title, on.getId(), on.getName(), "alice", Instant.now())));
        // the second start is refused by the guarded update, and the job it saved is rolled back with it
        assertThatThrownBy(() -> reviewedPlans.startOnce(kept.id(), () -> jobs.saveAndFlush(
                new Job("test.flow", title, on.getId(), on.getName(), "bob", Instant.now()))))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("already started job #" + first.getId());
        assertThat(jdbc.queryForObject("select count(*) from job where title = ?", Integer.class, title)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select started_job_id from reviewed_plan where id = ?", Long.class, kept.id()))
                .isEqualTo(first.getId());

        ReviewedPlans.Reviewed old = reviewedPlans.keep("test.flow", on.getId(), Map.of(), "cd".repeat(32), "alice");
        jdbc.update("update reviewed_plan set expires_at = ? where id = ?",
                Instant.now().minusSeconds(5).atOffset(ZoneOffset.UTC), old.id());
        assertThatThrownBy(() -> reviewedPlans.startable(old.id())).isInstanceOf(GoneException.class)
                .hasMessageContaining("expired at");
        assertThat(reviewedPlans.sweep()).isGreaterThanOrEqualTo(1);
        assertThatThrownBy(() -> reviewedPlans.startable(old.id())).isInstanceOf(NotFoundException.class);
        assertThat(jdbc.queryForObject("select count(*) from reviewed_plan where id = ?", Integer.class, kept.id()))
                .as("not swept before its time").isEqualTo(1);
    }

    @Test
    void theJobHistoryReadsPagesInOrderWithStepCountsAndDateFilters() {
        String flow = "test.contract-" + System.nanoTime() % 1_000_000;
        java.sql.Timestamp at = java.sql.Timestamp.from(Instant.parse("2026-05-01T23:30:00Z"));
        java.sql.Timestamp later = java.sql.Timestamp.from(Instant.parse("2026-05-02T00:30:00Z"));
        for (java.sql.Timestamp t : List.of(at, at, later)) {
            jdbc.update("insert into job (flow, title, status, started_by, created_at, resume_from, attempt, "
                    + "cancel_requested, version) values (?, 't', 'FAILED', 'alice', ?, 0, 1, false, 0)", flow, t);
        }
        List<Long> ids = jdbc.queryForList("select id from job where flow = ? order by id", Long.class, flow);
        jdbc.update("insert into job_step (job_id, position, title, kind, changes_instance, display, spec, timeout_seconds, "
                + "status, attempt) values (?, 0, 's', 'note', false, 'x', '{}', 60, 'SUCCEEDED', 0)", ids.get(1));
        var first = jobService.search(new JobSearch(null, flow, JobStatus.FAILED, "alice", null, null), 0, 2);
        assertThat(first.getContent()).extracting(JobView::id).containsExactly(ids.get(2), ids.get(1));
        assertThat(first.getContent()).extracting(JobView::stepsDone).containsExactly(0, 1);
        assertThat(first.getContent().get(0).createdAt()).isEqualTo(later.toInstant());
        assertThat(first.getTotalElements()).isEqualTo(3);
        assertThat(jobService.search(new JobSearch(null, flow, null, null, null, null), 1, 2).getContent())
                .extracting(JobView::id).containsExactly(ids.get(0));
        // whole UTC days: 23:30 on the 1st and 00:30 on the 2nd fall on different days
        var day = java.time.LocalDate.of(2026, 5, 1);
        assertThat(jobService.search(new JobSearch(null, flow, null, null, day, day), 0, 50).getContent())
                .extracting(JobView::id).containsExactly(ids.get(1), ids.get(0));
        assertThat(jobService.search(new JobSearch(null, flow, null, null, day.plusDays(1), null), 0, 50).getContent())
                .extracting(JobView::id).containsExactly(ids.get(2));
        assertThat(jobService.instancesWithJobs()).doesNotContainNull();
        jdbc.update("delete from job_step where job_id in (select id from job where flow = ?)", flow);
        jdbc.update("delete from job where flow = ?", flow);
    }
}
