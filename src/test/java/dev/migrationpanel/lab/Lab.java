package dev.migrationpanel.lab;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The tests' view of the test lab built by {@code src/test/lab/lab.sh up}: a real OpenSSH sshd,
 * the lab users {@code dflab} and {@code dftarget} with passwords and keys, and DreamFactory-shaped
 * instances on MariaDB, PostgreSQL and SQLite. Everything is read from
 * {@code ${LAB_DIR:-/var/tmp/panel-lab}/lab.properties}.
 *
 * <p>A missing lab is an error, never a reason to skip: {@link #get()} throws an
 * {@link IllegalStateException} that says how to start the lab.
 */
public final class Lab {

    public static final String DEFAULT_LAB_DIR = "/var/tmp/panel-lab";
    static final String START_HINT = "Start it with: src/test/lab/lab.sh up   (as root; see README)";
    private static final int CONNECT_TIMEOUT_MS = 3000;
    /** The reset script, relative to the project root (the working directory of Maven's test runs). */
    static final Path RESET_SCRIPT = Path.of("src/test/lab/reset-instance.sh");
    private static final long RESET_TIMEOUT_SECONDS = 180;

    private static Lab loaded;

    private final Path propertiesFile;
    private final Properties properties;

    private Lab(Path propertiesFile, Properties properties) {
        this.propertiesFile = propertiesFile;
        this.properties = properties;
    }

    /**
     * The running lab. Loads {@code lab.properties} once per JVM and checks that the lab sshd
     * answers; throws {@link IllegalStateException} (failing the test) when it does not.
     */
    public static synchronized Lab get() {
        if (loaded == null) {
            loaded = load(labDir());
        }
        return loaded;
    }

    /** {@code LAB_DIR} from the system property {@code lab.dir}, the environment, or the default. */
    static Path labDir() {
        String dir = System.getProperty("lab.dir");
        if (dir == null || dir.isBlank()) {
            dir = System.getenv("LAB_DIR");
        }
        if (dir == null || dir.isBlank()) {
            dir = DEFAULT_LAB_DIR;
        }
        return Path.of(dir);
    }

    /** Loads the lab described in {@code labDir/lab.properties} (not cached) and checks its sshd answers. */
    static Lab load(Path labDir) {
        Path file = labDir.resolve("lab.properties");
        if (!Files.isRegularFile(file)) {
            throw notRunning(file + " does not exist");
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | RuntimeException e) {
            throw notRunning("cannot read " + file + ": " + e);
        }
        Lab lab = new Lab(file, properties);
        String host = properties.getProperty("ssh.host");
        String port = properties.getProperty("ssh.port");
        if (host == null || host.isBlank() || port == null || !port.trim().matches("\\d{1,5}")) {
            throw notRunning(file + " has no valid ssh.host/ssh.port");
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host.trim(), Integer.parseInt(port.trim())), CONNECT_TIMEOUT_MS);
        } catch (IOException e) {
            throw notRunning("the lab sshd does not answer on " + host.trim() + ":" + port.trim() + ": " + e.getMessage());
        }
        return lab;
    }

    static IllegalStateException notRunning(String reason) {
        return new IllegalStateException("The test lab is not running (" + reason + "). " + START_HINT);
    }

    /** The lab.properties file this lab was read from. */
    public Path propertiesFile() {
        return propertiesFile;
    }

    public String sshHost() {
        return property("ssh.host");
    }

    public int sshPort() {
        return Integer.parseInt(property("ssh.port"));
    }

    /** A lab property; fails clearly when lab.properties does not have it. */
    public String property(String key) {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("The test lab has no property '" + key + "' in " + propertiesFile
                    + " (a lab older than this test?). Rebuild it with: src/test/lab/lab.sh up   (as root; see README)");
        }
        return value.trim();
    }

    /** A lab property, or {@code null} when it is absent or empty. */
    public String optionalProperty(String key) {
        String value = properties.getProperty(key);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The private key file of a lab user; type is {@code ed25519}, {@code ecdsa} or {@code rsa}. */
    public Path keyFile(String user, String type) {
        Path key = Path.of(property("ssh." + user + ".key." + type));
        if (!Files.isReadable(key)) {
            throw new IllegalStateException("The lab key " + key + " (" + user + ", " + type
                    + ") is missing or unreadable. Rebuild the lab with: src/test/lab/lab.sh up   (as root; see README)");
        }
        return key;
    }

    /** The private key of a lab user in OpenSSH format ({@code -----BEGIN OPENSSH PRIVATE KEY-----}). */
    public String privateKeyText(String user, String type) {
        try {
            return Files.readString(keyFile(user, type), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The public key line ({@code type base64}) of a lab user's key. */
    public String publicKeyText(String user, String type) {
        return property("ssh." + user + ".key." + type + ".public");
    }

    /** The login password of a lab user ({@code dflab}, {@code dftarget}). */
    public String password(String user) {
        return property("ssh." + user + ".password");
    }

    /** The passphrase of a lab user's ed25519 key (the only lab key that has one). */
    public String passphrase(String user) {
        return property("ssh." + user + ".key.ed25519.passphrase");
    }

    /** The passphrase of a lab user's key of the given type, or {@code null} when that key has none. */
    public String passphrase(String user, String type) {
        return optionalProperty("ssh." + user + ".key." + type + ".passphrase");
    }

    /** {@code SHA256:…} fingerprint of the lab sshd's host key of the given type, as {@code ssh-keygen -l} prints it. */
    public String hostKeyFingerprint(String type) {
        return property("sshd.hostkey." + type + ".fingerprint");
    }

    /** A known_hosts file listing the lab sshd's host keys for {@code [host]:port}. */
    public Path knownHostsFile() {
        return Path.of(property("ssh.known_hosts"));
    }

    /** The bare git repository the instances were cloned from (releases 7.0.0 and 7.1.0). */
    public Path originPath() {
        return Path.of(property("origin.path"));
    }

    /**
     * A named release ref of the origin, {@code origin.refs.<key>}: {@code failing-migration}
     * (tag {@code 7.1.0-failing-migration}: its last migration changes the database, then fails) or
     * {@code broken-composer} (tag {@code 7.1.0-broken-composer}: composer.json is invalid JSON).
     */
    public String ref(String key) {
        return property("origin.refs." + key);
    }

    /**
     * Resets one lab instance (e.g. {@code up-sqlite}) to a fresh clone at its version (7.0.0; 7.1.0 for
     * the {@code mt-*} targets) with its .env and a recreated, migrated and seeded database, populated
     * with an admin's content ({@code php artisan lab:populate}) but for the {@code mt-*} targets, by
     * running {@code src/test/lab/reset-instance.sh name} from the project root. Throws {@link IllegalStateException} with the script's output when it
     * exits non-zero or does not finish in time.
     */
    public static void reset(String name) {
        if (!Files.isRegularFile(RESET_SCRIPT)) {
            throw new IllegalStateException(RESET_SCRIPT.toAbsolutePath() + " does not exist: Lab.reset runs from the project root");
        }
        ProcessBuilder pb = new ProcessBuilder("bash", RESET_SCRIPT.toString(), name).redirectErrorStream(true);
        pb.environment().put("LAB_DIR", labDir().toString());
        String output;
        int exit;
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            // read on another thread so that a hanging script still times out
            CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "(output unreadable: " + e + ")";
                }
            });
            if (!p.waitFor(RESET_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("Resetting lab instance " + name + " took longer than "
                        + RESET_TIMEOUT_SECONDS + "s: " + reader.getNow("(no output yet)"));
            }
            exit = p.exitValue();
            output = reader.join();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + RESET_SCRIPT + " " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while resetting lab instance " + name, e);
        }
        if (exit != 0) {
            throw new IllegalStateException("Resetting lab instance " + name + " failed (" + RESET_SCRIPT + " exited "
                    + exit + "):\n" + output.strip());
        }
    }

    /**
     * A lab instance: {@code mariadb}, {@code pgsql}, {@code sqlite} (all at 7.0.0, migrated, seeded
     * and populated) or {@code noenv} (a clone without .env; its database fields are null). These are
     * shared: tests that upgrade or break an install use {@code up-mariadb}, {@code up-pgsql},
     * {@code up-sqlite} (same shape, each with its own database) and start with {@link #reset(String)}.
     * Major-migration tests use the sources {@code ms-mariadb}, {@code ms-pgsql}, {@code ms-sqlite}
     * (same shape again, databases {@code ms_lab}) and the targets {@code mt-mariadb}, {@code mt-pgsql},
     * {@code mt-sqlite}: fresh installs of 7.1.0 owned by {@code dftarget} (databases {@code mt_lab},
     * installer data only).
     */
    public LabInstance instance(String name) {
        String p = "instance." + name + ".";
        Path path = Path.of(property(p + "path"));
        String port = optionalProperty(p + "db.port");
        return new LabInstance(name, path,
                optionalProperty(p + "db.connection"),
                optionalProperty(p + "db.host"),
                port == null ? null : Integer.valueOf(port),
                optionalProperty(p + "db.database"),
                optionalProperty(p + "db.username"),
                optionalProperty(p + "db.password"),
                optionalProperty(p + "app.key"),
                property(p + "version"),
                optionalProperty(p + "web.user"),
                optionalProperty(p + "web.group"),
                property(p + "owner"));
    }

    /**
     * One DreamFactory-shaped lab instance. {@code dbConnection} is the .env value ({@code mysql},
     * {@code pgsql}, {@code sqlite}); for SQLite {@code dbDatabase} is the database file and host, port,
     * username and password are null. {@code owner} is the lab SSH user owning the install
     * ({@code dflab}; {@code dftarget} for the {@code mt-*} targets). {@code webUser} and
     * {@code webGroup} are what the web server runs the install as (its owner); null for {@code noenv}.
     */
    public record LabInstance(String name, Path path, String dbConnection, String dbHost, Integer dbPort,
                              String dbDatabase, String dbUsername, String dbPassword, String appKey,
                              String version, String webUser, String webGroup, String owner) {

        /** A JDBC URL for the instance database (MariaDB driver for mysql). */
        public String jdbcUrl() {
            if (dbConnection == null) {
                throw new IllegalStateException("lab instance " + name + " has no database");
            }
            return switch (dbConnection) {
                case "mysql", "mariadb" -> "jdbc:mariadb://" + dbHost + ":" + dbPort + "/" + dbDatabase;
                case "pgsql" -> "jdbc:postgresql://" + dbHost + ":" + dbPort + "/" + dbDatabase;
                case "sqlite" -> "jdbc:sqlite:" + dbDatabase;
                default -> throw new IllegalStateException("unknown db.connection " + dbConnection);
            };
        }

        @Override
        public String toString() {
            return "LabInstance[" + name + " " + path + " " + dbConnection + " " + version + "]";
        }
    }
}
