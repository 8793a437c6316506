package dev.migrationpanel.job;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** One step of a job's plan as stored with the job, and how its latest attempt went. */
@Entity
@Table(name = "job_step")
@IdClass(JobStep.Key.class)
public class JobStep {

    @Id
    @ManyToOne
    @JoinColumn(name = "job_id")
    private Job job;

    @Id
    private int position;

    private String title;
    private String kind;
    private Long instanceId;
    private String instanceName;
    private boolean changesInstance;
    /** The exact command or SQL as shown for review, secrets as ****. */
    private String display;
    /** What the executor needs, as JSON; secrets only as placeholders resolved at run time. */
    private String spec;
    private String undo;
    private int timeoutSeconds;
    /** Runs side by side with the step after it ({@link Step#besideNext()}). */
    private boolean besideNext;
    @Enumerated(EnumType.STRING)
    private StepStatus status = StepStatus.PENDING;
    private int attempt;
    private Instant startedAt;
    private Instant finishedAt;
    private String message;
    private Long bytesDone;
    private Long bytesTotal;

    protected JobStep() {
    }

    public JobStep(Job job, int position, String title, String kind, Long instanceId, String instanceName,
            boolean changesInstance, String display, String spec, String undo, int timeoutSeconds) {
        this.job = job;
        this.position = position;
        this.title = title;
        this.kind = kind;
        this.instanceId = instanceId;
        this.instanceName = instanceName;
        this.changesInstance = changesInstance;
        this.display = display;
        this.spec = spec;
        this.undo = undo;
        this.timeoutSeconds = timeoutSeconds;
    }

    public Job getJob() { return job; }
    public int getPosition() { return position; }
    public String getTitle() { return title; }
    public String getKind() { return kind; }
    public Long getInstanceId() { return instanceId; }
    public String getInstanceName() { return instanceName; }
    public boolean isChangesInstance() { return changesInstance; }
    public String getDisplay() { return display; }
    public String getSpec() { return spec; }
    public String getUndo() { return undo; }
    public int getTimeoutSeconds() { return timeoutSeconds; }
    public boolean isBesideNext() { return besideNext; }
    public void setBesideNext(boolean besideNext) { this.besideNext = besideNext; }
    public StepStatus getStatus() { return status; }
    public void setStatus(StepStatus status) { this.status = status; }
    public int getAttempt() { return attempt; }
    public void setAttempt(int attempt) { this.attempt = attempt; }
    public Instant getStartedAt() { return startedAt; }
    public void setStartedAt(Instant startedAt) { this.startedAt = startedAt; }
    public Instant getFinishedAt() { return finishedAt; }
    public void setFinishedAt(Instant finishedAt) { this.finishedAt = finishedAt; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
    public Long getBytesDone() { return bytesDone; }
    public void setBytesDone(Long bytesDone) { this.bytesDone = bytesDone; }
    public Long getBytesTotal() { return bytesTotal; }
    public void setBytesTotal(Long bytesTotal) { this.bytesTotal = bytesTotal; }

    /** Composite key: the job and the step's position in its plan. */
    public static class Key implements Serializable {
        private Long job;
        private int position;

        public Key() {
        }

        public Key(Long job, int position) {
            this.job = job;
            this.position = position;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(job, k.job) && position == k.position;
        }

        @Override
        public int hashCode() {
            return Objects.hash(job, position);
        }
    }
}
