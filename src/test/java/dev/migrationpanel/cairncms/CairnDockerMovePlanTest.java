package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.HostFacts;

/**
 * The content move with its source in a Docker container, as a plan value (no server): a networked DB dumped on the SSH
 * host, a SQLite file read inside the container, the referenced files copied out with docker cp and summed there for
 * the proof, the target's side as for a host source; and with its TARGET in a container: the DB backed up and loaded
 * from the SSH host, the bytes unpacked on the container's volumes by a one-off container of its image, the container
 * restarted; a SQLite or cross-vendor container target and a pod refused with their reasons.
 */
class CairnDockerMovePlanTest {

    static Instance inDocker(long id, String name) {
        Instance i = CairnContentMovePlanTest.instance(id, name, false);
        i.setDeploymentType(DeploymentType.DOCKER);
        i.setContainerName("cms-" + name);
        i.setInstallPath("/directus");
        return i;
    }

    static Instance inPod(long id, String name) {
        Instance i = CairnContentMovePlanTest.instance(id, name, false);
        i.setDeploymentType(DeploymentType.KUBERNETES);
        i.setK8sNamespace("cms");
        i.setK8sPod(name + "-0");
        return i;
    }

    /** The lab's content model; the source's storage root is its container's path. */
    private static CairnContentMoveFlow.Facts facts(DbVendor vendor) {
        CairnContentMoveFlow.Facts f = CairnContentMovePlanTest.facts(vendor);
        HostFacts source = vendor == DbVendor.SQLITE
                ? new HostFacts("/home/deploy", new DbSettings(vendor, null, 0, null, null, null, "/directus/data.db"))
                : f.source();
        return new CairnContentMoveFlow.Facts(source, f.target(), f.sourceShape(), f.targetShape(),
                List.of(new StorageLocation("local", "local", "/directus/uploads")), f.targetLocations());
    }

    private static Plan plan(DbVendor vendor) {
        return CairnContentMoveFlow.build(inDocker(1, "dev"), CairnContentMovePlanTest.instance(2, "prod", true),
                facts(vendor), List.of("authors", "articles"), CairnMoveCommands.Conflict.REFUSE);
    }

    private static StepSpec.Stream stream(Plan plan, String titleStart) {
        return (StepSpec.Stream) plan.steps().stream().filter(s -> s.title().startsWith(titleStart)).findFirst()
                .orElseThrow().spec();
    }

    @Test
    void aNetworkedDbIsDumpedOnTheSshHostAndTheFilesAreCopiedOutOfTheContainer() {
        Plan plan = plan(DbVendor.PGSQL);
        StepSpec.Stream rows = stream(plan, CairnContentMoveFlow.LOAD);
        assertThat(rows.fromCommand()).as("at the DB_HOST the container names, from the SSH host")
                .contains("pg_dump -h '127.0.0.1' -p 5432 -U 'cms' -d 'cms_dev' --data-only")
                .doesNotContain("docker");
        assertThat(rows.toCommand()).endsWith("psql -X -q -v ON_ERROR_STOP=1 -h 'db.internal' -p 5432 -U 'cms' -d 'cms_prod'");

        Step files = plan.steps().stream().filter(s -> s.title().startsWith("Carry the referenced files' bytes of location local"))
                .findFirst().orElseThrow();
        assertThat(files.title()).contains("copied out of its container with docker cp");
        StepSpec.Stream bytes = (StepSpec.Stream) files.spec();
        assertThat(bytes.fromCommand())
                .startsWith("tmp=$(umask 077 && mktemp -d) && trap 'rm -rf \"$tmp\"' EXIT && trap 'exit 1' HUP INT TERM && files=$(PGPASSWORD="
                        + "{{secret:db.password}} psql")
                .contains("WHERE storage = '\"'\"'local'\"'\"' AND \"id\" IN (SELECT \"cover\" FROM \"articles\"")
                .contains("if docker cp 'cms-dev:/directus/uploads/'\"$f\" \"$tmp/b/$f\" < /dev/null; then")
                .contains("not in the container, left out")
                .endsWith("tar -C \"$tmp/b\" --verbatim-files-from -cf - -T \"$tmp/list\"")
                .doesNotContain("docker exec");
        assertThat(bytes.toCommand()).as("unpacked on the target's host as from a host source")
                .isEqualTo("mkdir -p '/srv/prod/uploads' && tar -C '/srv/prod/uploads' -xf - && cat > /dev/null");

        assertThat(plan.steps().stream().filter(Step::changesInstance).map(Step::instanceName).distinct().toList())
                .as("the source is only read").containsExactly("prod");
        for (Step step : plan.steps()) {
            assertThat(step.spec().display()).as("no secret in " + step.title()).doesNotContain("s3cret");
        }
    }

