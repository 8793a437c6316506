package dev.migrationpanel.cairncms;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.SystemDbReader;
import dev.migrationpanel.remote.SshSession;

/**
 * What a content move needs to know of a CairnCMS DB's data model, read and never changed: every base table with its
 * columns (declared type, in table order) and primary key, as the vendor's catalogue says (PostgreSQL and MySQL/MariaDB
 * {@code information_schema}, SQLite {@code pragma_table_info}), and the relations CairnCMS records in
 * {@code directus_relations}: a many-to-one field ({@code many_collection.many_field → one_collection}), a file field
 * (a many-to-one to {@code directus_files}), a many-to-many's junction (a collection whose relation rows carry a
 * {@code junction_field}). System tables ({@code directus_*}) are CairnCMS's own: a content move never chooses one.
 */
final class CairnMoveSchema {

    static final String SYSTEM_PREFIX = "directus_";
    static final String FILES = "directus_files";
    /** Collection names the panel moves: they reach SQL, sed patterns and shell words, so only these characters. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,60}");

    private CairnMoveSchema() {
    }

    record Column(String name, String type) {
    }

    /** @param key the primary key's column (null when the table has none or a composite one) */
    record Table(String name, List<Column> columns, String key) {

        List<String> columnNames() {
            return columns.stream().map(Column::name).toList();
        }

        boolean integerKey() {
            return key != null && columns.stream().anyMatch(c -> c.name().equals(key)
                    && c.type().toLowerCase(Locale.ROOT).contains("int"));
        }
    }

    /** One row of directus_relations: {@code manyCollection.manyField} points at {@code oneCollection}. */
    record Relation(String manyCollection, String manyField, String oneCollection, String junctionField) {
    }

    /** The tables of a DB by name, and its relations. */
    record Shape(Map<String, Table> tables, List<Relation> relations) {

        /** User collections that are tables (folders and aliases have none): every table but CairnCMS's own. */
        List<String> userTables() {
            return tables.keySet().stream().filter(t -> !isSystem(t)).sorted().toList();
        }
    }

    static boolean isSystem(String table) {
        return table.toLowerCase(Locale.ROOT).startsWith(SYSTEM_PREFIX);
    }

    static Shape read(Instance instance, SshSession ssh, SystemDbReader reader, DbVendor vendor) {
        Map<String, List<Column>> columns = new LinkedHashMap<>();
        Map<String, List<String>> keys = new TreeMap<>();
        for (Map<String, String> row : reader.query(instance, ssh, columnsQuery(vendor))) {
            String table = row.get("t");
            columns.computeIfAbsent(table, t -> new ArrayList<>()).add(new Column(row.get("c"),
                    row.get("type") == null ? "" : row.get("type")));
            if ("1".equals(row.get("pk")) || "t".equals(row.get("pk")) || "true".equals(row.get("pk"))) {
                keys.computeIfAbsent(table, t -> new ArrayList<>()).add(row.get("c"));
            } else if (vendor == DbVendor.SQLITE && row.get("pk") != null && !"0".equals(row.get("pk"))) {
                keys.computeIfAbsent(table, t -> new ArrayList<>()).add(row.get("c"));
            }
        }
        Map<String, Table> tables = new TreeMap<>();
        columns.forEach((name, cols) -> {
            List<String> key = keys.getOrDefault(name, List.of());
            tables.put(name, new Table(name, List.copyOf(cols), key.size() == 1 ? key.get(0) : null));
        });
        List<Relation> relations = new ArrayList<>();
        if (tables.containsKey("directus_relations")) {
            for (Map<String, String> row : reader.query(instance, ssh, "SELECT many_collection, many_field, one_collection, "
                    + "junction_field FROM directus_relations")) {
                relations.add(new Relation(row.get("many_collection"), row.get("many_field"), row.get("one_collection"),
                        row.get("junction_field")));
            }
        }
        return new Shape(tables, relations);
    }

