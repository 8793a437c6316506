package dev.migrationpanel.dashboard;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceForm;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.SshAuthMethod;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;

/**
 * A fleet's history as the panel records it, written into the panel's real DB: instances registered through the
 * service, checks, backups and finished jobs as rows of their tables, and a real job waiting at its gate.
 */
final class DashboardFixture {

    private final InstanceService instances;
    private final JobService jobs;
    private final JdbcTemplate jdbc;

    DashboardFixture(InstanceService instances, JobService jobs, JdbcTemplate jdbc) {
        this.instances = instances;
        this.jobs = jobs;
        this.jdbc = jdbc;
    }

    Instance instance(String name, String product, String environment) {
        InstanceForm form = new InstanceForm();
        form.setProduct(product);
        form.setName(name);
        form.setEnvironment(environment);
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
    }

    void check(Instance instance, String outcome, Instant at, String version) {
        jdbc.update("insert into instance_check (instance_id, started_at, finished_at, outcome, checked_by) values (?, ?, ?, ?, 'fixture')",
                instance.getId(), Timestamp.from(at.minusSeconds(3)), Timestamp.from(at), outcome);
        Long id = jdbc.queryForObject("select max(id) from instance_check where instance_id = ?", Long.class, instance.getId());
        jdbc.update("insert into instance_check_item (check_id, position, name, status, message) values (?, 0, 'SSH', 'OK', 'ok')", id);
        if (version != null) {
            jdbc.update("insert into instance_check_item (check_id, position, name, status, message) values (?, 1, 'App version', 'OK', ?)",
                    id, version);
        }
    }

    void backup(Instance instance, Instant at, long bytes, boolean deleted) {
        jdbc.update("insert into artifact (id, instance_id, name, kind, content_type, size_bytes, stored_bytes, sha256, "
                + "compressed, encrypted, storage_path, created_at, deleted_at) values (?, ?, 'dump.sql', 'DB_DUMP', "
                + "'application/sql', ?, ?, ?, true, true, 'x', ?, ?)", UUID.randomUUID().toString(), instance.getId(),
                bytes, bytes / 3, "0".repeat(64), Timestamp.from(at), deleted ? Timestamp.from(at.plusSeconds(1)) : null);
    }

    void finishedJob(Instance instance, String title, JobStatus status, Instant finished) {
        jdbc.update("insert into job (flow, title, instance_id, instance_name, status, started_by, created_at, started_at, "
                + "finished_at, resume_from, attempt, cancel_requested, version) values ('test.dashboard', ?, ?, ?, ?, "
                + "'fixture', ?, ?, ?, 0, 1, false, 0)", title, instance.getId(), instance.getName(), status.name(),
                Timestamp.from(finished.minusSeconds(60)), Timestamp.from(finished.minusSeconds(60)), Timestamp.from(finished));
    }

    /** A real job of two steps, waiting at its first (a gate) until it is continued. */
    Job waitingJob(Instance instance) throws InterruptedException {
        Job job = jobs.start(new Plan("test.dashboard", "Gate on the dashboard", instance.getId(), instance.getName(),
                List.of(new Step("Confirm", null, null, false, new StepSpec.Gate("Ready?"), Duration.ofHours(1), null),
                        new Step("Note", instance.getId(), instance.getName(), false, new StepSpec.Note("nothing runs"),
                                Duration.ofSeconds(30), null))));
        long until = System.currentTimeMillis() + 20_000;
        while (jobs.get(job.getId()).getStatus() != JobStatus.WAITING && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        return jobs.get(job.getId());
    }
}
