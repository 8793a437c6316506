package dev.migrationpanel.job;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.InstanceDbConnection;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.InstanceConnections;

/**
 * Runs SQL against the step's instance DB: over JDBC (tunnelled or direct) for networked vendors, with
 * the instance's own {@code sqlite3} over SSH for SQLite. A script runs in one transaction and stops at
 * the first failing statement; a query logs its rows.
 */
@Component
class SqlExecutor implements StepExecutor {

    static final int MAX_LOGGED_ROWS = 200;

    private final InstanceConnections connections;

    SqlExecutor(InstanceConnections connections) {
        this.connections = connections;
    }

    @Override
    public String kind() {
        return StepSpec.SQL;
    }

    @Override
    public StepResult execute(StepRun run) throws SQLException {
        StepSpec.Sql spec = (StepSpec.Sql) run.spec();
        DbSettings settings = connections.dbSettings(run.instance(), run.ssh());
        String sql = run.withSecrets(spec.sql());
        if (settings.vendor() == DbVendor.SQLITE) {
            return sqlite(run, settings, sql);
        }
        try (InstanceDbConnection db = connections.openDb(run.instance(), run.ssh(), settings)) {
            Connection c = db.connection();
            c.setAutoCommit(false);
            try (Statement statement = c.createStatement()) {
                statement.setQueryTimeout((int) Math.max(1, run.timeout().toSeconds()));
                if (spec.query()) {
                    try (ResultSet rows = statement.executeQuery(sql)) {
                        int n = logRows(run, rows);
                        c.rollback();
                        return StepResult.done(n + " row(s)");
                    }
                }
                List<String> statements = split(sql);
                for (int i = 0; i < statements.size(); i++) {
                    try {
                        statement.execute(statements.get(i));
                    } catch (SQLException e) {
                        c.rollback();
                        throw new StepFailedException("Statement " + (i + 1) + " of " + statements.size()
                                + " failed, nothing was committed: " + firstLine(e));
                    }
                }
                c.commit();
                return StepResult.done(statements.size() + " statement(s) committed");
            }
        }
    }

    private static StepResult sqlite(StepRun run, DbSettings settings, String sql) {
        String command = Deployment.of(run.instance()).wrap("sqlite3 -bail -batch -header -separator '\t' "
                + quote(settings.sqlitePath()) + " " + quote(sql));
        int[] lines = {0};
        String[] lastError = {null};
        int exit = run.ssh().streamInProcessGroup(command, run.timeout(), (stream, line) -> {
            if (stream == dev.migrationpanel.remote.LineListener.Stream.STDERR) {
                lastError[0] = line;
                run.err(line);
            } else if (lines[0]++ < MAX_LOGGED_ROWS) {
                run.out(line);
            }
        }, run::cancelled);
        if (exit != 0) {
            throw new StepFailedException("sqlite3 failed" + (lastError[0] == null ? " with exit code " + exit : ": " + lastError[0]));
        }
        return StepResult.done("sqlite3 done");
    }

    private static int logRows(StepRun run, ResultSet rows) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        List<String> header = new ArrayList<>();
        for (int col = 1; col <= meta.getColumnCount(); col++) {
            header.add(meta.getColumnLabel(col));
        }
        run.out(String.join("\t", header));
        int n = 0;
        while (rows.next()) {
            if (n++ < MAX_LOGGED_ROWS) {
                List<String> values = new ArrayList<>();
                for (int col = 1; col <= meta.getColumnCount(); col++) {
                    values.add(String.valueOf(rows.getObject(col)));
                }
                run.out(String.join("\t", values));
            }
        }
        if (n > MAX_LOGGED_ROWS) {
            run.note((n - MAX_LOGGED_ROWS) + " more row(s) not logged");
        }
        return n;
    }

    /** Splits a script at semicolons that end a line; statements with semicolons inside stay whole. */
    static List<String> split(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\\R")) {
            current.append(line).append('\n');
            if (line.stripTrailing().endsWith(";")) {
                add(statements, current);
            }
        }
        add(statements, current);
        return statements;
    }

    private static void add(List<String> statements, StringBuilder current) {
        String statement = current.toString().strip();
        if (statement.endsWith(";")) {
            statement = statement.substring(0, statement.length() - 1).strip();
        }
        if (!statement.isEmpty()) {
            statements.add(statement);
        }
        current.setLength(0);
    }

    private static String firstLine(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
