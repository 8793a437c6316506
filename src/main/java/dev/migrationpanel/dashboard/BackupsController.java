package dev.migrationpanel.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.data.domain.Page;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactProperties;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The backups page: every kept artifact a job took (DB dumps, configuration files, file archives, reports), of all
 * instances or one, by kind, newest first, with its size, SHA-256, whether it is encrypted at rest and until when
 * the retention rules keep it; a download link each (the store decides who may: configuration files are ADMIN's).
 */
@Controller
class BackupsController {

    static final int PAGE_SIZE = 50;
    static final Set<ArtifactKind> LISTED = EnumSet.complementOf(EnumSet.of(ArtifactKind.CREDENTIALS, ArtifactKind.UPLOAD));

    private final ArtifactStore artifacts;
    private final InstanceService instances;
    private final ArtifactProperties retention;

    BackupsController(ArtifactStore artifacts, InstanceService instances, ArtifactProperties retention) {
        this.artifacts = artifacts;
        this.instances = instances;
        this.retention = retention;
    }

    /** A kept artifact with its instance's name and the day the retention rules delete it at the latest. */
    record Row(Artifact artifact, String instanceName, Instant keptUntil) {
    }

    @GetMapping("/backups")
    String list(@RequestParam(required = false) Long instanceId, @RequestParam(required = false) String kind,
            @RequestParam(defaultValue = "0") int page, Model model) {
        Set<ArtifactKind> kinds = LISTED;
        if (kind != null && !kind.isBlank()) {
            ArtifactKind chosen = LISTED.stream().filter(k -> k.name().equals(kind)).findFirst().orElseThrow(() ->
                    InvalidInputException.of("kind", "Choose a kind from the list"));
            kinds = EnumSet.of(chosen);
        }
        if (page < 0 || page > 100_000) {
            throw InvalidInputException.of("page", "page is a number from 0");
        }
        Instance only = instanceId == null ? null : instances.get(instanceId);
        Map<Long, String> names = instances.list().stream().collect(Collectors.toMap(Instance::getId, Instance::getName));
        Page<Artifact> found = artifacts.kept(instanceId, kinds, page, PAGE_SIZE);
        List<Row> rows = found.getContent().stream().map(a -> new Row(a,
                a.getInstanceId() == null ? "" : names.getOrDefault(a.getInstanceId(), "#" + a.getInstanceId()),
                a.getCreatedAt().plus(Duration.ofDays(retention.keepDays())))).toList();
        model.addAttribute("rows", rows);
        model.addAttribute("page", found);
        model.addAttribute("instance", only);
        model.addAttribute("instances", instances.list());
        model.addAttribute("kinds", LISTED.stream().map(ArtifactKind::name).sorted().toList());
        model.addAttribute("kind", kind == null ? "" : kind);
        model.addAttribute("retention", retention);
        return "dashboard/backups";
    }
}
