package dev.migrationpanel.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.DumpCommands;
import dev.migrationpanel.database.DumpFacts;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.StepSpec;

/** The test-restore's plan, the dump's own facts and the comparison, without a server. */
class TestRestorePlanTest {

    private static Instance instance() {
        Instance i = new Instance();
        org.springframework.test.util.ReflectionTestUtils.setField(i, "id", 7L);
        i.setName("df-prod");
        i.setDeploymentType(dev.migrationpanel.instance.DeploymentType.HOST);
        return i;
    }

    @Test
    void planUploadsRestoresCountsAndDropsInOneStepThatChangesNothingOnTheInstance() {
        Plan plan = TestRestoreFlow.build(instance(), "a1b2", "df-prod-backup-mysql-dump.sql", DbVendor.MYSQL, 3L,
                "scratch (MySQL / MariaDB 127.0.0.1:3306 as panel_scratch)");
        assertThat(plan.flow()).isEqualTo(TestRestoreFlow.ID);
        assertThat(plan.options()).containsEntry("artifact", "a1b2").containsEntry("scratch", "3");
        assertThat(plan.steps()).hasSize(2).allSatisfy(s -> assertThat(s.changesInstance()).isFalse());
        StepSpec.Verify check = (StepSpec.Verify) plan.steps().get(1).spec();
        assertThat(check.check()).isEqualTo(TestRestoreCheck.ID);
        assertThat(check.args()).containsEntry("vendor", "mysql").containsEntry("staged", ".migration-panel/test-restore-a1b2.sql");
        assertThat(check.display()).contains("panel_restore_<job id>_a1b2 on the scratch server scratch")
                .contains("then drop the scratch database").contains("also when a step before failed");
        Plan sqlite = TestRestoreFlow.build(instance(), "c3", "df-prod-backup-sqlite-dump.sql", DbVendor.SQLITE, null, null);
        assertThat(sqlite.options()).doesNotContainKey("scratch");
        assertThat(sqlite.steps().get(1).spec().display()).contains("SQLite file .migration-panel/panel_restore_<job id>_c3.sqlite");
    }

    @Test
    void inAContainerTheDumpIsCopiedInsideWhereTheClientIsAndTheSqliteScratchFileIsMadeThere() {
        Instance docker = instance();
        docker.setDeploymentType(dev.migrationpanel.instance.DeploymentType.DOCKER);
        docker.setContainerName("df-web");
        StepSpec.Verify check = (StepSpec.Verify) TestRestoreFlow.build(docker, "c3", "df-prod-backup-sqlite-dump.sql",
                DbVendor.SQLITE, null, null).steps().get(1).spec();
        assertThat(check.args()).containsEntry("staged", ".migration-panel/test-restore-c3.sql")
                .containsEntry("stagedInside", "/tmp/.migration-panel/test-restore-c3.sql");
        assertThat(check.display()).contains("copy it in Docker container df-web to /tmp/.migration-panel/test-restore-c3.sql")
                .contains("SQLite file /tmp/.migration-panel/panel_restore_<job id>_c3.sqlite in Docker container df-web")
                .contains("remove the uploaded dump and its copy");
        StepSpec.Verify networked = (StepSpec.Verify) TestRestoreFlow.build(docker, "a1", "df-prod-backup-mysql-dump.sql",
                DbVendor.MYSQL, 3L, "scratch").steps().get(1).spec();
        assertThat(networked.display()).contains("on the scratch server scratch (as the container reaches it)");
        StepSpec.Verify onHost = (StepSpec.Verify) TestRestoreFlow.build(instance(), "a1", "df-prod-backup-mysql-dump.sql",
                DbVendor.MYSQL, 3L, "scratch").steps().get(1).spec();
        assertThat(onHost.args()).doesNotContainKey("stagedInside");
        assertThat(onHost.display()).doesNotContain("container");
    }

    @Test
    void theVendorIsTheOneTheBackupNamedAndNothingElse() {
        assertThat(TestRestoreFlow.vendorOf("df-backup-pgsql-dump.sql")).contains(DbVendor.PGSQL);
        assertThat(TestRestoreFlow.vendorOf("df-backup-sqlite-dump.sql")).contains(DbVendor.SQLITE);
        assertThat(TestRestoreFlow.vendorOf("df-backup-sqlsrv-dump.sql")).isEmpty();
        assertThat(TestRestoreFlow.vendorOf("notes.sql")).isEmpty();
        assertThat(TestRestoreFlow.scratchName(12, "9F0E-77ab-cd12")).isEqualTo("panel_restore_12_9f0e77ab");
    }

    @Test
    void aDumpTellsWhetherItIsCompleteAndWhatItsSourceHeld() throws Exception {
        String dump = "CREATE TABLE users (id int);\n-- Dump completed on 2026-12-06\n"
                + DumpCommands.ROWS_LINE + "3\tusers\n" + DumpCommands.ROWS_LINE + "0|my table\n" + DumpCommands.ROWS_END + "\n";
        DumpFacts facts = read(dump, DbVendor.MYSQL);
        assertThat(facts.complete()).isTrue();
        assertThat(facts.sourceCounts()).containsExactly(Map.entry("users", 3L), Map.entry("my table", 0L));
        // negative controls: cut before the vendor's end, an older dump without counts, counts cut before their end
        assertThat(read(dump.substring(0, 20), DbVendor.MYSQL).complete()).isFalse();
        assertThat(read("x\n-- PostgreSQL database dump complete\n", DbVendor.PGSQL).sourceCounts()).isNull();
        assertThat(read(dump.substring(0, dump.indexOf(DumpCommands.ROWS_END)), DbVendor.MYSQL).sourceCounts()).isNull();
        assertThat(read(dump, DbVendor.PGSQL).complete()).as("a MySQL end is not pg_dump's").isFalse();
    }

    @Test
    void aCountThatDiffersOrATableMissingOnEitherSideFails() {
        Map<String, Long> source = new LinkedHashMap<>(Map.of("users", 3L, "roles", 2L, "gone", 1L));
        List<TableCount> tables = TestRestoreCheck.compare(source, Map.of("users", 3L, "roles", 1L, "extra", 0L));
        assertThat(tables).extracting(TableCount::table).containsExactly("extra", "gone", "roles", "users");
        assertThat(tables).extracting(TableCount::matches).containsExactly(false, false, false, true);
        assertThat(TestRestoreCheck.compare(null, Map.of("users", 3L))).allSatisfy(t -> assertThat(t.matches()).isTrue());
        assertThat(TestRestoreCheck.counts(List.of("3\tusers", "12|a|b", "garbage"))).containsExactly(
                Map.entry("users", 3L), Map.entry("a|b", 12L));
    }

    @Test
    void rowCountsNeverPutThePasswordOnTheCommandLine() {
        String mysql = DumpCommands.rowCounts(new DbSettings(DbVendor.MYSQL, "db", 3306, "d", "u", "pw", null));
        assertThat(mysql).contains("MYSQL_PWD={{secret:db.password}} mysql").doesNotContain("pw ");
        String append = DumpCommands.appendRowCounts(new DbSettings(DbVendor.SQLITE, null, 0, null, null, null, "/x.sqlite"), "/d.sql");
        assertThat(append).endsWith(">> '/d.sql'").contains("'-- panel-source-rows-end'");
    }

    private static DumpFacts read(String text, DbVendor vendor) throws Exception {
        return DumpFacts.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), vendor);
    }
}
