package dev.migrationpanel.fief;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.job.log.LogLine;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabJobs;
import dev.migrationpanel.lab.LabLocks;
import dev.migrationpanel.web.InvalidInputException;

/**
 * Fief in Docker through the panel, on the lab's fief-docker-pgsql (src/test/lab/fief.sh): a container of the lab's own
 * dockerd created with {@code --env-file} from a file on the host, running the 0.27 stand-in, its database on the host's
 * PostgreSQL. The consolidation reads the settings from the container's environment, takes the backups from the host
 * while the container is stopped, writes ENCRYPTION_KEY to the env file (here emptied first: only the panel can put it
 * back), recreates the container with 0.28, runs {@code fief grant-admin-role} in it, and passes the proof; the rollback
 * puts the workspace back and recreates the 0.27 container. Refusals: no env file set.
 */
@SpringBootTest
@ResourceLock(LabLocks.FIEF)
class FiefDockerLabIT {

    static final String NAME = "fief-docker-pgsql";

    @Autowired
    InstanceService instances;
    @Autowired
    FlowService flows;
    @Autowired
    JobService jobs;
    @Autowired
    JobLogService logs;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    dev.migrationpanel.artifact.ArtifactStore artifacts;
    @Autowired
    dev.migrationpanel.instance.InstanceCheckService checks;

    final Lab lab = Lab.get();

