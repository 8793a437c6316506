package dev.migrationpanel.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The CairnCMS part of the lab (src/test/lab/cairncms.sh, built by {@code lab.sh up}) is what lab.properties
 * says it is: real CairnCMS 1.0.0-beta.4 instances on Node 22, sources with content, fresh targets, their
 * servers answering, their CLI answering over SSH. A missing lab fails here (Lab.get()), never skips.
 */
@ResourceLock(LabLocks.CAIRNCMS)
class CairnLabIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** CairnCMS 1.0.0-beta.4's migrations: what bootstrap records in directus_migrations. */
    private static final int MIGRATIONS = 66;

    private final Lab lab = Lab.get();

    private List<Lab.CairnInstance> all() {
        return Stream.concat(lab.cairnSources().stream(), lab.cairnTargets().stream()).map(lab::cairn).toList();
    }

    @Test
    void nodeAndTheCairnBuildAreInstalled() throws Exception {
        assertThat(lab.cairnSources()).containsExactly("cs-mariadb", "cs-pgsql", "cs-sqlite");
        assertThat(lab.cairnTargets()).containsExactly("ct-mariadb", "ct-pgsql", "ct-sqlite");
        assertThat(lab.cairnVersion()).isEqualTo("1.0.0-beta.4");
        assertThat(lab.cairnNode()).isEqualTo(Path.of("/opt/lab/node22/bin/node")).isExecutable();
        assertThat(run(null, lab.cairnNode().toString(), "--version")[1].strip()).isEqualTo("v22.23.5");
        assertThat(lab.cairnHome()).isEqualTo(Path.of("/opt/lab/cairncms-1.0.0-beta.4"));
        assertThat(lab.cairnHome().resolve("cli.js")).isRegularFile();
        assertThat(JSON.readTree(lab.cairnHome().resolve("package.json").toFile()).get("version").asText()).isEqualTo("1.0.0-beta.4");
        assertThat(lab.cairnHome().resolve(".lab-archive-sha256")).content()
                .isEqualToIgnoringNewLines("90e10e1e169b424ab9bb39f26f2d38aeb46e41ff27315c9b5b70959da65fc574");
        assertThat(lab.cairnCli()).isEqualTo("/opt/lab/node22/bin/node --no-node-snapshot --no-deprecation /opt/lab/cairncms-1.0.0-beta.4/cli.js");
        // root's, read-only for the lab users
        assertThat(Files.getOwner(lab.cairnHome()).getName()).isEqualTo("root");
        assertThat(asUser("dflab", "/tmp", "test -w " + lab.cairnHome() + " || echo read-only")[1].strip()).isEqualTo("read-only");
    }

    @Test
    void eachInstanceIsItsOwnersWithAnEnvOfItsOwn() throws Exception {
        List<String> keys = new ArrayList<>();
        List<String> secrets = new ArrayList<>();
        for (Lab.CairnInstance c : all()) {
            String owner = c.isSource() ? "dflab" : "dftarget";
            assertThat(c.path()).isEqualTo(Path.of("/opt/lab/" + c.name()));
            assertThat(c.owner()).isEqualTo(owner);
            assertThat(c.role()).isEqualTo(c.name().startsWith("cs-") ? "source" : "target");
            assertThat(c.version()).isEqualTo("1.0.0-beta.4");
            assertThat(c.dbClient()).isEqualTo(switch (c.name().substring(3)) {
                case "mariadb" -> "mysql";
                case "pgsql" -> "pg";
                default -> "sqlite3";
            });
            List<Path> owned = new ArrayList<>(List.of(c.path(), c.path().resolve(".env"), c.path().resolve("package.json"),
                    c.path().resolve("extensions"), c.path().resolve("bin/start"), c.path().resolve("bin/stop"),
                    c.path().resolve("logs"), c.logFile(), c.pidFile()));
            owned.addAll(c.storageRoots().values());
            if (c.dbFilename() != null) {
                owned.add(c.dbFilename());
            }
            for (Path file : owned) {
                assertThat(Files.getOwner(file).getName()).as("%s owner", file).isEqualTo(owner);
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(c.path()))).isEqualTo("rwxr-x---");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(c.path().resolve(".env")))).isEqualTo("rw-------");
            assertThat(c.path().resolve("package.json")).content().isEqualToIgnoringNewLines("{\"name\":\"site\",\"private\":true}");

            Map<String, String> env = dotEnv(c.path().resolve(".env"));
            assertThat(env).containsEntry("KEY", c.key()).containsEntry("SECRET", c.secret())
                    .containsEntry("DB_CLIENT", c.dbClient()).containsEntry("HOST", "127.0.0.1")
                    .containsEntry("PORT", String.valueOf(c.port())).containsEntry("PUBLIC_URL", c.appUrl())
                    .containsEntry("SERVE_APP", "false").containsEntry("ADMIN_EMAIL", c.adminEmail())
                    .containsEntry("ADMIN_PASSWORD", c.adminPassword())
                    .containsEntry("STORAGE_LOCATIONS", String.join(",", c.storageLocations()));
            assertThat(c.key()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(c.secret()).hasSize(48);
            assertThat(c.appUrl()).isEqualTo("http://127.0.0.1:" + c.port());
            for (String location : c.storageLocations()) {
                String driver = "STORAGE_" + location.toUpperCase() + "_";
                assertThat(env).containsEntry(driver + "DRIVER", "local");
                assertThat(c.storageRoot(location)).startsWith(c.path()).isDirectory();
                // the SQLite instances name their paths relative to the instance, as the vendor's example does
                assertThat(c.path().resolve(env.get(driver + "ROOT")).normalize()).isEqualTo(c.storageRoot(location));
            }
            if (c.dbClient().equals("sqlite3")) {
                assertThat(env).containsEntry("DB_FILENAME", "./data.db").containsEntry("STORAGE_LOCAL_ROOT", "./uploads");
                assertThat(c.dbFilename()).isEqualTo(c.path().resolve("data.db")).isRegularFile();
                assertThat(c.dbHost()).isNull();
                assertThat(c.dbPassword()).isNull();
            } else {
                assertThat(env).containsEntry("DB_HOST", c.dbHost()).containsEntry("DB_PORT", String.valueOf(c.dbPort()))
                        .containsEntry("DB_DATABASE", c.dbDatabase()).containsEntry("DB_USER", c.dbUser())
                        .containsEntry("DB_PASSWORD", c.dbPassword());
                assertThat(c.dbDatabase()).isEqualTo(c.isSource() ? "cs_lab" : "ct_lab");
                assertThat(c.dbUser()).isEqualTo(c.dbDatabase());
                assertThat(c.dbFilename()).isNull();
            }
            assertThat(c.storageLocations()).isEqualTo(c.name().equals("cs-pgsql") ? List.of("local", "archive") : List.of("local"));
            keys.add(c.key());
            secrets.add(c.secret());
        }
        assertThat(keys).hasSize(6).doesNotHaveDuplicates();
        assertThat(secrets).hasSize(6).doesNotHaveDuplicates();
        assertThat(all()).extracting(Lab.CairnInstance::port).containsExactly(18181, 18182, 18183, 18191, 18192, 18193);
    }

    @Test
    void serversAnswerPingAndHealthWithTheirKey() throws Exception {
        for (Lab.CairnInstance c : all()) {
            HttpResponse<String> ping = get(c.appUrl() + "/server/ping", null);
            assertThat(ping.statusCode()).as("%s ping", c.name()).isEqualTo(200);
            assertThat(ping.body()).isEqualTo("pong");
            JsonNode health = JSON.readTree(get(c.appUrl() + "/server/health", null).body());
            assertThat(health.get("status").asText()).isEqualTo("ok");
            // an admin sees the details: the instance's KEY as service id, one check per storage location
            JsonNode detailed = JSON.readTree(get(c.appUrl() + "/server/health", signIn(c, c.adminEmail(), c.adminPassword())).body());
            assertThat(detailed.get("status").asText()).as("%s health %s", c.name(), detailed).isEqualTo("ok");
            assertThat(detailed.get("serviceId").asText()).isEqualTo(c.key());
            assertThat(detailed.get("releaseId").asText()).isEqualTo("1.0.0-beta.4");
            List<String> checks = new ArrayList<>();
            detailed.get("checks").fieldNames().forEachRemaining(checks::add);
            assertThat(checks).contains(c.dbClient() + ":responseTime")
                    .containsAll(c.storageLocations().stream().map(l -> "storage:" + l + ":responseTime").toList());
            assertThat(c.pidFile()).isRegularFile();
            assertThat(Files.readString(c.pidFile()).strip()).matches("\\d+");
            assertThat(c.logFile()).content().contains("INFO: Server started at http://127.0.0.1:" + c.port());
        }
    }

    @Test
    void sourcesAreBootstrappedAndHoldAnAdminsContent() throws Exception {
        for (String name : lab.cairnSources()) {
            Lab.CairnInstance c = lab.cairn(name);
            assertThat(count(c, "directus_migrations")).as("%s migrations", name).isEqualTo(MIGRATIONS);
            assertThat(column(c, "SELECT version FROM directus_migrations WHERE name = 'Public Role Sentinel'")).containsExactly("20260418A");
            assertThat(tables(c)).contains("authors", "articles", "comments", "tags", "articles_tags", "directus_files",
                    "directus_migrations");
            assertThat(column(c, "SELECT collection FROM directus_collections ORDER BY collection"))
                    .containsExactly("articles", "articles_tags", "authors", "categories", "comments", "tags");
            assertThat(column(c, "SELECT " + concat(c, "many_collection", "'.'", "many_field", "' -> '", "one_collection")
                    + " FROM directus_relations ORDER BY many_collection, many_field"))
                    .containsExactly("articles.author -> authors", "articles.cover -> directus_files",
                            "articles_tags.articles_id -> articles", "articles_tags.tags_id -> tags",
                            "categories.parent -> categories", "comments.article -> articles");
            // the many-to-many as the admin app makes it: each junction relation names the other side's field
            assertThat(column(c, "SELECT " + concat(c, "many_field", "':'", "junction_field") + " FROM directus_relations "
                    + "WHERE many_collection = 'articles_tags' ORDER BY many_field")).containsExactly("articles_id:tags_id",
                    "tags_id:articles_id");
            assertThat(column(c, "SELECT t.name FROM articles r JOIN articles_tags j ON j.articles_id = r.id JOIN tags t "
                    + "ON t.id = j.tags_id WHERE r.slug = 'computable-numbers' ORDER BY t.name")).containsExactly("computing", "math");
            assertThat(count(c, "tags")).isEqualTo(3);
            assertThat(count(c, "articles_tags")).isEqualTo(4);
            assertThat(lab.cairnContent(name, "items.articles_tags")).isEqualTo("4");
            assertThat(count(c, "authors")).isEqualTo(3);
            assertThat(count(c, "articles")).isEqualTo(4);
            assertThat(count(c, "comments")).isEqualTo(5);
            // a tree whose rows point at their own table, three of them at a later key
            assertThat(count(c, "categories")).isEqualTo(6);
            assertThat(lab.cairnContent(name, "items.categories")).isEqualTo("6");
            assertThat(column(c, "SELECT k.name FROM categories k JOIN categories p ON p.id = k.parent WHERE p.id > k.id "
                    + "ORDER BY k.id")).containsExactly("Quicksort", "Mergesort", "Sorting");
            assertThat(lab.cairnContent(name, "items.articles")).isEqualTo("4");
            assertThat(column(c, "SELECT name FROM authors ORDER BY id")).containsExactly("Ada Lovelace", "Alan Turing", "Grace Hopper");
            assertThat(column(c, "SELECT a.name FROM articles r JOIN authors a ON a.id = r.author WHERE r.slug = 'computable-numbers'"))
                    .containsExactly("Alan Turing");
            assertThat(column(c, "SELECT cover FROM articles WHERE slug = 'notes-on-the-engine'"))
                    .containsExactly(lab.cairnContent(name, "files.thumbnail.of"));
            assertThat(JSON.readTree(single(column(c, "SELECT metadata FROM articles WHERE slug = 'notes-on-the-engine'"))).get("rating").asDouble())
                    .isEqualTo(4.5);
            assertThat(column(c, "SELECT COUNT(*) FROM comments WHERE approved = " + (c.dbClient().equals("pg") ? "true" : "1"))).containsExactly("3");

            // the role, its permissions, its user
            assertThat(column(c, "SELECT name FROM directus_roles")).containsExactlyInAnyOrder("$t:public_label", "Administrator", "Editor");
            String role = lab.cairnContent(name, "role.editor.id");
            assertThat(column(c, "SELECT " + key(c) + " FROM directus_roles WHERE id = '" + role + "'")).containsExactly("editor");
            assertThat(column(c, "SELECT admin_access FROM directus_roles WHERE id = '" + role + "'"))
                    .containsExactly(c.dbClient().equals("sqlite3") ? "0" : "f");
            assertThat(column(c, "SELECT " + concat(c, "collection", "':'", "action") + " FROM directus_permissions WHERE role = '" + role
                    + "' ORDER BY collection, action")).containsExactly("articles:create", "articles:read", "articles:update",
                    "authors:read", "comments:read", "directus_files:create", "directus_files:read");
            assertThat(count(c, "directus_permissions")).isEqualTo(7);
            assertThat(column(c, "SELECT email FROM directus_users ORDER BY email")).containsExactly(c.adminEmail(), c.editorEmail());
            assertThat(column(c, "SELECT role FROM directus_users WHERE email = '" + c.editorEmail() + "'")).containsExactly(role);
            assertThat(column(c, "SELECT id FROM directus_users WHERE email = '" + c.editorEmail() + "'"))
                    .containsExactly(lab.cairnContent(name, "user.editor.id"));
            // both sign in (the password is stored as an argon2 hash)
            assertThat(signIn(c, c.editorEmail(), c.editorPassword())).isNotBlank();
            assertThat(single(column(c, "SELECT password FROM directus_users WHERE email = '" + c.editorEmail() + "'"))).startsWith("$argon2");
            assertThat(column(c, "SELECT name FROM directus_folders")).containsExactly("Press kit");
        }
    }

    @Test
    void everyFileRowHasItsBytesOnDiskButTheLostOne() throws Exception {
        for (String name : lab.cairnSources()) {
            Lab.CairnInstance c = lab.cairn(name);
            String missing = lab.cairnContent(name, "files.missing.id");
            String binary = lab.cairnContent(name, "files.binary.id");
            List<String> ids = List.of(lab.cairnContent(name, "files").split(","));
            List<String[]> rows = rows(c, "SELECT id, storage, filename_disk, filename_download, filesize, type FROM directus_files ORDER BY filename_download");
            assertThat(rows).extracting(r -> r[3]).containsExactly("brochure.pdf", "cover.png", "dataset.bin", "lost-scan.pdf", "notes.txt");
            assertThat(rows).extracting(r -> r[0]).containsExactlyInAnyOrderElementsOf(ids);
            String token = signIn(c, c.adminEmail(), c.adminPassword());
            for (String[] row : rows) {
                Path bytes = c.storageRoot(row[1]).resolve(row[2]);
                // flat in the location's root: <id>.<extension of the uploaded name>
                assertThat(row[2]).isEqualTo(row[0] + row[3].substring(row[3].lastIndexOf('.')));
                if (row[0].equals(missing)) {
                    assertThat(bytes).as("%s %s", name, row[3]).doesNotExist();
                    assertThat(lab.cairnContent(name, "files.missing.path")).isEqualTo(bytes.toString());
                    // the API does not say "not found" for it
                    assertThat(get(c.appUrl() + "/assets/" + row[0], token).statusCode()).isEqualTo(403);
                    continue;
                }
                assertThat(bytes).as("%s %s", name, row[3]).isRegularFile();
                assertThat(Files.size(bytes)).as("%s %s filesize", name, row[3]).isEqualTo(Long.parseLong(row[4]));
                assertThat(Files.getOwner(bytes).getName()).isEqualTo(c.owner());
                // what the server serves is the bytes on disk
                HttpResponse<byte[]> asset = HTTP.send(HttpRequest.newBuilder(URI.create(c.appUrl() + "/assets/" + row[0]))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(asset.statusCode()).isEqualTo(200);
                assertThat(sha256(asset.body())).isEqualTo(sha256(Files.readAllBytes(bytes)));
            }
            String[] data = rows.stream().filter(r -> r[0].equals(binary)).findFirst().orElseThrow();
            assertThat(data[1]).isEqualTo(name.equals("cs-pgsql") ? "archive" : "local").isEqualTo(lab.cairnContent(name, "files.binary.storage"));
            assertThat(Long.parseLong(data[4])).isEqualTo(256 * 1024);
            assertThat(data[5]).isEqualTo("application/octet-stream");
            // the thumbnail the server cached: beside its original, <id>__<hash>.png, no row of its own
            String cover = lab.cairnContent(name, "files.thumbnail.of");
            try (Stream<Path> files = Files.list(c.storageRoot("local"))) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(f -> f.startsWith(cover + "__")).toList())
                        .singleElement().asString().matches(cover + "__[0-9a-f]{40}\\.png");
            }
            int onDisk = 0;
            for (Path root : c.storageRoots().values()) {
                // (a health check writes health-<id> in each location and deletes it right after)
                try (Stream<Path> files = Files.list(root)) {
                    onDisk += (int) files.filter(f -> !f.getFileName().toString().startsWith("health-")).count();
                }
            }
            assertThat(onDisk).as("%s: four originals and a thumbnail", name).isEqualTo(5);
        }
    }

    @Test
    void targetsAreFreshBootstraps() throws Exception {
        for (String name : lab.cairnTargets()) {
            Lab.CairnInstance c = lab.cairn(name);
            assertThat(count(c, "directus_migrations")).as("%s migrations", name).isEqualTo(MIGRATIONS);
            assertThat(tables(c)).allMatch(t -> t.startsWith("directus_"), "a directus_ table");
            assertThat(count(c, "directus_collections")).isZero();
            assertThat(count(c, "directus_files")).isZero();
            assertThat(count(c, "directus_permissions")).isZero();
            assertThat(column(c, "SELECT email FROM directus_users")).containsExactly(c.adminEmail());
            assertThat(column(c, "SELECT name FROM directus_roles")).containsExactlyInAnyOrder("$t:public_label", "Administrator");
            assertThat(signIn(c, c.adminEmail(), c.adminPassword())).isNotBlank();
            assertThat(c.editorEmail()).isNull();
            try (Stream<Path> files = Files.list(c.storageRoot("local"))) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void theCliAnswersOverSshAsTheOwnerWithTheVendor() throws Exception {
        for (Lab.CairnInstance c : all()) {
            String file = "/home/" + c.owner() + "/.cairn-lab-it-" + c.name() + ".yaml";
            // -y: without it a prompt (an existing file) waits forever, even with no terminal
            String[] snapshot = ssh(c.owner(), c.cliCommand("schema snapshot -y " + file) + " && cat " + file + " && rm -f " + file);
            assertThat(snapshot[0]).as("%s: exit code; stderr %s", c.name(), snapshot[2]).isEqualTo("0");
            // the CLI logs on standard output: the file's content follows the "saved" line
            assertThat(snapshot[1]).contains("INFO: Snapshot saved to " + file)
                    .contains("version: 1\ndirectus: 1.0.0-beta.4\nvendor: " + c.vendor() + "\n");
            if (c.isSource()) {
                assertThat(snapshot[1]).contains("  - collection: articles\n", "  - collection: authors\n", "  - collection: comments\n");
            } else {
                assertThat(snapshot[1]).contains("collections: []\n");
            }
        }
        // the instance's wrapper runs it from anywhere; on MariaDB a warning about the JSON columns' collation
        // lands on standard output too, before or after the snapshot (a race), so only a file holds a clean one
        Lab.CairnInstance mariadb = lab.cairn("ct-mariadb");
        String[] stdout = ssh(mariadb.owner(), "cd /tmp && " + mariadb.cliWrapper() + " schema snapshot --format json");
        assertThat(stdout[0]).isEqualTo("0");
        assertThat(stdout[1]).contains("{\"version\":1,\"directus\":\"1.0.0-beta.4\",\"vendor\":\"mysql\",")
                .contains("WARN: Some tables and columns do not match your database's default collation");
        String[] count = ssh(mariadb.owner(), mariadb.cliWrapper() + " count directus_users");
        assertThat(count[0]).isEqualTo("0");
        assertThat(count[1].lines().toList()).contains("1");
    }

    @Test
    void theOwnerStopsAndStartsTheServerOverSsh() throws Exception {
        Lab.CairnInstance c = lab.cairn("ct-sqlite");
        try {
            String[] stop = ssh(c.owner(), c.stopCommand());
            assertThat(stop[0]).as("stop: %s %s", stop[1], stop[2]).isEqualTo("0");
            assertThat(stop[1]).startsWith("cairncms ct-sqlite: stopped (pid ");
            assertThat(c.pidFile()).doesNotExist();
            assertThatThrownBy(() -> get(c.appUrl() + "/server/ping", null)).isInstanceOf(ConnectException.class);
            assertThat(ssh(c.owner(), c.stopCommand())[1]).startsWith("cairncms ct-sqlite: not running");

            String[] start = ssh(c.owner(), c.startCommand());
            assertThat(start[0]).as("start: %s %s", start[1], start[2]).isEqualTo("0");
            assertThat(start[1]).startsWith("cairncms ct-sqlite: started (pid ");
            assertThat(get(c.appUrl() + "/server/ping", null).body()).isEqualTo("pong");
            String pid = Files.readString(c.pidFile()).strip();
            assertThat(start[1]).contains("(pid " + pid + ",");
            // its owner's, in the instance's directory, in a session of its own (the SSH session has ended)
            assertThat(Files.getOwner(Path.of("/proc", pid)).getName()).isEqualTo(c.owner());
            assertThat(Files.readSymbolicLink(Path.of("/proc", pid, "cwd"))).isEqualTo(c.path());
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            assertThat(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]).as("session id").isEqualTo(pid);

            assertThat(ssh(c.owner(), c.startCommand())[1]).startsWith("cairncms ct-sqlite: already running (pid " + pid + ",");
            // another lab user cannot stop it, nor read the instance
            String[] foreign = ssh("dflab", c.stopCommand());
            assertThat(foreign[0]).isNotEqualTo("0");
            assertThat(get(c.appUrl() + "/server/ping", null).body()).isEqualTo("pong");
        } finally {
            if (!c.pidFile().toFile().exists()) {
                ssh(c.owner(), c.startCommand());
            }
        }
    }

    @Test
    void eachDatabaseIsItsUsersAlone() throws Exception {
        Lab.CairnInstance csMariadb = lab.cairn("cs-mariadb");
        Lab.CairnInstance ctMariadb = lab.cairn("ct-mariadb");
        Lab.CairnInstance csPgsql = lab.cairn("cs-pgsql");
        Lab.CairnInstance ctPgsql = lab.cairn("ct-pgsql");
        for (Lab.CairnInstance c : List.of(csMariadb, ctMariadb, csPgsql, ctPgsql)) {
            assertThat(c.dbPassword()).isNotBlank();
            try (Connection conn = DriverManager.getConnection(c.jdbcUrl(), c.dbUser(), c.dbPassword())) {
                assertThat(conn.isValid(5)).isTrue();
            }
        }
        assertThat(csMariadb.dbPassword()).isNotEqualTo(ctMariadb.dbPassword());
        assertThat(csPgsql.dbPassword()).isNotEqualTo(ctPgsql.dbPassword()).isNotEqualTo(csMariadb.dbPassword());
        // MariaDB: each user is granted its own database only, and a password opens nothing else
        for (Lab.CairnInstance[] pair : List.of(new Lab.CairnInstance[] {csMariadb, ctMariadb}, new Lab.CairnInstance[] {ctMariadb, csMariadb})) {
            assertThatThrownBy(() -> DriverManager.getConnection(pair[0].jdbcUrl(), pair[1].dbUser(), pair[1].dbPassword()).close())
                    .isInstanceOf(SQLException.class);
            try (Connection conn = DriverManager.getConnection(pair[0].jdbcUrl(), pair[0].dbUser(), pair[0].dbPassword())) {
                assertThat(strings(conn, "SHOW GRANTS").stream().filter(g -> g.contains(" ON `")).toList())
                        .singleElement().asString().contains("ON `" + pair[0].dbDatabase() + "`.*");
                assertThat(strings(conn, "SHOW DATABASES")).containsExactlyInAnyOrder("information_schema", pair[0].dbDatabase());
            }
        }
        assertThatThrownBy(() -> DriverManager.getConnection(csMariadb.jdbcUrl(), csMariadb.dbUser(), csMariadb.dbPassword() + "-wrong").close())
                .isInstanceOf(SQLException.class);
        // PostgreSQL: each database is owned by its role, and no other role may connect to it
        for (Lab.CairnInstance[] pair : List.of(new Lab.CairnInstance[] {csPgsql, ctPgsql}, new Lab.CairnInstance[] {ctPgsql, csPgsql})) {
            assertThatThrownBy(() -> DriverManager.getConnection(pair[0].jdbcUrl(), pair[1].dbUser(), pair[1].dbPassword()).close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied for database \"" + pair[0].dbDatabase() + "\"");
            try (Connection conn = DriverManager.getConnection(pair[0].jdbcUrl(), pair[0].dbUser(), pair[0].dbPassword())) {
                assertThat(strings(conn, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"))
                        .containsExactly(pair[0].dbUser());
            }
        }
        // SQLite: the file is in its owner's instance, which no other lab user can enter
        for (String name : List.of("cs-sqlite", "ct-sqlite")) {
            Lab.CairnInstance c = lab.cairn(name);
            String other = c.owner().equals("dflab") ? "dftarget" : "dflab";
            assertThat(asUser(c.owner(), "/tmp", "test -r " + c.dbFilename() + " && test -w " + c.dbFilename() + " && echo mine")[1].strip())
                    .isEqualTo("mine");
            assertThat(asUser(other, "/tmp", "test -r " + c.dbFilename() + " || echo refused")[1].strip()).isEqualTo("refused");
        }
        assertThat(lab.cairn("cs-sqlite").dbFilename()).isNotEqualTo(lab.cairn("ct-sqlite").dbFilename());
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** SQL concatenation of the given expressions (MariaDB's || is OR). */
    private static String concat(Lab.CairnInstance c, String... parts) {
        return c.dbClient().equals("mysql") ? "CONCAT(" + String.join(", ", parts) + ")" : String.join(" || ", parts);
    }

    /** directus_roles.key, quoted for the vendor (a reserved word on MariaDB). */
    private static String key(Lab.CairnInstance c) {
        return c.dbClient().equals("mysql") ? "`key`" : "\"key\"";
    }

    private static int count(Lab.CairnInstance c, String table) throws Exception {
        return Integer.parseInt(single(column(c, "SELECT COUNT(*) FROM " + table)));
    }

    private static List<String> tables(Lab.CairnInstance c) throws Exception {
        return column(c, switch (c.dbClient()) {
            case "mysql" -> "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name";
            case "pg" -> "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name";
            default -> "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
        });
    }

    private static List<String> column(Lab.CairnInstance c, String sql) throws Exception {
        return rows(c, sql).stream().map(r -> r[0]).toList();
    }

    /** A query's rows on the instance's database, every value as text (JDBC; the sqlite3 CLI for SQLite). */
    private static List<String[]> rows(Lab.CairnInstance c, String sql) throws Exception {
        if (c.dbClient().equals("sqlite3")) {
            String[] out = run(null, "sqlite3", "-batch", "-noheader", "-separator", "\u001f", "-newline", "\u001e",
                    "-readonly", c.dbFilename().toString(), sql);
            assertThat(out[0]).as("sqlite3 %s: %s", sql, out[2]).isEqualTo("0");
            List<String[]> rows = new ArrayList<>();
            for (String line : out[1].split("\u001e")) {
                if (!line.isEmpty()) {
                    rows.add(line.split("\u001f", -1));
                }
            }
            return rows;
        }
        try (Connection conn = DriverManager.getConnection(c.jdbcUrl(), c.dbUser(), c.dbPassword());
             Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String[]> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String[] row = new String[columns];
                for (int i = 0; i < columns; i++) {
                    Object value = rs.getObject(i + 1);
                    row[i] = value instanceof Boolean b ? (b ? "t" : "f") : rs.getString(i + 1);
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private static List<String> strings(Connection conn, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static String single(List<String> values) {
        assertThat(values).hasSize(1);
        return values.get(0);
    }

    private static Map<String, String> dotEnv(Path file) throws IOException {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static HttpResponse<String> get(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signs in through POST /auth/login and answers the access token. */
    private static String signIn(Lab.CairnInstance c, String email, String password) throws Exception {
        String body = JSON.writeValueAsString(Map.of("email", email, "password", password));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(c.appUrl() + "/auth/login"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s sign-in of %s: %s", c.name(), email, response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("data").get("access_token").asText();
    }

    /** One command over SSH to the lab sshd as a lab user (its ecdsa key), as the panel reaches an instance. */
    private String[] ssh(String user, String command) throws IOException, InterruptedException {
        return run(null, "ssh", "-F", "/dev/null", "-p", String.valueOf(lab.sshPort()), "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + lab.knownHostsFile(),
                "-o", "GlobalKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                "-o", "ConnectTimeout=10", "-i", lab.keyFile(user, "ecdsa").toString(), user + "@" + lab.sshHost(), command);
    }

    /** A shell command as a lab user (runuser, a clean environment) in dir; exit code, stdout, stderr. */
    private static String[] asUser(String user, String dir, String script) throws IOException, InterruptedException {
        return run(null, "runuser", "-u", user, "--", "env", "-i", "HOME=/home/" + user, "PATH=/usr/local/bin:/usr/bin:/bin",
                "bash", "-c", "cd " + dir + " && " + script);
    }

    /** Runs a command (no stdin) in dir (null: here); answers exit code, stdout, stderr. */
    private static String[] run(Path dir, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
        return new String[] {String.valueOf(p.exitValue()), out, err.join()};
    }
}
