package dev.migrationpanel.dreamfactory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.database.ColumnScope;
import dev.migrationpanel.database.TableFingerprints.Fingerprint;
import dev.migrationpanel.product.ProofReport;

/**
 * The proof's table comparison, without a server: against the source's record (the import check, an older plan's
 * proof) every difference fails; against the target as imported (the proof) what changed since is the new release's
 * doing and is listed, while the migration history is still checked.
 */
class MigrationProofCompareTest {

    private static final Map<String, List<String>> SOURCE_COLUMNS = Map.of("app", List.of("id", "name"),
            "service", List.of("id", "name"), "role", List.of("id", "name", "description"),
            "migrations", List.of("id", "migration", "batch"));
    private static final Map<String, Fingerprint> SOURCE = Map.of("app", new Fingerprint(2, "h64:1"),
            "service", new Fingerprint(8, "h64:2"), "role", new Fingerprint(2, "h64:3"),
            "migrations", new Fingerprint(4, "h64:4"));

    private static ColumnScope scope(Map<String, List<String>> target) {
        return ColumnScope.of(SOURCE_COLUMNS, target);
    }

    @Test
    void againstTheSourceEveryDifferenceFailsWithItsOwnLine() {
        Map<String, List<String>> targetColumns = Map.of("app", List.of("id", "name"), "service", List.of("id", "name"),
                "role", List.of("id", "name"), "migrations", List.of("id", "migration", "batch"));
        Map<String, Fingerprint> target = Map.of("app", new Fingerprint(2, "h64:1"), "service", new Fingerprint(8, "h64:9"),
                "role", new Fingerprint(2, "h64:3"), "migrations", new Fingerprint(4, "h64:4"),
                "stray", new Fingerprint(1, "h64:5"));
        ProofReport report = new ProofReport();

        int same = MigrationProof.compare(report, SOURCE, target, scope(targetColumns), false, null);

        assertThat(same).isEqualTo(2);
        assertThat(report.failures).containsExactly("role: the target lacks the source's column(s) description",
                "service: source 8 row(s) checksum h64:2, target 8 row(s) checksum h64:9");
        assertThat(report.lines).contains("OK    migrations: 4 row(s), checksums equal",
                "INFO  stray: on the target, not in the source's record (1 row(s), left by its install)");

        ProofReport missing = new ProofReport();
        MigrationProof.compare(missing, SOURCE, Map.of("app", SOURCE.get("app")), scope(targetColumns), false, null);
        assertThat(missing.failures).contains("service: missing on the target (8 row(s) on the source)");
    }

    @Test
    void againstTheTargetAsImportedWhatTheReleaseWroteIsListedAndTheHistoryStillChecked() {
        Map<String, List<String>> targetColumns = Map.of("app", List.of("id", "name"),
                "role", List.of("id", "name", "description", "redirect_uri"), "migrations", List.of("id", "migration", "batch"),
                "snowflake_marketplace_usage", List.of("id"));
        Map<String, Fingerprint> now = Map.of("app", new Fingerprint(3, "h64:7"), "role", new Fingerprint(2, "h64:3"),
                "migrations", new Fingerprint(6, "h64:8"), "snowflake_marketplace_usage", new Fingerprint(0, "h64:0"));
        ProofReport report = new ProofReport();
        boolean[] historyChecked = {false};

        int same = MigrationProof.compare(report, SOURCE, now, scope(targetColumns), true, () -> {
            historyChecked[0] = true;
            return true;
        });

        assertThat(report.failures).isEmpty();
        assertThat(historyChecked[0]).isTrue();
        assertThat(same).as("role, and the history found whole").isEqualTo(2);
        assertThat(report.lines).contains(
                "INFO  app: written since the import by the new release's migrations or seeders (2 row(s) imported, equal "
                        + "to the source's; 3 now)",
                "INFO  service: dropped since the import by the new release's migrations (8 row(s) imported)",
                "INFO  role: column(s) redirect_uri added by the target's newer release (not compared)",
                "INFO  snowflake_marketplace_usage: new in the target (0 row(s)), added by its newer release",
                "OK    role: 2 row(s), checksums equal");

        // a history the target lacks part of still fails
        ProofReport lacking = new ProofReport();
        MigrationProof.compare(lacking, SOURCE, now, scope(targetColumns), true, () -> {
            lacking.fail("migrations: the target lacks 1 of the source's: 2015_01_27_190908_create_system_tables");
            return false;
        });
        assertThat(lacking.failures).hasSize(1);
    }
}
