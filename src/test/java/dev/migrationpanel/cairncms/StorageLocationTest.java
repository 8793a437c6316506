package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.instance.EnvFile;

class StorageLocationTest {

    @Test
    void locationsAsTheEnvDeclaresThemRootsResolvedAgainstTheInstall() {
        EnvFile env = EnvFile.parse("STORAGE_LOCATIONS=local, archive,s3\nSTORAGE_LOCAL_DRIVER=local\n"
                + "STORAGE_LOCAL_ROOT=./uploads\nSTORAGE_ARCHIVE_DRIVER=local\nSTORAGE_ARCHIVE_ROOT=/srv/archive\n"
                + "STORAGE_S3_DRIVER=s3\nSTORAGE_S3_ROOT=media\n");
        assertThat(StorageLocation.of(env, "/srv/cms")).containsExactly(
                new StorageLocation("local", "local", "/srv/cms/uploads"),
                new StorageLocation("archive", "local", "/srv/archive"),
                new StorageLocation("s3", "s3", null));
        assertThat(StorageLocation.of(EnvFile.parse("KEY=x\n"), "/srv/cms")).isEmpty();
        assertThat(StorageLocation.of(env, "/srv/cms").get(2).local()).isFalse();
    }
}
