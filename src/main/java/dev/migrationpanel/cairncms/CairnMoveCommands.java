package dev.migrationpanel.cairncms;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.DumpCommands;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.DeploymentType;

/**
 * The commands of a content move, per vendor, as values (built without a server). The chosen tables' rows travel as
 * the vendor's own data-only dump ({@code pg_dump --data-only --table=…}, {@code mysqldump --no-create-info},
 * SQLite's {@code .mode insert}), the referenced {@code directus_files} rows with them (PostgreSQL's
 * {@code COPY (SELECT …) TO STDOUT}, {@code mysqldump --where}, SQLite's {@code .mode insert}), all carried through
 * the panel into the target's client in one transaction: the sender opens it, the rows land in temporary staging
 * tables of the target's session (the receiving side renames the dump's tables to them with {@code sed}: a data-only
 * dump names the real tables), and only after every dump succeeded does the sender send the statements that merge
 * the staging tables into the real ones under the conflict policy, and the {@code COMMIT}. A stream cut short, a
 * failed dump or a failing statement (a key conflict under {@code refuse}, a foreign key) commits nothing.
 *
 * <p>Merging, per table (directus_files first, then each table after the tables it points at): values pointing at
 * CairnCMS's own tables (users, roles, folders…) that the target has not are cleared (each side has its own users);
 * then {@code refuse} inserts every row (a key the target has fails the whole load), {@code skip} inserts the rows
 * whose key the target has not, {@code overwrite} updates the rows whose key it has with the source's values and
 * inserts the others. A row is never deleted (a delete would cascade into tables that are not moved). On PostgreSQL
 * each integer key's sequence is then set to the table's largest key; MySQL/MariaDB and SQLite advance their own
 * counters when rows are inserted with their keys.
 *
 * <p>A source in a Docker container ({@link Deployment}) is read where its data is: a networked DB dumped on the SSH
 * host at the DB_HOST the container's environment names (as the panel reads it), a SQLite file inside the container
 * ({@code docker exec}), the referenced files' bytes copied out one by one with {@code docker cp}, which also works
 * while the container is stopped. A target in a Docker container is written the same way round: its networked DB
 * loaded by the client on its SSH host at the DB_HOST its container names, the bytes unpacked on its volumes by a
 * one-off container of its image ({@link #filesReceiver}); a SQLite file inside a target
 * container is refused before planning. Neither side may be in a pod.
 */
final class CairnMoveCommands {

    static final String STAGE_PREFIX = "panel_move_";
    static final String FILES_STAGE = STAGE_PREFIX + "files";

    private CairnMoveCommands() {
    }

    enum Conflict {
        REFUSE, SKIP, OVERWRITE;

        String option() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Conflict of(String option) {
            for (Conflict c : values()) {
                if (c.option().equals(option)) {
                    return c;
                }
            }
            return null;
        }
    }

    /**
     * One table to move: its columns as the source has them (the target's are the same: checked before), its key,
     * and its columns pointing at CairnCMS's own tables (column → the system table and that table's key).
     */
    record MoveTable(CairnMoveSchema.Table table, Map<String, String[]> systemReferences, List<String> selfReferences) {

        /** A table with no column pointing at its own rows. */
        MoveTable(CairnMoveSchema.Table table, Map<String, String[]> systemReferences) {
            this(table, systemReferences, List.of());
        }
    }

    /**
     * @param tables    the tables to move, referenced ones first
     * @param files     directus_files as the source has it, with its own system references, or null when no file
     *                  field is moved
     * @param fileIds   the SQL (on the source) that lists the ids of the files the moved rows reference
     */
    record Load(DbVendor vendor, List<MoveTable> tables, MoveTable files, String fileIds, Conflict conflict) {
    }

    // ------------------------------------------------------------------------------------------ names

    static String name(DbVendor vendor, String name) {
        return vendor.quoteName(name);
    }

    /** A table of the target's DB, as the merge names it (after pg_dump cleared the search path: qualified). */
    static String real(DbVendor vendor, String table) {
        return switch (vendor) {
            case PGSQL -> "public." + name(vendor, table);
            case SQLITE -> "main." + name(vendor, table);
            default -> name(vendor, table);
        };
    }

