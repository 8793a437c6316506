package dev.migrationpanel.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The exact commands of each deployment type: for Kubernetes (no cluster can run here) all that can be proven; Docker's
 * also run for real on the lab's dockerd in DockerDeploymentLabIT.
 */
class DeploymentTest {

    @Test
    void hostRunsTheCommandAsIs() {
        assertThat(new Deployment(DeploymentType.HOST, null, null, null).wrap("cd '/opt/df' && ls"))
                .isEqualTo("cd '/opt/df' && ls");
    }

    @Test
    void dockerWrapsTheCommandAsOneQuotedWord() {
        Deployment docker = new Deployment(DeploymentType.DOCKER, "df-docker-web-1", null, null);
        assertThat(docker.wrap("cd '/opt/dreamfactory' && cat .env"))
                .isEqualTo("docker exec -i 'df-docker-web-1' sh -c 'cd '\"'\"'/opt/dreamfactory'\"'\"' && cat .env'");
        assertThat(docker.statusCommand()).isEqualTo("docker inspect -f '{{.State.Status}}' 'df-docker-web-1'");
    }

    @Test
    void aStoppedContainersVolumesAreReachedByAOneOffContainerOfItsImage() {
        Deployment docker = new Deployment(DeploymentType.DOCKER, "fief server", null, null);
        assertThat(docker.withVolumesOf("cd '/data/db' && mv a b", false)).isEqualTo("image=$(docker inspect -f '{{.Image}}' "
                + "'fief server') && docker run --rm --network none --volumes-from 'fief server' --entrypoint sh \"$image\" -c "
                + "'cd '\"'\"'/data/db'\"'\"' && mv a b'");
        assertThat(docker.withVolumesOf("cat > x", true)).contains("docker run --rm -i --network none");
        assertThat(docker.mountsCommand()).isEqualTo("docker inspect -f '{{range .Mounts}}{{println .Destination}}{{end}}' "
                + "'fief server'");
        assertThat(Deployment.ON_HOST.mountsCommand()).isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Deployment.ON_HOST.withVolumesOf("ls", false))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void kubernetesWrapsWithNamespacePodAndOptionalContainer() {
        assertThat(new Deployment(DeploymentType.KUBERNETES, null, "df-namespace", "df-pod").wrap("php -v"))
                .isEqualTo("kubectl exec -i -n 'df-namespace' 'df-pod' -- sh -c 'php -v'");
        assertThat(new Deployment(DeploymentType.KUBERNETES, "web", "df-namespace", "df-pod").wrap("php -v"))
                .isEqualTo("kubectl exec -i -n 'df-namespace' 'df-pod' -c 'web' -- sh -c 'php -v'");
        assertThat(new Deployment(DeploymentType.KUBERNETES, null, "ns", "pod").statusCommand())
                .isEqualTo("kubectl get pod -n 'ns' 'pod' -o 'jsonpath={.status.phase}'");
    }

    @Test
    void theWrappedCommandReachesTheInnerShellUnchanged() throws Exception {
        // Stand in for "docker exec … sh -c WORD": the outer shell must hand WORD to the inner sh intact.
        String inner = "printf '%s|' \"a b\" 'c;d' '$(id)'";
        String wrapped = new Deployment(DeploymentType.DOCKER, "c1", null, null).wrap(inner)
                .replace("docker exec -i 'c1' ", "");
        Process p = new ProcessBuilder("/bin/sh", "-c", wrapped).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        assertThat(out).isEqualTo("a b|c;d|$(id)|");
    }

