package dev.migrationpanel.instance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;

/** A dated pre-flight report of one instance; its outcome is the worst of its items. */
@Entity
@Table(name = "instance_check")
public class InstanceCheck {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "instance_id", nullable = false)
    private Long instanceId;

    private Instant startedAt;
    private Instant finishedAt;

    @Enumerated(EnumType.STRING)
    private CheckStatus outcome;

    private String checkedBy;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "instance_check_item", joinColumns = @JoinColumn(name = "check_id"))
    @OrderColumn(name = "position")
    private List<CheckItem> items = new ArrayList<>();

    protected InstanceCheck() {
    }

    public InstanceCheck(Long instanceId, Instant startedAt, Instant finishedAt, String checkedBy, List<CheckItem> items) {
        this.instanceId = instanceId;
        this.startedAt = startedAt;
        this.finishedAt = finishedAt;
        this.checkedBy = checkedBy;
        this.items = new ArrayList<>(items);
        this.outcome = items.stream().map(CheckItem::getStatus).reduce(CheckStatus.OK, CheckStatus::worst);
    }

    public Long getId() { return id; }
    public Long getInstanceId() { return instanceId; }
    public Instant getStartedAt() { return startedAt; }
    public Instant getFinishedAt() { return finishedAt; }
    public CheckStatus getOutcome() { return outcome; }
    public String getCheckedBy() { return checkedBy; }
    public List<CheckItem> getItems() { return items; }
}
