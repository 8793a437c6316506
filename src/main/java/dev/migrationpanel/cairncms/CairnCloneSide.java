package dev.migrationpanel.cairncms;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.product.HostFacts;

/**
 * What a clone needs to know of one side before it is planned, read over SSH and from the DB, never changed:
 * its host (home, DB settings), the CairnCMS version its CLI reports, its {@code directus_migrations}, its storage
 * locations and their {@code STORAGE_*} settings, and what makes it more than a fresh bootstrap.
 *
 * @param version        what {@code cairncms --version} printed, or null when it could not be told ({@code versionError})
 * @param migrations     the versions {@code directus_migrations} holds
 * @param storage        every {@code STORAGE_*} key of the {@code .env} but {@code STORAGE_LOCATIONS}, with its value
 *                       when it is not a secret; a secret's value is never held here: null when it has one, "" when it
 *                       is empty
 * @param rawRoots       per location name, its {@code _ROOT} as the {@code .env} writes it (relative or absolute)
 * @param hasKeyAndSecret whether {@code KEY} and {@code SECRET} both have a value
 * @param beyondFresh    what the side holds beyond a fresh bootstrap (user tables, collections, files, users…)
 * @param fileChecks     the pre-flight's storage and file-byte items (a source's missing bytes)
 * @param settingHashes  {@code KEY}, {@code SECRET} and every {@code STORAGE_*} setting that has a value, as a short hash
 *                       of it ({@link CairnCloneFlow#settingHashes}): what a container target's environment is compared by
 * @param mounts         in a Docker container, where its volumes and bind mounts are inside it; else empty
 */
record CairnCloneSide(HostFacts host, String version, String versionError, Set<String> migrations,
        List<StorageLocation> locations, Map<String, String> storage, Map<String, String> rawRoots,
        boolean hasKeyAndSecret, List<String> beyondFresh, List<CheckItem> fileChecks, Map<String, String> settingHashes,
        List<String> mounts) {
}
