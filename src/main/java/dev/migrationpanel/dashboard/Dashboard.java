package dev.migrationpanel.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.LatestArtifacts;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.LatestChecks;
import dev.migrationpanel.instance.ProductProfile;
import dev.migrationpanel.instance.ProductProfiles;
import dev.migrationpanel.job.FleetJobs;

/**
 * Reads the fleet for the dashboard: every instance with what an admin who runs many wants at a glance. A fixed
 * number of queries whatever the number of instances and jobs (the instances, their latest checks, their latest
 * DB backups, the active and last jobs, the counts).
 */
@Service
class Dashboard {

    static final Duration FAILED_WINDOW = Duration.ofHours(24);
    /**
     * Rows per page: rendering is what a large fleet's page costs (the reads are a fixed number of queries), and a
     * page of 100 still shows at a glance everything running, waiting or failed, which sort first.
     */
    static final int PAGE_SIZE = 100;

    private final InstanceService instances;
    private final LatestChecks checks;
    private final LatestArtifacts artifacts;
    private final FleetJobs jobs;
    private final ProductProfiles products;
    private final Clock clock;

    Dashboard(InstanceService instances, LatestChecks checks, LatestArtifacts artifacts, FleetJobs jobs,
            ProductProfiles products, Clock clock) {
        this.instances = instances;
        this.checks = checks;
        this.artifacts = artifacts;
        this.jobs = jobs;
        this.products = products;
        this.clock = clock;
    }

    /**
     * @param product     a product id to show only its instances, or blank for all
     * @param environment an environment to show only its instances, or blank for all
     */
    @Transactional(readOnly = true)
    Fleet read(String product, String environment) {
        return read(product, environment, 0);
    }

    /** @param page from 0; past the last page, the last page */
    @Transactional(readOnly = true)
    Fleet read(String product, String environment, int page) {
        Instant now = clock.instant();
        String p = product == null ? "" : product.trim();
        String e = environment == null ? "" : environment.trim();
        List<Instance> all = instances.list();
        Map<String, String> names = products.all().stream()
                .collect(Collectors.toMap(ProductProfile::id, ProductProfile::displayName));
        Map<Long, LatestChecks.Summary> lastChecks = checks.byInstance();
        Map<Long, LatestArtifacts.Summary> backups = artifacts.byInstance(ArtifactKind.DB_DUMP);
        FleetJobs.Fleet fleet = jobs.read(now.minus(FAILED_WINDOW));
        // what needs the admin's eye first: a job running or waiting on it, then a last job that failed; then by name
        List<Instance> matching = all.stream()
                .filter(i -> p.isEmpty() || p.equals(i.getProduct()))
                .filter(i -> e.isEmpty() || e.equals(i.getEnvironment()))
                .sorted(java.util.Comparator.comparingInt((Instance i) -> attention(fleet, i.getId())))
                .toList();
        int pages = Math.max(1, (matching.size() + PAGE_SIZE - 1) / PAGE_SIZE);
        int shown = Math.min(Math.max(0, page), pages - 1);
        List<Fleet.Row> rows = matching.subList(shown * PAGE_SIZE, Math.min(matching.size(), (shown + 1) * PAGE_SIZE))
                .stream()
                .map(i -> Fleet.row(now, i, names.getOrDefault(i.getProduct(), i.getProduct()), lastChecks.get(i.getId()),
                        backups.get(i.getId()), fleet.active().get(i.getId()), fleet.last().get(i.getId())))
                .toList();
        List<String> environments = all.stream().map(Instance::getEnvironment).distinct().sorted().toList();
        return new Fleet(now, rows, fleet.running(), fleet.waiting(), fleet.failedSince(),
                products.ids(), environments, p, e, shown, pages, matching.size());
    }

    /** 0: a job runs or waits on it; 1: its last job failed; 2: the rest (a stable sort keeps the name order). */
    private static int attention(FleetJobs.Fleet fleet, Long instanceId) {
        if (fleet.active().containsKey(instanceId)) {
            return 0;
        }
        FleetJobs.Summary last = fleet.last().get(instanceId);
        return last != null && last.status() == dev.migrationpanel.job.JobStatus.FAILED ? 1 : 2;
    }
}
