package dev.migrationpanel.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrationpanel.dreamfactory.LaravelEncrypter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** The running lab (src/test/lab/lab.sh up) is what lab.properties says it is. */
@ResourceLock(LabLocks.DREAMFACTORY)
class LabIT {

    private static final List<String> SOURCES = List.of("ms-mariadb", "ms-pgsql", "ms-sqlite");
    private static final List<String> TARGETS = List.of("mt-mariadb", "mt-pgsql", "mt-sqlite");
    private static final List<String> ALL_WITH_ENV = Stream.of(List.of("mariadb", "pgsql", "sqlite"),
            List.of("up-mariadb", "up-pgsql", "up-sqlite"), SOURCES, TARGETS).flatMap(List::stream).toList();
    private static final String SMTP_PASSWORD = "SELECT value FROM lookup WHERE name = 'smtp_password'";
    /** The 7.0.0 base's migrations, then 7.1.0's, in the order they run. */
    private static final List<String> MIGRATIONS = List.of("2015_01_27_190908_create_system_tables",
            "2015_02_03_161456_create_app_tables", "2015_03_11_143913_create_lookup_table",
            "2015_03_20_120000_create_service_config_tables", "2015_03_25_120000_create_system_config_tables",
            "2025_01_02_120000_add_redirect_uri_to_role_table",
            "2025_11_23_000000_create_snowflake_marketplace_usage_table");
    /** A 7.1.0 install's tables. */
    private static final List<String> TABLES_710 = List.of("app", "app_role_map", "cors_config", "email_config",
            "email_template", "file_service_config", "instance_id", "lookup", "migrations", "password_resets", "role",
            "role_service_access", "service", "service_cache_config", "service_doc", "service_event_map",
            "snowflake_marketplace_usage", "sql_db_config", "system_config", "system_custom", "token_map", "user",
            "user_to_app_to_role");
    /** Every lookup's value is Crypt::encrypt'ed: serialized by PHP first, so this is its plaintext before unwrapping. */
    private static final String LAB_SECRET = "s:10:\"lab-secret\";";

    private final Lab lab = Lab.get();

    @TempDir
    Path scratch;

