package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.job.log.LogLine;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabJobs;
import dev.migrationpanel.lab.LabLocks;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The structure promotion on the lab's real CairnCMS (PostgreSQL, MariaDB, SQLite): the source's collections and its
 * Editor role reach a fresh target through the real CLI's snapshots, shown as dry runs at the gate, applied after it,
 * and a new dry run finds nothing left; the source is untouched. A target on another DB vendor is refused, unless the
 * admin chooses to apply the snapshot across the mismatch (then with the guide's warning, and a proof that tolerates
 * only the type drift the guide warns of). An apply
 * that fails half way fails the job, and the rollback it offers puts the target's DB back.
 */
@SpringBootTest
@ResourceLock(LabLocks.CAIRNCMS)
class CairnPromotionLabIT {

    @Autowired
    InstanceService instances;
    @Autowired
    FlowService flows;
    @Autowired
    JobService jobs;
    @Autowired
    JobLogService logs;
    @Autowired
    JdbcTemplate jdbc;

    final Lab lab = Lab.get();

    @BeforeEach
    void signIn() {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("lab-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
    }

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    private Instance register(Lab.CairnInstance cairn) {
        return CairnLabInstances.register(instances, jdbc, lab, cairn, true);
    }

    /** The job once it has ended or waits at its gate (the caller's assertion on its status says which). */
    private Job settled(long jobId, int seconds) throws InterruptedException {
        return LabJobs.settled(jobs, jobId, Duration.ofSeconds(seconds));
    }

    private static List<String> column(Lab.CairnInstance cairn, String sql) throws Exception {
        return CairnContentMoveLabIT.column(cairn, sql);
    }

    @Test
    void theSourcesSchemaAndRolesReachAFreshTargetAfterTheDryRunsWereShown() throws Exception {
        promotes("mariadb", "ct-pgsql");
    }

    // the other vendors' promotions run to their proofs elsewhere, so not here again: PostgreSQL's from a container to
    // ct-pgsql in CairnDockerLabIT (and into a container in CairnDockerTargetLabIT), SQLite's (cs-sqlite → ct-sqlite)
    // in CairnWizardBrowserIT, clicked through the wizard

    private void promotes(String vendor, String otherVendor) throws Exception {
        Lab.CairnInstance s = lab.cairn("cs-" + vendor);
        Lab.CairnInstance t = lab.cairn("ct-" + vendor);
        CairnCloneLabIT.freshTarget(t); // rebuilt only if a test left it changed (each rebuilds it after itself)
        try {
            Instance source = register(s);
            Instance target = register(t);
            assertThatThrownBy(() -> flows.review(CairnPromotionFlow.ID, source.getId(),
                    Map.of("target", String.valueOf(register(lab.cairn(otherVendor)).getId()))))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("subtly wrong types");
            List<String> sourceTablesBefore = column(s, "SELECT collection FROM directus_collections ORDER BY 1");
            assertThat(column(t, "SELECT collection FROM directus_collections")).doesNotContain("articles");

            FlowService.Review review = flows.review(CairnPromotionFlow.ID, source.getId(),
                    Map.of("target", String.valueOf(target.getId())));
            Job job = flows.start(CairnPromotionFlow.ID, source.getId(), review.plan().options(), review.digest());
            Job waiting = settled(job.getId(), 300);
            assertThat(waiting.getStatus()).as(waiting.getMessage()).isEqualTo(JobStatus.WAITING);
            String log = String.join("\n", logs.after(job.getId(), 0, JobLogService.MAX_PAGE).stream()
                    .map(LogLine::line).toList());
            assertThat(log).as("the dry run shown before anything is applied").contains("articles");
            assertThat(column(t, "SELECT collection FROM directus_collections")).as("nothing applied at the gate")
                    .doesNotContain("articles");

            jobs.continueAtGate(job.getId());
            Job done = settled(job.getId(), 600);
            assertThat(done.getStatus()).as(done.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(column(t, "SELECT collection FROM directus_collections"))
                    .contains("authors", "articles", "comments");
            assertThat(column(t, "SELECT name FROM directus_roles")).contains("Editor");
            assertThat(column(t, "SELECT count(*) FROM articles")).as("no content moves").containsExactly("0");
            assertThat(column(s, "SELECT collection FROM directus_collections ORDER BY 1")).as("the source untouched")
                    .isEqualTo(sourceTablesBefore);
        } finally {
            Lab.reset(t.name());
        }
    }

    /**
     * The failure switch "a mismatched vendor": cs-sqlite's snapshot into ct-pgsql is refused with the guide's warning;
     * with {@code acceptMismatch} it is planned with that warning as a step before the gate, applied, and proved by a
     * dry run that finds every collection, field and relation in place while it still lists the type drift.
     */
    @Test
    void aSnapshotOfAnotherVendorIsAppliedOnlyWithTheExplicitChoiceAndItsWarning() throws Exception {
        Lab.CairnInstance s = lab.cairn("cs-sqlite");
        Lab.CairnInstance t = lab.cairn("ct-pgsql");
        CairnCloneLabIT.freshTarget(t); // rebuilt only if a test left it changed (each rebuilds it after itself)
        try {
            Instance source = register(s);
            Instance target = register(t);
            assertThatThrownBy(() -> flows.review(CairnPromotionFlow.ID, source.getId(),
                    Map.of("target", String.valueOf(target.getId()))))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("DB vendor SQLite (snapshot) → PostgreSQL (target)")
                    .hasMessageContaining("subtly wrong types");
            FlowService.Review review = flows.review(CairnPromotionFlow.ID, source.getId(),
                    Map.of("target", String.valueOf(target.getId()), CairnPromotionFlow.ACCEPT_MISMATCH, "true"));
            assertThat(review.plan().options()).containsEntry(CairnPromotionFlow.ACCEPT_MISMATCH, "true");
            assertThat(review.plan().steps()).extracting(dev.migrationpanel.job.Step::title)
                    .contains("Applied across a mismatch, as chosen: DB vendor SQLite (snapshot) → PostgreSQL (target)",
                            CairnPromotionFlow.VERIFY_MISMATCHED);
            Job job = flows.start(CairnPromotionFlow.ID, source.getId(), review.plan().options(), review.digest());
            Job waiting = settled(job.getId(), 300);
            assertThat(waiting.getStatus()).as(waiting.getMessage()).isEqualTo(JobStatus.WAITING);
            jobs.continueAtGate(job.getId());
            Job done = settled(job.getId(), 600);
            assertThat(done.getStatus()).as(done.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(column(t, "SELECT collection FROM directus_collections")).contains("authors", "articles", "comments");
            assertThat(column(t, "SELECT name FROM directus_roles")).contains("Editor");
            String log = String.join("\n", logs.after(job.getId(), 0, JobLogService.MAX_PAGE).stream()
                    .map(LogLine::line).toList());
            // the first dry run (a fresh target) only creates: the drift can only be the proof's dry run's
            assertThat(log).as("the proof's dry run still shows the type drift the guide warns of").contains("Set data_type to");
        } finally {
            Lab.reset(t.name());
        }
    }

    /**
     * The failure switch "a CLI apply that fails half way": while the job waits at its gate, the target's DB is made to
     * refuse one of the source's tables (a table of that name is already there), so {@code schema apply} fails on it;
     * the job fails at that step, offers the rollback, and the rollback puts the target's DB back as the promotion found
     * it (every table's rows and checksum as before, the obstacle gone with the rest).
     */
    @Test
    void anApplyFailingHalfWayFailsTheJobAndTheOfferedRollbackRestoresTheTarget() throws Exception {
        Lab.CairnInstance s = lab.cairn("cs-pgsql");
        Lab.CairnInstance t = lab.cairn("ct-pgsql");
        CairnCloneLabIT.freshTarget(t); // rebuilt only if a test left it changed (each rebuilds it after itself)
        try {
            Instance source = register(s);
            Instance target = register(t);
            Map<String, dev.migrationpanel.database.TableFingerprints.Fingerprint> before = CairnContentMoveLabIT.fingerprints(t);
            FlowService.Review review = flows.review(CairnPromotionFlow.ID, source.getId(),
                    Map.of("target", String.valueOf(target.getId())));
            Job job = flows.start(CairnPromotionFlow.ID, source.getId(), review.plan().options(), review.digest());
            Job waiting = settled(job.getId(), 300);
            assertThat(waiting.getStatus()).as(waiting.getMessage()).isEqualTo(JobStatus.WAITING);
            CairnContentMoveLabIT.update(t, "CREATE TABLE comments (obstacle integer)");
            jobs.continueAtGate(job.getId());
            Job failed = settled(job.getId(), 600);
            assertThat(failed.getStatus()).as(failed.getMessage()).isEqualTo(JobStatus.FAILED);
            assertThat(failed.getSteps().stream().filter(x -> x.getStatus() == dev.migrationpanel.job.StepStatus.FAILED)
                    .map(dev.migrationpanel.job.JobStep::getTitle).toList()).containsExactly("Apply the schema (schema apply)");
            assertThat(CairnContentMoveLabIT.fingerprints(t)).as("the target is not as it was").isNotEqualTo(before);

            List<dev.migrationpanel.job.Flow.FollowUp> followUps = flows.flow(CairnPromotionFlow.ID).followUps(
                    dev.migrationpanel.job.JobView.of(failed), jobs.options(failed.getId()));
            assertThat(followUps).singleElement().satisfies(f -> {
                assertThat(f.flowId()).isEqualTo(CairnMoveRollbackFlow.ID);
                assertThat(f.instanceId()).isEqualTo(target.getId());
            });
            FlowService.Review rollback = flows.review(CairnMoveRollbackFlow.ID, target.getId(), followUps.get(0).options());
            Job restored = settled(flows.start(CairnMoveRollbackFlow.ID, target.getId(), rollback.plan().options(),
                    rollback.digest()).getId(), 600);
            assertThat(restored.getStatus()).as(restored.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(CairnContentMoveLabIT.fingerprints(t)).as("the target's DB as the promotion found it").isEqualTo(before);
            assertThat(column(t, "SELECT collection FROM directus_collections")).doesNotContain("articles", "comments");
        } finally {
            Lab.reset(t.name());
        }
    }
}
