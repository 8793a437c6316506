package dev.migrationpanel.instance;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import dev.migrationpanel.remote.HostKey;
import dev.migrationpanel.security.EncryptedStringConverter;

/**
 * A registered app instance: how to reach it over SSH, where it is installed, and where its system DB
 * is when the admin overrides what its {@code .env} says. Secret attributes are encrypted in their
 * columns and never leave the panel except to the SSH/JDBC peer they are meant for.
 */
@Entity
@Table(name = "instance")
public class Instance {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Version
    private long version;

    private String name;
    /** Id of the {@link ProductProfile} that knows this product's paths, files and commands. */
    private String product;
    private String environment;

    private String sshHost;
    private int sshPort;
    private String sshUser;
    @Enumerated(EnumType.STRING)
    private SshAuthMethod sshAuth;
    @Convert(converter = EncryptedStringConverter.class)
    @Column(name = "ssh_password_enc")
    private String sshPassword;
    @Convert(converter = EncryptedStringConverter.class)
    @Column(name = "ssh_private_key_enc")
    private String sshPrivateKey;
    @Convert(converter = EncryptedStringConverter.class)
    @Column(name = "ssh_passphrase_enc")
    private String sshPassphrase;

    @Enumerated(EnumType.STRING)
    private DeploymentType deploymentType;
    private String containerName;
    @Column(name = "k8s_namespace")
    private String k8sNamespace;
    @Column(name = "k8s_pod")
    private String k8sPod;

    private String installPath;
    private String appUrl;
    private String productSettings;

    @Enumerated(EnumType.STRING)
    private DbAccess dbAccess;
    /** Overrides of what the instance's .env says; null means "as discovered". */
    private String dbConnection;
    private String dbHost;
    private Integer dbPort;
    private String dbDatabase;
    private String dbUsername;
    @Convert(converter = EncryptedStringConverter.class)
    @Column(name = "db_password_enc")
    private String dbPassword;
    private String dbSqlitePath;

    private String hostKeyType;
    private String hostKeyFingerprint;
    private String hostKeyBase64;
    private String hostKeyAcceptedBy;
    private Instant hostKeyAcceptedAt;
    /** The key the server presented last when it was not the pinned one, waiting for an admin. */
    private String seenHostKeyType;
    private String seenHostKeyFingerprint;
    private String seenHostKeyBase64;
    private Instant seenHostKeyAt;

    private Instant createdAt;
    private Instant updatedAt;

    public HostKey pinnedHostKey() {
        return hostKeyBase64 == null ? null : new HostKey(hostKeyType, hostKeyFingerprint, hostKeyBase64);
    }

    public HostKey seenHostKey() {
        return seenHostKeyBase64 == null ? null : new HostKey(seenHostKeyType, seenHostKeyFingerprint, seenHostKeyBase64);
    }

    public void pinHostKey(HostKey key, String acceptedBy, Instant at) {
        hostKeyType = key.type();
        hostKeyFingerprint = key.fingerprint();
        hostKeyBase64 = key.base64Key();
        hostKeyAcceptedBy = acceptedBy;
        hostKeyAcceptedAt = at;
        rememberSeenHostKey(null, null);
    }

    public void rememberSeenHostKey(HostKey key, Instant at) {
        seenHostKeyType = key == null ? null : key.type();
        seenHostKeyFingerprint = key == null ? null : key.fingerprint();
        seenHostKeyBase64 = key == null ? null : key.base64Key();
        seenHostKeyAt = key == null ? null : at;
    }

    /** The SSH address changed: a pinned key belongs to the old address and must be accepted again. */
    public void forgetHostKeys() {
        hostKeyType = null;
        hostKeyFingerprint = null;
        hostKeyBase64 = null;
        hostKeyAcceptedBy = null;
        hostKeyAcceptedAt = null;
        rememberSeenHostKey(null, null);
    }