    @Test
    void labLoadsAndDescribesItsUsersAndInstances() {
        assertThat(lab.sshHost()).isEqualTo("127.0.0.1");
        assertThat(lab.sshPort()).isPositive();
        for (String user : List.of("dflab", "dftarget")) {
            assertThat(lab.password(user)).isNotBlank();
            assertThat(lab.passphrase(user)).isNotBlank();
            for (String type : List.of("ed25519", "ecdsa", "rsa")) {
                assertThat(lab.privateKeyText(user, type)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
            }
        }
        for (String name : List.of("mariadb", "pgsql", "sqlite")) {
            Lab.LabInstance instance = lab.instance(name);
            assertThat(instance.version()).isEqualTo("7.0.0");
            assertThat(instance.appKey()).startsWith("base64:");
            assertThat(instance.path().resolve("config/app.php")).content().contains("'version' => '7.0.0',");
            assertThat(instance.path().resolve(".env")).content()
                    .contains("DB_CONNECTION=" + instance.dbConnection(), "APP_KEY=" + instance.appKey());
        }
        assertThat(lab.instance("noenv").path().resolve(".env")).doesNotExist();
        assertThat(lab.instance("noenv").path().resolve("artisan")).isRegularFile();
        assertThat(lab.originPath().resolve("HEAD")).isRegularFile();
        for (String name : List.of("mariadb", "pgsql", "sqlite")) {
            assertThat(lab.instance(name).webUser()).as("%s web user", name).isEqualTo("dflab");
            assertThat(lab.instance(name).webGroup()).as("%s web group", name).isEqualTo("dflab");
            assertThat(lab.instance(name).owner()).as("%s owner", name).isEqualTo("dflab");
        }
        assertThat(lab.instance("noenv").owner()).isEqualTo("dflab");
        // every instance with a .env has an APP_KEY of its own
        List<String> keys = ALL_WITH_ENV.stream().map(name -> lab.instance(name).appKey()).toList();
        assertThat(keys).allSatisfy(key -> assertThat(key).startsWith("base64:")).doesNotHaveDuplicates();
    }

    @Test
    void originHasTheBrokenReleasesAsTagsAndMasterStillAt710() throws Exception {
        String origin = lab.originPath().toString();
        assertThat(lab.ref("failing-migration")).isEqualTo("7.1.0-failing-migration");
        assertThat(lab.ref("broken-composer")).isEqualTo("7.1.0-broken-composer");
        List<String> refs = run(null, "git", "ls-remote", origin).lines().map(l -> l.split("\t")[1]).toList();
        assertThat(refs).contains("refs/heads/master", "refs/heads/release/7.0.0", "refs/tags/7.0.0", "refs/tags/7.1.0",
                "refs/tags/" + lab.ref("failing-migration"), "refs/tags/" + lab.ref("broken-composer"));
        assertThat(refs).doesNotContain("refs/heads/" + lab.ref("failing-migration"), "refs/heads/" + lab.ref("broken-composer"));
        assertThat(rev(origin, "master")).isEqualTo(rev(origin, "7.1.0^{commit}"));
        for (String key : List.of("failing-migration", "broken-composer")) {
            String ref = lab.ref(key);
            assertThat(rev(origin, ref + "^{commit}^")).as("%s is one commit on 7.1.0", ref).isEqualTo(rev(origin, "7.1.0^{commit}"));
            assertThat(run(null, "git", "--git-dir", origin, "show", ref + ":config/app.php")).contains("'version' => '7.1.0',");
        }
        String failing = lab.ref("failing-migration");
        String migrations = run(null, "git", "--git-dir", origin, "ls-tree", "--name-only", failing, "database/migrations/");
        assertThat(migrations.lines().toList()).last().asString()
                .isEqualTo("database/migrations/2025_12_01_100000_add_upgrade_marker.php");
        assertThat(migrations).contains("2025_11_23_000000_create_snowflake_marketplace_usage_table.php");
        assertThat(run(null, "git", "--git-dir", origin, "show", failing + ":database/migrations/2025_12_01_100000_add_upgrade_marker.php"))
                .contains("'withinTransaction' => false", "INSERT INTO `lookup`", "lab_missing_table");
        String composer = run(null, "git", "--git-dir", origin, "show", lab.ref("broken-composer") + ":composer.json");
        assertThatThrownBy(() -> new ObjectMapper().readTree(composer))
                .isInstanceOf(JsonProcessingException.class);
        assertThat(new ObjectMapper().readTree(
                run(null, "git", "--git-dir", origin, "show", "7.1.0:composer.json")).get("name").asText())
                .isEqualTo("dreamfactory/dreamfactory");
    }

    @Test
    void upgradeInstancesAreAt700WithDatabasesOfTheirOwn() throws Exception {
        for (String name : List.of("up-mariadb", "up-pgsql", "up-sqlite")) {
            // as built: the upgrade tests (run before this class or after it) leave them upgraded
            Lab.reset(name);
            Lab.LabInstance up = lab.instance(name);
            assertThat(up.path()).isEqualTo(Path.of("/opt/lab/" + name));
            assertThat(up.version()).isEqualTo("7.0.0");
            assertThat(up.webUser()).isEqualTo("dflab");
            assertThat(up.webGroup()).isEqualTo("dflab");
            assertThat(Files.getOwner(up.path().resolve("artisan")).getName()).isEqualTo("dflab");
            assertThat(up.path().resolve("config/app.php")).content().contains("'version' => '7.0.0',");
            assertThat(up.path().resolve(".env")).content()
                    .contains("DB_CONNECTION=" + up.dbConnection(), "DB_DATABASE=" + up.dbDatabase(), "APP_KEY=" + up.appKey());
            assertThat(up.appKey()).startsWith("base64:").isNotEqualTo(lab.instance(name.substring(3)).appKey());
        }
        for (String name : List.of("up-mariadb", "up-pgsql")) {
            Lab.LabInstance up = lab.instance(name);
            Lab.LabInstance shared = lab.instance(name.substring(3));
            assertThat(up.dbDatabase()).isEqualTo("up_lab");
            assertThat(up.dbUsername()).isEqualTo("up_lab");
            assertThat(up.dbPassword()).isNotBlank().isNotEqualTo(shared.dbPassword());
            String userTable = name.equals("up-mariadb") ? "`user`" : "\"user\"";
            try (Connection c = DriverManager.getConnection(up.jdbcUrl(), up.dbUsername(), up.dbPassword())) {
                assertThat(emails(c, "SELECT email FROM " + userTable + " ORDER BY id")).containsExactly("admin@lab.test", "user@lab.test");
                assertThat(count(c, "SELECT COUNT(*) FROM migrations")).isEqualTo(5);
            }
            // its own database: the shared instance's credentials do not open it
            assertThatThrownBy(() -> DriverManager.getConnection(up.jdbcUrl(), shared.dbUsername(), shared.dbPassword()).close())
                    .isInstanceOf(SQLException.class);
            if (name.equals("up-mariadb")) {
                // and its credentials do not open the shared database (PostgreSQL lets any role connect to
                // df_lab, and the lab's pg_hba may trust local TCP, so this holds for MariaDB only)
                assertThatThrownBy(() -> DriverManager.getConnection(shared.jdbcUrl(), up.dbUsername(), up.dbPassword()).close())
                        .isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> DriverManager.getConnection(up.jdbcUrl(), up.dbUsername(), up.dbPassword() + "-wrong").close())
                        .isInstanceOf(SQLException.class);
            } else {
                try (Connection c = DriverManager.getConnection(up.jdbcUrl(), up.dbUsername(), up.dbPassword());
                     Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("up_lab");
                }
            }
        }
        Lab.LabInstance sqlite = lab.instance("up-sqlite");
        assertThat(sqlite.dbDatabase()).isEqualTo("/opt/lab/up-sqlite/storage/databases/dreamfactory.sqlite")
                .isNotEqualTo(lab.instance("sqlite").dbDatabase());
        assertThat(run(null, "sqlite3", sqlite.dbDatabase(), "SELECT COUNT(*) FROM migrations").trim()).isEqualTo("5");
    }