    static String stage(DbVendor vendor, String stage) {
        return switch (vendor) {
            case PGSQL -> "pg_temp." + stage;
            case SQLITE -> "temp." + stage;
            default -> name(vendor, stage);
        };
    }

    static String stageOf(int index) {
        return STAGE_PREFIX + index;
    }

    /** The SQL listing the ids of every file the moved rows reference (run on the source). */
    static String fileIdsQuery(DbVendor vendor, List<String> fileFields) {
        List<String> parts = new ArrayList<>();
        for (String field : fileFields) {
            int dot = field.indexOf('.');
            String table = field.substring(0, dot);
            String column = field.substring(dot + 1);
            parts.add("SELECT " + name(vendor, column) + " FROM " + name(vendor, table) + " WHERE " + name(vendor, column)
                    + " IS NOT NULL");
        }
        return String.join(" UNION ", parts);
    }

    // ------------------------------------------------------------------------------------------ the rows

    /**
     * The sending side: runs on the source's SSH host, only reads it; a SQLite file is read where the install is (inside
     * its container), a networked DB from the SSH host.
     */
    static String sender(Load load, DbSettings source, Deployment sourceAt) {
        DbVendor v = load.vendor();
        List<String> opening = new ArrayList<>();
        opening.add(v == DbVendor.MYSQL ? "START TRANSACTION;" : "BEGIN;");
        for (int i = 0; i < load.tables().size(); i++) {
            opening.add(createStage(v, load.tables().get(i).table(), stageOf(i)));
        }
        if (load.files() != null) {
            opening.add(createStage(v, load.files().table(), FILES_STAGE));
        }
        List<String> closing = new ArrayList<>();
        for (String statement : merges(load)) {
            // the receiving sed renames the dump's "INSERT INTO `t` (" lines to the staging tables: a merge's own
            // INSERT must not look like one
            closing.add(v == DbVendor.MYSQL ? "/* merge */ " + statement : statement);
        }
        closing.add("COMMIT;");
        String open = printf(opening);
        String close = printf(closing);
        List<String> tableNames = load.tables().stream().map(t -> t.table().name()).toList();
        return switch (v) {
            case PGSQL -> {
                StringBuilder c = new StringBuilder(open).append(" && ").append(pgDumpData(source, tableNames));
                if (load.files() != null) {
                    c.append(" && ").append(printf(List.of("COPY " + stage(v, FILES_STAGE) + " ("
                            + columns(v, load.files().table().columnNames()) + ") FROM stdin;")))
                            .append(" && ").append(psql(source, "-c " + quote("COPY (" + fileRows(load) + ") TO STDOUT")))
                            .append(" && ").append(printf(List.of("\\.")));
                }
                yield c.append(" && ").append(close).toString();
            }
            case MYSQL -> {
                StringBuilder c = new StringBuilder(open).append(" && ").append(mysqldumpData(source, tableNames, null));
                if (load.files() != null) {
                    c.append(" && ").append(mysqldumpData(source, List.of(CairnMoveSchema.FILES),
                            name(v, "id") + " IN (" + load.fileIds() + ")"));
                }
                yield c.append(" && ").append(close).toString();
            }
            case SQLITE -> {
                List<String> script = new ArrayList<>();
                script.add(".headers on");
                for (int i = 0; i < load.tables().size(); i++) {
                    CairnMoveSchema.Table t = load.tables().get(i).table();
                    script.add(".mode insert " + stageOf(i));
                    script.add("SELECT " + columns(v, t.columnNames()) + " FROM " + name(v, t.name()) + ";");
                }
                if (load.files() != null) {
                    script.add(".mode insert " + FILES_STAGE);
                    script.add(fileRows(load) + ";");
                }
                yield open + " && " + printf(script) + " | " + at(sourceAt, "sqlite3 -readonly " + quote(source.sqlitePath()))
                        + " && " + close;
            }
            case SQLSRV -> throw new IllegalArgumentException("SQL Server is not a CairnCMS vendor");
        };
    }