    @Test
    void aSqliteFileIsReadInsideTheContainer() {
        Plan plan = plan(DbVendor.SQLITE);
        StepSpec.Stream rows = stream(plan, CairnContentMoveFlow.LOAD);
        assertThat(rows.fromCommand()).contains(" | docker exec -i 'cms-dev' sh -c 'sqlite3 -readonly "
                + "'\"'\"'/directus/data.db'\"'\"''").endsWith("'COMMIT;'");
        assertThat(rows.toCommand()).as("the target's file, on its host")
                .isEqualTo("sqlite3 -bail -cmd '.timeout 30000' -cmd 'PRAGMA foreign_keys = ON;' '/srv/prod/data.db'");
        assertThat(stream(plan, "Carry the referenced files' bytes of location local").fromCommand())
                .contains("files=$(docker exec -i 'cms-dev' sh -c 'sqlite3 -readonly ")
                .contains("docker cp 'cms-dev:/directus/uploads/'\"$f\"");
    }

    @Test
    void theProofSumsTheSourcesFilesThroughDockerCpAndTheTargetsOnItsHost() {
        Deployment container = Deployment.of(inDocker(1, "dev"));
        String inside = CairnMoveCommands.fileSums(container, "/directus/uploads/", List.of("a b.png", "it's.pdf"));
        assertThat(inside).isEqualTo("for f in 'a b.png' 'it'\"'\"'s.pdf'; do h=$(docker cp 'cms-dev:/directus/uploads/'"
                + "\"$f\" - 2> /dev/null | tar -xf - --to-command=sha256sum 2> /dev/null); [ -n \"$h\" ] && "
                + "printf '%s  %s\\n' \"${h%% *}\" \"$f\"; done; true");
        assertThat(CairnMoveCommands.fileSums(Deployment.ON_HOST, "/srv/prod/uploads", List.of("a.png")))
                .isEqualTo("cd '/srv/prod/uploads' && for f in 'a.png'; do [ -f \"$f\" ] && sha256sum -- \"$f\"; done; true");
        Deployment pod = Deployment.of(inPod(3, "k"));
        assertThatThrownBy(() -> CairnMoveCommands.fileSums(pod, "/x", List.of("a"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CairnMoveCommands.filesSender(DbVendor.PGSQL, facts(DbVendor.PGSQL).source().db(), "SELECT 1",
                "local", "/x", pod)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSourceInDockerIsOfferedAndASourceOrTargetInAPodIsRefusedWithItsReason() {
        CairnContentMoveFlow flow = new CairnContentMoveFlow(null, null, null, null);
        assertThat(flow.appliesTo(inDocker(1, "dev"))).isTrue();
        assertThat(flow.whyNotApplicable(inDocker(1, "dev"))).isNull();
        assertThat(flow.appliesTo(inPod(3, "k"))).isFalse();
        assertThat(flow.whyNotApplicable(inPod(3, "k"))).startsWith("it is in pod cms/k-0: ")
                .contains("not in a Kubernetes pod yet");

        assertThat(CairnContentMoveFlow.whyNotTarget(CairnContentMovePlanTest.instance(2, "prod", true))).isNull();
        assertThat(CairnContentMoveFlow.whyNotTarget(inDocker(4, "box"))).isNull();
        assertThat(CairnContentMoveFlow.whyNotTarget(inPod(5, "k"))).isEqualTo("k is in pod cms/k-0: a content move's "
                + "target is a CairnCMS install on its host or in a Docker container (its DB loaded from the SSH host, the "
                + "file bytes unpacked on its volumes), not in a Kubernetes pod yet: follow the guide by hand with kubectl "
                + "exec / kubectl cp");
    }

    // ------------------------------------------------------------------------------------------ a target in a container

    /** The lab's content model from a host source into a container target: its storage root on its volume. */
    private static CairnContentMoveFlow.Facts intoContainer(DbVendor vendor, List<String> mounts) {
        CairnContentMoveFlow.Facts f = CairnContentMovePlanTest.facts(vendor);
        return new CairnContentMoveFlow.Facts(f.source(), f.target(), f.sourceShape(), f.targetShape(), f.sourceLocations(),
                List.of(new StorageLocation("local", "local", "/directus/uploads")), mounts);
    }

    private static Plan planIntoContainer(Instance target, CairnMoveCommands.Conflict conflict) {
        return CairnContentMoveFlow.build(CairnContentMovePlanTest.instance(1, "dev", false), target,
                intoContainer(DbVendor.PGSQL, List.of("/directus/uploads")), List.of("authors", "articles"), conflict);
    }

    @Test
    void intoAContainerTheDbIsBackedUpAndLoadedFromTheSshHostAndTheBytesUnpackedOnItsVolumes() {
        Plan plan = planIntoContainer(inDocker(2, "box"), CairnMoveCommands.Conflict.REFUSE);
        Step dump = plan.steps().stream().filter(s -> s.title().equals("Dump the system DB (PostgreSQL)")).findFirst()
                .orElseThrow();
        assertThat(((StepSpec.RemoteCommand) dump.spec()).command()).as("pg_dump on the SSH host, not in the image")
                .contains("pg_dump").contains("-h 'db.internal'").doesNotContain("docker");
        assertThat(plan.steps()).noneMatch(s -> s.title().startsWith("Copy the dump out of the"));

        StepSpec.Stream rows = stream(plan, CairnContentMoveFlow.LOAD);
        assertThat(rows.toCommand()).as("the container's DB_HOST, from the SSH host")
                .endsWith("psql -X -q -v ON_ERROR_STOP=1 -h 'db.internal' -p 5432 -U 'cms' -d 'cms_prod'")
                .doesNotContain("docker");
        assertThat(rows.fromCommand()).as("PostgreSQL's sequences set in the load, as for a host target")
                .contains("pg_catalog.setval(");

        Step files = plan.steps().stream().filter(s -> s.title().startsWith("Carry the referenced files' bytes of location local"))
                .findFirst().orElseThrow();
        assertThat(files.title()).endsWith("(stored on the way, unpacked on the target container's volumes)");
        assertThat(((StepSpec.Stream) files.spec()).toCommand()).isEqualTo("image=$(docker inspect -f '{{.Image}}' "
                + "'cms-box') && docker run --rm -i --network none --volumes-from 'cms-box' --entrypoint sh \"$image\" -c "
                + "'mkdir -p '\"'\"'/directus/uploads'\"'\"' && tar -C '\"'\"'/directus/uploads'\"'\"' --no-same-owner -xf - && cat > "
                + "/dev/null'");
        assertThat(((StepSpec.Stream) stream(planIntoContainer(inDocker(2, "box"), CairnMoveCommands.Conflict.SKIP),
                "Carry the referenced files' bytes of location local")).toCommand()).contains("-xf - --skip-old-files");

        // no start and stop commands set: the container restarted as the promotion and the clone restart it
        assertThat(plan.steps().stream().filter(s -> s.title().equals("Restart the target's container (docker restart)"))
                .map(s -> ((StepSpec.RemoteCommand) s.spec()).command()).toList()).containsExactly("docker restart 'cms-box'");
        List<String> titles = plan.steps().stream().map(Step::title).toList();
        assertThat(titles.indexOf("Restart the target's container (docker restart)"))
                .isGreaterThan(titles.indexOf(CairnContentMoveFlow.LOAD)).isLessThan(titles.indexOf(CairnContentMoveFlow.VERIFY));
        assertThat(plan.steps().stream().filter(Step::changesInstance).map(Step::instanceName).distinct().toList())
                .as("the source is only read").containsExactly("box");
        for (Step step : plan.steps()) {
            assertThat(step.spec().display()).as("no secret in " + step.title()).doesNotContain("s3cret");
        }
    }

    @Test
    void acrossVendorsIntoAContainerTheRowsAreReplayedAfterADockerRestartAndTheBytesUnpackedOnItsVolumes() {
        CairnContentMoveFlow.Facts cross = CairnContentMovePlanTest.crossFacts(DbVendor.MYSQL);
        CairnContentMoveFlow.Facts facts = new CairnContentMoveFlow.Facts(cross.source(), cross.target(), cross.sourceShape(),
                cross.targetShape(), cross.sourceLocations(), List.of(new StorageLocation("local", "local", "/directus/uploads")),
                List.of("/directus/uploads"));
        Plan plan = CairnContentMoveFlow.build(CairnContentMovePlanTest.instance(1, "dev", false), inDocker(2, "box"), facts,
                List.of("authors", "articles"), CairnMoveCommands.Conflict.REFUSE, "token-artifact");
        List<String> titles = plan.steps().stream().map(Step::title).toList();
        // the API must serve the promoted structure: the container restarted (no commands set), the replay waits for it
        assertThat(titles).containsSubsequence("Carry the referenced files' bytes of location local (stored on the way, "
                + "unpacked on the target container's volumes)", "Restart the target's container (docker restart)",
                CairnContentMoveFlow.REPLAY, CairnContentMoveFlow.VERIFY).doesNotContain(CairnContentMoveFlow.LOAD,
                CairnContentMoveFlow.REPLAY_STOP);
        assertThat(stream(plan, "Carry the referenced files' bytes of location local").toCommand())
                .contains("--volumes-from 'cms-box'");
        assertThat(plan.steps()).allSatisfy(st -> assertThat(st.spec().display()).doesNotContain("s3cret-prod"));
    }

    @Test
    void aContainerTargetsStartAndStopCommandsRestartIt() {
        Instance box = inDocker(2, "box");
        box.setProductSettings("{\"startCommand\":\"/opt/box/bin/start\",\"stopCommand\":\"/opt/box/bin/stop\"}");
        List<String> titles = planIntoContainer(box, CairnMoveCommands.Conflict.REFUSE).steps().stream().map(Step::title)
                .toList();
        assertThat(titles).contains("Stop the target's service", "Start the target's service")
                .doesNotContain("Restart the target's container (docker restart)");
    }

    @Test
    void aContainerTargetOnSqliteIsRefusedWithItsReasonAnotherVendorIsReplayedThroughItsApi() {
        Instance box = inDocker(2, "box");
        assertThat(CairnContentMoveFlow.containerTarget(box, DbVendor.SQLITE, DbVendor.SQLITE))
                .singleElement().satisfies(i -> {
                    assertThat(i.getStatus()).isEqualTo(CheckStatus.BLOCKING);
                    assertThat(i.getMessage()).startsWith("box keeps its SQLite file inside container cms-box: ")
                            .contains("networked DB");
                });
        assertThat(CairnContentMoveFlow.containerTarget(box, DbVendor.SQLITE, DbVendor.PGSQL))
                .singleElement().satisfies(i -> {
                    assertThat(i.getStatus()).isEqualTo(CheckStatus.OK);
                    assertThat(i.getMessage()).contains("the rows replayed through its items API at its app URL (SQLite → "
                            + "PostgreSQL)");
                });
        assertThat(CairnContentMoveFlow.containerTarget(box, DbVendor.PGSQL, DbVendor.PGSQL))
                .singleElement().satisfies(i -> {
                    assertThat(i.getStatus()).isEqualTo(CheckStatus.OK);
                    assertThat(i.getMessage()).contains("the rows merged from the SSH host");
                });
        assertThatThrownBy(() -> CairnMoveCommands.filesReceiver("/x", CairnMoveCommands.Conflict.REFUSE,
                Deployment.of(inPod(5, "k")))).isInstanceOf(IllegalArgumentException.class);
    }
}
