package dev.migrationpanel.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Which columns a proof compares, without a server. */
class ColumnScopeTest {

    @Test
    void theSourcesColumnsInItsOrderAddedOnesListedMissingOnesKeepTheTableOut() {
        Map<String, List<String>> source = Map.of(
                "service", List.of("id", "name", "type", "is_active"),
                "User", List.of("id", "email"),
                "lookup", List.of("id", "name", "value"),
                "gone", List.of("id"));
        Map<String, List<String>> target = Map.of(
                "service", List.of("id", "name", "type", "health_check_url", "is_active"),
                "user", List.of("ID", "EMAIL"),
                "lookup", List.of("id", "name"),
                "limits", List.of("id", "rate"));

        ColumnScope scope = ColumnScope.of(source, target);

        assertThat(scope.compared()).containsOnlyKeys("service", "user");
        assertThat(scope.compared().get("service")).containsExactly("id", "name", "type", "is_active");
        assertThat(scope.compared().get("user")).as("names matched without regard to case").containsExactly("id", "email");
        assertThat(scope.added()).containsExactlyEntriesOf(Map.of("service", List.of("health_check_url")));
        assertThat(scope.missing()).containsExactlyEntriesOf(Map.of("lookup", List.of("value")));
    }
}
