package dev.migrationpanel.instance;

import static dev.migrationpanel.remote.ShellQuote.quote;

/**
 * Runs a command where the install lives: on the SSH host itself, inside a Docker container on it, or
 * inside a Kubernetes pod through the host's kubectl. The wrapped command is quoted as one word.
 */
public record Deployment(DeploymentType type, String container, String namespace, String pod) {

    public static Deployment of(Instance instance) {
        return new Deployment(instance.getDeploymentType(), instance.getContainerName(), instance.getK8sNamespace(),
                instance.getK8sPod());
    }

    public String wrap(String command) {
        return switch (type) {
            case HOST -> command;
            case DOCKER -> "docker exec -i " + quote(container) + " sh -c " + quote(command);
            case KUBERNETES -> "kubectl exec -i -n " + quote(namespace) + " " + quote(pod)
                    + (container == null || container.isBlank() ? "" : " -c " + quote(container))
                    + " -- sh -c " + quote(command);
        };
    }

    /** A command on the SSH host that tells whether the container or pod is there and running. */
    public String statusCommand() {
        return switch (type) {
            case HOST -> null;
            case DOCKER -> "docker inspect -f '{{.State.Status}}' " + quote(container);
            case KUBERNETES -> "kubectl get pod -n " + quote(namespace) + " " + quote(pod)
                    + " -o 'jsonpath={.status.phase}'";
        };
    }

    public String describe() {
        return switch (type) {
            case HOST -> "on the host";
            case DOCKER -> "in Docker container " + container;
            case KUBERNETES -> "in pod " + namespace + "/" + pod + (container == null || container.isBlank() ? "" : " (container " + container + ")");
        };
    }
}