    /** The receiving side: the dump's tables renamed to the staging tables, into the target's client. */
    static String receiver(Load load, DbSettings target) {
        DbVendor v = load.vendor();
        return switch (v) {
            case PGSQL -> {
                List<String> sed = new ArrayList<>();
                for (int i = 0; i < load.tables().size(); i++) {
                    String t = load.tables().get(i).table().name();
                    // pg_dump names a table bare, or double-quoted when it must (capitals, a keyword)
                    sed.add("-e " + quote("s/^COPY public\\." + t + " (/COPY pg_temp." + stageOf(i) + " (/"));
                    sed.add("-e " + quote("s/^COPY public\\.\"" + t + "\" (/COPY pg_temp." + stageOf(i) + " (/"));
                }
                yield "sed " + String.join(" ", sed) + " | PGPASSWORD=" + DumpCommands.DB_PASSWORD
                        + " psql -X -q -v ON_ERROR_STOP=1 -h " + quote(target.host()) + " -p " + target.port() + " -U "
                        + quote(target.username()) + " -d " + quote(target.database());
            }
            case MYSQL -> {
                List<String> sed = new ArrayList<>();
                for (int i = 0; i < load.tables().size(); i++) {
                    sed.add("-e " + quote("s/^INSERT INTO `" + load.tables().get(i).table().name() + "` (/INSERT INTO `"
                            + stageOf(i) + "` (/"));
                }
                if (load.files() != null) {
                    sed.add("-e " + quote("s/^INSERT INTO `" + CairnMoveSchema.FILES + "` (/INSERT INTO `" + FILES_STAGE + "` (/"));
                }
                yield "sed " + String.join(" ", sed) + " | MYSQL_PWD=" + DumpCommands.DB_PASSWORD + " mysql -h "
                        + quote(target.host()) + " -P " + target.port() + " -u " + quote(target.username()) + " "
                        + quote(target.database());
            }
            // the app turns foreign keys on for its connections: so does the load
            case SQLITE -> "sqlite3 -bail -cmd '.timeout 30000' -cmd 'PRAGMA foreign_keys = ON;' " + quote(target.sqlitePath());
            case SQLSRV -> throw new IllegalArgumentException("SQL Server is not a CairnCMS vendor");
        };
    }

    private static String createStage(DbVendor v, CairnMoveSchema.Table table, String stage) {
        return switch (v) {
            case PGSQL -> "CREATE TEMP TABLE " + stage + " (LIKE " + real(v, table.name()) + ") ON COMMIT DROP;";
            case MYSQL -> "CREATE TEMPORARY TABLE " + name(v, stage) + " LIKE " + name(v, table.name()) + ";";
            default -> {
                List<String> columns = new ArrayList<>();
                for (CairnMoveSchema.Column c : table.columns()) {
                    // the declared type gives the staged value the affinity the real column gives it
                    String type = c.type().matches("[A-Za-z0-9_ (),]{0,60}") ? c.type() : "";
                    columns.add((name(v, c.name()) + " " + type).trim());
                }
                yield "CREATE TEMP TABLE " + stage + " (" + String.join(", ", columns) + ");";
            }
        };
    }

    private static String fileRows(Load load) {
        DbVendor v = load.vendor();
        return "SELECT " + columns(v, load.files().table().columnNames()) + " FROM " + name(v, CairnMoveSchema.FILES)
                + " WHERE " + name(v, "id") + " IN (" + load.fileIds() + ")";
    }

    /** The statements that merge the staging tables into the real ones, in load order. */
    static List<String> merges(Load load) {
        DbVendor v = load.vendor();
        List<String> sql = new ArrayList<>();
        if (load.files() != null) {
            sql.addAll(merge(v, load.files(), FILES_STAGE, load.conflict()));
        }
        for (int i = 0; i < load.tables().size(); i++) {
            sql.addAll(merge(v, load.tables().get(i), stageOf(i), load.conflict()));
        }
        if (v == DbVendor.PGSQL) {
            sql.addAll(sequenceResets(load.tables()));
        }
        return sql;
    }

    /** PostgreSQL: each integer key's sequence set to its table's largest key (rows were inserted with their keys). */
    static List<String> sequenceResets(List<MoveTable> tables) {
        DbVendor v = DbVendor.PGSQL;
        List<String> sql = new ArrayList<>();
        for (MoveTable t : tables) {
            if (t.table().integerKey()) {
                String seq = "pg_catalog.pg_get_serial_sequence(" + sqlString(real(v, t.table().name())) + ", "
                        + sqlString(t.table().key()) + ")";
                sql.add("SELECT pg_catalog.setval(" + seq + ", m) FROM (SELECT max(" + name(v, t.table().key())
                        + ") AS m FROM " + real(v, t.table().name()) + ") AS k WHERE m IS NOT NULL AND " + seq
                        + " IS NOT NULL;");
            }
        }
        return sql;
    }

