package dev.migrationpanel.security;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import javax.crypto.spec.SecretKeySpec;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.migrationpanel.settings.PanelProperties;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactRepository;
import dev.migrationpanel.artifact.ArtifactSpec;
import dev.migrationpanel.artifact.ArtifactStore;

/**
 * Run by {@link FileModesTest} in a JVM of its own started under {@code umask 000}: makes a data directory, an
 * H2 database file, a master key file and an encrypted artifact the way the panel does at its first start, in
 * the order it does. The test then reads the modes. Also a control file made plainly, to show the umask was
 * really permissive.
 */
public final class UmaskProbe {

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        String url = "jdbc:h2:file:" + dataDir.resolve("panel");
        DataDirectoryModes modes = new DataDirectoryModes(dataDir, url);
        modes.secure(); // before the datasource opens (the panel: a post-processor on the DataSource)
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("sa");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        PanelProperties props = new PanelProperties(dataDir, null, null, Duration.ofSeconds(10), Duration.ofSeconds(30));
        MasterKey key = new MasterKeyGuard(jdbc, List.of(new EncryptedColumns(jdbc)), props, Clock.systemUTC()).check();
        modes.secure(); // after the migrations (the panel: in MasterKeyConfiguration)

        ArtifactRepository rows = (ArtifactRepository) Proxy.newProxyInstance(UmaskProbe.class.getClassLoader(),
                new Class<?>[] {ArtifactRepository.class}, (proxy, method, margs) -> switch (method.getName()) {
                    case "save" -> margs[0];
                    case "hashCode" -> 0;
                    case "equals" -> false;
                    case "toString" -> "rows";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        ArtifactStore store = new ArtifactStore(dataDir.resolve("artifacts"), new SecretKeySpec(new byte[32], "AES"),
                rows, null, Clock.systemUTC());
        store.write(new ArtifactSpec(1L, 1L, 1, "dump.sql", ArtifactKind.DB_DUMP, "application/sql", true),
                out -> out.write("select 1;".getBytes(StandardCharsets.UTF_8)));
        Files.createFile(dataDir.getParent().resolve("control-" + dataDir.getFileName()));
        jdbc.execute("shutdown");
        System.out.println("probe done, key " + key.keyId());
    }
}