    /** Table, column, declared type and whether the column is (part of) the primary key, in table order. */
    static String columnsQuery(DbVendor vendor) {
        return switch (vendor) {
            case PGSQL -> "SELECT c.table_name AS t, c.column_name AS c, CASE WHEN c.character_maximum_length IS NULL "
                    + "THEN c.data_type ELSE c.data_type || '(' || c.character_maximum_length || ')' END AS type, "
                    + "CASE WHEN EXISTS (SELECT 1 FROM information_schema.table_constraints tc JOIN "
                    + "information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name AND "
                    + "k.table_schema = tc.table_schema AND k.table_name = tc.table_name WHERE tc.constraint_type = "
                    + "'PRIMARY KEY' AND tc.table_schema = c.table_schema AND tc.table_name = c.table_name AND "
                    + "k.column_name = c.column_name) THEN 1 ELSE 0 END AS pk FROM information_schema.columns c JOIN "
                    + "information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name "
                    + "WHERE c.table_schema = current_schema() AND tb.table_type = 'BASE TABLE' "
                    + "ORDER BY c.table_name, c.ordinal_position";
            case MYSQL -> "SELECT c.table_name AS t, c.column_name AS c, c.column_type AS type, CASE WHEN c.column_key "
                    + "= 'PRI' THEN 1 ELSE 0 END AS pk FROM information_schema.columns c JOIN information_schema.tables tb "
                    + "ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name WHERE c.table_schema = "
                    + "DATABASE() AND tb.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position";
            case SQLITE -> "SELECT m.name AS t, p.name AS c, p.type AS type, p.pk AS pk FROM sqlite_master m, "
                    + "pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                    + "ORDER BY m.name, p.cid";
            case SQLSRV -> throw new IllegalArgumentException("SQL Server is not a CairnCMS vendor");
        };
    }

    /**
     * What the source's table and the target's differ in, one line each (empty when they match): a table or column
     * missing on the target, a column the target has that the source has not, a declared type that differs, another
     * primary key.
     */
    static List<String> differences(Table source, Table target) {
        List<String> lines = new ArrayList<>();
        if (target == null) {
            lines.add(source.name() + ": no such table on the target");
            return lines;
        }
        Map<String, String> targetTypes = new LinkedHashMap<>();
        target.columns().forEach(c -> targetTypes.put(c.name(), c.type()));
        Set<String> sourceNames = new LinkedHashSet<>(source.columnNames());
        for (Column column : source.columns()) {
            String type = targetTypes.get(column.name());
            if (type == null) {
                lines.add(source.name() + "." + column.name() + ": missing on the target");
            } else if (!normalType(type).equals(normalType(column.type()))) {
                lines.add(source.name() + "." + column.name() + ": " + column.type() + " on the source, " + type
                        + " on the target");
            }
        }
        for (String name : targetTypes.keySet()) {
            if (!sourceNames.contains(name)) {
                lines.add(source.name() + "." + name + ": on the target only");
            }
        }
        if (!java.util.Objects.equals(source.key(), target.key())) {
            lines.add(source.name() + ": primary key " + source.key() + " on the source, " + target.key() + " on the target");
        }
        return lines;
    }

    /**
     * Across DB vendors: what the source's table and the target's differ in but the declared types, which are each
     * vendor's own for the same CairnCMS field (PostgreSQL's {@code boolean} is MariaDB's {@code tinyint(1)}): a table
     * or column missing, a column on the target only, another primary key.
     */
    static List<String> crossVendorDifferences(Table source, Table target) {
        if (target == null) {
            return differences(source, null);
        }
        List<Column> retyped = new ArrayList<>();
        Map<String, String> targetTypes = new LinkedHashMap<>();
        target.columns().forEach(c -> targetTypes.put(c.name(), c.type()));
        source.columns().forEach(c -> retyped.add(new Column(c.name(), targetTypes.getOrDefault(c.name(), c.type()))));
        return differences(new Table(source.name(), retyped, source.key()), target);
    }

    private static String normalType(String type) {
        return type.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    }

    /**
     * The tables a move of the chosen collections carries, in an order that loads a referenced table before the
     * tables that point at it (its many-to-one relations among them): the chosen ones, and each junction of a
     * many-to-many whose every side is moved or is {@code directus_files} (a junction to a collection that is not
     * moved would point at rows the target may not have: {@link #junctionsCut} names it, and the move is refused).
     */
    static List<String> moved(Shape shape, List<String> chosen) {
        Set<String> tables = new LinkedHashSet<>(chosen);
        for (String junction : junctions(shape)) {
            if (tables.contains(junction)) {
                continue;
            }
            List<String> sides = sides(shape, junction);
            if (sides.stream().anyMatch(chosen::contains)
                    && sides.stream().allMatch(s -> chosen.contains(s) || FILES.equals(s))) {
                tables.add(junction);
            }
        }
        return referencedFirst(shape, new ArrayList<>(tables));
    }

    /**
     * Many-to-many junctions the chosen collections would cut: a junction of a chosen collection (or one chosen itself)
     * with a side that is not chosen ({@code directus_files} aside: the rows it references come with the move). A
     * junction row joins two rows: carried without the other side's rows it points at rows the target may not have,
     * left behind the moved rows lose their many-to-many values. Each as "junction (joins a with b)".
     */
    static List<String> junctionsCut(Shape shape, List<String> chosen) {
        List<String> cut = new ArrayList<>();
        for (String junction : junctions(shape)) {
            List<String> sides = sides(shape, junction);
            boolean touched = chosen.contains(junction) || sides.stream().anyMatch(chosen::contains);
            if (touched && !sides.stream().allMatch(side -> chosen.contains(side) || FILES.equals(side))) {
                cut.add(junction + " (joins " + String.join(" with ", sides) + ")");
            }
        }
        return cut;
    }

