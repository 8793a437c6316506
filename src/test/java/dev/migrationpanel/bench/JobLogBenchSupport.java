package dev.migrationpanel.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.remote.HostKey;
import dev.migrationpanel.remote.SshAuth;
import dev.migrationpanel.remote.SshConnector;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.remote.SshTarget;

/** Shared parts of the job-log benchmarks: an SSH session to the lab's real sshd, a job row. */
final class JobLogBenchSupport {

    private JobLogBenchSupport() {
    }

    /** dflab with its rsa key, the lab's ed25519 host key pinned. */
    static SshSession labSession() {
        Lab lab = Lab.get();
        HostKey pinned = HostKey.fromOpenSshLine(lab.property("sshd.hostkey.ed25519.public"));
        SshTarget target = new SshTarget(lab.sshHost(), lab.sshPort(), "dflab",
                new SshAuth.PrivateKey(lab.privateKeyText("dflab", "rsa"), null), pinned);
        return new SshConnector(Duration.ofSeconds(10)).open(target);
    }

    /** Inserts a RUNNING job and returns its id. */
    static long newJob(DataSource dataSource) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into job (flow, title, status, started_by, created_at, resume_from, attempt, cancel_requested, version) "
                        + "values ('bench', 'log benchmark', 'RUNNING', 'bench', ?, 0, 1, false, 0)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setObject(1, OffsetDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    static long count(DataSource dataSource, long jobId) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select count(*), count(distinct seq) from job_log where job_id = ?")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) != rs.getLong(2)) {
                    throw new IllegalStateException("duplicate seqs");
                }
                return rs.getLong(1);
            }
        }
    }
}
