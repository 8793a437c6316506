package dev.migrationpanel.cairncms;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.migrationpanel.instance.EnvFile;

/**
 * One of a CairnCMS install's storage locations, as its {@code .env} declares them: {@code STORAGE_LOCATIONS} lists
 * the names, each with {@code STORAGE_<NAME>_DRIVER} and, for the {@code local} driver, {@code STORAGE_<NAME>_ROOT}
 * (relative to the install). {@code directus_files} rows name their location ({@code storage}) and a path within
 * it ({@code filename_disk}): the bytes of a file are that path under that location's root.
 *
 * @param root absolute for a local location, null for a cloud driver
 */
public record StorageLocation(String name, String driver, String root) {

    public boolean local() {
        return "local".equals(driver);
    }

    /** The locations the .env declares, in its order; none when it declares none. */
    public static List<StorageLocation> of(EnvFile env, String installPath) {
        List<StorageLocation> locations = new ArrayList<>();
        for (String raw : env.get("STORAGE_LOCATIONS").orElse("").split(",")) {
            String name = raw.trim();
            if (name.isEmpty()) {
                continue;
            }
            String prefix = "STORAGE_" + name.toUpperCase(Locale.ROOT) + "_";
            String driver = env.get(prefix + "DRIVER").map(String::trim).orElse("");
            String root = env.get(prefix + "ROOT").map(String::trim).filter(r -> !r.isEmpty()).orElse(null);
            if (root != null && !root.startsWith("/")) {
                root = installPath + "/" + (root.startsWith("./") ? root.substring(2) : root);
            }
            locations.add(new StorageLocation(name, driver, "local".equals(driver) ? root : null));
        }
        return locations;
    }
}
