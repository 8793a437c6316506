package dev.migrationpanel.fief;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactSpec;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.security.Role;
import dev.migrationpanel.security.Roles;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The Fief Cloud exporter's dump, uploaded by an ADMIN for an instance: a plain PostgreSQL dump whose first line is
 * {@code -- ENCRYPTION_KEY=<the workspace's Fernet key>} (the guide: "you'll find your encryption key at the top of your
 * dump file"). Checked for that line and stored encrypted as the instance's upload artifact; the key is never shown, it
 * travels from that file into the instance's environment on the instance's host.
 */
@Component
class FiefCloudExport {

    static final String NAME = "fief-cloud-export.sql";
    static final Pattern KEY_LINE = Pattern.compile("^-- ENCRYPTION_KEY=(\\S+)\\s*$");
    private static final int FIRST_LINE_MAX = 512;

    private final ArtifactStore artifacts;

    FiefCloudExport(ArtifactStore artifacts) {
        this.artifacts = artifacts;
    }

    /** @return the artifact id; refuses a non-ADMIN and a file whose first line holds no Fernet key */
    String store(Instance instance, InputStream upload, Authentication who) throws IOException {
        if (who == null || Roles.highest(who.getAuthorities()) != Role.ADMIN) {
            throw InvalidInputException.of("dump", "Only an ADMIN uploads a Fief Cloud export: it is imported into the instance's "
                    + "database and carries its encryption key");
        }
        BufferedInputStream in = new BufferedInputStream(upload);
        in.mark(FIRST_LINE_MAX + 2);
        byte[] head = in.readNBytes(FIRST_LINE_MAX + 1);
        in.reset();
        if (key(new String(head, StandardCharsets.UTF_8)).isEmpty()) {
            throw InvalidInputException.of("dump", "Not a Fief Cloud export: its first line must be -- ENCRYPTION_KEY=<key> with a "
                    + "Fernet key (the exporter writes it there)");
        }
        Artifact stored = artifacts.write(new ArtifactSpec(null, instance.getId(), null, NAME, ArtifactKind.UPLOAD,
                "application/sql", true), in);
        return stored.getId();
    }

    /** The key of a dump's first line, when it is one Fief accepts. */
    static Optional<String> key(String text) {
        int nl = text.indexOf('\n');
        String first = (nl < 0 ? text : text.substring(0, nl)).replace("\r", "");
        Matcher m = KEY_LINE.matcher(first);
        return m.matches() && Fernet.isValidKey(m.group(1)) ? Optional.of(m.group(1)) : Optional.empty();
    }
}
