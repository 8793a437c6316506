package dev.migrationpanel.instance;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.util.List;

import dev.migrationpanel.remote.SecretRefs;

/**
 * Runs a command where the install lives: on the SSH host itself, inside a Docker container on it, or
 * inside a Kubernetes pod through the host's kubectl. The wrapped command is quoted as one word.
 */
public record Deployment(DeploymentType type, String container, String namespace, String pod) {

    /** The SSH host itself. */
    public static final Deployment ON_HOST = new Deployment(DeploymentType.HOST, null, null, null);

    public static Deployment of(Instance instance) {
        return new Deployment(instance.getDeploymentType(), instance.getContainerName(), instance.getK8sNamespace(),
                instance.getK8sPod());
    }

    /**
     * The command as run on the SSH host. Inside a container or pod, secrets the command refers to
     * ({@link SecretRefs}) are piped in on standard input and read into the inner shell's variables:
     * the host's shell variables do not cross {@code docker exec}, and a value on its command line would
     * be in the host's process list.
     */
    public String wrap(String command) {
        if (type == DeploymentType.HOST) {
            return command;
        }
        List<String> secrets = SecretRefs.names(command);
        String inner = SecretRefs.readingFromStdin(command);
        StringBuilder feed = new StringBuilder();
        secrets.forEach(name -> feed.append(' ').append(SecretRefs.ref(name)));
        String prefix = secrets.isEmpty() ? "" : "printf '%s\\n'" + feed + " | ";
        return prefix + switch (type) {
            case DOCKER -> "docker exec -i " + quote(container) + " sh -c " + quote(inner);
            case KUBERNETES -> "kubectl exec -i -n " + quote(namespace) + " " + quote(pod) + containerOption()
                    + " -- sh -c " + quote(inner);
            case HOST -> throw new IllegalStateException();
        };
    }

    /** Whether files of the install are reached through a copy on the SSH host ({@code docker cp}, {@code kubectl cp}). */
    public boolean copiesThroughHost() {
        return type != DeploymentType.HOST;
    }

    /** Copies a file out of the container or pod to the SSH host, as the vendor's transfer table does. */
    public String copyOut(String inside, String onHost) {
        return switch (type) {
            case HOST -> throw new IllegalStateException("A plain host needs no copy");
            case DOCKER -> "docker cp " + quote(container + ":" + inside) + " " + quote(onHost);
            case KUBERNETES -> "kubectl cp " + quote(namespace + "/" + pod + ":" + inside) + " " + quote(onHost)
                    + containerOption();
        };
    }

    /** Copies a file from the SSH host into the container or pod. */
    public String copyIn(String onHost, String inside) {
        return switch (type) {
            case HOST -> throw new IllegalStateException("A plain host needs no copy");
            case DOCKER -> "docker cp " + quote(onHost) + " " + quote(container + ":" + inside);
            case KUBERNETES -> "kubectl cp " + quote(onHost) + " " + quote(namespace + "/" + pod + ":" + inside)
                    + containerOption();
        };
    }

    private String containerOption() {
        return container == null || container.isBlank() ? "" : " -c " + quote(container);
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

    /**
     * A command on the SSH host printing the environment the container was created with, one {@code NAME=value} a line
     * ({@code docker inspect}: it works on a stopped container too); null where there is no such thing.
     */
    public String environmentCommand() {
        return type == DeploymentType.DOCKER
                ? "docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' " + quote(container)
                : null;
    }

    /**
     * Which of a container's mounts (paths inside it, as {@link #mountsCommand()} prints them) holds {@code dir}: the
     * deepest that is the directory or one of its parents, or null when it is in the container's own layer (lost when
     * the container is recreated, and out of reach of a one-off container with its volumes).
     */
    public static String mountHolding(String dir, List<String> mounts) {
        String path = dir.replaceAll("/+$", "");
        String found = null;
        for (String line : mounts) {
            String mount = line.strip();
            if (mount.isEmpty()) {
                continue;
            }
            String m = mount.replaceAll("/+$", "");
            boolean under = m.isEmpty() || path.equals(m) || path.startsWith(m + "/");
            if (under && (found == null || m.length() > found.length())) {
                found = m.isEmpty() ? "/" : m;
            }
        }
        return found;
    }

    /**
     * A command on the SSH host printing where the container's mounts (volumes and bind mounts) are inside it, one path a
     * line ({@code docker inspect}: it works on a stopped container too); null where there is no such thing.
     */
    public String mountsCommand() {
        return type == DeploymentType.DOCKER
                ? "docker inspect -f '{{range .Mounts}}{{println .Destination}}{{end}}' " + quote(container)
                : null;
    }

    /**
     * Runs a command on the files of a container that may be stopped ({@code docker exec} needs it running): in a
     * one-off container of the same image with the same volumes and bind mounts ({@code docker run --rm
     * --volumes-from}), no network, as the image's user, so what it writes is owned as the container's own process
     * would own it. Reaches only what is on those mounts, not the container's own layer.
     *
     * @param stdin whether the command reads the host command's standard input ({@code docker run -i})
     */
    public String withVolumesOf(String command, boolean stdin) {
        if (type != DeploymentType.DOCKER) {
            throw new IllegalStateException("Only a Docker container lends its volumes (docker run --volumes-from)");
        }
        return "image=$(docker inspect -f '{{.Image}}' " + quote(container) + ") && docker run --rm" + (stdin ? " -i" : "")
                + " --network none --volumes-from " + quote(container) + " --entrypoint sh \"$image\" -c " + quote(command);
    }

    /** "container" or "pod", for step titles. */
    public String kindLabel() {
        return switch (type) {
            case HOST -> "host";
            case DOCKER -> "container";
            case KUBERNETES -> "pod";
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