    @Test
    void copiesFollowTheVendorsTransferTable() {
        Deployment docker = new Deployment(DeploymentType.DOCKER, "df-docker-web-1", null, null);
        assertThat(docker.copyOut("/opt/dreamfactory/.env", "/home/u/.migration-panel/3.env"))
                .isEqualTo("docker cp 'df-docker-web-1:/opt/dreamfactory/.env' '/home/u/.migration-panel/3.env'");
        assertThat(docker.copyIn("/home/u/dump.sql", "/tmp/dump.sql"))
                .isEqualTo("docker cp '/home/u/dump.sql' 'df-docker-web-1:/tmp/dump.sql'");
        Deployment pod = new Deployment(DeploymentType.KUBERNETES, null, "df-namespace", "df-pod");
        assertThat(pod.copyOut("/opt/dreamfactory/.env", "/tmp/x"))
                .isEqualTo("kubectl cp 'df-namespace/df-pod:/opt/dreamfactory/.env' '/tmp/x'");
        assertThat(new Deployment(DeploymentType.KUBERNETES, "web", "ns", "pod").copyIn("/tmp/d.sql", "/tmp/d.sql"))
                .isEqualTo("kubectl cp '/tmp/d.sql' 'ns/pod:/tmp/d.sql' -c 'web'");
        assertThat(new Deployment(DeploymentType.HOST, null, null, null).copiesThroughHost()).isFalse();
    }

    @Test
    void secretsEnterAContainerOnStandardInputNeverOnItsCommandLine() {
        String wrapped = new Deployment(DeploymentType.DOCKER, "c1", null, null)
                .wrap("MYSQL_PWD={{secret:db.password}} mysqldump -u 'df' db");
        assertThat(wrapped).isEqualTo("printf '%s\\n' {{secret:db.password}} | docker exec -i 'c1' sh -c "
                + "'IFS= read -r PANEL_SECRET_1; MYSQL_PWD=\"$PANEL_SECRET_1\" mysqldump -u '\"'\"'df'\"'\"' db'");
        // the only reference left is the bare one the engine fills from its own standard input
        assertThat(dev.migrationpanel.remote.SecretRefs.names(wrapped)).containsExactly("db.password");
        assertThat(wrapped.indexOf("{{secret:")).isEqualTo(wrapped.lastIndexOf("{{secret:"));
    }

    @Test
    void theSecretReachesTheInnerShellThroughThePipe() throws Exception {
        // the engine's side (value into a variable) and a stand-in for "docker exec -i c sh -c WORD": plain sh
        String wrapped = new Deployment(DeploymentType.DOCKER, "c1", null, null)
                .wrap("printf '[%s]' {{secret:db.password}} {{secret:env.APP_KEY}}")
                .replace("docker exec -i 'c1' ", "");
        String engine = "IFS= read -r PANEL_SECRET_1; IFS= read -r PANEL_SECRET_2; "
                + dev.migrationpanel.remote.SecretRefs.replace(wrapped,
                        n -> n.equals("db.password") ? "\"$PANEL_SECRET_1\"" : "\"$PANEL_SECRET_2\"");
        Process p = new ProcessBuilder("/bin/sh", "-c", engine).redirectErrorStream(true).start();
        p.getOutputStream().write("pa ss'$(id)\nbase64:k+/=\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        assertThat(out).isEqualTo("[pa ss'$(id)][base64:k+/=]");
    }

    @Test
    void aDirectoryIsOnTheDeepestMountHoldingItOrOnNone() {
        assertThat(Deployment.mountHolding("/data/db", List.of("/opt/fief-standin", "/data/db"))).isEqualTo("/data/db");
        assertThat(Deployment.mountHolding("/data/db", List.of("/data/"))).isEqualTo("/data");
        assertThat(Deployment.mountHolding("/data/db", List.of("/data", "/data/db/"))).isEqualTo("/data/db");
        assertThat(Deployment.mountHolding("/data/db", List.of("/data/dbx", "/opt"))).isNull();
        assertThat(Deployment.mountHolding("/data/db", List.of())).isNull();
        assertThat(Deployment.mountHolding("/directus/uploads/", List.of("/directus/uploads"))).isEqualTo("/directus/uploads");
        assertThat(Deployment.mountHolding("/directus/uploads", List.of("/"))).isEqualTo("/");
    }
}
