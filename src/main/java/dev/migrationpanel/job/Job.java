package dev.migrationpanel.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.hibernate.annotations.BatchSize;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A run of one flow's plan: its steps in order, who started it, and how it stands. */
@Entity
@Table(name = "job")
public class Job {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Version
    private long version;

    private String flow;
    private String title;
    private Long instanceId;
    private String instanceName;
    @Enumerated(EnumType.STRING)
    private JobStatus status;
    private String startedBy;
    private Instant createdAt;
    private Instant startedAt;
    private Instant finishedAt;
    /** Position of the step running now, or of the one that failed last. */
    private Integer currentStep;
    /** Position the next run starts at. */
    private int resumeFrom;
    private int attempt;
    private boolean cancelRequested;
    /** The panel node that runs (or last ran) the job. */
    private String node;
    private String message;
    /** The flow's options as JSON. */
    private String options;

    @OneToMany(mappedBy = "job", cascade = CascadeType.ALL, orphanRemoval = true)
    @OrderBy("position")
    @BatchSize(size = 50) // a history page loads the steps of its jobs in one query
    private List<JobStep> steps = new ArrayList<>();

    protected Job() {
    }

    public Job(String flow, String title, Long instanceId, String instanceName, String startedBy, Instant createdAt) {
        this.flow = flow;
        this.title = title;
        this.instanceId = instanceId;
        this.instanceName = instanceName;
        this.startedBy = startedBy;
        this.createdAt = createdAt;
        this.status = JobStatus.QUEUED;
    }

    public void addStep(JobStep step) {
        steps.add(step);
    }

    public Long getId() { return id; }
    public long getVersion() { return version; }
    public String getFlow() { return flow; }
    public String getTitle() { return title; }
    public Long getInstanceId() { return instanceId; }
    public String getInstanceName() { return instanceName; }
    public JobStatus getStatus() { return status; }
    public void setStatus(JobStatus status) { this.status = status; }
    public String getStartedBy() { return startedBy; }
    public Instant getCreatedAt() { return createdAt; }
    public Instant getStartedAt() { return startedAt; }
    public void setStartedAt(Instant startedAt) { this.startedAt = startedAt; }
    public Instant getFinishedAt() { return finishedAt; }
    public void setFinishedAt(Instant finishedAt) { this.finishedAt = finishedAt; }
    public Integer getCurrentStep() { return currentStep; }
    public void setCurrentStep(Integer currentStep) { this.currentStep = currentStep; }
    public int getResumeFrom() { return resumeFrom; }
    public void setResumeFrom(int resumeFrom) { this.resumeFrom = resumeFrom; }
    public int getAttempt() { return attempt; }
    public void setAttempt(int attempt) { this.attempt = attempt; }
    public boolean isCancelRequested() { return cancelRequested; }
    public void setCancelRequested(boolean cancelRequested) { this.cancelRequested = cancelRequested; }
    public String getNode() { return node; }
    public void setNode(String node) { this.node = node; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
    public List<JobStep> getSteps() { return steps; }
    public String getOptions() { return options; }
    public void setOptions(String options) { this.options = options; }
}
