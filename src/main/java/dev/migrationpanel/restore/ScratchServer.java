package dev.migrationpanel.restore;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.security.EncryptedStringConverter;

/**
 * A DB server an ADMIN lends the test-restores: they create their scratch databases there ({@code panel_restore_*}),
 * as its user, and drop them after. Its host and port are as the instance's SSH host reaches them: the restore runs
 * there, with the vendor client that made the dump. The password is kept encrypted and never shown.
 */
@Entity
@Table(name = "scratch_server")
public class ScratchServer {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String name;
    private String vendor;
    private String host;
    private int port;
    private String username;
    @Convert(converter = EncryptedStringConverter.class)
    @Column(name = "password_enc")
    private String password;
    private Instant createdAt;

    protected ScratchServer() {
    }

    ScratchServer(String name, DbVendor vendor, String host, int port, String username, String password, Instant createdAt) {
        this.name = name;
        this.vendor = vendor.code();
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
        this.createdAt = createdAt;
    }

    public Long getId() { return id; }
    public String getName() { return name; }
    public DbVendor getVendor() { return DbVendor.fromCode(vendor).orElseThrow(); }
    public String getHost() { return host; }
    public int getPort() { return port; }
    public String getUsername() { return username; }
    public Instant getCreatedAt() { return createdAt; }

    /** Never shown: only the restore's command gets it, on its standard input. */
    String password() {
        return password;
    }

    /** The scratch database {@code database} on this server, as the restore's commands connect to it. */
    DbSettings settings(String database) {
        return new DbSettings(getVendor(), host, port, database, username, password, null);
    }

    /** What the admin reads: everything but the password. */
    public String describe() {
        return name + " (" + getVendor().label() + " " + host + ":" + port + " as " + username + ")";
    }
}
