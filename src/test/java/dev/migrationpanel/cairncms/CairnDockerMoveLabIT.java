package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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

import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.TableFingerprints;
import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabJobs;
import dev.migrationpanel.lab.LabLocks;

/**
 * The content move with its SOURCE in a Docker container, through the panel, on the lab's cd-pgsql (a CairnCMS
 * container of the lab's dockerd, settings in its environment, uploads on a volume, its DB on the host's PostgreSQL;
 * src/test/lab/cairncms-docker.sh) into the host target ct-pgsql: {@code authors,articles,tags} with the junction
 * articles_tags and the cover file their rows reference, by the native data-only dump taken on the SSH host at the
 * DB_HOST the container names and the bytes copied out with docker cp, to the proof, the source left as it was.
 * Negative control: the proof alone fails once a moved row is
 * changed on the target, and passes once it is put back. And with its TARGET in a container: the host source
 * cs-pgsql into cdt-pgsql (a bootstrapped-only container on the host's PostgreSQL, uploads on a named volume), the rows
 * merged from the SSH host, the cover's bytes unpacked on the volume by a one-off container of its image, the container
 * restarted, the proof reading the target's files through docker; negative control as above; the "Restore the target"
 * it offers puts the target's DB back as the move found it. Runs under {@code flock /var/tmp/panel-lab/cairn-it.lock}.
 */
@SpringBootTest
@ResourceLock(LabLocks.CAIRNCMS)
@ResourceLock(LabLocks.CAIRNCMS_DOCKER)
class CairnDockerMoveLabIT {

    static final String NAME = "cd-pgsql";

    @Autowired
    InstanceService instances;
    @Autowired
    FlowService flows;
    @Autowired
    JobService jobs;
    @Autowired
    JobLogService logs;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CairnContentMoveFlow moveFlow;

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

    private String p(String key) {
        return lab.property("cairn." + NAME + "." + key);
    }

    /** cd-pgsql registered as an admin would: Docker, its container, the CLI as the image runs it, start and stop. */
    private Instance registerDocker() {
        return registerDocker(NAME);
    }

    private Instance registerDocker(String name) {
        return CairnLabInstances.registerDocker(instances, jdbc, lab, name);
    }

