package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
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
 * the proof, the target's side as for a host source; a target in a container or a source in a pod refused with their
 * reasons.
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
    void aSourceInDockerIsOfferedATargetInAContainerAndASourceInAPodAreRefusedWithTheirReasons() {
        CairnContentMoveFlow flow = new CairnContentMoveFlow(null, null, null, null);
        assertThat(flow.appliesTo(inDocker(1, "dev"))).isTrue();
        assertThat(flow.whyNotApplicable(inDocker(1, "dev"))).isNull();
        assertThat(flow.appliesTo(inPod(3, "k"))).isFalse();
        assertThat(flow.whyNotApplicable(inPod(3, "k"))).startsWith("it is in pod cms/k-0: ")
                .contains("not in a Kubernetes pod yet");

        assertThat(CairnContentMoveFlow.whyNotTarget(CairnContentMovePlanTest.instance(2, "prod", true))).isNull();
        assertThat(CairnContentMoveFlow.whyNotTarget(inDocker(4, "box"))).isEqualTo("box is in Docker container cms-box: a "
                + "content move's target is a CairnCMS install on a plain host (its DB backed up and loaded with the DB "
                + "client there, the file bytes unpacked in its storage root, its service restarted there); a source may "
                + "be in a Docker container");
        assertThat(CairnContentMoveFlow.whyNotTarget(inPod(5, "k"))).startsWith("k is in pod cms/k-0: a content move's target");
    }
}
