package dev.migrationpanel.database;

/** JDBC URLs for the networked vendors, each with connect and socket timeouts bounded. */
public final class JdbcUrls {

    private JdbcUrls() {
    }

    public static String of(DbVendor vendor, String host, int port, String database, int timeoutSeconds) {
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return switch (vendor) {
            case MYSQL -> "jdbc:mariadb://" + hostPart + ":" + port + "/" + database
                    + "?permitMysqlScheme&connectTimeout=" + timeoutSeconds * 1000
                    + "&socketTimeout=" + timeoutSeconds * 3000;
            case PGSQL -> "jdbc:postgresql://" + hostPart + ":" + port + "/" + database
                    + "?connectTimeout=" + timeoutSeconds + "&socketTimeout=" + timeoutSeconds * 3
                    + "&ApplicationName=migration-panel";
            case SQLSRV -> "jdbc:sqlserver://" + hostPart + ":" + port + ";databaseName=" + database
                    + ";loginTimeout=" + timeoutSeconds + ";encrypt=true;trustServerCertificate=true";
            case SQLITE -> throw new IllegalArgumentException("SQLite is a file on the instance's host, not reached over JDBC");
        };
    }
}
