package dev.migrationpanel.instance;

import java.time.Instant;
import java.util.List;

/**
 * An instance as the API shows it: every setting but the secrets, of which only whether each is set.
 */
public record InstanceView(long id, String name, String product, String environment, String sshHost, int sshPort,
        String sshUser, SshAuthMethod sshAuth, boolean sshPasswordSet, boolean sshPrivateKeySet,
        boolean sshPassphraseSet, DeploymentType deploymentType, String containerName, String k8sNamespace,
        String k8sPod, String installPath, String appUrl, DbAccess dbAccess, String dbConnection, String dbHost, Integer dbPort,
        String dbDatabase, String dbUsername, boolean dbPasswordSet, String dbSqlitePath,
        java.util.Map<String, String> productSettings, HostKeyView hostKey,
        HostKeyView hostKeyAwaitingAcceptance, CheckView lastCheck, Instant createdAt, Instant updatedAt) {

    public record HostKeyView(String type, String fingerprint, String acceptedBy, Instant at) {
    }

    public record CheckView(long id, Instant startedAt, Instant finishedAt, CheckStatus outcome, String checkedBy,
            List<ItemView> items) {

        public static CheckView of(InstanceCheck c) {
            return new CheckView(c.getId(), c.getStartedAt(), c.getFinishedAt(), c.getOutcome(), c.getCheckedBy(),
                    c.getItems().stream().map(i -> new ItemView(i.getName(), i.getStatus(), i.getMessage())).toList());
        }
    }

    public record ItemView(String name, CheckStatus status, String message) {
    }

    public static InstanceView of(Instance i, InstanceCheck last) {
        HostKeyView pinned = i.getHostKeyFingerprint() == null ? null
                : new HostKeyView(i.getHostKeyType(), i.getHostKeyFingerprint(), i.getHostKeyAcceptedBy(),
                        i.getHostKeyAcceptedAt());
        HostKeyView seen = i.getSeenHostKeyFingerprint() == null ? null
                : new HostKeyView(i.getSeenHostKeyType(), i.getSeenHostKeyFingerprint(), null, i.getSeenHostKeyAt());
        return new InstanceView(i.getId(), i.getName(), i.getProduct(), i.getEnvironment(), i.getSshHost(),
                i.getSshPort(), i.getSshUser(), i.getSshAuth(), i.getSshPassword() != null,
                i.getSshPrivateKey() != null, i.getSshPassphrase() != null, i.getDeploymentType(),
                i.getContainerName(), i.getK8sNamespace(), i.getK8sPod(), i.getInstallPath(), i.getAppUrl(), i.getDbAccess(),
                i.getDbConnection(), i.getDbHost(), i.getDbPort(), i.getDbDatabase(), i.getDbUsername(),
                i.getDbPassword() != null, i.getDbSqlitePath(), i.productSettingValues(), pinned, seen, last == null ? null : CheckView.of(last),
                i.getCreatedAt(), i.getUpdatedAt());
    }
}
