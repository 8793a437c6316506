package dev.migrationpanel.lab;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The tests' view of the test lab built by {@code src/test/lab/lab.sh up}: a real OpenSSH sshd,
 * the lab users {@code dflab} and {@code dftarget} with passwords and keys, DreamFactory-shaped
 * instances on MariaDB, PostgreSQL and SQLite ({@link #instance(String)}) and real CairnCMS instances on the
 * same three ({@link #cairn(String)}). Everything is read from
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
     * Resets one lab instance (e.g. {@code up-sqlite}; a CairnCMS one such as {@code ct-pgsql} is rebuilt as
     * {@code lab.sh cairn-reset} does: stopped, its directory and database anew, bootstrapped, started and, for
     * a source, populated again) to a fresh clone at its version (7.0.0; 7.1.0 for
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
        // the script's last lines (how long it took, whether from a snapshot) go with the test's output
        output.lines().filter(l -> l.startsWith("[lab]")).forEach(System.out::println);
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

    // ------------------------------------------------------------------------------------------ CairnCMS

    /** The CairnCMS source instances, {@code cs-mariadb}, {@code cs-pgsql}, {@code cs-sqlite} (owned by dflab, with content). */
    public List<String> cairnSources() {
        return list(property("cairn.sources"));
    }

    /** The CairnCMS target instances, {@code ct-mariadb}, {@code ct-pgsql}, {@code ct-sqlite} (owned by dftarget, fresh). */
    public List<String> cairnTargets() {
        return list(property("cairn.targets"));
    }

    /** The CairnCMS release the lab runs ({@code 1.0.0-beta.4}). */
    public String cairnVersion() {
        return property("cairn.version");
    }

    /** The unpacked CairnCMS build ({@code /opt/lab/cairncms-1.0.0-beta.4}: {@code cli.js}, {@code node_modules}). */
    public Path cairnHome() {
        return Path.of(property("cairn.home"));
    }

    /** The Node 22 binary the CairnCMS instances run on ({@code /opt/lab/node22/bin/node}). */
    public Path cairnNode() {
        return Path.of(property("cairn.node"));
    }

    /**
     * The CairnCMS CLI as a command line of absolute paths ({@code /opt/lab/node22/bin/node --no-node-snapshot
     * --no-deprecation /opt/lab/cairncms-1.0.0-beta.4/cli.js}); it reads the {@code .env} of its working
     * directory, so it runs in an instance's directory (see {@link CairnInstance#cliCommand(String)}).
     */
    public String cairnCli() {
        return property("cairn.cli");
    }

    /**
     * What the lab put into a CairnCMS source through the REST API, {@code cairn.NAME.content.KEY}: e.g.
     * {@code files} (the ids of the five uploaded files), {@code files.missing.id} and
     * {@code files.missing.path} (the row whose bytes were removed), {@code files.binary.id},
     * {@code files.thumbnail.of}, {@code role.editor.id}, {@code user.editor.id}, {@code folder.id}.
     */
    public String cairnContent(String name, String key) {
        return property("cairn." + name + ".content." + key);
    }

    /**
     * A CairnCMS lab instance: a source ({@code cs-mariadb}, {@code cs-pgsql}, {@code cs-sqlite}: owned by
     * {@code dflab}, bootstrapped, then given collections, items, files, a role and a user through the REST
     * API) or a target ({@code ct-mariadb}, {@code ct-pgsql}, {@code ct-sqlite}: owned by {@code dftarget},
     * bootstrapped only). Each has its server running on {@code 127.0.0.1:port}; rebuild one with
     * {@link #reset(String)} (also {@code src/test/lab/lab.sh cairn-reset NAME}).
     */
    public CairnInstance cairn(String name) {
        String p = "cairn." + name + ".";
        List<String> locations = list(property(p + "storage.locations"));
        Map<String, Path> roots = new LinkedHashMap<>();
        for (String location : locations) {
            roots.put(location, Path.of(property(p + "storage." + location + ".root")));
        }
        String dbPort = optionalProperty(p + "db.port");
        String dbFilename = optionalProperty(p + "db.filename");
        return new CairnInstance(name, Path.of(property(p + "path")), property(p + "owner"), property(p + "role"),
                property(p + "version"), property(p + "db.client"), optionalProperty(p + "db.host"),
                dbPort == null ? null : Integer.valueOf(dbPort), optionalProperty(p + "db.database"),
                optionalProperty(p + "db.user"), optionalProperty(p + "db.password"),
                dbFilename == null ? null : Path.of(dbFilename),
                property(p + "key"), property(p + "secret"), Integer.parseInt(property(p + "port")),
                property(p + "app.url"), property(p + "admin.email"), property(p + "admin.password"),
                optionalProperty(p + "editor.email"), optionalProperty(p + "editor.password"),
                property(p + "start"), property(p + "stop"), Path.of(property(p + "pidfile")), Path.of(property(p + "log")),
                property(p + "cli"), Path.of(property(p + "cli.wrapper")), locations, Map.copyOf(roots));
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * One CairnCMS lab instance, as its {@code .env} and the lab describe it. {@code role} is {@code source} or
     * {@code target}. {@code dbClient} is the {@code DB_CLIENT} ({@code mysql} for MariaDB, {@code pg},
     * {@code sqlite3}); for SQLite {@code dbFilename} is the database file (the {@code .env} names it
     * {@code ./data.db}, relative to the instance) and host, port, database, user and password are null,
     * otherwise {@code dbFilename} is null. {@code key} and {@code secret} are the {@code KEY} and
     * {@code SECRET}. {@code startCommand} and {@code stopCommand} are scripts the owner runs (over SSH too):
     * the server in the background with its pid in {@code pidFile}, its output in {@code logFile}.
     * {@code storageRoots} maps each of {@code STORAGE_LOCATIONS} to its directory (the local driver's root;
     * absolute, though the SQLite instances' {@code .env} names them relative). {@code editorEmail} and
     * {@code editorPassword}: the second user of a source (null for a target).
     */
    public record CairnInstance(String name, Path path, String owner, String role, String version,
                                String dbClient, String dbHost, Integer dbPort, String dbDatabase, String dbUser,
                                String dbPassword, Path dbFilename, String key, String secret, int port, String appUrl,
                                String adminEmail, String adminPassword, String editorEmail, String editorPassword,
                                String startCommand, String stopCommand, Path pidFile, Path logFile, String cli,
                                Path cliWrapper, List<String> storageLocations, Map<String, Path> storageRoots) {

        public boolean isSource() {
            return role.equals("source");
        }

        /** {@code mysql}, {@code pg} or {@code sqlite}: what {@code schema snapshot} prints as {@code vendor:}. */
        public String vendor() {
            return switch (dbClient) {
                case "mysql" -> "mysql";
                case "pg" -> "postgres";
                case "sqlite3" -> "sqlite";
                default -> throw new IllegalStateException("unknown db.client " + dbClient);
            };
        }

        /** A JDBC URL for the instance's database (the MariaDB driver for {@code mysql}). */
        public String jdbcUrl() {
            return switch (dbClient) {
                case "mysql" -> "jdbc:mariadb://" + dbHost + ":" + dbPort + "/" + dbDatabase;
                case "pg" -> "jdbc:postgresql://" + dbHost + ":" + dbPort + "/" + dbDatabase;
                case "sqlite3" -> "jdbc:sqlite:" + dbFilename;
                default -> throw new IllegalStateException("unknown db.client " + dbClient);
            };
        }

        /** The local driver's root directory of a storage location ({@code local}, {@code archive}). */
        public Path storageRoot(String location) {
            Path root = storageRoots.get(location);
            if (root == null) {
                throw new IllegalStateException("lab instance " + name + " has no storage location " + location
                        + " (it has " + storageLocations + ")");
            }
            return root;
        }

        /** A shell command running the CLI with {@code arguments} in the instance's directory, e.g. {@code schema snapshot -y x.yaml}. */
        public String cliCommand(String arguments) {
            return "cd " + path + " && " + cli + " " + arguments;
        }

        @Override
        public String toString() {
            return "CairnInstance[" + name + " " + path + " " + dbClient + " " + role + " " + appUrl + "]";
        }
    }
}
