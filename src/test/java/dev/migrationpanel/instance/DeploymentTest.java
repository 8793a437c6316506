package dev.migrationpanel.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** No Docker engine or cluster here: the exact commands are what can be proven. */
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
}