    @Test
    void resetRestoresAChangedInstance() throws Exception {
        Lab.LabInstance up = lab.instance("up-sqlite");
        Path appPhp = up.path().resolve("config/app.php");
        Files.writeString(appPhp, Files.readString(appPhp).replace("'version' => '7.0.0',", "'version' => '9.9.9',"));
        Files.writeString(up.path().resolve("stray-file.txt"), "left by a test");
        run(null, "sqlite3", up.dbDatabase(), "DELETE FROM lookup; INSERT INTO migrations (migration, batch) VALUES ('x', 9)");
        assertThat(appPhp).content().contains("'version' => '9.9.9',");

        Lab.reset("up-sqlite");

        assertThat(appPhp).content().contains("'version' => '7.0.0',").doesNotContain("9.9.9");
        assertThat(up.path().resolve("stray-file.txt")).doesNotExist();
        assertThat(Files.getOwner(appPhp).getName()).isEqualTo("dflab");
        assertThat(up.path().resolve(".env")).content().contains("APP_KEY=" + up.appKey());
        assertThat(run(null, "sqlite3", up.dbDatabase(), "SELECT COUNT(*) FROM migrations").trim()).isEqualTo("5");
        assertThat(run(null, "sqlite3", up.dbDatabase(), "SELECT name FROM lookup ORDER BY name").lines().toList())
                .containsExactly("company", "partner_api_secret", "rate_tier", "smtp_password");
        // populated again: smtp_password encrypted anew with the instance's own key
        assertThat(new LaravelEncrypter(up.appKey()).decryptString(single(column(up, SMTP_PASSWORD)))).isEqualTo("lab-secret");
        assertThat(run(null, "git", "-C", up.path().toString(), "-c", "safe.directory=*", "status", "--porcelain")).isEmpty();

        assertThatThrownBy(() -> Lab.reset("no-such-instance"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Resetting lab instance no-such-instance failed")
                .hasMessageContaining("unknown instance 'no-such-instance'");
    }

    @Test
    void failingMigrationReleaseFailsHalfWayAndLogsAnErrorThenResetUndoesIt() throws Exception {
        Lab.reset("up-pgsql");
        Lab.LabInstance up = lab.instance("up-pgsql");
        String ref = lab.ref("failing-migration");
        // the vendor's minor-upgrade steps, as the install's owner
        String[] steps = asOwner(up, "git stash && git fetch origin && git checkout " + ref + " && git pull origin " + ref
                + " && chmod -R 2775 storage/ bootstrap/cache/"
                + " && composer install --no-dev --ignore-platform-reqs --no-interaction && php artisan --version");
        assertThat(steps[0]).as("exit code; stdout %s; stderr %s", steps[1], steps[2]).isEqualTo("0");
        assertThat(steps[1]).contains("DreamFactory 7.1.0");
        String[] result = asOwner(up, "php artisan migrate --seed --force");
        assertThat(result[0]).as("exit code; stdout %s; stderr %s", result[1], result[2]).isEqualTo("1");
        assertThat(result[1]).containsPattern("2025_11_23_000000_create_snowflake_marketplace_usage_table \\.+ \\d+ms DONE")
                .containsPattern("2025_12_01_100000_add_upgrade_marker \\.+ FAIL");
        assertThat(result[2].strip().lines().toList()).singleElement().asString()
                .contains("ERROR", "2025_12_01_100000_add_upgrade_marker", "lab_missing_table");
        assertThat(up.path().resolve("storage/logs/laravel.log")).content()
                .containsPattern("(?m)^\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\] production\\.ERROR: Migration 2025_12_01_100000_add_upgrade_marker failed: .*lab_missing_table");
        String[] status = asOwner(up, "php artisan migrate:status");
        assertThat(status[0]).isEqualTo("0");
        assertThat(status[1]).containsPattern("2025_11_23_000000_create_snowflake_marketplace_usage_table \\.+ \\[2\\] Ran")
                .containsPattern("2025_12_01_100000_add_upgrade_marker \\.+ Pending");
        try (Connection c = DriverManager.getConnection(up.jdbcUrl(), up.dbUsername(), up.dbPassword())) {
            // the first statement stayed: the database is partly upgraded
            assertThat(count(c, "SELECT COUNT(*) FROM lookup WHERE name = 'upgrade_marker'")).isEqualTo(1);
            assertThat(count(c, "SELECT COUNT(*) FROM migrations")).isEqualTo(7);
        }

        Lab.reset("up-pgsql");

        assertThat(up.path().resolve("config/app.php")).content().contains("'version' => '7.0.0',");
        assertThat(up.path().resolve("storage/logs/laravel.log")).doesNotExist();
        try (Connection c = DriverManager.getConnection(up.jdbcUrl(), up.dbUsername(), up.dbPassword())) {
            assertThat(count(c, "SELECT COUNT(*) FROM lookup WHERE name = 'upgrade_marker'")).isZero();
            assertThat(count(c, "SELECT COUNT(*) FROM migrations")).isEqualTo(5);
        }
    }

    @Test
    void migrationSourcesAre700PopulatedAndTheirSecretsDecryptUnderTheirOwnKeyOnly() throws Exception {
        for (String name : SOURCES) {
            Lab.LabInstance ms = lab.instance(name);
            Lab.LabInstance target = lab.instance("mt-" + name.substring(3));
            assertThat(ms.path()).isEqualTo(Path.of("/opt/lab/" + name));
            assertThat(ms.version()).isEqualTo("7.0.0");
            assertThat(ms.owner()).isEqualTo("dflab");
            assertThat(ms.webUser()).isEqualTo("dflab");
            assertThat(ms.webGroup()).isEqualTo("dflab");
            for (String file : List.of(".", "artisan", ".env", "storage/logs")) {
                assertThat(Files.getOwner(ms.path().resolve(file)).getName()).as("%s %s owner", name, file).isEqualTo("dflab");
            }
            assertThat(ms.path().resolve("config/app.php")).content().contains("'version' => '7.0.0',");
            assertThat(ms.path().resolve(".env")).content()
                    .contains("DB_CONNECTION=" + ms.dbConnection(), "DB_DATABASE=" + ms.dbDatabase(), "APP_KEY=" + ms.appKey());
            if (ms.dbConnection().equals("sqlite")) {
                assertThat(ms.dbDatabase()).isEqualTo("/opt/lab/ms-sqlite/storage/databases/dreamfactory.sqlite");
            } else {
                assertThat(ms.dbDatabase()).isEqualTo("ms_lab");
                assertThat(ms.dbUsername()).isEqualTo("ms_lab");
            }

            // the installer's data and the admin's content
            assertThat(column(ms, "SELECT email FROM " + userTable(ms) + " ORDER BY id")).containsExactly("admin@lab.test", "user@lab.test");
            assertThat(column(ms, "SELECT name FROM role ORDER BY name")).containsExactly("admin-readonly", "api-user");
            assertThat(column(ms, "SELECT name FROM lookup ORDER BY name"))
                    .containsExactly("company", "partner_api_secret", "rate_tier", "smtp_password");
            // every lookup's value encrypted, a public one too (private only masks it in the API)
            assertThat(new LaravelEncrypter(ms.appKey()).decrypt(single(column(ms,
                    "SELECT value FROM lookup WHERE name = 'company'")))).isEqualTo("s:8:\"Lab Corp\";");
            assertThat(column(ms, "SELECT r.name FROM lookup l JOIN role r ON r.id = l.role_id")).containsExactly("api-user");
            // df-core's $table->boolean(): a real boolean on PostgreSQL, tinyint(1) elsewhere
            assertThat(column(ms, "SELECT private FROM lookup ORDER BY name")).containsExactlyElementsOf(
                    ms.dbConnection().equals("pgsql") ? List.of("f", "t", "f", "t") : List.of("0", "1", "0", "1"));
            assertThat(columnType(ms, "service", "is_active")).isEqualTo(switch (ms.dbConnection()) {
                case "pgsql" -> "boolean";
                case "mysql" -> "tinyint(1)";
                default -> "TINYINT(1)";
            });
            assertThat(column(ms, "SELECT name FROM service ORDER BY id"))
                    .containsExactly("system", "api_docs", "files", "logs", "db", "email", "user", "mysql_crm", "pgsql_reports",
                            "smtp_mail");
            assertThat(column(ms, "SELECT type FROM service WHERE name = 'mysql_crm'")).containsExactly("mysql");
            assertThat(column(ms, "SELECT label FROM service WHERE name = 'mysql_crm'")).containsExactly("CRM database");
            assertThat(column(ms, "SELECT migration FROM migrations ORDER BY id")).containsExactlyElementsOf(MIGRATIONS.subList(0, 5));
            assertThat(tables(ms)).contains("sql_db_config", "password_resets", "token_map")
                    .doesNotContain("snowflake_marketplace_usage");
            // what df-core keeps beside: a role's access to a service, a signed-in user's token, a reset under way
            assertThat(column(ms, "SELECT component FROM role_service_access ORDER BY id")).containsExactly("_table/*", "*");
            assertThat(column(ms, "SELECT COUNT(*) FROM token_map")).containsExactly("1");
            assertThat(column(ms, "SELECT email FROM password_resets")).containsExactly("user@lab.test");
            // and the rest of df-core's tables an admin fills: a user's role in an app, CORS, a service's cache and docs
            assertThat(column(ms, "SELECT r.name FROM user_to_app_to_role x JOIN role r ON r.id = x.role_id"))
                    .containsExactly("admin-readonly");
            assertThat(column(ms, "SELECT path FROM cors_config")).containsExactly("api/v2/*");
            assertThat(column(ms, "SELECT cache_ttl FROM service_cache_config")).containsExactly("300");
            assertThat(columnType(ms, "service_doc", "content")).isEqualTo(switch (ms.dbConnection()) {
                case "mysql" -> "mediumtext";
                case "pgsql" -> "text";
                default -> "TEXT";
            });

            // smtp_password: encrypted with this instance's APP_KEY, not another's
            String smtp = single(column(ms, SMTP_PASSWORD));
            assertThat(smtp).isNotEqualTo("lab-secret");
            assertThat(new LaravelEncrypter(ms.appKey()).decryptString(smtp)).isEqualTo("lab-secret");
            assertThat(artisanCopy(ms, "lab:decrypt", ms.appKey(), smtp)).containsExactly("0", LAB_SECRET, "");
            String[] wrongKey = artisanCopy(ms, "lab:decrypt", target.appKey(), smtp);
            assertThat(wrongKey[0]).as("exit code; stderr %s", wrongKey[2]).isEqualTo("1");
            assertThat(wrongKey[1]).isEmpty();
            assertThat(wrongKey[2].strip()).isEqualTo("ERROR  The MAC is invalid.");
            assertThatThrownBy(() -> new LaravelEncrypter(target.appKey()).decryptString(smtp))
                    .isInstanceOf(LaravelEncrypter.DecryptException.class);

            // mysql_crm's connection: a JSON document in its sql_db_config row, its credentials each encrypted inside
            assertThat(column(ms, "SELECT service_id FROM sql_db_config WHERE driver = 'mysql'"))
                    .containsExactlyElementsOf(column(ms, "SELECT id FROM service WHERE name = 'mysql_crm'"));
            assertThat(column(ms, "SELECT driver FROM sql_db_config ORDER BY service_id")).containsExactly("mysql", "pgsql");
            String connection = single(column(ms, "SELECT connection FROM sql_db_config WHERE driver = 'mysql'"));
            JsonNode settings = new ObjectMapper().readTree(connection);
            assertThat(settings.get("host").asText()).isEqualTo("crm.lab.test");
            String password = settings.get("password").asText();
            assertThat(new LaravelEncrypter(ms.appKey()).decryptString(settings.get("username").asText())).isEqualTo("crm_app");
            assertThat(new LaravelEncrypter(ms.appKey()).decryptString(password)).isEqualTo("crm-lab-password");
            assertThat(artisanCopy(ms, "lab:decrypt", ms.appKey(), password)).containsExactly("0", "crm-lab-password", "");
            assertThat(artisanCopy(ms, "lab:decrypt", target.appKey(), password)[0]).isEqualTo("1");
            assertThatThrownBy(() -> new LaravelEncrypter(target.appKey()).decryptString(password))
                    .isInstanceOf(LaravelEncrypter.DecryptException.class);
            // the mail service's credentials: whole encrypted columns
            assertThat(new LaravelEncrypter(ms.appKey()).decryptString(single(column(ms, "SELECT password FROM email_config"))))
                    .isEqualTo("mail-lab-password");
        }
    }

    @Test
    void migrationTargetsAreFresh710InstallsOwnedByDftarget() throws Exception {
        String release710 = rev(lab.originPath().toString(), "7.1.0^{commit}");
        for (String name : TARGETS) {
            Lab.LabInstance mt = lab.instance(name);
            Lab.LabInstance source = lab.instance("ms-" + name.substring(3));
            assertThat(mt.path()).isEqualTo(Path.of("/opt/lab/" + name));
            assertThat(mt.version()).isEqualTo("7.1.0");
            assertThat(mt.owner()).isEqualTo("dftarget");
            assertThat(mt.webUser()).isEqualTo("dftarget");
            assertThat(mt.webGroup()).isEqualTo("dftarget");
            for (String file : List.of(".", "artisan", ".env", "storage/logs", "vendor")) {
                assertThat(Files.getOwner(mt.path().resolve(file)).getName()).as("%s %s owner", name, file).isEqualTo("dftarget");
            }
            String[] writable = asOwner(mt, "test -w . && test -w .env && test -w storage/logs && test -w bootstrap/cache");
            assertThat(writable[0]).as("%s writable by dftarget: %s", name, writable[2]).isEqualTo("0");
            assertThat(mt.path().resolve("config/app.php")).content().contains("'version' => '7.1.0',");
            assertThat(mt.path().resolve("database/migrations/2025_11_23_000000_create_snowflake_marketplace_usage_table.php")).isRegularFile();
            assertThat(run(null, "git", "-C", mt.path().toString(), "-c", "safe.directory=*", "rev-parse", "HEAD").trim())
                    .isEqualTo(release710);
            assertThat(run(null, "git", "-C", mt.path().toString(), "-c", "safe.directory=*", "status", "--porcelain")).isEmpty();
            assertThat(mt.path().resolve(".env")).content()
                    .contains("DB_CONNECTION=" + mt.dbConnection(), "DB_DATABASE=" + mt.dbDatabase(), "APP_KEY=" + mt.appKey());
            assertThat(mt.appKey()).isNotEqualTo(source.appKey());
            if (mt.dbConnection().equals("sqlite")) {
                assertThat(mt.dbDatabase()).isEqualTo("/opt/lab/mt-sqlite/storage/databases/dreamfactory.sqlite");
            } else {
                assertThat(mt.dbDatabase()).isEqualTo("mt_lab");
                assertThat(mt.dbUsername()).isEqualTo("mt_lab");
                assertThat(mt.dbPassword()).isNotBlank().isNotEqualTo(source.dbPassword());
            }

            // a fresh install: the installer's data only
            assertThat(tables(mt)).containsExactlyElementsOf(TABLES_710);
            assertThat(column(mt, "SELECT migration FROM migrations ORDER BY id")).containsExactlyElementsOf(MIGRATIONS);
            assertThat(column(mt, "SELECT email FROM " + userTable(mt))).containsExactly("admin@lab.test");
            assertThat(column(mt, "SELECT name FROM service ORDER BY id"))
                    .containsExactly("system", "api_docs", "files", "logs", "db", "email", "user");
            assertThat(column(mt, "SELECT name FROM app ORDER BY id")).containsExactly("admin", "api_docs", "file_manager");
            // the installer's e-mail templates, the system service's config naming two of them, the file services' configs
            assertThat(column(mt, "SELECT COUNT(*) FROM email_template")).containsExactly("3");
            assertThat(column(mt, "SELECT t.name FROM system_config c JOIN email_template t ON t.id = c.invite_email_template_id"))
                    .containsExactly("User Invite Default");
            assertThat(column(mt, "SELECT container FROM file_service_config ORDER BY service_id")).containsExactly("app", "logs");
            // 7.1.0 altered role: redirect_uri, after `description` on MariaDB (Laravel's ->after()), last elsewhere
            List<String> roleColumns = columnNames(mt, "role");
            assertThat(roleColumns).contains("redirect_uri");
            assertThat(roleColumns.indexOf("redirect_uri")).isEqualTo(mt.dbConnection().equals("mysql")
                    ? roleColumns.indexOf("description") + 1 : roleColumns.size() - 1);
            for (String table : List.of("role", "lookup", "sql_db_config", "email_config", "snowflake_marketplace_usage",
                    "role_service_access", "token_map", "password_resets", "user_to_app_to_role", "cors_config",
                    "service_cache_config", "service_doc", "service_event_map", "system_custom", "instance_id", "app_role_map")) {
                assertThat(column(mt, "SELECT COUNT(*) FROM " + table)).as("%s %s rows", name, table).containsExactly("0");
            }
        }
    }

    @Test
    void migrationDatabasesAreTheirOwnUsersAlone() throws Exception {
        for (String kind : List.of("mariadb", "pgsql")) {
            Lab.LabInstance ms = lab.instance("ms-" + kind);
            Lab.LabInstance mt = lab.instance("mt-" + kind);
            assertThat(ms.dbPassword()).isNotBlank().isNotEqualTo(mt.dbPassword());
            for (Lab.LabInstance own : List.of(ms, mt)) {
                try (Connection c = DriverManager.getConnection(own.jdbcUrl(), own.dbUsername(), own.dbPassword())) {
                    assertThat(count(c, "SELECT COUNT(*) FROM migrations")).isPositive();
                }
            }
            assertThatThrownBy(() -> DriverManager.getConnection(mt.jdbcUrl(), ms.dbUsername(), ms.dbPassword()).close())
                    .as("%s: ms_lab opens mt_lab", kind).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> DriverManager.getConnection(ms.jdbcUrl(), mt.dbUsername(), mt.dbPassword()).close())
                    .as("%s: mt_lab opens ms_lab", kind).isInstanceOf(SQLException.class);
            Lab.LabInstance up = lab.instance("up-" + kind);
            assertThatThrownBy(() -> DriverManager.getConnection(ms.jdbcUrl(), up.dbUsername(), up.dbPassword()).close())
                    .as("%s: up_lab opens ms_lab", kind).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void labEncryptionInteroperatesWithTheJavaLaravelEncrypter() throws Exception {
        Lab.LabInstance ms = lab.instance("ms-sqlite");
        String key = ms.appKey();
        String plain = "pässwörd / with \"quotes\", slashes/ and + = signs";
        String[] php = artisanCopy(ms, "lab:encrypt", key, plain);
        assertThat(php[0]).as("exit code; stderr %s", php[2]).isEqualTo("0");
        String payload = php[1].strip();
        // Laravel's payload: base64 of {"iv","value","mac","tag"} with an empty tag (CBC) and a hex HMAC-SHA256
        JsonNode json = new ObjectMapper().readTree(Base64.getDecoder().decode(payload));
        assertThat(json.fieldNames()).toIterable().containsExactly("iv", "value", "mac", "tag");
        assertThat(json.get("tag").asText()).isEmpty();
        assertThat(json.get("mac").asText()).matches("[0-9a-f]{64}");
        assertThat(Base64.getDecoder().decode(json.get("iv").asText())).hasSize(16);
        assertThat(new LaravelEncrypter(key).decryptString(payload)).isEqualTo(plain);
        // a fresh iv every time
        assertThat(artisanCopy(ms, "lab:encrypt", key, plain)[1].strip()).isNotEqualTo(payload);

        String fromJava = new LaravelEncrypter(key).encryptString(plain);
        assertThat(artisanCopy(ms, "lab:decrypt", key, fromJava)).containsExactly("0", plain, "");
        // a tampered value fails the MAC check
        JsonNode javaJson = new ObjectMapper().readTree(Base64.getDecoder().decode(fromJava));
        ((ObjectNode) javaJson).put("value", "A" + javaJson.get("value").asText().substring(1));
        String tampered = Base64.getEncoder().encodeToString(new ObjectMapper().writeValueAsBytes(javaJson));
        String[] bad = artisanCopy(ms, "lab:decrypt", key, tampered);
        assertThat(bad[0]).isEqualTo("1");
        assertThat(bad[2]).contains("The MAC is invalid.");
    }

    @Test
    void migrateFreshAndMigrateResetOnATargetThenResetRestoresIt() throws Exception {
        Lab.LabInstance mt = lab.instance("mt-mariadb");
        Lab.reset(mt.name());
        try {
            // a table of someone else's that references `user` blocks the rollback of the system tables
            try (Connection c = DriverManager.getConnection(mt.jdbcUrl(), mt.dbUsername(), mt.dbPassword());
                 Statement st = c.createStatement()) {
                st.execute("CREATE TABLE stray (id INT PRIMARY KEY, user_id INT UNSIGNED, FOREIGN KEY (user_id) REFERENCES `user` (id))");
                st.execute("INSERT INTO stray VALUES (1, 1)");
            }
            String[] blocked = asOwner(mt, "php artisan migrate:reset --force");
            assertThat(blocked[0]).as("exit code; stdout %s; stderr %s", blocked[1], blocked[2]).isEqualTo("1");
            assertThat(blocked[1]).contains("   INFO  Rolling back migrations.")
                    .containsPattern("2025_11_23_000000_create_snowflake_marketplace_usage_table \\.+ \\d+ms DONE")
                    .containsPattern("2015_01_27_190908_create_system_tables \\.+ FAIL");
            assertThat(blocked[2].strip().lines().toList()).singleElement().asString()
                    .startsWith("ERROR  Rolling back 2015_01_27_190908_create_system_tables failed:");
            assertThat(mt.path().resolve("storage/logs/laravel.log")).content()
                    .containsPattern("(?m)^\\[[-\\d :]+\\] production\\.ERROR: Rolling back 2015_01_27_190908_create_system_tables failed");

            // fresh: every table goes, the stray one and its foreign key too; then the migrations run (no seed)
            String[] fresh = asOwner(mt, "php artisan migrate:fresh --force");
            assertThat(fresh[0]).as("exit code; stdout %s; stderr %s", fresh[1], fresh[2]).isEqualTo("0");
            assertThat(fresh[1]).containsPattern("(?m)^  Dropping all tables \\.+ \\d+ms DONE$")
                    .contains("   INFO  Preparing database.", "   INFO  Running migrations.")
                    .containsPattern("Creating migration table \\.+ DONE")
                    .doesNotContain("Seeding");
            for (String migration : MIGRATIONS) {
                assertThat(fresh[1]).containsPattern("(?m)^  " + migration + " \\.+ \\d+ms DONE$");
            }
            assertThat(tables(mt)).containsExactlyElementsOf(TABLES_710);
            assertThat(column(mt, "SELECT COUNT(*) FROM `user`")).containsExactly("0");
            assertThat(column(mt, "SELECT DISTINCT batch FROM migrations")).containsExactly("1");

            String[] seeded = asOwner(mt, "php artisan migrate:fresh --seed --force");
            assertThat(seeded[0]).as("exit code; stdout %s; stderr %s", seeded[1], seeded[2]).isEqualTo("0");
            assertThat(seeded[1]).contains("   INFO  Seeding database.");
            assertThat(column(mt, "SELECT email FROM `user`")).containsExactly("admin@lab.test");
            assertThat(column(mt, "SELECT COUNT(*) FROM migrations")).containsExactly("7");

            // reset: newest first; the migrations table stays, empty
            String[] reset = asOwner(mt, "php artisan migrate:reset --force");
            assertThat(reset[0]).as("exit code; stdout %s; stderr %s", reset[1], reset[2]).isEqualTo("0");
            assertThat(reset[1]).contains("   INFO  Rolling back migrations.");
            List<String> rolledBack = reset[1].lines().filter(l -> l.matches("  \\d{4}_\\S+ \\.+ \\d+ms DONE"))
                    .map(l -> l.trim().split(" ")[0]).toList();
            assertThat(rolledBack).containsExactlyElementsOf(reversed(MIGRATIONS));
            assertThat(tables(mt)).containsExactly("migrations");
            assertThat(column(mt, "SELECT COUNT(*) FROM migrations")).containsExactly("0");
            String[] again = asOwner(mt, "php artisan migrate:reset --force");
            assertThat(again[0]).isEqualTo("0");
            assertThat(again[1]).contains("   INFO  Nothing to rollback.");
            String[] status = asOwner(mt, "php artisan migrate:status");
            assertThat(status[1].lines().filter(l -> l.contains("Pending")).count()).isEqualTo(MIGRATIONS.size());

            // a failure exits 1 in the same style
            String[] noDb = asOwner(mt, "sed -i 's/^DB_PASSWORD=.*/DB_PASSWORD=wrong/' .env && php artisan migrate:fresh --force");
            assertThat(noDb[0]).isEqualTo("1");
            assertThat(noDb[2].strip()).startsWith("ERROR  Could not connect to the database");
        } finally {
            Lab.reset(mt.name());
        }
        assertThat(mt.path().resolve("storage/logs/laravel.log")).doesNotExist();
        assertThat(mt.path().resolve(".env")).content().contains("DB_PASSWORD=" + mt.dbPassword(), "APP_KEY=" + mt.appKey());
        assertThat(Files.getOwner(mt.path().resolve("artisan")).getName()).isEqualTo("dftarget");
        assertThat(tables(mt)).containsExactlyElementsOf(TABLES_710);
        assertThat(column(mt, "SELECT email FROM `user`")).containsExactly("admin@lab.test");
        assertThat(column(mt, "SELECT COUNT(*) FROM lookup")).containsExactly("0");
    }

    /**
     * Runs an artisan lab:encrypt or lab:decrypt of the instance's own artisan with the given APP_KEY and
     * stdin, from a copy in a scratch directory: a failure logs there, not in the install. Returns exit
     * code, stdout, stderr.
     */
    private String[] artisanCopy(Lab.LabInstance instance, String command, String appKey, String stdin)
            throws IOException, InterruptedException {
        Files.copy(instance.path().resolve("artisan"), scratch.resolve("artisan"), StandardCopyOption.REPLACE_EXISTING);
        return exec(scratch, stdin, "php", "artisan", command, "--key=" + appKey);
    }

    /** The first column of a query's rows on the instance's database (JDBC; the sqlite3 CLI for SQLite). */
    private static List<String> column(Lab.LabInstance instance, String sql) throws Exception {
        if (instance.dbConnection().equals("sqlite")) {
            return run(null, "sqlite3", "-batch", "-noheader", instance.dbDatabase(), sql).lines().toList();
        }
        try (Connection c = DriverManager.getConnection(instance.jdbcUrl(), instance.dbUsername(), instance.dbPassword())) {
            return emails(c, sql);
        }
    }

    /** The instance's tables by name (not SQLite's internals). */
    private static List<String> tables(Lab.LabInstance instance) throws Exception {
        return column(instance, switch (instance.dbConnection()) {
            case "mysql" -> "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name";
            case "pgsql" -> "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name";
            default -> "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
        });
    }

    /** A table's column names in table order. */
    private static List<String> columnNames(Lab.LabInstance instance, String table) throws Exception {
        return column(instance, switch (instance.dbConnection()) {
            case "mysql" -> "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() "
                    + "AND table_name = '" + table + "' ORDER BY ordinal_position";
            case "pgsql" -> "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                    + "AND table_name = '" + table + "' ORDER BY ordinal_position";
            default -> "SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid";
        });
    }

    /** A column's type as the DB declares it: MySQL's column_type, PostgreSQL's data_type, SQLite's declared type. */
    private static String columnType(Lab.LabInstance instance, String table, String column) throws Exception {
        return single(column(instance, switch (instance.dbConnection()) {
            case "mysql" -> "SELECT column_type FROM information_schema.columns WHERE table_schema = DATABASE() "
                    + "AND table_name = '" + table + "' AND column_name = '" + column + "'";
            case "pgsql" -> "SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() "
                    + "AND table_name = '" + table + "' AND column_name = '" + column + "'";
            default -> "SELECT type FROM pragma_table_info('" + table + "') WHERE name = '" + column + "'";
        }));
    }

    private static String userTable(Lab.LabInstance instance) {
        return instance.dbConnection().equals("mysql") ? "`user`" : "\"user\"";
    }

    private static List<String> reversed(List<String> values) {
        List<String> copy = new ArrayList<>(values);
        Collections.reverse(copy);
        return copy;
    }

    private static String single(List<String> values) {
        assertThat(values).hasSize(1);
        return values.get(0);
    }

    /** Runs a shell command in the instance as its owner (dflab or dftarget); returns exit code, stdout, stderr. */
    private static String[] asOwner(Lab.LabInstance instance, String script) throws IOException, InterruptedException {
        String owner = instance.owner();
        return exec(null, null, "runuser", "-u", owner, "--", "env", "-i", "HOME=/home/" + owner, "USER=" + owner,
                "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "bash", "-c", "cd " + instance.path() + " && " + script);
    }

    /** Runs a command in dir (null: here), feeding it stdin (null: none); returns exit code, stdout, stderr. */
    private static String[] exec(Path dir, String stdin, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
        return new String[] {String.valueOf(p.exitValue()), out, err.join()};
    }

    private static String rev(String gitDir, String rev) throws IOException, InterruptedException {
        return run(null, "git", "--git-dir", gitDir, "rev-parse", rev).trim();
    }

    @Test
    void sshdPresentsTheEd25519HostKeyOfTheProperties() throws Exception {
        String scan = run(null, "ssh-keyscan", "-p", String.valueOf(lab.sshPort()), "-t", "ed25519", lab.sshHost());
        assertThat(scan).contains("ssh-ed25519 ");
        String fingerprint = run(scan, "ssh-keygen", "-lf", "-");
        // e.g. "256 SHA256:abc… [127.0.0.1]:2222 (ED25519)"
        assertThat(fingerprint.trim().split("\\s+")[1]).isEqualTo(lab.hostKeyFingerprint("ed25519"));
        assertThat(fingerprint).contains("(ED25519)");
    }

    @Test
    void mariadbLabDatabaseAcceptsTheLabCredentialsAndHoldsTheSeed() throws SQLException {
        Lab.LabInstance db = lab.instance("mariadb");
        assertThat(db.jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/df_lab");
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.dbUsername(), db.dbPassword())) {
            assertThat(emails(c, "SELECT email FROM `user` ORDER BY id")).contains("admin@lab.test", "user@lab.test");
            assertThat(count(c, "SELECT COUNT(*) FROM migrations")).isEqualTo(5);
            assertThat(emails(c, "SELECT name FROM lookup ORDER BY name"))
                    .containsExactly("company", "partner_api_secret", "rate_tier", "smtp_password");
            assertThat(new LaravelEncrypter(db.appKey()).decryptString(single(emails(c, SMTP_PASSWORD)))).isEqualTo("lab-secret");
        }
        assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), db.dbUsername(), db.dbPassword() + "-wrong"))
                .isInstanceOf(SQLException.class);
    }

