package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
import dev.migrationpanel.web.InvalidInputException;

/**
 * The structure promotion on the lab's real CairnCMS (PostgreSQL): the source's collections and its Editor role
 * reach a fresh target through the real CLI's snapshots, shown as dry runs at the gate, applied after it, and a new
 * dry run finds nothing left; the source is untouched. A target on another DB vendor is refused.
 */
@SpringBootTest
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

    private Job awaitStatus(long jobId, JobStatus wanted, int seconds) throws InterruptedException {
        long until = System.currentTimeMillis() + seconds * 1000L;
        Job job = jobs.get(jobId);
        while (job.getStatus() != wanted && (job.getStatus().isActive()) && System.currentTimeMillis() < until) {
            Thread.sleep(200);
            job = jobs.get(jobId);
        }
        return job;
    }

    private static List<String> column(Lab.CairnInstance cairn, String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + cairn.dbHost() + ":" + cairn.dbPort() + "/"
                + cairn.dbDatabase(), cairn.dbUser(), cairn.dbPassword());
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    @Test
    void theSourcesSchemaAndRolesReachAFreshTargetAfterTheDryRunsWereShown() throws Exception {
        Lab.CairnInstance s = lab.cairn("cs-pgsql");
        Lab.CairnInstance t = lab.cairn("ct-pgsql");
        Lab.reset("ct-pgsql");
        try {
            Instance source = register(s);
            Instance target = register(t);
            assertThatThrownBy(() -> flows.review(CairnPromotionFlow.ID, source.getId(),
                    Map.of("target", String.valueOf(register(lab.cairn("ct-sqlite")).getId()))))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("same DB vendor");
            List<String> sourceTablesBefore = column(s, "SELECT collection FROM directus_collections ORDER BY 1");
            assertThat(column(t, "SELECT collection FROM directus_collections")).doesNotContain("articles");

            FlowService.Review review = flows.review(CairnPromotionFlow.ID, source.getId(),
                    Map.of("target", String.valueOf(target.getId())));
            Job job = flows.start(CairnPromotionFlow.ID, source.getId(), review.plan().options(), review.digest());
            Job waiting = awaitStatus(job.getId(), JobStatus.WAITING, 300);
            assertThat(waiting.getStatus()).as(waiting.getMessage()).isEqualTo(JobStatus.WAITING);
            String log = String.join("\n", logs.after(job.getId(), 0, JobLogService.MAX_PAGE).stream()
                    .map(LogLine::line).toList());
            assertThat(log).as("the dry run shown before anything is applied").contains("articles");
            assertThat(column(t, "SELECT collection FROM directus_collections")).as("nothing applied at the gate")
                    .doesNotContain("articles");

            jobs.continueAtGate(job.getId());
            Job done = awaitStatus(job.getId(), JobStatus.SUCCEEDED, 600);
            assertThat(done.getStatus()).as(done.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(column(t, "SELECT collection FROM directus_collections"))
                    .contains("authors", "articles", "comments");
            assertThat(column(t, "SELECT name FROM directus_roles")).contains("Editor");
            assertThat(column(t, "SELECT count(*) FROM articles")).as("no content moves").containsExactly("0");
            assertThat(column(s, "SELECT collection FROM directus_collections ORDER BY 1")).as("the source untouched")
                    .isEqualTo(sourceTablesBefore);
        } finally {
            Lab.reset("ct-pgsql");
        }
    }
}