    @BeforeEach
    void signIn() {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("lab-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
    }

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    private Job run(String flow, Instance instance, Map<String, String> options) throws InterruptedException {
        FlowService.Review review = flows.review(flow, instance.getId(), options);
        return await(flows.start(flow, instance.getId(), review.plan().options(), review.digest()).getId());
    }

    private Job await(long id) throws InterruptedException {
        return LabJobs.settled(jobs, id, Duration.ofMinutes(5));
    }

    private String log(long jobId) {
        return String.join("\n", logs.after(jobId, 0, JobLogService.MAX_PAGE).stream().map(LogLine::line).toList());
    }

    /** The container's environment as created, through the lab's socket (the test's own eyes). */
    private String containerEnv() throws Exception {
        Process p = new ProcessBuilder("docker", "-H", lab.property("docker.host"), "inspect", "-f",
                "{{range .Config.Env}}{{println .}}{{end}}", FiefLab.property(lab, NAME, "container"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void consolidatesInItsContainerAndRollsBack() throws Exception {
        FiefLab.reset(NAME, "none");
        try {
            String key = FiefLab.property(lab, NAME, "key");
            String admin = FiefLab.property(lab, NAME, "admin.email");
            Path envFile = Path.of(FiefLab.property(lab, NAME, "envfile"));

            // refused without the env file the container is created from: a container's environment cannot change
            Instance noFile = FiefLab.registerDocker(instances, jdbc, lab, NAME, false);
            assertThatThrownBy(() -> flows.review(FiefConsolidationFlow.ID, noFile.getId(), Map.of("adminEmail", admin)))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("the environment file the container is created from");

            Instance fief = FiefLab.registerDocker(instances, jdbc, lab, NAME, true);
            // the key is in the container's environment (what the pre-flight reads), not in the file: only the panel
            // can put it there, and only a recreated container gets it
            assertThat(containerEnv()).contains("ENCRYPTION_KEY=" + key);
            List<String> lines = Files.readAllLines(envFile).stream().filter(l -> !l.startsWith("ENCRYPTION_KEY=")).toList();
            Files.write(envFile, lines);
            assertThat(Files.readString(envFile)).doesNotContain(key);

            FlowService.Review review = flows.review(FiefConsolidationFlow.ID, fief.getId(), Map.of("adminEmail", admin));
            String commands = String.join("\n", review.plan().steps().stream().map(s -> s.title() + ": " + s.spec().display())
                    .toList());
            assertThat(commands).doesNotContain(key)
                    .contains("Set ENCRYPTION_KEY in " + envFile + " (the environment file container")
                    .contains("docker exec -i '" + FiefLab.property(lab, NAME, "container") + "' sh -c")
                    .contains("pg_dump");
            long started = System.currentTimeMillis();
            Job job = await(flows.start(FiefConsolidationFlow.ID, fief.getId(), review.plan().options(), review.digest()).getId());
            String log = log(job.getId());
            assertThat(job.getStatus()).as(job.getMessage() + "\n" + log).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(log).contains("OK    fief_users: 5 row(s), checksum equal")
                    .contains("fief_alembic_version: 6c06c7d908a7 → 6d9fa141730c")
                    .contains(admin + " holds the Administrator role")
                    .contains("fief_oauth_providers.client_secret: 2 value(s), each decrypts")
                    .doesNotContain(key);
            System.out.println("fief in docker: consolidation took " + (System.currentTimeMillis() - started) + " ms");
            // the test's own eyes: the key once in the file, the recreated container created with it, 0.28's tables
            assertThat(Files.readAllLines(envFile)).containsOnlyOnce("ENCRYPTION_KEY=" + key);
            assertThat(containerEnv()).contains("ENCRYPTION_KEY=" + key);
            assertThat(FiefLab.column(lab, NAME, "SELECT count(*) FROM fief_users")).containsExactly("5");
            assertThat(FiefLab.column(lab, NAME, "SELECT version_num FROM fief_alembic_version")).containsExactly("6d9fa141730c");

            // negative control: a row altered after the move fails the proof (run again by the follow-up); put back, it passes
            Map<String, String> ofJob = Map.of("job", String.valueOf(job.getId()));
            FiefLab.execute(lab, NAME, "UPDATE fief_users SET email = 'mallory@bretagne.duchy' WHERE email = '" + admin + "'");
            Job tampered = run(FiefCheckFlow.ID, fief, ofJob);
            assertThat(tampered.getStatus()).isEqualTo(JobStatus.FAILED);
            FiefLab.execute(lab, NAME, "UPDATE fief_users SET email = '" + admin + "' WHERE email = 'mallory@bretagne.duchy'");
            assertThat(run(FiefCheckFlow.ID, fief, ofJob).getStatus()).isEqualTo(JobStatus.SUCCEEDED);

            // the rollback: the backups put back from the host, the 0.27 container recreated
            Job rollback = run(FiefRollbackFlow.ID, fief, ofJob);
            assertThat(rollback.getStatus()).as(rollback.getMessage() + "\n" + log(rollback.getId())).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(log(rollback.getId())).contains("back in").contains("0.27 started");
            assertThat(FiefLab.column(lab, NAME, "SELECT name FROM workspaces")).containsExactly("My workspace");
            assertThatThrownBy(() -> FiefLab.column(lab, NAME, "SELECT count(*) FROM fief_users")).isNotNull();
        } finally {
            FiefLab.reset(NAME, "none");
        }
    }

    static final String SQLITE = "fief-docker-sqlite";

    /** A file of the SQLite container's named volume, as the host sees it (root only: the test's own eyes). */
    private Path inVolume(String file) {
        return Path.of(FiefLab.property(lab, SQLITE, "db.location"), file);
    }

    private static String owner(Path file) throws Exception {
        return Files.getAttribute(file, "unix:uid") + ":" + Files.getAttribute(file, "unix:gid") + " "
                + java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    /** The first column of a query on a file of the volume, read with the host's sqlite3. */
    private static List<String> sqlite(Path file, String sql) throws Exception {
        Process p = new ProcessBuilder("sqlite3", "-batch", "-noheader", file.toString(), sql).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out.lines().toList();
    }

    @Test
    void consolidatesSqliteInItsStoppedContainersVolumeAndRollsBack() throws Exception {
        FiefLab.reset(SQLITE, "none");
        try {
            String key = FiefLab.property(lab, SQLITE, "key");
            String admin = FiefLab.property(lab, SQLITE, "admin.email");
            String ws = FiefLab.property(lab, SQLITE, "workspace");
            String container = FiefLab.property(lab, SQLITE, "container");
            Path envFile = Path.of(FiefLab.property(lab, SQLITE, "envfile"));
            Instance fief = FiefLab.registerDocker(instances, jdbc, lab, SQLITE, true);
            // as Fief's image (python:3.x-slim plus pip): no sqlite3 command inside, Python's sqlite3 module there
            assertThat(docker("exec", container, "sh", "-c", "command -v sqlite3 || echo no-sqlite3-command")).contains(
                    "no-sqlite3-command");
            // the instance check says so as a warning, not as an unreachable DB
            dev.migrationpanel.instance.CheckItem reachable = checks.check(fief.getId()).getItems().stream()
                    .filter(i -> i.getName().equals("DB reachable")).findFirst().orElseThrow();
            assertThat(reachable.getStatus()).as(reachable.getMessage()).isEqualTo(dev.migrationpanel.instance.CheckStatus.WARNING);
            assertThat(reachable.getMessage()).contains("is there; the container has no sqlite3 command");
            String before = owner(inVolume("fief.db"));
            assertThat(before).as("as Fief's root process leaves them").isEqualTo(owner(inVolume(ws)));
            // only the panel can put the key back into the file the container is recreated from
            Files.write(envFile, Files.readAllLines(envFile).stream().filter(l -> !l.startsWith("ENCRYPTION_KEY=")).toList());

            FlowService.Review review = flows.review(FiefConsolidationFlow.ID, fief.getId(), Map.of("adminEmail", admin));
            String commands = String.join("\n", review.plan().steps().stream().map(s -> s.title() + ": " + s.spec().display())
                    .toList());
            assertThat(commands).doesNotContain(key)
                    .contains("docker cp '" + container + ":/data/db/fief.db'")
                    .contains("--volumes-from '" + container + "'")
                    .contains("Set ENCRYPTION_KEY in " + envFile);
            long started = System.currentTimeMillis();
            Job job = await(flows.start(FiefConsolidationFlow.ID, fief.getId(), review.plan().options(), review.digest()).getId());
            String log = log(job.getId());
            assertThat(job.getStatus()).as(job.getMessage() + "\n" + log).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(log).contains("OK    fief_users: 5 row(s), checksum equal")
                    .contains("fief_alembic_version: 6c06c7d908a7 → 6d9fa141730c")
                    .contains(admin + " holds the Administrator role")
                    .contains("fief_oauth_providers.client_secret: 2 value(s), each decrypts")
                    .doesNotContain(key);
            System.out.println("fief sqlite in docker: consolidation took " + (System.currentTimeMillis() - started) + " ms");
            // the test's own eyes on the volume: the guide's swap, fief.db.bak kept, owner and mode as before; the key
            assertThat(inVolume(ws)).doesNotExist();
            assertThat(sqlite(inVolume("fief.db"), "SELECT version_num FROM fief_alembic_version")).containsExactly("6d9fa141730c");
            assertThat(sqlite(inVolume("fief.db"), "SELECT count(*) FROM fief_users")).containsExactly("5");
            assertThat(sqlite(inVolume("fief.db.bak"), "SELECT id FROM workspaces")).containsExactly(ws);
            assertThat(owner(inVolume("fief.db"))).isEqualTo(before);
            assertThat(Files.readAllLines(envFile)).containsOnlyOnce("ENCRYPTION_KEY=" + key);
            // the two backups: downloadable, checksummed artifacts
            List<dev.migrationpanel.artifact.Artifact> dumps = artifacts.forJob(job.getId()).stream()
                    .filter(a -> a.getKind() == dev.migrationpanel.artifact.ArtifactKind.DB_DUMP).toList();
            assertThat(dumps).extracting(dev.migrationpanel.artifact.Artifact::getName).anyMatch(n -> n.contains(
                    "-main-before-consolidation-")).anyMatch(n -> n.contains("-workspace-before-consolidation-"));
            assertThat(dumps).allMatch(a -> a.getSha256() != null && a.getSha256().matches("[0-9a-f]{64}") && a.getSizeBytes() > 0);
            // the staged copies are gone
            assertThat(log).contains("Remove the staged copies");

            // negative control: a row altered after the move fails the proof run again; put back, it passes
            Map<String, String> ofJob = Map.of("job", String.valueOf(job.getId()));
            FiefLab.execute(lab, SQLITE, "UPDATE fief_users SET email = 'mallory@bretagne.duchy' WHERE email = '" + admin + "'");
            Job tampered = run(FiefCheckFlow.ID, fief, ofJob);
            assertThat(tampered.getStatus()).as(log(tampered.getId())).isEqualTo(JobStatus.FAILED);
            assertThat(log(tampered.getId())).contains("fief_users: recorded 5 row(s)");
            assertNoSnapshotLeft(container); // removed also when the proof failed
            FiefLab.execute(lab, SQLITE, "UPDATE fief_users SET email = '" + admin + "' WHERE email = 'mallory@bretagne.duchy'");
            assertThat(run(FiefCheckFlow.ID, fief, ofJob).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            assertNoSnapshotLeft(container);

            // the rollback: both files restored from the backups into the volume, the 0.27 container recreated (its
            // stand-in starts only on the pre-0.28 layout with the workspace's file in place)
            Job rollback = run(FiefRollbackFlow.ID, fief, ofJob);
            assertThat(rollback.getStatus()).as(rollback.getMessage() + "\n" + log(rollback.getId())).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(log(rollback.getId())).contains("back in").contains("0.27 started");
            assertThat(sqlite(inVolume("fief.db"), "SELECT id FROM workspaces")).containsExactly(ws);
            assertThat(sqlite(inVolume(ws), "SELECT version_num FROM fief_alembic_version")).containsExactly("6c06c7d908a7");
            assertThat(sqlite(inVolume(ws), "SELECT count(*) FROM fief_users")).containsExactly("5");
            assertThat(inVolume("fief.db.bak")).doesNotExist();
            assertThat(owner(inVolume("fief.db"))).as("written by the image's user, as Fief writes it").isEqualTo(before);
            assertThat(owner(inVolume(ws))).isEqualTo(before);

            // refused: a key that does not decrypt the workspace's values
            FiefLab.reset(SQLITE, "wrong-key");
            Instance wrong = FiefLab.registerDocker(instances, jdbc, lab, SQLITE, true);
            assertThatThrownBy(() -> flows.review(FiefConsolidationFlow.ID, wrong.getId(), Map.of("adminEmail", admin)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("ENCRYPTION_KEY");
        } finally {
            FiefLab.reset(SQLITE, "none");
        }
    }

    /** The running Fief's file is read through snapshots (FiefSnapshot): none left inside or in the work directory. */
    private void assertNoSnapshotLeft(String container) throws Exception {
        assertThat(docker("exec", container, "sh", "-c", "ls -a /tmp")).doesNotContain("panel-fief-snapshot-");
        Path work = Path.of(lab.property("ssh.dflab.home"), ".migration-panel");
        try (java.util.stream.Stream<Path> files = Files.list(work)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).noneMatch(n -> n.contains("-snapshot-"));
        }
    }

    /** The lab's docker on its socket (the test's own hands), its output; fails the test on a non-zero exit. */
    private String docker(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("docker", "-H", lab.property("docker.host")));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    @Test
    void sqliteInTheContainersOwnLayerIsRefused() throws Exception {
        FiefLab.reset(SQLITE, "none");
        try {
            String container = FiefLab.property(lab, SQLITE, "container");
            String image = docker("inspect", "-f", "{{.Config.Image}}", container).strip();
            // the same container, its files in its own layer instead of the volume (created, not started: inspect suffices)
            docker("rm", "-f", container);
            docker("create", "--name", container, "--network", "host", "--label", "panel-lab=1", "--env-file",
                    FiefLab.property(lab, SQLITE, "envfile"), image, "sleep", "3600");
            docker("cp", FiefLab.property(lab, SQLITE, "db.location") + "/.", container + ":/data/db/");
            Instance fief = FiefLab.registerDocker(instances, jdbc, lab, SQLITE, true);
            assertThatThrownBy(() -> flows.review(FiefConsolidationFlow.ID, fief.getId(),
                    Map.of("adminEmail", FiefLab.property(lab, SQLITE, "admin.email"))))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("/data/db is not on a volume or bind mount of container " + container);
        } finally {
            FiefLab.reset(SQLITE, "none");
        }
    }
}