    private static List<String> merge(DbVendor v, MoveTable move, String stageName, Conflict conflict) {
        CairnMoveSchema.Table t = move.table();
        String s = stage(v, stageName);
        String target = real(v, t.name());
        String key = t.key() == null ? null : name(v, t.key());
        List<String> sql = new ArrayList<>();
        move.systemReferences().forEach((column, system) -> sql.add("UPDATE " + s + " SET " + name(v, column) + " = NULL WHERE "
                + name(v, column) + " IS NOT NULL AND " + name(v, column) + " NOT IN (SELECT " + name(v, system[1]) + " FROM "
                + real(v, system[0]) + ");"));
        String cols = columns(v, t.columnNames());
        String sCols = String.join(", ", t.columnNames().stream().map(c -> "s." + name(v, c)).toList());
        String missing = key == null ? "" : " WHERE NOT EXISTS (SELECT 1 FROM " + target + " AS x WHERE x." + key
                + " = s." + key + ")";
        if (v == DbVendor.MYSQL && key != null && !move.selfReferences().isEmpty()) {
            sql.addAll(mysqlSelfReferencingMerge(move, s, stageName, target, key, conflict));
            return sql;
        }
        if (conflict == Conflict.OVERWRITE && key != null) {
            List<String> others = t.columnNames().stream().filter(c -> !c.equals(t.key())).toList();
            if (!others.isEmpty()) {
                if (v == DbVendor.MYSQL) {
                    sql.add("UPDATE " + target + " AS t JOIN " + s + " AS s ON t." + key + " = s." + key + " SET "
                            + String.join(", ", others.stream().map(c -> "t." + name(v, c) + " = s." + name(v, c)).toList()) + ";");
                } else {
                    // PostgreSQL and SQLite (3.33+): UPDATE … FROM; the SET names the target's columns bare
                    String bare = v == DbVendor.PGSQL ? target + " AS t" : target;
                    String ref = v == DbVendor.PGSQL ? "t." : name(v, t.name()) + ".";
                    sql.add("UPDATE " + bare + " SET " + String.join(", ", others.stream().map(c -> name(v, c) + " = s."
                            + name(v, c)).toList()) + " FROM " + s + " AS s WHERE " + ref + key + " = s." + key + ";");
                }
            }
        }
        sql.add("INSERT INTO " + target + " (" + cols + ") SELECT " + sCols + " FROM " + s + " AS s"
                + (conflict == Conflict.REFUSE ? "" : missing) + ";");
        return sql;
    }

    /**
     * MySQL/MariaDB's merge of a table whose rows point at one another (a {@code categories.parent}): InnoDB checks a
     * foreign key as each row is written — PostgreSQL and SQLite at the statement's end —, so a row whose parent comes
     * later in key order would be refused. The new rows' keys are noted first (a temporary table: a temporary table
     * may be named once a statement), the rows are inserted with those columns empty, then the columns are set from
     * the staged rows once every row is there: the new rows', and under {@code overwrite} the overwritten ones' too;
     * under {@code skip} the target's own rows are left as they are.
     */
    private static List<String> mysqlSelfReferencingMerge(MoveTable move, String s, String stageName, String target,
            String key, Conflict conflict) {
        DbVendor v = DbVendor.MYSQL;
        CairnMoveSchema.Table t = move.table();
        List<String> self = move.selfReferences();
        String fresh = name(v, stageName + "_new");
        List<String> sql = new ArrayList<>();
        sql.add("CREATE TEMPORARY TABLE " + fresh + " AS SELECT s." + key + " FROM " + s + " AS s"
                + (conflict == Conflict.REFUSE ? "" : " WHERE NOT EXISTS (SELECT 1 FROM " + target + " AS x WHERE x."
                        + key + " = s." + key + ")") + ";");
        if (conflict == Conflict.OVERWRITE) {
            List<String> others = t.columnNames().stream().filter(c -> !c.equals(t.key()) && !self.contains(c)).toList();
            if (!others.isEmpty()) {
                sql.add("UPDATE " + target + " AS t JOIN " + s + " AS s ON t." + key + " = s." + key + " SET "
                        + String.join(", ", others.stream().map(c -> "t." + name(v, c) + " = s." + name(v, c)).toList()) + ";");
            }
        }
        String values = String.join(", ", t.columnNames().stream().map(c -> self.contains(c) ? "NULL" : "s." + name(v, c))
                .toList());
        sql.add("INSERT INTO " + target + " (" + columns(v, t.columnNames()) + ") SELECT " + values + " FROM " + s
                + " AS s JOIN " + fresh + " AS n ON n." + key + " = s." + key + ";");
        String set = String.join(", ", self.stream().map(c -> "t." + name(v, c) + " = s." + name(v, c)).toList());
        sql.add("UPDATE " + target + " AS t JOIN " + s + " AS s ON t." + key + " = s." + key
                + (conflict == Conflict.OVERWRITE ? "" : " JOIN " + fresh + " AS n ON n." + key + " = s." + key)
                + " SET " + set + ";");
        sql.add("DROP TEMPORARY TABLE " + fresh + ";");
        return sql;
    }

