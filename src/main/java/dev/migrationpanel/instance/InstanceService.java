package dev.migrationpanel.instance;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.migrationpanel.remote.HostKey;
import dev.migrationpanel.remote.SshAuth;
import dev.migrationpanel.remote.SshTarget;
import dev.migrationpanel.security.AuditService;
import dev.migrationpanel.web.InvalidInputException;
import dev.migrationpanel.web.NotFoundException;

/** The registry: validated changes to instances, host-key trust, and the audit of both. */
@Service
public class InstanceService {

    private final InstanceRepository instances;
    private final InstanceCheckRepository checks;
    private final InstanceValidator validator;
    private final AuditService audit;
    private final Clock clock;

    InstanceService(InstanceRepository instances, InstanceCheckRepository checks, InstanceValidator validator,
            AuditService audit, Clock clock) {
        this.instances = instances;
        this.checks = checks;
        this.validator = validator;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public List<Instance> list() {
        return instances.findAllByOrderByNameAsc();
    }

    /** Every instance's id and name, by name: what a filter offers, without loading the instances. */
    @Transactional(readOnly = true)
    public List<InstanceName> names() {
        return instances.findNamesOrderByName();
    }

    @Transactional(readOnly = true)
    public Instance get(long id) {
        return instances.findById(id).orElseThrow(() -> new NotFoundException("No instance with id " + id));
    }

    @Transactional(readOnly = true)
    public Optional<InstanceCheck> lastCheck(long instanceId) {
        return checks.findFirstByInstanceIdOrderByStartedAtDescIdDesc(instanceId);
    }

    @Transactional(readOnly = true)
    public List<InstanceCheck> recentChecks(long instanceId) {
        return checks.findTop10ByInstanceIdOrderByStartedAtDescIdDesc(instanceId);
    }

    /** The registry's rules without saving: for a page that already found a value it could not bind. */
    @Transactional(readOnly = true)
    public void validate(InstanceForm form, Long existingId) {
        validator.validate(form, existingId == null ? null : get(existingId));
    }

    @Transactional
    public Instance create(InstanceForm form) {
        validator.validate(form, null);
        Instance instance = new Instance();
        apply(form, instance);
        instance.setCreatedAt(Instant.now(clock));
        instance.setUpdatedAt(instance.getCreatedAt());
        Instance saved = instances.save(instance);
        audit.record("instance.created", "instance", saved.getId(), saved.getName(),
                saved.getProduct() + " " + saved.getSshUser() + "@" + saved.getSshHost() + ":" + saved.getSshPort()
                        + " " + saved.getInstallPath());
        return saved;
    }

    @Transactional
    public Instance update(long id, InstanceForm form) {
        Instance instance = get(id);
        validator.validate(form, instance);
        boolean addressChanged = !Objects.equals(instance.getSshHost(), trim(form.getSshHost()))
                || instance.getSshPort() != form.getSshPort();
        apply(form, instance);
        if (addressChanged && instance.pinnedHostKey() != null) {
            instance.forgetHostKeys();
        }
        instance.setUpdatedAt(Instant.now(clock));
        audit.record("instance.updated", "instance", id, instance.getName(),
                addressChanged ? "SSH address changed: host key must be accepted again" : null);
        return instance;
    }

    @Transactional
    public void delete(long id) {
        Instance instance = get(id);
        instances.delete(instance);
        audit.record("instance.deleted", "instance", id, instance.getName(), null);
    }

    /**
     * Pins the key the server presented at the last contact. The fingerprint the admin saw must be the one
     * stored, so a key that changed between the page and the click is not accepted blindly.
     */
    @Transactional
    public Instance acceptHostKey(long id, String fingerprintShown) {
        Instance instance = get(id);
        HostKey seen = instance.seenHostKey();
        if (seen == null) {
            throw InvalidInputException.of("fingerprint",
                    "There is no new host key to accept: run a check first so the panel can fetch it");
        }
        if (!seen.fingerprint().equals(fingerprintShown)) {
            throw InvalidInputException.of("fingerprint",
                    "The fingerprint given does not match the key the server presented (" + seen.fingerprint() + ")");
        }
        HostKey previous = instance.pinnedHostKey();
        instance.pinHostKey(seen, AuditService.currentActor(), Instant.now(clock));
        audit.record(previous == null ? "hostkey.accepted" : "hostkey.reaccepted", "instance", id, instance.getName(),
                (previous == null ? "" : "replaces " + previous.type() + " " + previous.fingerprint() + " with ")
                        + seen.type() + " " + seen.fingerprint());
        return instance;
    }

    @Transactional
    void rememberSeenHostKey(long id, HostKey key) {
        Instance instance = get(id);
        if (!Objects.equals(instance.seenHostKey(), key)) {
            instance.rememberSeenHostKey(key, Instant.now(clock));
        }
    }

    /** How to reach the instance over SSH, with its secrets, for the remote workers only. */
    public static SshTarget sshTarget(Instance i) {
        SshAuth auth = i.getSshAuth() == SshAuthMethod.PASSWORD
                ? new SshAuth.Password(i.getSshPassword())
                : new SshAuth.PrivateKey(i.getSshPrivateKey(), i.getSshPassphrase());
        return new SshTarget(i.getSshHost(), i.getSshPort(), i.getSshUser(), auth, i.pinnedHostKey());
    }

    private static void apply(InstanceForm f, Instance i) {
        i.setName(trim(f.getName()));
        i.setProduct(f.getProduct());
        i.setEnvironment(trim(f.getEnvironment()));
        i.setSshHost(trim(f.getSshHost()));
        i.setSshPort(f.getSshPort());
        i.setSshUser(trim(f.getSshUser()));
        String passphrase = f.passphraseFor(i.getId() == null ? null : i);
        i.setSshAuth(f.getSshAuth());
        if (f.getSshAuth() == SshAuthMethod.PASSWORD) {
            if (!blank(f.getSshPassword())) {
                i.setSshPassword(f.getSshPassword());
            }
            i.setSshPrivateKey(null);
            i.setSshPassphrase(null);
        } else {
            if (!blank(f.getSshPrivateKey())) {
                i.setSshPrivateKey(f.getSshPrivateKey().strip() + "\n");
            }
            i.setSshPassphrase(passphrase);
            i.setSshPassword(null);
        }
        i.setDeploymentType(f.getDeploymentType());
        i.setContainerName(f.getDeploymentType() == DeploymentType.HOST ? null : emptyToNull(f.getContainerName()));
        boolean k8s = f.getDeploymentType() == DeploymentType.KUBERNETES;
        i.setK8sNamespace(k8s ? emptyToNull(f.getK8sNamespace()) : null);
        i.setK8sPod(k8s ? emptyToNull(f.getK8sPod()) : null);
        i.setInstallPath(stripTrailingSlash(trim(f.getInstallPath())));
        i.setAppUrl(emptyToNull(f.getAppUrl()));
        i.setDbAccess(f.getDbAccess());
        i.setDbConnection(emptyToNull(f.getDbConnection()));
        i.setDbHost(emptyToNull(f.getDbHost()));
        i.setDbPort(f.getDbPort());
        i.setDbDatabase(emptyToNull(f.getDbDatabase()));
        i.setDbUsername(emptyToNull(f.getDbUsername()));
        if (f.isClearDbPassword()) {
            i.setDbPassword(null);
        } else if (!blank(f.getDbPassword())) {
            i.setDbPassword(f.getDbPassword());
        }
        i.setDbSqlitePath(emptyToNull(f.getDbSqlitePath()));
        java.util.Map<String, String> settings = new java.util.TreeMap<>();
        f.getProductSettings().forEach((name, value) -> {
            if (value != null && !value.isBlank()) {
                settings.put(name, value.trim());
            }
        });
        i.setProductSettings(settings.isEmpty() ? null
                : tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(settings));
    }

    private static String stripTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.replaceAll("/+$", "") : path;
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
