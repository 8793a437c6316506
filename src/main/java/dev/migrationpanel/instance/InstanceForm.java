package dev.migrationpanel.instance;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What an admin types to register or change an instance, from the page or the REST API alike. Secret
 * fields are write-only: left empty on an edit they keep the stored value. Rules that span fields
 * (auth method ↔ secret, deployment type ↔ container/pod, …) live in {@link InstanceValidator}.
 */
public class InstanceForm {

    static final String HOST_PATTERN = "^(?!-)[A-Za-z0-9.-]{1,253}$|^\\[?[0-9A-Fa-f:.]+\\]?$";
    static final String NAME_TOKEN = "^[A-Za-z0-9][A-Za-z0-9._-]*$";
    // Patterns accept "" so that an empty required field gets only its "is required" message.
    static final String UNIX_NAME = "^[A-Za-z_][A-Za-z0-9_.-]*\\$?$";

    @NotBlank(message = "Name is required")
    @Size(max = 100, message = "Name is at most 100 characters")
    @Pattern(regexp = "^$|^[A-Za-z0-9][A-Za-z0-9 ._-]*$", message = "Name: letters, digits, space, dot, dash and underscore; start with a letter or digit")
    private String name;

    @NotBlank(message = "Product is required")
    @Size(max = 32, message = "Product is at most 32 characters")
    @Pattern(regexp = "^$|" + NAME_TOKEN, message = "Product: one word of letters, digits, dot, dash or underscore (e.g. dreamfactory)")
    @Schema(example = "dreamfactory")
    private String product;

    @Schema(description = "The product's own settings by name (see the product: DreamFactory's webServer (NGINX, "
            + "APACHE, CUSTOM, NONE), webRestartCommand, webUser, webGroup; CairnCMS's and Fief's cli, startCommand, "
            + "stopCommand); blank means the product's default",
            example = "{\"webServer\": \"NGINX\", \"webUser\": \"www-data\", \"webGroup\": \"www-data\"}")
    private java.util.Map<String, String> productSettings = new java.util.LinkedHashMap<>();

    @NotBlank(message = "Environment is required")
    @Size(max = 32, message = "Environment is at most 32 characters")
    @Pattern(regexp = "^$|" + NAME_TOKEN, message = "Environment: one word of letters, digits, dot, dash or underscore (e.g. production)")
    private String environment = "production";

    @NotBlank(message = "SSH host is required")
    @Size(max = 253, message = "SSH host is at most 253 characters")
    @Pattern(regexp = "^$|" + HOST_PATTERN, message = "SSH host: a host name or IP address")
    private String sshHost;

    @NotNull(message = "SSH port is required")
    @Min(value = 1, message = "SSH port is between 1 and 65535")
    @Max(value = 65535, message = "SSH port is between 1 and 65535")
    private Integer sshPort = 22;

    @NotBlank(message = "SSH user is required")
    @Size(max = 64, message = "SSH user is at most 64 characters")
    @Pattern(regexp = "^$|" + UNIX_NAME, message = "SSH user: a Unix user name (letters, digits, dot, dash, underscore)")
    private String sshUser;

    @NotNull(message = "Choose how the panel logs in: password or private key")
    private SshAuthMethod sshAuth = SshAuthMethod.PRIVATE_KEY;

    @Size(max = 1024, message = "SSH password is at most 1024 characters")
    @Schema(accessMode = Schema.AccessMode.WRITE_ONLY, description = "Write-only; empty on an edit keeps the stored one")
    private String sshPassword;

    @Size(max = 16000, message = "The private key is at most 16000 characters")
    @Schema(accessMode = Schema.AccessMode.WRITE_ONLY, description = "OpenSSH or PEM private key; write-only")
    private String sshPrivateKey;

    @Size(max = 1024, message = "The passphrase is at most 1024 characters")
    @Schema(accessMode = Schema.AccessMode.WRITE_ONLY)
    private String sshPassphrase;

