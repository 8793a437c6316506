package dev.migrationpanel.fief;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Fief 0.27 install on SQLite in a directory, for tests against the in-process SSH server: its .env and its main and
 * workspace files, written by the lab's own generator (src/test/lab/fief/fieflab.py, Debian's python3 with
 * python3-cryptography, which lab.sh installs).
 */
public final class FiefFakeInstall {

    public static final String WORKSPACE = "9b1e4d2a-7c3f-4e8b-a5d6-0f2e8c4b6a13";
    public static final String ADMIN = "anne@bretagne.duchy";
    static final Path GENERATOR = Path.of("src/test/lab/fief/fieflab.py");

    private FiefFakeInstall() {
    }

    public static Path create(Path dir) throws IOException, InterruptedException {
        Path db = Files.createDirectories(dir.resolve("data/db"));
        String key = run(null, "/usr/bin/python3", GENERATOR.toString(), "newkey").trim();
        String main = run(null, "/usr/bin/python3", GENERATOR.toString(), "main", "sqlite", "--ws", WORKSPACE, "--key=" + key);
        run(main, "sqlite3", "-bail", db.resolve("fief.db").toString());
        String ws = run(null, "/usr/bin/python3", GENERATOR.toString(), "workspace", "sqlite", "--key=" + key,
                "--client-id=fake");
        run(ws, "sqlite3", "-bail", db.resolve(WORKSPACE).toString());
        Files.writeString(dir.resolve(".env"), "SECRET=fake-secret\nFIEF_CLIENT_ID=fake\nFIEF_CLIENT_SECRET=fake-client-secret\n"
                + "ENCRYPTION_KEY=" + key + "\nDATABASE_TYPE=SQLITE\nDATABASE_LOCATION=" + db + "\nDATABASE_NAME=fief.db\n");
        return dir;
    }

    private static String run(String stdin, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed");
        }
        return out;
    }
}
