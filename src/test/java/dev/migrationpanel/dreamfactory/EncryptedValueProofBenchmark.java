package dev.migrationpanel.dreamfactory;

import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.postgresql.PGConnection;

import dev.migrationpanel.database.TextValues;

/**
 * The migration proof's encrypted-value pass over a million Laravel payloads, on the machine's PostgreSQL and
 * MariaDB, the way production reads them: {@link TextValues#scan} streaming rows from the server into
 * {@link EncryptedValueScan}, which verifies each MAC and decrypts each value. The values sit inside JSON
 * documents, two per row (a service config's username and password), as DreamFactory stores them.
 * Prints time, values per second and the heap's peak above the baseline; run it with a small heap to show
 * that memory stays flat (holding the values would need hundreds of MB).
 *
 * <pre>./mvnw -q -Pbenchmark-proof test-compile exec:exec [-Dbenchmark.values=1000000 -Dbenchmark.vendors=pgsql,mariadb]</pre>
 */
public final class EncryptedValueProofBenchmark {

    private static final String DB = "panel_bench_encrypted";
    private static final String KEY = "base64:" + Base64.getEncoder().encodeToString(
            "bench-key-0123456789abcdef012345".getBytes(StandardCharsets.UTF_8));

    public static void main(String[] args) throws Exception {
        long values = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        String[] vendors = (args.length > 1 ? args[1] : "pgsql,mariadb").split(",");
        System.out.printf(Locale.ROOT, "Encrypted-value proof: %,d Laravel payloads inside JSON, heap max %d MiB%n",
                values, Runtime.getRuntime().maxMemory() >> 20);
        for (String vendor : vendors) {
            prepare(vendor.trim(), values);
            measure(vendor.trim(), values);
        }
    }

    private static Connection server(String vendor, String db) throws Exception {
        return vendor.equals("pgsql") ? DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + db, "postgres", "")
                : DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/" + db, "root", "");
    }

    /** A fresh DB with values/2 rows of bench_config(service_id, connection JSON holding two payloads). */
    private static void prepare(String vendor, long values) throws Exception {
        try (Connection c = server(vendor, vendor.equals("pgsql") ? "postgres" : ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB + (vendor.equals("pgsql") ? " WITH (FORCE)" : ""));
            s.execute("CREATE DATABASE " + DB);
        }
        LaravelEncrypter encrypter = new LaravelEncrypter(KEY);
        long rows = values / 2;
        long started = System.nanoTime();
        try (Connection c = server(vendor, DB); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bench_config (service_id integer primary key, driver varchar(32), connection text)");
            int batch = 2000;
            for (long from = 1; from <= rows; from += batch) {
                StringBuilder data = new StringBuilder();
                long to = Math.min(rows, from + batch - 1);
                if (vendor.equals("pgsql")) {
                    for (long id = from; id <= to; id++) {
                        data.append(id).append("\tpgsql\t").append(connection(encrypter, id)).append('\n');
                    }
                    ((PGConnection) c.unwrap(PGConnection.class)).getCopyAPI().copyIn(
                            "COPY bench_config FROM STDIN", new StringReader(data.toString()));
                } else {
                    data.append("INSERT INTO bench_config VALUES ");
                    for (long id = from; id <= to; id++) {
                        data.append(id == from ? "" : ", ").append('(').append(id).append(", 'mysql', '")
                                .append(connection(encrypter, id)).append("')");
                    }
                    s.execute(data.toString());
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s: %,d rows written in %.1f s%n", vendor, rows, (System.nanoTime() - started) / 1e9);
    }

    /** JSON as PHP's json_encode writes it (no characters that need escaping in SQL or COPY). */
    private static String connection(LaravelEncrypter encrypter, long id) {
        return "{\"host\":\"db" + id + ".lab.test\",\"port\":5432,\"username\":\"" + encrypter.encryptString("user" + id)
                + "\",\"password\":\"" + encrypter.encryptString("password-" + id) + "\"}";
    }

    private static void measure(String vendor, long values) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(baseline);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        EncryptedValueScan scan = new EncryptedValueScan(new LaravelEncrypter(KEY));
        long started = System.nanoTime();
        try (Connection c = server(vendor, DB)) {
            TextValues.scan(c, EncryptedValueScan.MARKER, scan);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        running.set(false);
        sampler.join();
        if (scan.payloads() != values || scan.failed() != 0) {
            throw new IllegalStateException(vendor + ": " + scan.payloads() + " payloads, " + scan.failed() + " failed; expected "
                    + values + " and 0");
        }
        System.out.printf(Locale.ROOT, "%s: %,d payloads found and decrypted in %.1f s (%,.0f values/s), heap peak %d MiB "
                + "above a baseline of %d MiB%n", vendor, scan.payloads(), seconds, scan.payloads() / seconds,
                (peak.get() - baseline) >> 20, baseline >> 20);
        try (Connection c = server(vendor, vendor.equals("pgsql") ? "postgres" : ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB + (vendor.equals("pgsql") ? " WITH (FORCE)" : ""));
        }
    }

    private EncryptedValueProofBenchmark() {
    }
}