    // ------------------------------------------------------------------------------------------ the file bytes

    /**
     * The sending side of one location's bytes: the names of the referenced files in that location, read from the
     * source's DB, packed by tar from the location's root (names verbatim, never as options; a file whose bytes are
     * missing on the source is said on stderr and left out: the proof names it). From a Docker container each file is
     * copied out with {@code docker cp} (a stopped container too; the image needs no tar) into a private directory on
     * the SSH host, removed on exit, and packed there: {@code docker cp} copies one path, and the whole root would carry
     * every file of the location.
     */
    static String filesSender(DbVendor vendor, DbSettings source, String fileIds, String location, String root,
            Deployment sourceAt) {
        reachable(sourceAt);
        String sql = "SELECT filename_disk FROM " + name(vendor, CairnMoveSchema.FILES) + " WHERE storage = "
                + sqlString(location) + " AND " + name(vendor, "id") + " IN (" + fileIds + ") AND filename_disk NOT LIKE '%..%'";
        String list = switch (vendor) {
            case PGSQL -> psql(source, "-At -c " + quote(sql));
            case MYSQL -> "MYSQL_PWD=" + DumpCommands.DB_PASSWORD + " mysql -N -B -h " + quote(source.host()) + " -P "
                    + source.port() + " -u " + quote(source.username()) + " " + quote(source.database()) + " -e " + quote(sql);
            case SQLITE -> at(sourceAt, "sqlite3 -readonly " + quote(source.sqlitePath()) + " " + quote(sql));
            case SQLSRV -> throw new IllegalArgumentException("SQL Server is not a CairnCMS vendor");
        };
        if (sourceAt.type() == DeploymentType.DOCKER) {
            // the staged copy goes when the command ends, also when the step is stopped
            return "tmp=$(umask 077 && mktemp -d) && trap 'rm -rf \"$tmp\"' EXIT && trap 'exit 1' HUP INT TERM && "
                    + "files=$(" + list + ") && "
                    + "printf '%s\\n' \"$files\" | while IFS= read -r f; do [ -n \"$f\" ] || continue; "
                    + "mkdir -p \"$tmp/b/$(dirname -- \"$f\")\" && if docker cp " + inContainer(sourceAt, root)
                    + "\"$f\" \"$tmp/b/$f\" < /dev/null; then printf '%s\\n' \"$f\" >> \"$tmp/list\"; else printf "
                    + "'%s: not in the container, left out\\n' \"$f\" >&2; fi; done && touch \"$tmp/list\" && tar -C "
                    + "\"$tmp/b\" --verbatim-files-from -cf - -T \"$tmp/list\"";
        }
        return "files=$(" + list + ") && if [ -n \"$files\" ]; then printf '%s\\n' \"$files\" | tar -C " + quote(root)
                + " --ignore-failed-read --verbatim-files-from -cf - -T -; else tar -cf - -T /dev/null; fi";
    }