    @Test
    void postgresLabDatabaseAcceptsTheLabCredentialsAndHoldsTheSeed() throws SQLException {
        Lab.LabInstance db = lab.instance("pgsql");
        assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/df_lab");
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.dbUsername(), db.dbPassword())) {
            assertThat(emails(c, "SELECT email FROM \"user\" ORDER BY id")).contains("admin@lab.test", "user@lab.test");
            assertThat(count(c, "SELECT COUNT(*) FROM migrations")).isEqualTo(5);
            // the installer's seven and the admin's three
            assertThat(count(c, "SELECT COUNT(*) FROM service")).isEqualTo(10);
            assertThat(emails(c, "SELECT name FROM lookup ORDER BY name"))
                    .containsExactly("company", "partner_api_secret", "rate_tier", "smtp_password");
            assertThat(new LaravelEncrypter(db.appKey()).decryptString(single(emails(c, SMTP_PASSWORD)))).isEqualTo("lab-secret");
        }
    }

    private static List<String> emails(Connection c, String sql) throws SQLException {
        List<String> emails = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                emails.add(rs.getString(1));
            }
        }
        return emails;
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getInt(1);
        }
    }

    /** Runs a command, feeding it stdin, and returns its stdout; fails on a non-zero exit. */
    private static String run(String stdin, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
        assertThat(p.exitValue()).as("exit code of %s", String.join(" ", command)).isZero();
        return out;
    }
}