    /** The collections a content move offers: the user tables but the junctions, which move with their sides. */
    static List<String> choices(Shape shape) {
        List<String> junctions = junctions(shape);
        return shape.userTables().stream().filter(t -> !junctions.contains(t)).toList();
    }

    private static List<String> sides(Shape shape, String junction) {
        return shape.relations().stream().filter(r -> junction.equals(r.manyCollection()) && r.oneCollection() != null)
                .map(Relation::oneCollection).distinct().sorted().toList();
    }

    private static List<String> junctions(Shape shape) {
        return shape.relations().stream().filter(r -> r.junctionField() != null && !r.junctionField().isBlank())
                .map(Relation::manyCollection).filter(c -> c != null && shape.tables().containsKey(c)).distinct().sorted()
                .toList();
    }

    private static List<String> referencedFirst(Shape shape, List<String> tables) {
        List<String> ordered = new ArrayList<>();
        Set<String> visiting = new LinkedHashSet<>();
        for (String table : tables) {
            visit(shape, tables, table, ordered, visiting);
        }
        return ordered;
    }

    private static void visit(Shape shape, List<String> tables, String table, List<String> ordered, Set<String> visiting) {
        if (ordered.contains(table) || !visiting.add(table)) {
            return; // done, or a cycle: the order among a cycle's tables is the chosen one
        }
        for (Relation r : shape.relations()) {
            if (table.equals(r.manyCollection()) && r.oneCollection() != null && !table.equals(r.oneCollection())
                    && tables.contains(r.oneCollection())) {
                visit(shape, tables, r.oneCollection(), ordered, visiting);
            }
        }
        ordered.add(table);
    }

    /** The file fields of the moved tables: {@code table.column} pointing at directus_files. */
    static List<String> fileFields(Shape shape, List<String> moved) {
        return shape.relations().stream().filter(r -> moved.contains(r.manyCollection()) && FILES.equals(r.oneCollection())
                && r.manyField() != null).map(r -> r.manyCollection() + "." + r.manyField()).distinct().sorted().toList();
    }

    /**
     * Columns of the moved tables that point at CairnCMS's own tables other than files (a {@code user_created}
     * pointing at directus_users, …): each side has its own users and roles, so such a value is kept where the
     * target has that row and cleared where it has not. As {@code table.column=system_table}.
     */
    static List<String> systemReferences(Shape shape, List<String> moved) {
        return shape.relations().stream().filter(r -> moved.contains(r.manyCollection()) && r.oneCollection() != null
                && isSystem(r.oneCollection()) && !FILES.equals(r.oneCollection()) && r.manyField() != null)
                .map(r -> r.manyCollection() + "." + r.manyField() + "=" + r.oneCollection()).distinct().sorted().toList();
    }

    /**
     * Many-to-one fields of the moved tables to a user collection that is not moved: the target must already hold
     * the rows they point at (else the load fails on the foreign key and nothing of it is kept).
     */
    static List<String> referencesOutside(Shape shape, List<String> moved) {
        return shape.relations().stream().filter(r -> moved.contains(r.manyCollection()) && r.oneCollection() != null
                && !isSystem(r.oneCollection()) && !moved.contains(r.oneCollection()) && r.manyField() != null)
                .map(r -> r.manyCollection() + "." + r.manyField() + " → " + r.oneCollection()).distinct().sorted().toList();
    }

    /**
     * Many-to-one fields of the moved tables to their own table (a {@code categories.parent}), as {@code table.field}: a
     * row may point at one that comes after it in key order, so a replay inserts the rows parents first and sets a
     * parent it cannot insert first (a cycle) by a second write.
     */
    static List<String> selfReferences(Shape shape, List<String> moved) {
        return shape.relations().stream().filter(r -> moved.contains(r.manyCollection()) && r.manyField() != null
                && r.manyCollection().equals(r.oneCollection())).map(r -> r.manyCollection() + "." + r.manyField())
                .distinct().sorted().toList();
    }

    /** directus_files' own columns that point at other system tables: cleared where the target lacks the row. */
    static final Map<String, String> FILE_SYSTEM_REFERENCES = Map.of("uploaded_by", "directus_users",
            "modified_by", "directus_users", "folder", "directus_folders");
}
