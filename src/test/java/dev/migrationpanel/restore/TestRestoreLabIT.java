package dev.migrationpanel.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactSpec;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.DumpCommands;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabJobs;
import dev.migrationpanel.lab.LabLocks;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;

/**
 * Test-restore on the lab, for each vendor, of a dump a real backup job took of df-mariadb, df-pgsql and df-sqlite
 * (read only for them): restored on the lab's scratch servers (MariaDB, PostgreSQL: the {@code panel_scratch} user)
 * or into a scratch SQLite file, PASS with every table's count as the source's, and nothing left behind. Negative
 * controls, each a real dump altered in the store: a recorded count that differs (FAIL, the table named), a dump cut
 * short (FAIL: incomplete), a dump whose SQL is broken (FAIL: did not import), each also leaving nothing behind.
 */
@SpringBootTest
@ResourceLock(LabLocks.DREAMFACTORY)
class TestRestoreLabIT {

    @Autowired
    InstanceService instances;
    @Autowired
    InstanceConnections connections;
    @Autowired
    FlowService flows;
    @Autowired
    JobService jobs;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ScratchServers scratchServers;
    @Autowired
    TestRestores results;
    @Autowired
    JobLogService logs;

    final Lab lab = Lab.get();

    @BeforeEach
    void signInAsAdmin() {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("lab-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
    }

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    /** A real backup of the lab instance, as the product's "Back up now" takes it: its DB dump. */
    static Artifact backUp(FlowService flows, JobService jobs, ArtifactStore artifacts, Instance instance) throws Exception {
        FlowService.Review review = flows.review("dreamfactory.backup", instance.getId(), Map.of());
        Job job = await(jobs, flows.start("dreamfactory.backup", instance.getId(), review.plan().options(), review.digest()).getId());
        assertThat(job.getStatus()).as(job.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        return artifacts.forJob(job.getId()).stream().filter(a -> a.getKind() == ArtifactKind.DB_DUMP).findFirst().orElseThrow();
    }

    static Job await(JobService jobs, long id) throws InterruptedException {
        return LabJobs.settled(jobs, id, Duration.ofMinutes(3));
    }

    /** The lab's scratch server of this vendor, added as an ADMIN adds it (null for SQLite). */
    static ScratchServer scratch(ScratchServers servers, Lab lab, String vendor) {
        if (vendor.equals("sqlite")) {
            return null;
        }
        String name = "lab-" + vendor + "-" + UUID.randomUUID().toString().substring(0, 8);
        return servers.create(new ScratchServers.Form(name, vendor, "127.0.0.1",
                lab.property(vendor.equals("mariadb") ? "mariadb.port" : "postgres.port"),
                lab.property("scratch.user"), lab.property("scratch.password")));
    }

    private Job testRestore(Instance instance, Artifact dump, ScratchServer server) throws Exception {
        Map<String, String> options = server == null ? Map.of("artifact", dump.getId())
                : Map.of("artifact", dump.getId(), "scratch", String.valueOf(server.getId()));
        FlowService.Review review = flows.review(TestRestoreFlow.ID, instance.getId(), options);
        assertThat(review.plan().steps()).hasSize(2);
        return await(jobs, flows.start(TestRestoreFlow.ID, instance.getId(), review.plan().options(), review.digest()).getId());
    }

    private Artifact altered(Artifact dump, UnaryOperator<String> change) throws Exception {
        String text;
        try (InputStream in = artifacts.open(dump.getId())) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String changed = change.apply(text);
        assertThat(changed).as("the alteration changed the dump").isNotEqualTo(text);
        return artifacts.write(new ArtifactSpec(dump.getJobId(), dump.getInstanceId(), dump.getStep(), dump.getName(),
                ArtifactKind.DB_DUMP, "text/plain", true), new ByteArrayInputStream(changed.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "pgsql", "sqlite"})
    void aRealBackupTestRestoresWithTheSourcesCountsAndBrokenOnesFail(String vendor) throws Exception {
        Instance instance = instances.create(TestInstances.labForm(lab, vendor, "tr-" + vendor, "ed25519"));
        TestInstances.pinLabHostKey(jdbc, instance.getId(), lab);
        instance = instances.get(instance.getId());
        ScratchServer server = scratch(scratchServers, lab, vendor);
        Artifact dump = backUp(flows, jobs, artifacts, instance);
        String dumpText;
        try (InputStream in = artifacts.open(dump.getId())) {
            dumpText = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(dumpText).contains(DumpCommands.ROWS_LINE).contains(DumpCommands.ROWS_END);

        Job pass = testRestore(instance, dump, server);
        assertThat(pass.getStatus()).as(pass.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        TestRestore result = results.latest(List.of(dump.getId())).get(dump.getId());
        assertThat(result.getResult()).as(result.getReason()).isEqualTo(TestRestore.Result.PASS);
        assertThat(result.getJobId()).isEqualTo(pass.getId());
        assertThat(flows.resultSummary(pass)).startsWith("Test-restore PASS: All ");
        List<TableCount> tables = results.tables(result);
        assertThat(tables).hasSizeGreaterThan(3).allSatisfy(t -> assertThat(t.matches()).as(t.toString()).isTrue());
        assertThat(tables).anySatisfy(t -> assertThat(t.restored()).isPositive());
        assertNothingLeft(instance, vendor, pass.getId(), dump.getId());
        if (server != null) {
            assertThat(logs.after(pass.getId(), 0, 5000)).noneMatch(l -> l.line().contains(lab.property("scratch.password")));
        }

        // negative control: a recorded count that differs from what the dump holds
        String countLine = dumpText.lines().filter(l -> l.startsWith(DumpCommands.ROWS_LINE)).findFirst().orElseThrow();
        String table = countLine.substring(DumpCommands.ROWS_LINE.length()).split("[\t|]", 2)[1];
        long rows = Long.parseLong(countLine.substring(DumpCommands.ROWS_LINE.length()).split("[\t|]", 2)[0]);
        // that line alone: another table's name may begin with this one's (role, role_service_access)
        Artifact miscounted = altered(dump, t -> t.replace(countLine + "\n", countLine.replace(
                DumpCommands.ROWS_LINE + rows, DumpCommands.ROWS_LINE + (rows + 5)) + "\n"));
        Job mismatch = testRestore(instance, miscounted, server);
        assertThat(mismatch.getStatus()).isEqualTo(JobStatus.FAILED);
        TestRestore failed = results.latest(List.of(miscounted.getId())).get(miscounted.getId());
        assertThat(failed.getResult()).isEqualTo(TestRestore.Result.FAIL);
        assertThat(flows.resultSummary(mismatch)).startsWith("Test-restore FAIL: 1 of");
        assertThat(failed.getReason()).contains("1 of").contains(table + " " + rows + " rows instead of " + (rows + 5));
        assertNothingLeft(instance, vendor, mismatch.getId(), miscounted.getId());

        // negative control: cut short (what a full disk or an interrupted copy leaves)
        Artifact truncated = altered(dump, t -> t.substring(0, t.length() / 2));
        Job cut = testRestore(instance, truncated, server);
        assertThat(cut.getStatus()).isEqualTo(JobStatus.FAILED);
        TestRestore incomplete = results.latest(List.of(truncated.getId())).get(truncated.getId());
        assertThat(incomplete.getResult()).isEqualTo(TestRestore.Result.FAIL);
        assertThat(incomplete.getReason()).contains("The dump is incomplete");
        assertNothingLeft(instance, vendor, cut.getId(), truncated.getId());

        // negative control: SQL the vendor's client refuses, in a dump that otherwise ends as a complete one
        Artifact corrupted = altered(dump, t -> t.replaceFirst("CREATE TABLE", "CREATE TABEL"));
        Job broken = testRestore(instance, corrupted, server);
        assertThat(broken.getStatus()).isEqualTo(JobStatus.FAILED);
        TestRestore refused = results.latest(List.of(corrupted.getId())).get(corrupted.getId());
        assertThat(refused.getResult()).isEqualTo(TestRestore.Result.FAIL);
        assertThat(refused.getReason()).contains("The dump did not import");
        assertNothingLeft(instance, vendor, broken.getId(), corrupted.getId());
    }

    /**
     * An instance in a Docker container (the lab's dockerd): its dump is restored by the client inside the container
     * (copied there, checked by its SHA-256), into the scratch server as the container reaches it or a scratch file
     * inside the container; nothing is left on the host nor inside. Negative control: a miscounted dump fails.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dk-mariadb", "dk-sqlite"})
    void inADockerContainerTheClientThereRestoresTheDump(String labInstance) throws Exception {
        String vendor = labInstance.substring(3);
        Instance instance = instances.create(TestInstances.labForm(lab, labInstance, "tr-" + labInstance, "ed25519"));
        TestInstances.pinLabHostKey(jdbc, instance.getId(), lab);
        instance = instances.get(instance.getId());
        assertThat(instance.getDeploymentType()).isEqualTo(dev.migrationpanel.instance.DeploymentType.DOCKER);
        ScratchServer server = scratch(scratchServers, lab, vendor);
        Artifact dump = backUp(flows, jobs, artifacts, instance);

        Job pass = testRestore(instance, dump, server);
        assertThat(pass.getStatus()).as(pass.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        TestRestore result = results.latest(List.of(dump.getId())).get(dump.getId());
        assertThat(result.getResult()).as(result.getReason()).isEqualTo(TestRestore.Result.PASS);
        assertThat(results.tables(result)).hasSizeGreaterThan(3).allSatisfy(t -> assertThat(t.matches()).as(t.toString()).isTrue());
        String container = lab.property("instance." + labInstance + ".container");
        assertThat(logs.after(pass.getId(), 0, 5000)).anyMatch(l -> l.line().contains("Copied, SHA-256 verified"));
        if (vendor.equals("sqlite")) {
            assertThat(result.getScratch()).contains("/tmp/.migration-panel/").contains("in Docker container " + container);
        }
        assertNothingLeft(instance, vendor, pass.getId(), dump.getId());
        assertNothingInside(instance, container, pass.getId(), dump.getId());

        String countLine = new String(artifacts.open(dump.getId()).readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith(DumpCommands.ROWS_LINE)).findFirst().orElseThrow();
        Artifact miscounted = altered(dump, t -> t.replace(countLine, countLine.replace(DumpCommands.ROWS_LINE,
                DumpCommands.ROWS_LINE + "9")));
        Job mismatch = testRestore(instance, miscounted, server);
        assertThat(mismatch.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(results.latest(List.of(miscounted.getId())).get(miscounted.getId()).getResult())
                .isEqualTo(TestRestore.Result.FAIL);
        assertNothingInside(instance, container, mismatch.getId(), miscounted.getId());
    }

    /** Neither the dump's copy nor a scratch file left inside the container. */
    private void assertNothingInside(Instance instance, String container, long jobId, String artifactId) throws Exception {
        try (SshSession ssh = connections.openSsh(instance)) {
            var listing = ssh.run("docker exec " + dev.migrationpanel.remote.ShellQuote.quote(container)
                    + " ls -A /tmp/.migration-panel", Duration.ofSeconds(20));
            assertThat(listing.ok()).as(listing.stderr()).isTrue();
            assertThat(listing.stdout()).doesNotContain("test-restore-" + artifactId)
                    .doesNotContain(TestRestoreFlow.scratchName(jobId, artifactId));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb"})
    void aScratchServerOfAnotherVendorOrAnotherInstancesDumpIsRefused(String vendor) throws Exception {
        Instance instance = instances.create(TestInstances.labForm(lab, vendor, "tr-refuse-" + vendor, "ed25519"));
        TestInstances.pinLabHostKey(jdbc, instance.getId(), lab);
        Artifact dump = backUp(flows, jobs, artifacts, instances.get(instance.getId()));
        ScratchServer pg = scratch(scratchServers, lab, "pgsql");
        long id = instance.getId();
        assertThatThrownBy(() -> flows.review(TestRestoreFlow.ID, id, Map.of("artifact", dump.getId(),
                "scratch", String.valueOf(pg.getId())))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("this dump needs MySQL / MariaDB");
        assertThatThrownBy(() -> flows.review(TestRestoreFlow.ID, id, Map.of("artifact", dump.getId())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("Choose a MySQL / MariaDB scratch server");
        Instance other = instances.create(TestInstances.labForm(lab, "sqlite", "tr-other", "ed25519"));
        assertThatThrownBy(() -> flows.review(TestRestoreFlow.ID, other.getId(), Map.of("artifact", dump.getId())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("is no DB dump of tr-other");
        assertThatThrownBy(() -> flows.review(TestRestoreFlow.ID, id, Map.of("artifact", "../etc")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("Choose a DB dump");
    }

    /** No scratch database (or file) of the job, and no uploaded dump, on the server or the host. */
    private void assertNothingLeft(Instance instance, String vendor, long jobId, String artifactId) throws Exception {
        String scratchName = TestRestoreFlow.scratchName(jobId, artifactId);
        try (SshSession ssh = connections.openSsh(instance)) {
            String listing = ssh.run("ls -A .migration-panel", Duration.ofSeconds(10)).stdout();
            assertThat(listing).doesNotContain("test-restore-" + artifactId).doesNotContain(scratchName);
        }
        if (vendor.equals("sqlite")) {
            return;
        }
        String url = vendor.equals("mariadb")
                ? "jdbc:mariadb://127.0.0.1:" + lab.property("mariadb.port") + "/"
                : "jdbc:postgresql://127.0.0.1:" + lab.property("postgres.port") + "/postgres";
        String query = vendor.equals("mariadb") ? "SELECT schema_name FROM information_schema.schemata"
                : "SELECT datname FROM pg_database";
        try (Connection c = DriverManager.getConnection(url, lab.property("scratch.user"), lab.property("scratch.password"));
                ResultSet rs = c.createStatement().executeQuery(query)) {
            while (rs.next()) {
                assertThat(rs.getString(1)).as("scratch database left behind").isNotEqualTo(scratchName);
            }
        }
    }
}
