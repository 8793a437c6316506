package dev.migrationpanel.database;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a plain-text dump says of itself, read in one pass without holding it: whether it ends as the vendor's tool
 * ends a complete dump (mysqldump's {@code -- Dump completed}, pg_dump's {@code -- PostgreSQL database dump
 * complete}, sqlite3's closing {@code COMMIT;}), and the source's row counts the panel appended to it
 * ({@link DumpCommands#appendRowCounts}), when it did.
 *
 * @param complete     the vendor's end of a complete dump is there
 * @param sourceCounts every table's rows as counted on the source, by name; null for a dump without them (taken
 *                     before the panel recorded them, or cut before they were written)
 */
public record DumpFacts(boolean complete, Map<String, Long> sourceCounts) {

    private static final Pattern ROWS = Pattern.compile(Pattern.quote(DumpCommands.ROWS_LINE) + "(\\d{1,19})[\\t|](.+)");

    public DumpFacts {
        sourceCounts = sourceCounts == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(sourceCounts));
    }

    /** The line the vendor's own dump tool ends a complete dump with, as {@link DumpCommands} runs it. */
    public static String completeMarker(DbVendor vendor) {
        return switch (vendor) {
            case MYSQL -> "-- Dump completed";
            case PGSQL -> "-- PostgreSQL database dump complete";
            case SQLITE -> "COMMIT;";
            case SQLSRV -> throw new DatabaseException("SQL Server: the panel makes no dump of it");
        };
    }

    public static DumpFacts read(InputStream dump, DbVendor vendor) throws IOException {
        String marker = completeMarker(vendor);
        boolean complete = false;
        boolean ended = false;
        Map<String, Long> counts = new LinkedHashMap<>();
        BufferedReader lines = new BufferedReader(new InputStreamReader(dump, StandardCharsets.UTF_8), 1 << 16);
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.startsWith("-- panel-source-rows")) {
                if (line.equals(DumpCommands.ROWS_END)) {
                    ended = true;
                } else {
                    Matcher m = ROWS.matcher(line);
                    if (m.matches()) {
                        counts.put(m.group(2), Long.parseLong(m.group(1)));
                    }
                }
            } else if (line.startsWith(marker)) {
                complete = true;
            }
        }
        return new DumpFacts(complete, ended ? counts : null);
    }
}
