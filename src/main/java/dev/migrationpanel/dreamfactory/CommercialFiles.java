package dev.migrationpanel.dreamfactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.springframework.web.multipart.MultipartFile;

import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactSpec;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.security.Role;
import dev.migrationpanel.security.Roles;

/**
 * The commercial edition's Composer files an admin uploads for a minor upgrade: kept encrypted as the instance's
 * {@link ArtifactKind#UPLOAD} artifacts (an {@code auth.json} carries the vendor's credentials), only under the
 * names the guide's Composer step reads. Only an ADMIN uploads them: Composer runs the scripts a
 * {@code composer.json} names, so such a file is a command, and commands come from the product or an ADMIN.
 */
@Component
class CommercialFiles {

    private final ArtifactStore artifacts;

    CommercialFiles(ArtifactStore artifacts) {
        this.artifacts = artifacts;
    }

    /** Stores the non-empty uploads; returns their artifact ids, and puts what it refused into {@code errors}. */
    List<String> store(Instance instance, List<MultipartFile> files, Authentication who, Map<String, String> errors) {
        List<String> stored = new ArrayList<>();
        for (MultipartFile file : files == null ? List.<MultipartFile>of() : files) {
            if (file.isEmpty()) {
                continue;
            }
            if (who == null || Roles.highest(who.getAuthorities()) != Role.ADMIN) {
                errors.put("commercial", "Only an ADMIN uploads commercial Composer files: Composer runs the scripts "
                        + "they name");
                return List.of();
            }
            String name = file.getOriginalFilename() == null ? "" : file.getOriginalFilename();
            if (!DreamFactoryMinorUpgradeFlow.COMMERCIAL_NAMES.contains(name)) {
                errors.put("commercial", "Commercial file '" + abbreviated(name) + "': the vendor's Composer files are "
                        + String.join(", ", DreamFactoryMinorUpgradeFlow.COMMERCIAL_NAMES.stream().sorted().toList()));
                continue;
            }
            try (InputStream in = file.getInputStream()) {
                stored.add(artifacts.write(new ArtifactSpec(null, instance.getId(), null, name, ArtifactKind.UPLOAD,
                        "application/octet-stream", true), in).getId());
            } catch (IOException e) {
                errors.put("commercial", "Commercial file '" + name + "' could not be read from the upload");
            }
        }
        return stored;
    }

    private static String abbreviated(String name) {
        String oneLine = name.replaceAll("[\\p{Cntrl}]", "?");
        return oneLine.length() > 60 ? oneLine.substring(0, 60) + "…" : oneLine;
    }
}
