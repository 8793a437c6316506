package dev.migrationpanel.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import javax.sql.DataSource;

/**
 * Keeps the data directory owner-only: the directory {@code 0700}, the files in it (the embedded database's
 * files, the master key file) {@code 0600}, and an embedded H2 database configured elsewhere
 * ({@code spring.datasource.url=jdbc:h2:file:/path/db}) has its files narrowed too. Done before the datasource
 * is first used, so a new install's database files appear in a directory nobody else can enter, and again once
 * the migrations ran (see {@link MasterKeyConfiguration}), for files the database has just made with the
 * umask's mode. The artifact store narrows its own directory.
 */
final class DataDirectoryModes implements BeanPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(DataDirectoryModes.class);

    private final Path dataDir;
    private final String datasourceUrl;

    DataDirectoryModes(Path dataDir, String datasourceUrl) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.datasourceUrl = datasourceUrl;
    }

    static DataDirectoryModes from(Environment environment) {
        Binder binder = Binder.get(environment);
        Path dataDir = binder.bind("panel.data-dir", Path.class).orElse(Path.of("./data"));
        return new DataDirectoryModes(dataDir, environment.getProperty("spring.datasource.url"));
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof DataSource) {
            secure();
        }
        return bean;
    }

    /** Creates the data directory when missing and narrows it and the database's files; says what it changed. */
    void secure() {
        try {
            int changed = Files.isDirectory(dataDir) ? 0 : -1;
            FileModes.createPrivateDirectories(dataDir, dataDir);
            changed = Math.max(changed, 0) + FileModes.narrow(dataDir, false);
            Path h2 = h2Base(datasourceUrl);
            if (h2 != null && !dataDir.equals(h2.getParent()) && Files.isDirectory(h2.getParent())) {
                changed += narrowDatabaseFiles(h2);
            }
            if (changed > 0) {
                log.warn("Narrowed {} file mode(s) in the data directory {} to owner-only (0700 directory, 0600 files)",
                        changed, dataDir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create or secure the data directory " + dataDir, e);
        }
    }

    private static int narrowDatabaseFiles(Path base) throws IOException {
        int changed = 0;
        String prefix = base.getFileName() + ".";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(base.getParent(), prefix + "*")) {
            for (Path file : files) {
                changed += FileModes.narrowFile(file);
            }
        }
        return changed;
    }

    /** The file path an embedded H2 URL names ({@code jdbc:h2:file:x} or {@code jdbc:h2:x}), else null. */
    static Path h2Base(String url) {
        if (url == null || !url.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:")) {
            return null;
        }
        String rest = url.substring("jdbc:h2:".length());
        int semicolon = rest.indexOf(';');
        if (semicolon >= 0) {
            rest = rest.substring(0, semicolon);
        }
        String lower = rest.toLowerCase(Locale.ROOT);
        if (lower.startsWith("file:")) {
            rest = rest.substring("file:".length());
        } else if (lower.startsWith("mem:") || lower.startsWith("tcp:") || lower.startsWith("ssl:")
                || lower.startsWith("zip:") || lower.matches("^[a-z]{2,}:.*")) {
            return null;
        }
        if (rest.isBlank()) {
            return null;
        }
        if (rest.startsWith("~")) {
            rest = System.getProperty("user.home") + rest.substring(1);
        }
        Path base = Path.of(rest).toAbsolutePath().normalize();
        return base.getParent() == null ? null : base;
    }
}
