package dev.migrationpanel.restore;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.security.AuditService;
import dev.migrationpanel.web.InvalidInputException;
import dev.migrationpanel.web.NotFoundException;

/** The scratch servers an ADMIN sets up for test-restores: each field checked here, the password kept encrypted. */
@Service
public class ScratchServers {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:-]{0,252}");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.@-]{0,99}");

    private final ScratchServerRepository repository;
    private final AuditService audit;
    private final Clock clock;

    ScratchServers(ScratchServerRepository repository, AuditService audit, Clock clock) {
        this.repository = repository;
        this.audit = audit;
        this.clock = clock;
    }

    /** What the ADMIN's form posts; the password is write-only. */
    public record Form(String name, String vendor, String host, String port, String username, String password) {
    }

    public List<ScratchServer> list() {
        return repository.findAllByOrderByNameAsc();
    }

    public ScratchServer get(long id) {
        return repository.findById(id).orElseThrow(() -> new NotFoundException("No scratch server " + id));
    }

    @Transactional
    public ScratchServer create(Form form) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = form.name() == null ? "" : form.name().trim();
        if (!NAME.matcher(name).matches()) {
            errors.put("name", "A name is 1 to 100 letters, digits, spaces, dots, dashes and underscores");
        } else if (repository.findByNameIgnoreCase(name).isPresent()) {
            errors.put("name", "A scratch server named " + name + " exists already");
        }
        DbVendor vendor = DbVendor.fromCode(form.vendor()).filter(v -> v == DbVendor.MYSQL || v == DbVendor.PGSQL)
                .orElse(null);
        if (vendor == null) {
            errors.put("vendor", "Choose MySQL / MariaDB or PostgreSQL (SQLite dumps restore into a scratch file)");
        }
        String host = form.host() == null ? "" : form.host().trim();
        if (!HOST.matcher(host).matches()) {
            errors.put("host", "A host is a name or an address (letters, digits, dots, dashes, colons)");
        }
        int port = 0;
        try {
            port = Integer.parseInt(form.port() == null || form.port().isBlank()
                    ? String.valueOf(vendor == null ? 0 : vendor.defaultPort()) : form.port().trim());
        } catch (NumberFormatException e) {
            port = 0;
        }
        if (port < 1 || port > 65535) {
            errors.put("port", "A port is a number from 1 to 65535");
        }
        String user = form.username() == null ? "" : form.username().trim();
        if (!USER.matcher(user).matches()) {
            errors.put("username", "A user name is 1 to 100 letters, digits, dots, dashes, underscores and @");
        }
        String password = form.password() == null ? "" : form.password();
        if (password.isEmpty() || password.length() > 500 || password.contains("\n") || password.contains("\r")) {
            errors.put("password", "A password is 1 to 500 characters on one line");
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        ScratchServer saved = repository.save(new ScratchServer(name, vendor, host, port, user, password, clock.instant()));
        audit.record("scratch-server.create", "scratch-server", saved.getId(), saved.getName(), saved.describe());
        return saved;
    }

    @Transactional
    public void delete(long id) {
        ScratchServer server = get(id);
        repository.delete(server);
        audit.record("scratch-server.delete", "scratch-server", id, server.getName(), server.describe());
    }
}
