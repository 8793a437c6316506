package dev.migrationpanel.cairncms;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.EnvFile;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.SystemDbReader;
import dev.migrationpanel.remote.SshSession;

/**
 * What a CairnCMS migration needs to know of an install before it runs, read and never changed: each storage
 * location (driver, root readable, file count and bytes), the {@code directus_files} rows whose bytes are missing
 * from their location (the guide: they show up later as errors — CairnCMS answers them with a 403, not a 404),
 * and whether the server answers {@code /server/ping} and {@code /server/health}.
 */
@Component
public class CairnPreflight {

    /** Missing files named in the report; the rest are counted. */
    static final int LISTED = 20;
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final InstanceConnections connections;
    private final SystemDbReader reader;

    CairnPreflight(InstanceConnections connections, SystemDbReader reader) {
        this.connections = connections;
        this.reader = reader;
    }

    public List<CheckItem> run(Instance instance) {
        List<CheckItem> items = new ArrayList<>();
        try (SshSession ssh = connections.openSsh(instance)) {
            EnvFile env = connections.readEnv(instance, ssh).orElse(null);
            if (env == null) {
                items.add(CheckItem.blocking("Storage", "The .env cannot be read: its storage locations are unknown"));
                return items;
            }
            List<StorageLocation> locations = StorageLocation.of(env, instance.getInstallPath());
            if (locations.isEmpty()) {
                items.add(CheckItem.warning("Storage", "STORAGE_LOCATIONS names no location: files cannot be stored"));
            }
            Map<String, Map<String, Long>> onDisk = new HashMap<>();
            for (StorageLocation location : locations) {
                items.add(location(instance, ssh, location, onDisk));
            }
            items.add(missingBytes(instance, ssh, locations, onDisk));
        }
        items.addAll(server(instance));
        return items;
    }

    private CheckItem location(Instance instance, SshSession ssh, StorageLocation location, Map<String, Map<String, Long>> onDisk) {
        String title = "Storage " + location.name();
        if (!location.local()) {
            return CheckItem.warning(title, "driver " + (location.driver().isEmpty() ? "(none)" : location.driver())
                    + ": its files are copied with the provider's own tooling, not by the panel");
        }
        if (location.root() == null) {
            return CheckItem.blocking(title, "local driver without STORAGE_" + location.name().toUpperCase(java.util.Locale.ROOT) + "_ROOT");
        }
        Map<String, Long> files = new HashMap<>();
        long[] bytes = {0};
        String command = Deployment.of(instance).wrap("test -r " + quote(location.root()) + " && test -x "
                + quote(location.root()) + " && find " + quote(location.root()) + " -mindepth 1 -type f -printf '%P\\t%s\\n'");
        StringBuilder error = new StringBuilder();
        int exit = ssh.streamInProcessGroup(command, TIMEOUT, (stream, line) -> {
            if (stream == dev.migrationpanel.remote.LineListener.Stream.STDERR) {
                if (error.isEmpty()) {
                    error.append(line);
                }
                return;
            }
            int tab = line.lastIndexOf('\t');
            if (tab > 0) {
                long size = Long.parseLong(line.substring(tab + 1).trim());
                files.put(line.substring(0, tab), size);
                bytes[0] += size;
            }
        }, () -> false);
        if (exit != 0) {
            return CheckItem.blocking(title, location.root() + " cannot be read by " + instance.getSshUser()
                    + (error.isEmpty() ? "" : ": " + error));
        }
        onDisk.put(location.name(), files);
        return CheckItem.ok(title, "local, " + location.root() + ": " + files.size() + " file(s), " + bytes[0] + " bytes");
    }

    /** Rows of directus_files whose location holds no file at their filename_disk (or one of another size). */
    private CheckItem missingBytes(Instance instance, SshSession ssh, List<StorageLocation> locations,
            Map<String, Map<String, Long>> onDisk) {
        List<Map<String, String>> rows;
        try {
            rows = reader.query(instance, ssh, "SELECT storage, filename_disk, filename_download, filesize FROM directus_files");
        } catch (DatabaseException e) {
            return CheckItem.blocking("File bytes", "directus_files cannot be read: " + e.getMessage());
        }
        List<String> missing = new ArrayList<>();
        int unknownLocation = 0;
        int sizeDiffers = 0;
        for (Map<String, String> row : rows) {
            Map<String, Long> files = onDisk.get(row.get("storage"));
            if (files == null) {
                if (locations.stream().noneMatch(l -> l.name().equals(row.get("storage")))) {
                    unknownLocation++;
                }
                continue; // a cloud location: not the panel's to look into
            }
            Long size = files.get(row.get("filename_disk"));
            if (size == null) {
                missing.add(row.get("filename_download") + " (" + row.get("storage") + "/" + row.get("filename_disk") + ")");
            } else if (row.get("filesize") != null && !row.get("filesize").equals(String.valueOf(size))) {
                sizeDiffers++;
            }
        }
        if (missing.isEmpty() && unknownLocation == 0 && sizeDiffers == 0) {
            return CheckItem.ok("File bytes", "every one of " + rows.size() + " directus_files row(s) has its bytes");
        }
        List<String> problems = new ArrayList<>();
        if (!missing.isEmpty()) {
            problems.add(missing.size() + " of " + rows.size() + " directus_files row(s) have no bytes: "
                    + String.join(", ", missing.subList(0, Math.min(LISTED, missing.size())))
                    + (missing.size() > LISTED ? ", …" : ""));
        }
        if (unknownLocation > 0) {
            problems.add(unknownLocation + " row(s) name a location STORAGE_LOCATIONS does not declare");
        }
        if (sizeDiffers > 0) {
            problems.add(sizeDiffers + " file(s) whose size on disk is not their filesize");
        }
        return CheckItem.warning("File bytes", String.join("; ", problems));
    }

    private List<CheckItem> server(Instance instance) {
        if (instance.getAppUrl() == null || instance.getAppUrl().isBlank()) {
            return List.of(CheckItem.warning("Server", "no app URL is set on the instance: /server/ping is not asked"));
        }
        String base = instance.getAppUrl().replaceAll("/+$", "");
        List<CheckItem> items = new ArrayList<>();
        for (String path : List.of("/server/ping", "/server/health")) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                String body = r.body().strip();
                String shown = body.length() > 120 ? body.substring(0, 120) + "…" : body;
                // /server/health answers 200 with "status":"warn" when a check is degraded, 503 when one failed
                boolean healthy = r.statusCode() == 200 && !body.contains("\"status\":\"warn\"");
                items.add(healthy ? CheckItem.ok(path, "HTTP 200 " + shown)
                        : CheckItem.warning(path, "HTTP " + r.statusCode() + " " + shown));
            } catch (java.io.IOException e) {
                items.add(CheckItem.warning(path, "no answer at " + base + ": " + e.getClass().getSimpleName()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                items.add(CheckItem.warning(path, "interrupted"));
            }
        }
        return items;
    }
}
