package dev.migrationpanel.database;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a migration's proof compares of each table that both sides have: the source's columns, in the source's
 * order, when the target has them all. A newer release on the target may add columns to a table (they hold no
 * source data and are listed, not compared); a source column the target lacks is lost data. Tables are keyed by
 * lower-cased name; column names are matched without regard to case.
 *
 * @param compared per table, the columns both sides are fingerprinted over
 * @param missing  per table, the source's columns the target lacks (such a table is not compared)
 * @param added    per table, the target's columns the source did not have
 */
public record ColumnScope(Map<String, List<String>> compared, Map<String, List<String>> missing,
        Map<String, List<String>> added) {

    /** @param source the source's columns per table; @param target the target's */
    public static ColumnScope of(Map<String, List<String>> source, Map<String, List<String>> target) {
        Map<String, List<String>> compared = new TreeMap<>();
        Map<String, List<String>> missing = new TreeMap<>();
        Map<String, List<String>> added = new TreeMap<>();
        Map<String, List<String>> targetByName = lowerCased(target);
        lowerCased(source).forEach((table, columns) -> {
            List<String> onTarget = targetByName.get(table);
            if (onTarget == null) {
                return;
            }
            Set<String> targetNames = names(onTarget);
            Set<String> sourceNames = names(columns);
            List<String> lacking = columns.stream().filter(c -> !targetNames.contains(c.toLowerCase(Locale.ROOT))).toList();
            List<String> extra = onTarget.stream().filter(c -> !sourceNames.contains(c.toLowerCase(Locale.ROOT))).toList();
            if (lacking.isEmpty()) {
                compared.put(table, columns);
            } else {
                missing.put(table, lacking);
            }
            if (!extra.isEmpty()) {
                added.put(table, extra);
            }
        });
        return new ColumnScope(compared, missing, added);
    }

    /** The same map keyed by lower-cased table name. */
    public static Map<String, List<String>> lowerCased(Map<String, List<String>> byTable) {
        Map<String, List<String>> result = new TreeMap<>();
        byTable.forEach((table, columns) -> result.put(table.toLowerCase(Locale.ROOT), columns));
        return result;
    }

    private static Set<String> names(List<String> columns) {
        Set<String> result = new HashSet<>();
        columns.forEach(c -> result.add(c.toLowerCase(Locale.ROOT)));
        return result;
    }
}