    /**
     * A command printing the SHA-256 of each named file under a root as {@code sha256sum} does ({@code <sum>  <name>}),
     * a file that is not there left out: on the host, or in a Docker container through {@code docker cp} (a stopped
     * container too), never unpacked on the host.
     */
    static String fileSums(Deployment at, String root, List<String> names) {
        StringBuilder list = new StringBuilder();
        names.forEach(n -> list.append(' ').append(quote(n)));
        if (reachable(at) == DeploymentType.DOCKER) {
            // tar runs its command once per regular file it holds: a file docker cp did not find prints nothing
            return "for f in" + list + "; do h=$(docker cp " + inContainer(at, root) + "\"$f\" - 2> /dev/null | tar -xf - "
                    + "--to-command=sha256sum 2> /dev/null); [ -n \"$h\" ] && printf '%s  %s\\n' \"${h%% *}\" \"$f\"; done; true";
        }
        return "cd " + quote(root) + " && for f in" + list + "; do [ -f \"$f\" ] && sha256sum -- \"$f\"; done; true";
    }

    /** {@code CONTAINER:ROOT/} quoted, for a file name to follow as {@code "$f"}. */
    private static String inContainer(Deployment at, String root) {
        return quote(at.container() + ":" + root.replaceAll("/+$", "") + "/");
    }

    /** A command run where the source's files are: on the host, or inside its container. */
    private static String at(Deployment at, String command) {
        reachable(at);
        return at.wrap(command);
    }

    /** Where the content move reaches: the host or a Docker container; a pod is refused. */
    private static DeploymentType reachable(Deployment at) {
        if (at.type() != DeploymentType.HOST && at.type() != DeploymentType.DOCKER) {
            throw new IllegalArgumentException("The content move does not reach into " + at.describe());
        }
        return at.type();
    }

    /**
     * The receiving side: unpacked into the same-named location's root of the target, names kept. In a Docker container
     * the tar runs in a one-off container of its image with its volumes ({@link Deployment#withVolumesOf}, as the
     * full clone unpacks there): the files are owned as the container's own process would own them, and it works
     * whether the container runs or not.
     */
    static String filesReceiver(String root, Conflict conflict, Deployment targetAt) {
        // tar stops at the archive's end marker: the padding after it is read too, so the stream ends whole. In the
        // one-off container tar may run as root, which would keep the source host's owner ids: the image's user owns them
        String unpack = "mkdir -p " + quote(root) + " && tar -C " + quote(root)
                + (targetAt.type() == DeploymentType.DOCKER ? " --no-same-owner" : "") + " -xf -"
                + (conflict == Conflict.SKIP ? " --skip-old-files" : "") + " && cat > /dev/null";
        return reachable(targetAt) == DeploymentType.DOCKER ? targetAt.withVolumesOf(unpack, true) : unpack;
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static String pgDumpData(DbSettings db, List<String> tables) {
        StringBuilder c = new StringBuilder("PGPASSWORD=" + DumpCommands.DB_PASSWORD + " pg_dump -h " + quote(db.host())
                + " -p " + db.port() + " -U " + quote(db.username()) + " -d " + quote(db.database())
                + " --data-only --no-owner --no-privileges");
        tables.forEach(t -> c.append(" --table=").append(quote("public.\"" + t + "\"")));
        return c.toString();
    }

    private static String mysqldumpData(DbSettings db, List<String> tables, String where) {
        StringBuilder c = new StringBuilder("MYSQL_PWD=" + DumpCommands.DB_PASSWORD + " mysqldump -h " + quote(db.host())
                + " -P " + db.port() + " -u " + quote(db.username()) + " --single-transaction --no-create-info "
                + "--skip-triggers --skip-add-locks --skip-disable-keys --complete-insert --hex-blob --no-tablespaces");
        if (where != null) {
            c.append(" --where=").append(quote(where));
        }
        c.append(' ').append(quote(db.database()));
        tables.forEach(t -> c.append(' ').append(quote(t)));
        return c.toString();
    }

    private static String psql(DbSettings db, String args) {
        return "PGPASSWORD=" + DumpCommands.DB_PASSWORD + " psql -X -q -v ON_ERROR_STOP=1 -h " + quote(db.host()) + " -p "
                + db.port() + " -U " + quote(db.username()) + " -d " + quote(db.database()) + " " + args;
    }

    private static String printf(List<String> lines) {
        StringBuilder c = new StringBuilder("printf '%s\\n'");
        lines.forEach(l -> c.append(' ').append(quote(l)));
        return c.toString();
    }

    private static String columns(DbVendor v, List<String> columns) {
        return String.join(", ", columns.stream().map(c -> name(v, c)).toList());
    }

    static String sqlString(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
