package dev.migrationpanel.instance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small DreamFactory-shaped install in a temp directory for fast tests: a real git repository, a
 * {@code config/app.php} holding the version and a {@code config/df.php} without one (DreamFactory 7.x's layout), a
 * {@code .env}, and a real SQLite system DB made by the machine's sqlite3.
 */
public final class FakeInstall {

    public static final String APP_KEY = "base64:c2VjcmV0LWFwcC1rZXktdGhhdC1tdXN0LW5vdC1sZWFrIQ==";

    private FakeInstall() {
    }

    public static Path create(Path dir, String envText) throws IOException {
        Files.createDirectories(dir.resolve("config"));
        Files.createDirectories(dir.resolve("storage/databases"));
        Files.createDirectories(dir.resolve("bootstrap/cache"));
        Files.writeString(dir.resolve("config/app.php"), "<?php\nreturn [\n    'version' => '7.0.0',\n];\n");
        Files.writeString(dir.resolve("config/df.php"), "<?php\nreturn [\n    'api_version' => '2.0',\n];\n");
        Files.writeString(dir.resolve(".gitignore"), ".env\nstorage/databases/\n");
        run(dir, "git", "init", "-q", "-b", "master");
        run(dir, "git", "add", "-A");
        run(dir, "git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "7.0.0");
        run(dir, "sqlite3", dir.resolve("storage/databases/database.sqlite").toString(),
                "create table user (id integer primary key, email text); insert into user (email) values ('a@b.c');");
        if (envText != null) {
            Files.writeString(dir.resolve(".env"), envText, StandardCharsets.UTF_8);
        }
        return dir;
    }

    /**
     * The other tables a DreamFactory install's freshness is judged by, as its installer leaves them: no role, no
     * lookup, and only the installer's own services.
     */
    public static void addInstallerTables(Path dir) throws IOException {
        sqlite(dir, "create table role (id integer primary key, name text);"
                + " create table lookup (id integer primary key, name text, value text);"
                + " create table service (id integer primary key, name text);"
                + " insert into service (name) values ('system'), ('api_docs'), ('files'), ('logs'), ('db'), ('email'), ('user');");
    }

    /** Runs SQL on the install's SQLite system DB with the machine's sqlite3. */
    public static void sqlite(Path dir, String sql) throws IOException {
        run(dir, "sqlite3", dir.resolve("storage/databases/database.sqlite").toString(), sql);
    }

    public static String sqliteEnv() {
        return "APP_NAME=DreamFactory\nAPP_KEY=" + APP_KEY + "\nDB_CONNECTION=sqlite\n"
                + "DB_DATABASE=storage/databases/database.sqlite\nDB_PASSWORD=unused-but-secret-pw\n";
    }

    public static void run(Path dir, String... command) throws IOException {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