    /** Every table of cd-pgsql's DB (rows and checksum), read by the test itself. */
    private Map<String, TableFingerprints.Fingerprint> sourceFingerprints() throws Exception {
        String url = "jdbc:postgresql://" + p("db.host") + ":" + p("db.port") + "/" + p("db.database");
        try (Connection c = DriverManager.getConnection(url, p("db.user"), p("db.password"))) {
            return TableFingerprints.of(c);
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out.strip();
    }

    /** The container's uploads with their SHA-256 (the test's own eyes, through the lab's socket). */
    private String sourceSums() throws Exception {
        return run("docker", "-H", lab.property("docker.host"), "exec", p("container"), "sh", "-c",
                "cd /cairncms/uploads && find . -type f | sort | xargs sha256sum");
    }

    /**
     * The SSH user's directories in the SSH host's /tmp laid out as the move's copy out of a container stages them
     * ({@code mktemp -d} holding {@code b/} and {@code list}); the lab's SSH host is this machine.
     */
    private static List<String> stagedInTmp(String user) throws Exception {
        try (var entries = Files.list(Path.of("/tmp"))) {
            List<String> staged = new java.util.ArrayList<>();
            for (Path entry : entries.toList()) {
                try {
                    if (entry.getFileName().toString().startsWith("tmp.") && Files.isDirectory(entry.resolve("b"))
                            && Files.getOwner(entry, LinkOption.NOFOLLOW_LINKS).getName().equals(user)) {
                        staged.add(entry.toString());
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    // removed while listed
                }
            }
            return staged;
        }
    }

    private Job await(long jobId) throws InterruptedException {
        return LabJobs.settled(jobs, jobId, java.time.Duration.ofMinutes(5));
    }

    private String describe(Job job) {
        return LabJobs.describe(job, logs);
    }

    private String proofReport(Job job) throws Exception {
        var report = artifacts.forJob(job.getId()).stream().filter(a -> a.getKind() == ArtifactKind.LOG
                && a.getName().endsWith("-content-move-proof.txt")).reduce((a, b) -> b).orElseThrow();
        try (InputStream in = artifacts.open(report.getId())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The reviewed move started and awaited: it succeeds, its proof naming the lab's 4 tables, 14 rows and 1 file. */
    private Job moveToItsProof(Instance source, FlowService.Review review) throws InterruptedException {
        Job job = await(flows.start(CairnContentMoveFlow.ID, source.getId(), review.plan().options(), review.digest())
                .getId());
        assertThat(job.getStatus()).as(describe(job)).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.getSteps().stream().filter(s -> s.getTitle().equals(CairnContentMoveFlow.VERIFY)).findFirst()
                .orElseThrow().getMessage()).contains("4 table(s) with 14 row(s) as the source has them, 1 file(s) "
                + "with their bytes, nothing else changed, source unchanged");
        return job;
    }

    /** The reviewed move's record and proof alone, for a negative control (they only read). */
    private static Plan proofOnly(FlowService.Review review) {
        List<Step> steps = review.plan().steps().stream().filter(s -> s.title().equals(CairnContentMoveFlow.RECORD)
                || s.title().equals(CairnContentMoveFlow.VERIFY)).toList();
        assertThat(steps).hasSize(2);
        return new Plan(review.plan().flow(), "Prove again", review.plan().instanceId(), review.plan().instanceName(),
                steps, review.plan().options());
    }

    @Test
    void aSourceInDockerMovesItsChosenCollectionsWithTheirFileToAHostTargetAndTheProofCatchesAChangedRow()
            throws Exception {
        Lab.CairnInstance t = lab.cairn("ct-pgsql");
        CairnCloneLabIT.freshTarget(t); // rebuilt only if a test left it changed (each rebuilds it after itself)
        try {
            // the target's structure first, with the real CLI: cd-pgsql holds cs-pgsql's content model (the move's own
            // schema check compares cd-pgsql's tables with the target's, so a difference would refuse it below)
            CairnContentMoveLabIT.promoteByCli(lab.cairn("cs-pgsql"), t);
            Instance source = registerDocker();
            Instance target = CairnLabInstances.register(instances, jdbc, lab, t, true);
            Map<String, String> options = Map.of("target", String.valueOf(target.getId()), "collections",
                    "authors,articles,tags", "conflict", "refuse");

            List<CheckItem> pair = moveFlow.pairChecks(source, target, options);
            assertThat(pair).as(pair.toString()).noneMatch(i -> i.getStatus() == CheckStatus.BLOCKING)
                    .anyMatch(i -> i.getName().equals("Source in Docker"));
            assertThat(moveFlow.collections(source)).as("the wizard's choices, read from the container's DB")
                    .containsExactly("articles", "authors", "categories", "comments", "tags");

            FlowService.Review review = flows.review(CairnContentMoveFlow.ID, source.getId(), options);
            StepSpec.Stream rows = (StepSpec.Stream) review.plan().steps().stream()
                    .filter(s -> s.title().equals(CairnContentMoveFlow.LOAD)).findFirst().orElseThrow().spec();
            assertThat(rows.fromCommand()).as("dumped on the SSH host at the DB_HOST the container names")
                    .contains("pg_dump -h '" + p("db.host") + "' -p " + p("db.port") + " -U '" + p("db.user") + "' -d '"
                            + p("db.database") + "' --data-only").doesNotContain("docker exec");
            StepSpec.Stream bytes = (StepSpec.Stream) review.plan().steps().stream()
                    .filter(s -> s.title().startsWith("Carry the referenced files' bytes of location local")).findFirst()
                    .orElseThrow().spec();
            assertThat(bytes.fromCommand()).contains("docker cp '" + p("container") + ":/cairncms/uploads/'\"$f\"");

            Map<String, TableFingerprints.Fingerprint> sourceBefore = sourceFingerprints();
            String sumsBefore = sourceSums();
            Job job = moveToItsProof(source, review);
            String proof = proofReport(job);
            assertThat(proof).contains("OK    authors: 3 row(s), checksums equal", "OK    articles: 4 row(s), checksums equal",
                    "OK    tags: 3 row(s), checksums equal", "OK    articles_tags: 4 row(s), checksums equal",
                    "OK    1 of 1 referenced file(s): row and bytes (SHA-256) as the source's", "OK    The source's")
                    .doesNotContain("FAIL ");
            assertThat(CairnContentMoveLabIT.column(t, "SELECT count(*) FROM comments")).as("not chosen").containsExactly("0");
            // the cover's bytes on the target are the container's (the test's own reading of both)
            String cover = lab.cairnContent(NAME, "files.thumbnail.of");
            String disk = CairnContentMoveLabIT.column(t, "SELECT filename_disk FROM directus_files WHERE id = '" + cover
                    + "'").get(0);
            assertThat(run("sha256sum", t.storageRoot("local").resolve(disk).toString()).substring(0, 64))
                    .isEqualTo(run("docker", "-H", lab.property("docker.host"), "exec", p("container"), "sha256sum",
                            "/cairncms/uploads/" + disk).substring(0, 64));
            for (String secret : List.of(p("db.password"), p("secret"), t.dbPassword())) {
                assertThat(describe(job)).as("no secret in the log").doesNotContain(secret);
            }
            assertThat(sourceFingerprints()).as("the source's DB as it was").isEqualTo(sourceBefore);
            assertThat(sourceSums()).as("the source's files as they were").isEqualTo(sumsBefore);
            assertThat(stagedInTmp(p("owner"))).as("the files copied out of the container: staged on the SSH host, then "
                    + "removed").isEmpty();

            // negative control: the record and the proof alone fail once a moved row is changed on the target, and pass
            // once it is put back
            Plan proofOnly = proofOnly(review);
            CairnContentMoveLabIT.update(t, "UPDATE articles SET word_count = word_count + 1 WHERE slug = 'compilers'");
            Job tampered = await(jobs.start(proofOnly).getId());
            assertThat(tampered.getStatus()).as(describe(tampered)).isEqualTo(JobStatus.FAILED);
            assertThat(proofReport(tampered)).contains("FAIL  articles: 1 row(s) differ from the source's");
            CairnContentMoveLabIT.update(t, "UPDATE articles SET word_count = word_count - 1 WHERE slug = 'compilers'");
            Job putBack = await(jobs.start(proofOnly).getId());
            assertThat(putBack.getStatus()).as(describe(putBack) + "\n" + proofReport(putBack)).isEqualTo(JobStatus.SUCCEEDED);
        } finally {
            Lab.reset(t.name());
        }
    }

    // ------------------------------------------------------------------------------------------ a target in a container

    static final String CONTAINER_TARGET = "cdt-pgsql";

    @Autowired
    CairnMoveRollbackFlow restoreFlow;

    private String q(String key) {
        return lab.property("cairn." + CONTAINER_TARGET + "." + key);
    }

    private Connection containerTargetDb() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://" + q("db.host") + ":" + q("db.port") + "/" + q("db.database"),
                q("db.user"), q("db.password"));
    }

    /** The first column of a query on cdt-pgsql's DB (the test's own eyes). */
    private List<String> onContainerTarget(String sql) throws Exception {
        List<String> values = new java.util.ArrayList<>();
        try (Connection c = containerTargetDb(); java.sql.Statement st = c.createStatement()) {
            if (!sql.startsWith("SELECT")) {
                st.executeUpdate(sql);
                return values;
            }
            try (java.sql.ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }

    private Map<String, TableFingerprints.Fingerprint> containerTargetFingerprints() throws Exception {
        try (Connection c = containerTargetDb()) {
            return TableFingerprints.of(c);
        }
    }

    private String inTargetContainer(String command) throws Exception {
        return run("docker", "-H", lab.property("docker.host"), "exec", "-w", q("path"), q("container"), "sh", "-c", command);
    }

    /** cdt-pgsql as the lab builds it (bootstrapped only), else rebuilt (a lab reset of that container alone). */
    private void freshContainerTarget() throws Exception {
        boolean fresh = onContainerTarget("SELECT (SELECT count(*) FROM directus_collections) + (SELECT count(*) FROM "
                + "directus_files) + (SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND "
                + "table_name NOT LIKE 'directus\\_%')").equals(List.of("0"));
        if (!fresh) {
            Lab.reset(CONTAINER_TARGET);
        }
    }

    /** cs-pgsql's schema applied in cdt-pgsql's container by the real CLI there (the move's schema check needs it). */
    private void promoteIntoContainerByCli(Lab.CairnInstance source) throws Exception {
        Path snapshot = Path.of("/tmp/panel-move-" + source.name() + "-" + System.nanoTime() + ".yaml");
        String inside = "/tmp/" + snapshot.getFileName();
        try {
            CairnContentMoveLabIT.run(source.owner(), source.cliWrapper() + " schema snapshot -y " + snapshot);
            run("docker", "-H", lab.property("docker.host"), "cp", snapshot.toString(), q("container") + ":" + inside);
            inTargetContainer(q("cli") + " schema apply -y " + inside + " && rm -f " + inside);
        } finally {
            Files.deleteIfExists(snapshot);
        }
    }

    @Test
    void aHostSourceMovesItsChosenCollectionsWithTheirFileIntoAContainerTargetAndItsRestorePutsTheTargetBack()
            throws Exception {
        Lab.CairnInstance s = lab.cairn("cs-pgsql");
        freshContainerTarget();
        try {
            promoteIntoContainerByCli(s);
            Instance source = CairnLabInstances.register(instances, jdbc, lab, s, true);
            Instance target = registerDocker(CONTAINER_TARGET);
            Map<String, String> options = Map.of("target", String.valueOf(target.getId()), "collections",
                    "authors,articles,tags", "conflict", "refuse");
            List<CheckItem> pair = moveFlow.pairChecks(source, target, options);
            assertThat(pair).as(pair.toString()).noneMatch(i -> i.getStatus() == CheckStatus.BLOCKING)
                    .anyMatch(i -> i.getName().equals("Target in Docker"));

            FlowService.Review review = flows.review(CairnContentMoveFlow.ID, source.getId(), options);
            StepSpec.Stream bytes = (StepSpec.Stream) review.plan().steps().stream()
                    .filter(st -> st.title().startsWith("Carry the referenced files' bytes of location local")).findFirst()
                    .orElseThrow().spec();
            assertThat(bytes.toCommand()).as("unpacked on the container's volume by a one-off container of its image")
                    .contains("--volumes-from '" + q("container") + "'");

            Map<String, TableFingerprints.Fingerprint> before = containerTargetFingerprints();
            Job job = moveToItsProof(source, review);
            assertThat(proofReport(job)).contains("OK    articles_tags: 4 row(s), checksums equal",
                    "OK    1 of 1 referenced file(s): row and bytes (SHA-256) as the source's").doesNotContain("FAIL ");
            assertThat(onContainerTarget("SELECT count(*) FROM comments")).as("not chosen").containsExactly("0");
            assertThat(onContainerTarget("SELECT last_value FROM authors_id_seq")).as("the sequence advanced")
                    .containsExactly("3");
            // the cover's bytes in the container are the source's, owned as the container's uploads are
            String cover = lab.cairnContent("cs-pgsql", "files.thumbnail.of");
            String disk = onContainerTarget("SELECT filename_disk FROM directus_files WHERE id = '" + cover + "'").get(0);
            String root = q("storage.local.root");
            assertThat(inTargetContainer("sha256sum " + root + "/" + disk).substring(0, 64))
                    .isEqualTo(run("sha256sum", s.storageRoot("local").resolve(disk).toString()).substring(0, 64));
            assertThat(inTargetContainer("stat -c %U:%G " + root + "/" + disk)).isEqualTo(inTargetContainer("stat -c %U:%G "
                    + root));
            for (String secret : List.of(q("db.password"), s.dbPassword(), s.secret())) {
                assertThat(describe(job)).as("no secret in the log").doesNotContain(secret);
            }

            // negative control: the record and the proof alone fail once a moved row is changed in the container's DB
            Plan proofOnly = proofOnly(review);
            onContainerTarget("UPDATE articles SET word_count = word_count + 1 WHERE slug = 'compilers'");
            Job tampered = await(jobs.start(proofOnly).getId());
            assertThat(tampered.getStatus()).as(describe(tampered)).isEqualTo(JobStatus.FAILED);
            assertThat(proofReport(tampered)).contains("FAIL  articles: 1 row(s) differ from the source's");

            // the restore it offers puts the container's DB back as the move found it
            List<dev.migrationpanel.job.Flow.FollowUp> followUps = moveFlow.followUps(dev.migrationpanel.job.JobView.of(job),
                    jobs.options(job.getId()));
            assertThat(followUps).singleElement().satisfies(f -> {
                assertThat(f.flowId()).isEqualTo(CairnMoveRollbackFlow.ID);
                assertThat(f.instanceId()).isEqualTo(target.getId());
            });
            assertThat(restoreFlow.appliesTo(target)).isTrue();
            FlowService.Review restore = flows.review(CairnMoveRollbackFlow.ID, target.getId(), followUps.get(0).options());
            Job restored = await(flows.start(CairnMoveRollbackFlow.ID, target.getId(), restore.plan().options(),
                    restore.digest()).getId());
            assertThat(restored.getStatus()).as(describe(restored)).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(containerTargetFingerprints()).as("the target's DB as the move found it").isEqualTo(before);
            assertThat(onContainerTarget("SELECT count(*) FROM articles")).containsExactly("0");
        } finally {
            Lab.reset(CONTAINER_TARGET);
        }
    }

    /**
     * Across vendors into a container: cs-sqlite's rows replayed through cdt-pgsql's items API (its app URL, a static
     * token of its admin), the cover's bytes unpacked on its volume, its sequences advanced, and the proof passing.
     */
    @Test
    void aSqliteSourceIsReplayedThroughTheItemsApiIntoAContainerTargetOnPostgres() throws Exception {
        Lab.CairnInstance s = lab.cairn("cs-sqlite");
        freshContainerTarget();
        try {
            promoteIntoContainerByCli(s);
            Instance source = CairnLabInstances.register(instances, jdbc, lab, s, true);
            Instance target = registerDocker(CONTAINER_TARGET);
            String token = CairnContentMoveCrossVendorLabIT.staticToken(q("app.url"), q("admin.email"), q("admin.password"));
            FlowService.Review review = flows.review(CairnContentMoveFlow.ID, source.getId(), Map.of("target",
                    String.valueOf(target.getId()), "collections", "authors,articles,tags", "apiCredentials",
                    moveFlow.storeApiToken(target, token)));
            assertThat(review.plan().steps()).extracting(Step::title).contains(CairnContentMoveFlow.REPLAY)
                    .doesNotContain(CairnContentMoveFlow.LOAD);
            Job job = moveToItsProof(source, review);
            assertThat(describe(job)).contains("SQLite → PostgreSQL").doesNotContain(token);
            assertThat(onContainerTarget("SELECT last_value FROM authors_id_seq")).as("the sequence advanced")
                    .containsExactly("3");
            String cover = lab.cairnContent("cs-sqlite", "files.thumbnail.of");
            String disk = onContainerTarget("SELECT filename_disk FROM directus_files WHERE id = '" + cover + "'").get(0);
            assertThat(inTargetContainer("sha256sum " + q("storage.local.root") + "/" + disk).substring(0, 64))
                    .isEqualTo(run("sha256sum", s.storageRoot("local").resolve(disk).toString()).substring(0, 64));
        } finally {
            Lab.reset(CONTAINER_TARGET);
        }
    }
}