    @Schema(description = "Remove the stored passphrase (the key is not encrypted)")
    private boolean clearSshPassphrase;

    @NotNull(message = "Deployment type is required")
    private DeploymentType deploymentType = DeploymentType.HOST;

    @Size(max = 253, message = "Container name is at most 253 characters")
    @Pattern(regexp = "^$|^[A-Za-z0-9][A-Za-z0-9_.-]*$", message = "Container: letters, digits, dot, dash and underscore")
    private String containerName;

    @Size(max = 63, message = "Namespace is at most 63 characters")
    @Pattern(regexp = "^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", message = "Namespace: lower-case letters, digits and dashes")
    private String k8sNamespace;

    @Size(max = 253, message = "Pod name is at most 253 characters")
    @Pattern(regexp = "^$|^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", message = "Pod: lower-case letters, digits, dots and dashes")
    private String k8sPod;

    @NotBlank(message = "Install path is required")
    @Size(max = 1024, message = "Install path is at most 1024 characters")
    private String installPath;

    /**
     * Top-level fields this form had before they became a product's settings (DreamFactory's web settings, Flyway
     * V8): an old client that still sends one gets a 400 saying where it went, rather than a silently ignored value.
     */
    private final java.util.Set<String> movedFieldsGiven = new java.util.TreeSet<>();

    @Size(max = 1000, message = "App URL is at most 1000 characters")
    @Pattern(regexp = "^$|^https?://[^\\s]+$", message = "App URL: an http:// or https:// address")
    private String appUrl;

    @NotNull(message = "Choose how the panel reaches the database: SSH tunnel or direct")
    private DbAccess dbAccess = DbAccess.TUNNEL;

    @Pattern(regexp = "^$|^(mysql|pgsql|sqlite|sqlsrv)$", message = "DB connection: mysql, pgsql, sqlite or sqlsrv (empty: from .env)")
    private String dbConnection;

    @Size(max = 253, message = "DB host is at most 253 characters")
    @Pattern(regexp = "^$|" + HOST_PATTERN, message = "DB host: a host name or IP address")
    private String dbHost;

    @Min(value = 1, message = "DB port is between 1 and 65535")
    @Max(value = 65535, message = "DB port is between 1 and 65535")
    private Integer dbPort;

    @Size(max = 128, message = "DB name is at most 128 characters")
    @Pattern(regexp = "^$|^[A-Za-z0-9_$.-]+$", message = "DB name: letters, digits, underscore, dollar, dot and dash")
    private String dbDatabase;

    @Size(max = 128, message = "DB user is at most 128 characters")
    @Pattern(regexp = "^$|^[^\\s'\"`;\\\\]+$", message = "DB user: no spaces, quotes, semicolons or backslashes")
    private String dbUsername;

    @Size(max = 1024, message = "DB password is at most 1024 characters")
    @Schema(accessMode = Schema.AccessMode.WRITE_ONLY)
    private String dbPassword;

    @Schema(description = "Remove the stored DB password override (use the one in .env)")
    private boolean clearDbPassword;

    @Size(max = 1024, message = "SQLite path is at most 1024 characters")
    private String dbSqlitePath;

    public static InstanceForm from(Instance i) {
        InstanceForm f = new InstanceForm();
        f.name = i.getName();
        f.product = i.getProduct();
        f.productSettings = new java.util.LinkedHashMap<>(i.productSettingValues());
        f.environment = i.getEnvironment();
        f.sshHost = i.getSshHost();
        f.sshPort = i.getSshPort();
        f.sshUser = i.getSshUser();
        f.sshAuth = i.getSshAuth();
        f.deploymentType = i.getDeploymentType();
        f.containerName = i.getContainerName();
        f.k8sNamespace = i.getK8sNamespace();
        f.k8sPod = i.getK8sPod();
        f.installPath = i.getInstallPath();
        f.appUrl = i.getAppUrl();
        f.dbAccess = i.getDbAccess();
        f.dbConnection = i.getDbConnection();
        f.dbHost = i.getDbHost();
        f.dbPort = i.getDbPort();
        f.dbDatabase = i.getDbDatabase();
        f.dbUsername = i.getDbUsername();
        f.dbSqlitePath = i.getDbSqlitePath();
        return f; // secrets stay behind: write-only
    }

