package dev.migrationpanel.fief;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.InstanceDbConnection;
import dev.migrationpanel.database.TableFingerprints;
import dev.migrationpanel.database.TableFingerprints.Fingerprint;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.SystemDbReader;
import dev.migrationpanel.remote.SshSession;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a Fief instance's databases where Fief 0.27 keeps them (only reads): the main database, and a workspace's
 * place — a PostgreSQL schema named after the workspace id in the main database, a MySQL database named after it on
 * the main server, a SQLite file named after it beside the main file. Networked DBs over the instance's JDBC access
 * (its tunnel), SQLite with {@code sqlite3} on the instance's host.
 */
@Component
class FiefDatabase {

    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final InstanceConnections connections;
    private final SystemDbReader reader;

    FiefDatabase(InstanceConnections connections, SystemDbReader reader) {
        this.connections = connections;
        this.reader = reader;
    }

    /**
     * Where tables are: {@code db} the connection settings (a MySQL workspace's database, a SQLite workspace's file),
     * {@code schema} the PostgreSQL schema (null elsewhere); {@code onHost}: a SQLite file read with the SSH host's
     * sqlite3 even for an instance in a container (a copy of a stopped container's file, staged on the host, or a
     * snapshot of a running one's: {@link FiefSnapshot}); {@code copyOf}: the file in the container such a copy is of, for
     * the messages (null: the copy is named as it is).
     */
    record Place(DbSettings db, String schema, boolean onHost, String copyOf) {

        Place(DbSettings db, String schema) {
            this(db, schema, false, null);
        }

        static Place main(DbSettings db) {
            return new Place(db, db.vendor() == DbVendor.PGSQL ? "public" : null);
        }

        /** The same SQLite file, but read on the SSH host (a copy staged there). */
        Place onHostCopy() {
            return new Place(db, schema, true, null);
        }

        /** Where its sqlite3 runs. */
        Deployment deployment(Instance instance) {
            return onHost ? Deployment.ON_HOST : Deployment.of(instance);
        }

        static Place workspace(DbSettings main, String workspaceId) {
            return switch (main.vendor()) {
                case PGSQL -> new Place(main, workspaceId);
                case MYSQL -> new Place(new DbSettings(main.vendor(), main.host(), main.port(), workspaceId, main.username(),
                        main.password(), null), null);
                case SQLITE -> new Place(new DbSettings(main.vendor(), null, 0, null, null, null,
                        directory(main.sqlitePath()) + "/" + workspaceId), null);
                case SQLSRV -> throw new DatabaseException("SQL Server is not a database Fief runs on");
            };
        }

        DbVendor vendor() {
            return db.vendor();
        }

        /** As an admin reads it: "schema X of database Y", "database X", "file X". */
        String describe() {
            return switch (vendor()) {
                case PGSQL -> "schema \"" + schema + "\" of PostgreSQL database " + db.database();
                case MYSQL -> "MySQL database `" + db.database() + "`";
                default -> copyOf != null ? "SQLite file " + copyOf + " (a snapshot read on the SSH host)"
                        : "SQLite file " + db.sqlitePath() + (onHost ? " (a copy on the SSH host)" : "");
            };
        }
    }

    /** A SQLite file's settings (a copy staged on the SSH host, a file inside a container). */
    static DbSettings sqliteFile(String path) {
        return new DbSettings(DbVendor.SQLITE, null, 0, null, null, null, path);
    }

