package dev.migrationpanel.restore;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One test-restore of a DB dump: where, when, its result and why, and the per-table counts (JSON). */
@Entity
@Table(name = "test_restore")
public class TestRestore {

    /**
     * PASS: restored, and every table holds what the source held; FAIL: it did not restore, or a count differs;
     * RESTORED: it restored, but the dump carries no source counts to compare with (taken before the panel
     * recorded them).
     */
    public enum Result { PASS, FAIL, RESTORED }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String artifactId;
    private Long jobId;
    private Long instanceId;
    private String scratch;
    private Instant startedAt;
    private Instant finishedAt;
    @Enumerated(EnumType.STRING)
    private Result result;
    private String reason;
    private String tablesJson;

    protected TestRestore() {
    }

    TestRestore(String artifactId, Long jobId, Long instanceId, String scratch, Instant startedAt, Instant finishedAt,
            Result result, String reason, String tablesJson) {
        this.artifactId = artifactId;
        this.jobId = jobId;
        this.instanceId = instanceId;
        this.scratch = scratch;
        this.startedAt = startedAt;
        this.finishedAt = finishedAt;
        this.result = result;
        this.reason = reason == null || reason.length() <= 2000 ? reason : reason.substring(0, 1999) + "…";
        this.tablesJson = tablesJson;
    }

    public Long getId() { return id; }
    public String getArtifactId() { return artifactId; }
    public Long getJobId() { return jobId; }
    public Long getInstanceId() { return instanceId; }
    public String getScratch() { return scratch; }
    public Instant getStartedAt() { return startedAt; }
    public Instant getFinishedAt() { return finishedAt; }
    public Result getResult() { return result; }
    public String getReason() { return reason; }
    String getTablesJson() { return tablesJson; }
}