    /**
     * The passphrase that goes with the key after this edit: a typed one; none when a new key comes
     * without one or the admin cleared it; otherwise the stored one.
     */
    String passphraseFor(Instance existing) {
        if (sshPassphrase != null && !sshPassphrase.isEmpty()) {
            return sshPassphrase;
        }
        boolean newKey = sshPrivateKey != null && !sshPrivateKey.isBlank();
        return newKey || clearSshPassphrase || existing == null ? null : existing.getSshPassphrase();
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public java.util.Map<String, String> getProductSettings() { return productSettings; }

    /**
     * The page posts every product's settings, each named {@code product:setting} (two products may both have a
     * {@code cli}); keeps the chosen product's, by their own names. A name without a product (the API's) stays.
     */
    public void keepSettingsOfChosenProduct() {
        java.util.Map<String, String> kept = new java.util.LinkedHashMap<>();
        productSettings.forEach((name, value) -> {
            int colon = name.indexOf(':');
            if (colon < 0) {
                kept.putIfAbsent(name, value);
            } else if (name.substring(0, colon).equals(product)) {
                kept.put(name.substring(colon + 1), value);
            }
        });
        productSettings = kept;
    }
    public void setProductSettings(java.util.Map<String, String> productSettings) {
        this.productSettings = productSettings == null ? new java.util.LinkedHashMap<>() : productSettings;
    }

    public String getProduct() { return product; }
    public void setProduct(String product) { this.product = product; }
    public String getEnvironment() { return environment; }
    public void setEnvironment(String environment) { this.environment = environment; }
    public String getSshHost() { return sshHost; }
    public void setSshHost(String sshHost) { this.sshHost = sshHost; }
    public Integer getSshPort() { return sshPort; }
    public void setSshPort(Integer sshPort) { this.sshPort = sshPort; }
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
    public boolean isClearSshPassphrase() { return clearSshPassphrase; }
    public void setClearSshPassphrase(boolean clearSshPassphrase) { this.clearSshPassphrase = clearSshPassphrase; }
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

    /** The moved fields an old client sent , refused by the validator. */
    java.util.Set<String> movedFieldsGiven() {
        return movedFieldsGiven;
    }

    @com.fasterxml.jackson.annotation.JsonSetter("webServer")
    @Schema(hidden = true)
    public void setWebServer(Object ignored) { movedFieldsGiven.add("webServer"); }
    @com.fasterxml.jackson.annotation.JsonSetter("webRestartCommand")
    @Schema(hidden = true)
    public void setWebRestartCommand(Object ignored) { movedFieldsGiven.add("webRestartCommand"); }
    @com.fasterxml.jackson.annotation.JsonSetter("webUser")
    @Schema(hidden = true)
    public void setWebUser(Object ignored) { movedFieldsGiven.add("webUser"); }
    @com.fasterxml.jackson.annotation.JsonSetter("webGroup")
    @Schema(hidden = true)
    public void setWebGroup(Object ignored) { movedFieldsGiven.add("webGroup"); }
    public String getAppUrl() { return appUrl; }
    public void setAppUrl(String appUrl) { this.appUrl = appUrl; }
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
    public boolean isClearDbPassword() { return clearDbPassword; }
    public void setClearDbPassword(boolean clearDbPassword) { this.clearDbPassword = clearDbPassword; }
    public String getDbSqlitePath() { return dbSqlitePath; }
    public void setDbSqlitePath(String dbSqlitePath) { this.dbSqlitePath = dbSqlitePath; }

    @Override
    public String toString() {
        return "InstanceForm[" + name + ", " + sshUser + "@" + sshHost + ":" + sshPort + ", secrets ****]";
    }
}