    /** The file's name without its directory, e.g. {@code fief.db}. */
    static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static String directory(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    /** Rows of a query, each column label to text (null for SQL NULL), read as the system DB reader reads them. */
    List<Map<String, String>> query(Instance instance, SshSession ssh, Place place, String sql) {
        return reader.query(instance, ssh, place.db(), place.schema(), place.describe() + " of " + instance.getName(), sql,
                place.deployment(instance));
    }

    /** The base tables of a place, sorted, as the server spells them. */
    List<String> tables(Instance instance, SshSession ssh, Place place) {
        String sql = switch (place.vendor()) {
            case PGSQL -> "SELECT tablename AS t FROM pg_tables WHERE schemaname = " + literal(place.schema());
            case MYSQL -> "SELECT table_name AS t FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND "
                    + "table_schema = " + literal(place.db().database());
            default -> "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
        };
        return query(instance, ssh, place, sql).stream().map(r -> r.get("t")).sorted().toList();
    }

    /** Whether a place exists at all (a schema, a database, a file). */
    boolean exists(Instance instance, SshSession ssh, Place place) {
        return switch (place.vendor()) {
            case PGSQL -> !query(instance, ssh, Place.main(place.db()), "SELECT nspname FROM pg_namespace WHERE nspname = "
                    + literal(place.schema())).isEmpty();
            case MYSQL -> !query(instance, ssh, Place.main(place.db()), "SELECT schema_name FROM information_schema.schemata "
                    + "WHERE schema_name = " + literal(place.db().database())).isEmpty();
            default -> ssh.run(place.deployment(instance).wrap("test -f " + quote(place.db().sqlitePath())), TIMEOUT).ok();
        };
    }

    /** Row count of each named table. */
    Map<String, Long> counts(Instance instance, SshSession ssh, Place place, Collection<String> tables) {
        Map<String, Long> counts = new TreeMap<>();
        if (tables.isEmpty()) {
            return counts;
        }
        StringBuilder sql = new StringBuilder();
        for (String table : tables) {
            sql.append(sql.length() == 0 ? "" : " UNION ALL ").append("SELECT ").append(literal(table)).append(" AS t, count(*) AS n FROM ")
                    .append(quoteName(place.vendor(), table));
        }
        for (Map<String, String> row : query(instance, ssh, place, sql.toString())) {
            counts.put(row.get("t"), Long.parseLong(row.get("n")));
        }
        return counts;
    }

    /**
     * Count and content checksum of each named table, read the same way wherever the table is (to compare places):
     * as {@code recorded} was, when it is given (see {@link TableFingerprints#of(Connection, Map, Map)}).
     */
    Map<String, Fingerprint> fingerprints(Instance instance, SshSession ssh, Place place, Collection<String> tables,
            Map<String, Fingerprint> recorded) {
        Map<String, Fingerprint> result = new TreeMap<>();
        if (place.vendor() == DbVendor.SQLITE) {
            for (String table : tables) {
                result.put(table, sqliteFingerprint(instance, ssh, place, table));
            }
            return result;
        }
        try (InstanceDbConnection c = connections.openDb(instance, ssh, place.db())) {
            Connection connection = c.connection();
            if (place.schema() != null) {
                connection.setSchema(place.schema());
            }
            Map<String, List<String>> columns = TableFingerprints.columns(connection);
            for (String table : tables) {
                List<String> cols = columns.get(table);
                if (cols == null) {
                    throw new DatabaseException("Table " + table + " is not in " + place.describe());
                }
                result.put(table, TableFingerprints.of(connection, table, cols, recorded));
            }
            return result;
        } catch (SQLException e) {
            throw new DatabaseException("Reading the tables of " + place.describe() + " failed: " + firstLine(e.getMessage()));
        }
    }

    private Fingerprint sqliteFingerprint(Instance instance, SshSession ssh, Place place, String table) {
        List<String> columns = query(instance, ssh, place, "SELECT name FROM pragma_table_info(" + literal(table) + ")")
                .stream().map(r -> r.get("name")).toList();
        return reader.sqliteFingerprint(ssh, place.deployment(instance), place.db(), place.describe(), table, columns);
    }

    /** PostgreSQL: the enum types and the sequences of a schema (what moves with its tables). */
    List<String> pgTypes(Instance instance, SshSession ssh, Place place) {
        return query(instance, ssh, place, "SELECT t.typname AS n FROM pg_type t JOIN pg_namespace s ON s.oid = t.typnamespace "
                + "WHERE t.typtype = 'e' AND s.nspname = " + literal(place.schema()) + " ORDER BY 1").stream()
                .map(r -> r.get("n")).toList();
    }

    /** PostgreSQL: sequences of the schema that no column owns (owned ones move with their table). */
    List<String> pgFreeSequences(Instance instance, SshSession ssh, Place place) {
        return query(instance, ssh, place, "SELECT c.relname AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace "
                + "WHERE c.relkind = 'S' AND s.nspname = " + literal(place.schema()) + " AND NOT EXISTS (SELECT 1 FROM pg_depend d "
                + "WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')) ORDER BY 1").stream().map(r -> r.get("n")).toList();
    }

    /**
     * Names that must be free where the tables go but are taken there. PostgreSQL: the indexes (also those behind a
     * primary key or unique constraint, which bear the constraint's name) and owned sequences of the workspace's schema
     * move with their tables, and an index or sequence name is a relation name of its schema, so any relation of public
     * (table, index, sequence, view) already so named stops the move; other constraints are per table. MySQL/MariaDB:
     * index names are per table, but InnoDB foreign key names are per database, so a foreign key of the main database
     * already so named stops the RENAME TABLE. SQLite: the workspace's file becomes the main one, nothing merges.
     *
     * @return each clashing name with what it is in the workspace, e.g. "ix_fief_webhook_logs_created_at (index)"
     */
    List<String> movingNameClashes(Instance instance, SshSession ssh, Place workspace, Place main) {
        return switch (workspace.vendor()) {
            case PGSQL -> {
                Map<String, String> moving = new TreeMap<>();
                for (Map<String, String> r : query(instance, ssh, workspace, "SELECT c.relname AS n, c.relkind AS k FROM pg_class c "
                        + "JOIN pg_namespace s ON s.oid = c.relnamespace WHERE c.relkind IN ('i', 'I', 'S') AND s.nspname = "
                        + literal(workspace.schema()))) {
                    moving.put(r.get("n"), r.get("k").equals("S") ? "sequence" : "index");
                }
                List<String> taken = query(instance, ssh, main, "SELECT c.relname AS n FROM pg_class c JOIN pg_namespace s "
                        + "ON s.oid = c.relnamespace WHERE s.nspname = " + literal(main.schema())).stream().map(r -> r.get("n")).toList();
                yield moving.entrySet().stream().filter(e -> taken.contains(e.getKey()))
                        .map(e -> e.getKey() + " (" + e.getValue() + ")").toList();
            }
            case MYSQL -> {
                String sql = "SELECT constraint_name AS n FROM information_schema.referential_constraints WHERE "
                        + "constraint_schema = ";
                List<String> taken = query(instance, ssh, main, sql + literal(main.db().database())).stream()
                        .map(r -> r.get("n")).toList();
                yield query(instance, ssh, workspace, sql + literal(workspace.db().database())).stream().map(r -> r.get("n"))
                        .filter(taken::contains).sorted().map(n -> n + " (foreign key)").toList();
            }
            default -> List.of();
        };
    }

    /** Bytes the place takes (to size its backup). */
    long size(Instance instance, SshSession ssh, Place place) {
        String sql = switch (place.vendor()) {
            case PGSQL -> "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS b FROM pg_class c JOIN pg_namespace s "
                    + "ON s.oid = c.relnamespace WHERE c.relkind = 'r' AND s.nspname = " + literal(place.schema());
            case MYSQL -> "SELECT coalesce(sum(data_length + index_length), 0) AS b FROM information_schema.tables WHERE "
                    + "table_schema = " + literal(place.db().database());
            default -> "SELECT page_count * page_size AS b FROM pragma_page_count(), pragma_page_size()";
        };
        List<Map<String, String>> rows = query(instance, ssh, place, sql);
        return rows.isEmpty() || rows.get(0).get("b") == null ? 0 : new java.math.BigDecimal(rows.get(0).get("b")).longValue();
    }

    static String quoteName(DbVendor vendor, String name) {
        return vendor.quoteName(name);
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        String t = text.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