    public Long getId() { return id; }
    public long getVersion() { return version; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getProduct() { return product; }
    public void setProduct(String product) { this.product = product; }
    public String getEnvironment() { return environment; }
    public void setEnvironment(String environment) { this.environment = environment; }
    public String getSshHost() { return sshHost; }
    public void setSshHost(String sshHost) { this.sshHost = sshHost; }
    public int getSshPort() { return sshPort; }
    public void setSshPort(int sshPort) { this.sshPort = sshPort; }
    public String getSshUser() { return sshUser; }
    public void setSshUser(String sshUser) { this.sshUser = sshUser; }
    public SshAuthMethod getSshAuth() { return sshAuth; }
    public void setSshAuth(SshAuthMethod sshAuth) { this.sshAuth = sshAuth; }
    public String getSshPassword() { return sshPassword; }
    public void setSshPassword(String sshPassword) { this.sshPassword = sshPassword; }
    public String getSshPrivateKey() { return sshPrivateKey; }
    public void setSshPrivateKey(String sshPrivateKey) { this.sshPrivateKey = sshPrivateKey; }
    public String getSshPassphrase() { return sshPassphrase; }
    public void setSshPassphrase(String sshPassphrase) { this.sshPassphrase = sshPassphrase; }
    public DeploymentType getDeploymentType() { return deploymentType; }
    public void setDeploymentType(DeploymentType deploymentType) { this.deploymentType = deploymentType; }
    public String getContainerName() { return containerName; }
    public void setContainerName(String containerName) { this.containerName = containerName; }
    public String getK8sNamespace() { return k8sNamespace; }
    public void setK8sNamespace(String k8sNamespace) { this.k8sNamespace = k8sNamespace; }
    public String getK8sPod() { return k8sPod; }
    public void setK8sPod(String k8sPod) { this.k8sPod = k8sPod; }
    public String getInstallPath() { return installPath; }
    public void setInstallPath(String installPath) { this.installPath = installPath; }
    public String getAppUrl() { return appUrl; }
    public void setAppUrl(String appUrl) { this.appUrl = appUrl; }
    public String getProductSettings() { return productSettings; }

    /** The product's settings as stored (name to value), empty when none is set. */
    public java.util.Map<String, String> productSettingValues() {
        if (productSettings == null || productSettings.isBlank()) {
            return java.util.Map.of();
        }
        java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
        tools.jackson.databind.json.JsonMapper.builder().build().readValue(productSettings, java.util.Map.class)
                .forEach((k, v) -> values.put(String.valueOf(k), String.valueOf(v)));
        return values;
    }

    /** A product setting's value, or {@code fallback} when it is not set. */
    public String productSetting(String name, String fallback) {
        String value = productSettingValues().get(name);
        return value == null || value.isBlank() ? fallback : value;
    }
    public void setProductSettings(String productSettings) { this.productSettings = productSettings; }
    public DbAccess getDbAccess() { return dbAccess; }
    public void setDbAccess(DbAccess dbAccess) { this.dbAccess = dbAccess; }
    public String getDbConnection() { return dbConnection; }
    public void setDbConnection(String dbConnection) { this.dbConnection = dbConnection; }
    public String getDbHost() { return dbHost; }
    public void setDbHost(String dbHost) { this.dbHost = dbHost; }
    public Integer getDbPort() { return dbPort; }
    public void setDbPort(Integer dbPort) { this.dbPort = dbPort; }
    public String getDbDatabase() { return dbDatabase; }
    public void setDbDatabase(String dbDatabase) { this.dbDatabase = dbDatabase; }
    public String getDbUsername() { return dbUsername; }
    public void setDbUsername(String dbUsername) { this.dbUsername = dbUsername; }
    public String getDbPassword() { return dbPassword; }
    public void setDbPassword(String dbPassword) { this.dbPassword = dbPassword; }
    public String getDbSqlitePath() { return dbSqlitePath; }
    public void setDbSqlitePath(String dbSqlitePath) { this.dbSqlitePath = dbSqlitePath; }
    public String getHostKeyType() { return hostKeyType; }
    public String getHostKeyFingerprint() { return hostKeyFingerprint; }
    public String getHostKeyAcceptedBy() { return hostKeyAcceptedBy; }
    public Instant getHostKeyAcceptedAt() { return hostKeyAcceptedAt; }
    public String getSeenHostKeyType() { return seenHostKeyType; }
    public String getSeenHostKeyFingerprint() { return seenHostKeyFingerprint; }
    public Instant getSeenHostKeyAt() { return seenHostKeyAt; }
    public Instant getCreatedAt() { return createdAt; }
    public void setCreatedAt(Instant createdAt) { this.createdAt = createdAt; }
    public Instant getUpdatedAt() { return updatedAt; }
    public void setUpdatedAt(Instant updatedAt) { this.updatedAt = updatedAt; }
}
