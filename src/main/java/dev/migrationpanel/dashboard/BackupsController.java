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
import dev.migrationpanel.restore.ScratchServer;
import dev.migrationpanel.restore.ScratchServers;
import dev.migrationpanel.restore.TestRestore;
import dev.migrationpanel.restore.TestRestoreFlow;
import dev.migrationpanel.restore.TestRestores;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The backups page: every kept artifact a job took (DB dumps, configuration files, file archives, reports), of all
 * instances or one, by kind, newest first, with its size, SHA-256, whether it is encrypted at rest and until when
 * the retention rules keep it; a download link each (the store decides who may: configuration files are ADMIN's).
 * A DB dump shows its latest test-restore and offers a new one (on a scratch server of the dump's vendor).
 */
@Controller
class BackupsController {

    static final int PAGE_SIZE = 50;
    static final Set<ArtifactKind> LISTED = EnumSet.complementOf(EnumSet.of(ArtifactKind.CREDENTIALS, ArtifactKind.UPLOAD));

    private final ArtifactStore artifacts;
    private final InstanceService instances;
    private final ArtifactProperties retention;
    private final TestRestores testRestores;
    private final ScratchServers scratchServers;

    BackupsController(ArtifactStore artifacts, InstanceService instances, ArtifactProperties retention,
            TestRestores testRestores, ScratchServers scratchServers) {
        this.artifacts = artifacts;
        this.instances = instances;
        this.retention = retention;
        this.testRestores = testRestores;
        this.scratchServers = scratchServers;
    }

    /**
     * A kept artifact with its instance's name, the day the retention rules delete it at the latest, its latest
     * test-restore (or null), and for a DB dump the scratch servers it can be test-restored on (empty for SQLite:
     * a scratch file needs none; null when it cannot be test-restored).
     */
    record Row(Artifact artifact, String instanceName, Instant keptUntil, TestRestore testRestore,
            List<ScratchServer> scratch, boolean needsScratch) {

        public boolean testRestorable() {
            return scratch != null;
        }
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
        Map<String, TestRestore> restored = testRestores.latest(found.getContent().stream().map(Artifact::getId).toList());
        List<ScratchServer> servers = scratchServers.list();
        List<Row> rows = found.getContent().stream().map(a -> {
            var vendor = a.getKind() == ArtifactKind.DB_DUMP && a.getInstanceId() != null
                    ? TestRestoreFlow.vendorOf(a.getName()).orElse(null) : null;
            return new Row(a, a.getInstanceId() == null ? "" : names.getOrDefault(a.getInstanceId(), "#" + a.getInstanceId()),
                    a.getCreatedAt().plus(Duration.ofDays(retention.keepDays())), restored.get(a.getId()),
                    vendor == null ? null : servers.stream().filter(s -> s.getVendor() == vendor).toList(),
                    vendor != null && vendor.networked());
        }).toList();
        model.addAttribute("testRestoreFlow", TestRestoreFlow.ID);
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
