package dev.migrationpanel.cairncms;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.BothSides;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The guide's structure promotion: the source's data model ({@code schema snapshot}) and its roles and permissions
 * ({@code config snapshot}) carried to a target, where both are dry-run, shown, confirmed at a gate, applied, and
 * then dry-run again to prove nothing is left to apply. Content is not moved. The source is only read; the target's
 * DB is backed up first. Options: {@code target} (another CairnCMS instance), {@code destructive} ({@code true}:
 * {@code config apply --destructive} also deletes roles and permissions the source does not have; default false),
 * {@code acceptMismatch} ({@code true}: apply a snapshot stamped with another DB vendor or CairnCMS version than the
 * target's, with the guide's warning; default false, and such a pair is refused).
 */
@Component
class CairnPromotionFlow implements CairnPairFlow {

    static final String ID = "cairncms.structure-promotion";
    static final String GATE = "Read the two dry runs above: continuing applies them to the target";
    static final String VERIFY = "Verify: a new dry run of both snapshots has nothing left to apply";
    static final String VERIFY_MISMATCHED = "Verify: a new dry run finds every collection, field and relation in place "
            + "(the type drift it still lists is shown) and no roles or permissions left to apply";
    static final String ACCEPT_MISMATCH = "acceptMismatch";
    /** The guide's warning for a snapshot applied across vendors ("Cross-vendor migration"). */
    static final String VENDOR_WARNING = "The schema snapshot stamps the source's vendor and the CLI does not gate on it: "
            + "it applies as is, but the resulting database may have subtly wrong types (column types and defaults are not "
            + "strictly portable). Spot-check critical fields for type drift and correct any that did not translate; treat "
            + "a cross-vendor migration as a project, rehearsed on non-prod data first";
    /** The guide's warning for a snapshot applied across versions ("Cross-version migration"). */
    static final String VERSION_WARNING = "The CLI does not gate on the snapshot's platform version: treat a version "
            + "mismatch as a hint to align versions first (upgrade the source to the target's release and snapshot again), "
            + "not a routine --force";
    private static final Duration SHORT = ProductSteps.SHORT;
    private static final Duration LONG = Duration.ofMinutes(30);

    private final InstanceService instances;
    private final InstanceConnections connections;

    CairnPromotionFlow(InstanceService instances, InstanceConnections connections) {
        this.instances = instances;
        this.connections = connections;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Structure promotion (schema and roles to another instance)";
    }

    @Override
    public String description() {
        return "Carries the data model and the role/permission setup to another instance (dev → staging → production): "
                + "snapshot on the source, dry run shown on the target, confirm, apply, prove. No content moves.";
    }

    @Override
    public Purpose purpose() {
        return Purpose.MIGRATE;
    }

    @Override
    public String changes() {
        return "the target's schema, roles and permissions, after a backup of its DB; no content moves; the source is only read";
    }

    @Override
    public String product() {
        return CairnCmsProfile.ID;
    }

    @Override
    public boolean appliesTo(Instance instance) {
        return CairnPairFlow.super.appliesTo(instance) && CairnCmsProfile.reachable(instance);
    }

    @Override
    public String whyNotApplicable(Instance instance) {
        return CairnCmsProfile.whyNotReachable(instance);
    }

    /**
     * Why this instance cannot be the promotion's target, or null: a CairnCMS install on a plain host or in a Docker
     * container (the snapshots copied in, the CLI run inside), not in a pod.
     */
    static String whyNotTarget(Instance target) {
        if (!CairnCmsProfile.ID.equals(target.getProduct())) {
            return target.getName() + " is not a CairnCMS instance";
        }
        return CairnCmsProfile.reachable(target) ? null : target.getName() + " " + CairnCmsProfile.whyNotReachable(target);
    }

    @Override
    public Plan plan(Instance source, Map<String, String> given) {
        Map<String, String> errors = new LinkedHashMap<>();
        String targetId = given.getOrDefault("target", "").trim();
        String destructive = given.getOrDefault("destructive", "false").trim();
        if (!destructive.equals("true") && !destructive.equals("false")) {
            errors.put("destructive", "'destructive' is true or false");
        }
        String acceptMismatch = given.getOrDefault(ACCEPT_MISMATCH, "false").trim();
        if (!acceptMismatch.equals("true") && !acceptMismatch.equals("false")) {
            errors.put(ACCEPT_MISMATCH, "'" + ACCEPT_MISMATCH + "' is true or false");
        }
        if (!targetId.matches("\\d{1,18}")) {
            errors.put("target", "Name the target instance by its id");
            throw new InvalidInputException(errors);
        }
        Instance target = instances.get(Long.parseLong(targetId));
        if (target.getId().equals(source.getId())) {
            errors.put("target", "The target must be another instance than the source");
        } else if (whyNotTarget(target) != null) {
            errors.put("target", whyNotTarget(target));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        BothSides.Read<Side, Side> sides = readBoth(source, target);
        return build(source, target, sides.source(), sides.target(), Boolean.parseBoolean(destructive),
                Boolean.parseBoolean(acceptMismatch));
    }

    @Override
    public List<CheckItem> pairChecks(Instance source, Instance target, Map<String, String> options) {
        if (whyNotTarget(target) != null) {
            return List.of(CheckItem.blocking("Deployment", whyNotTarget(target)));
        }
        BothSides.Read<Side, Side> sides = readBoth(source, target);
        return List.of(stamp(sides.source(), sides.target(), "true".equals(options.get(ACCEPT_MISMATCH))),
                "true".equals(options.get("destructive"))
                        ? CheckItem.warning("Destructive", "config apply --destructive also deletes the target's roles, "
                                + "policies and permissions that the source does not have")
                        : CheckItem.ok("Destructive", "off: config apply adds and updates, never deletes"));
    }

    /**
     * What one side runs: its host (home, DB settings) and the CairnCMS version its CLI reports. The source's is what
     * its snapshot is stamped with ({@code vendor:}, {@code directus:} in schema.yaml).
     *
     * @param version null when it could not be told ({@code versionError} says why)
     */
    record Side(HostFacts host, String version, String versionError) {
    }

    /** How the snapshot's stamp differs from the target (vendor, version), each as one line; empty: the same. */
    static List<String> mismatches(Side s, Side t) {
        List<String> found = new ArrayList<>();
        if (s.host().db().vendor() != t.host().db().vendor()) {
            found.add("DB vendor " + s.host().db().vendor().label() + " (snapshot) → " + t.host().db().vendor().label()
                    + " (target)");
        }
        if (!s.version().equals(t.version())) {
            found.add("CairnCMS " + s.version() + " (snapshot) → " + t.version() + " (target)");
        }
        return found;
    }

    /** The guide's warnings that apply to these mismatches, vendor first. */
    static String warning(Side s, Side t) {
        List<String> warnings = new ArrayList<>();
        if (s.host().db().vendor() != t.host().db().vendor()) {
            warnings.add(VENDOR_WARNING);
        }
        if (!s.version().equals(t.version())) {
            warnings.add(VERSION_WARNING);
        }
        return String.join(". ", warnings);
    }

    /** Why the pair cannot be told apart at all (a side's vendor or version unknown), or null. */
    private static String unknown(Side s, Side t) {
        if (s.host().db() == null || t.host().db() == null) {
            return "The DB of both sides must be known from their .env (DB_CLIENT)";
        }
        if (s.version() == null || t.version() == null) {
            return "The CairnCMS version of the " + (s.version() == null ? "source" : "target") + " cannot be told "
                    + "(cairncms --version: " + (s.version() == null ? s.versionError() : t.versionError()) + ")";
        }
        return null;
    }

    /**
     * The guide's cross-vendor and cross-version caveats, as the pre-flight shows them: the snapshot stamps the
     * source's vendor and version, the CLI applies it whatever the target runs. A mismatch is refused unless the
     * admin chose to apply it anyway ({@code acceptMismatch}); then it is a warning with the guide's words.
     */
    static CheckItem stamp(Side s, Side t, boolean acceptMismatch) {
        String unknown = unknown(s, t);
        if (unknown != null) {
            return CheckItem.blocking("Snapshot and target", unknown);
        }
        List<String> mismatches = mismatches(s, t);
        if (mismatches.isEmpty()) {
            return CheckItem.ok("Snapshot and target", "both " + s.host().db().vendor().label() + ", CairnCMS " + s.version());
        }
        String what = String.join("; ", mismatches) + ". " + warning(s, t);
        return acceptMismatch
                ? CheckItem.warning("Snapshot and target", what + ". Applied anyway, as chosen")
                : CheckItem.blocking("Snapshot and target", what + ". Align them first (a target on the source's vendor "
                        + "and version), or choose to apply the snapshot anyway");
    }

    /** The plan, as a value: no server is asked anything here. */
    static Plan build(Instance source, Instance target, Side ss, Side ts, boolean destructive, boolean acceptMismatch) {
        CheckItem stamp = stamp(ss, ts, acceptMismatch);
        if (stamp.getStatus() == CheckStatus.BLOCKING) {
            throw InvalidInputException.of(ss.host().db() != null && ts.host().db() != null && ss.version() != null
                    && ts.version() != null ? ACCEPT_MISMATCH : "target", stamp.getMessage());
        }
        boolean mismatched = stamp.getStatus() == CheckStatus.WARNING;
        HostFacts s = ss.host();
        HostFacts t = ts.host();
        String sdir = s.workDir() + "/promotion-" + source.getId() + "-" + target.getId();
        String tdir = t.workDir() + "/promotion-" + source.getId() + "-" + target.getId();
        String scli = CairnCommands.cli(source);
        String tcli = CairnCommands.cli(target);
        Long sid = source.getId();
        Long tid = target.getId();
        String sname = source.getName();
        String tname = target.getName();
        // in a Docker container the CLI writes the snapshots inside it (docker exec), and they are copied out (docker cp)
        boolean sourceInDocker = CairnCommands.inDocker(source);
        String sin = sourceInDocker ? "/tmp/panel-promotion-" + sid + "-" + tid : sdir;
        String where = sourceInDocker ? ", in container " + source.getContainerName() : "";
        List<Step> plan = new ArrayList<>();
        plan.add(ProductSteps.workDir(source, s));
        plan.add(new Step("Snapshot the source's schema (schema snapshot" + where + ")", sid, sname, false,
                new StepSpec.RemoteCommand(Deployment.of(source).wrap("rm -rf " + quote(sin) + " && mkdir -p " + quote(sin)
                        + " && cd " + quote(source.getInstallPath()) + " && " + scli + " schema snapshot -y "
                        + quote(sin + "/schema.yaml"))), LONG, null));
        plan.add(new Step("Snapshot the source's roles and permissions (config snapshot" + where + ")", sid, sname, false,
                new StepSpec.RemoteCommand(CairnCommands.inInstall(source, scli + " config snapshot -y "
                        + quote(sin + "/config"))), LONG, null));
        if (sourceInDocker) {
            Deployment d = Deployment.of(source);
            plan.add(new Step("Copy the snapshots out of the container (docker cp)", sid, sname, false,
                    new StepSpec.RemoteCommand("rm -rf " + quote(sdir) + " && " + d.copyOut(sin, sdir) + " && "
                            + d.wrap("rm -rf " + quote(sin))), SHORT, null));
        }
        // in a Docker container the target's CLI reads the snapshots inside it: copied in from the target's work directory
        boolean targetInDocker = CairnCommands.inDocker(target);
        String tin = targetInDocker ? "/tmp/panel-promotion-" + sid + "-" + tid : tdir;
        String twhere = targetInDocker ? ", in container " + target.getContainerName() : "";
        plan.addAll(ProductSteps.dbBackup(target, t, CairnCmsProfile.ID, "before-promotion",
                CairnCommands.dbClientAt(target, t.db())));
        plan.add(new Step("Carry both snapshots to the target (stored on the way)", tid, tname, false,
                new StepSpec.Stream(sid, sname, "tar -C " + quote(sdir) + " -cf - schema.yaml config",
                        // tar stops at the archive's end marker: the padding after it is read too, so the stream ends whole
                        "rm -rf " + quote(tdir) + " && mkdir -p " + quote(tdir) + " && tar -C " + quote(tdir)
                                + " -xf - && cat > /dev/null",
                        sname + "-structure.tar", "FILE_ARCHIVE", false), LONG, null));
        if (targetInDocker) {
            plan.add(copyIn(target, tdir, tin, "Copy the snapshots into the container"));
        }
        plan.add(new Step("Dry run: the schema changes on the target (schema apply --dry-run" + twhere + ")", tid, tname,
                false, new StepSpec.RemoteCommand(CairnCommands.inInstall(target, tcli + " schema apply --dry-run -y "
                        + quote(tin + "/schema.yaml"))), LONG, null));
        // config apply --dry-run exits 1 when it has changes to show, 0 when none: both are a good dry run
        plan.add(new Step("Dry run: the roles and permissions changes on the target (config apply --dry-run" + twhere + ")",
                tid, tname, false, new StepSpec.RemoteCommand(CairnCommands.inInstall(target, tcli + " config apply "
                        + "--dry-run -y " + destructiveFlag(destructive) + quote(tin + "/config") + "; rc=$?; [ $rc -le 1 ]")),
                LONG, null));
        if (mismatched) {
            plan.add(ProductSteps.note(target, "Applied across a mismatch, as chosen: " + String.join("; ",
                    mismatches(ss, ts)), warning(ss, ts)));
        }
        plan.add(new Step("Confirm", null, null, false, new StepSpec.Gate(GATE), Duration.ofDays(7), null));
        plan.add(new Step("Apply the schema (schema apply" + twhere + ")", tid, tname, true, new StepSpec.RemoteCommand(
                CairnCommands.inInstall(target, tcli + " schema apply -y " + quote(tin + "/schema.yaml"))), LONG,
                "restore the target's DB backup taken above"));
        plan.add(new Step("Apply the roles and permissions (config apply" + (destructive ? " --destructive" : "") + twhere
                + ")", tid, tname, true, new StepSpec.RemoteCommand(CairnCommands.inInstall(target, tcli + " config apply -y "
                        + destructiveFlag(destructive) + quote(tin + "/config"))), LONG,
                "restore the target's DB backup taken above"));
        plan.addAll(CairnCommands.restart(target));
        if (targetInDocker) {
            // a start command may recreate the container (a changed environment reaches it only so), which empties its /tmp
            plan.add(copyIn(target, tdir, tin, "Copy the snapshots into the container again for the proof (its restart "
                    + "may have recreated it)"));
        }
        // across vendors the snapshot's types never settle (the guide's type drift): the dry run keeps listing them,
        // so the proof there is that nothing is left to create or delete
        String settled = mismatched
                ? "if printf '%s\\n' \"$out\" | grep -qE '^ *- (Create|Delete) '; then echo 'collections, fields or "
                        + "relations are still to create or delete' >&2; exit 1; fi"
                : "printf '%s\\n' \"$out\" | grep -q 'No changes to apply'";
        plan.add(new Step(mismatched ? VERIFY_MISMATCHED : VERIFY, tid, tname, false, new StepSpec.RemoteCommand(
                CairnCommands.inInstall(target, "out=$(" + tcli + " schema apply --dry-run -y " + quote(tin + "/schema.yaml")
                        + ") && printf '%s\\n' \"$out\" && " + settled + " && " + tcli + " config apply --dry-run -y "
                        + destructiveFlag(destructive) + quote(tin + "/config"))), LONG, null));
        if (targetInDocker) {
            plan.add(new Step("Remove the snapshots from the target's container", tid, tname, false,
                    new StepSpec.RemoteCommand(Deployment.of(target).wrap("rm -rf " + quote(tin))), SHORT, null));
        }
        plan.add(new Step("Remove the snapshots from the target's work directory", tid, tname, false,
                new StepSpec.RemoteCommand("rm -rf " + quote(tdir)), SHORT, null));
        plan.add(new Step("Remove the snapshots from the source's work directory", sid, sname, false,
                new StepSpec.RemoteCommand("rm -rf " + quote(sdir)), SHORT, null));
        Map<String, String> options = new LinkedHashMap<>();
        options.put("target", String.valueOf(tid));
        options.put("destructive", String.valueOf(destructive));
        options.put(ACCEPT_MISMATCH, String.valueOf(acceptMismatch));
        return new Plan(ID, "Promote the structure of " + sname + " to " + tname, sid, sname, plan, options);
    }

    /**
     * The snapshots from the target's work directory into a directory inside its container, made anew: a tar stream
     * unpacked by {@code docker exec}, so the files belong to the user the container runs as (who reads them and removes
     * them after); {@code docker cp} would make them root's, which a non-root container user could not remove.
     */
    private static Step copyIn(Instance target, String onHost, String inside, String title) {
        return new Step(title + " (" + inside + ")", target.getId(), target.getName(), false, new StepSpec.RemoteCommand(
                "tar -C " + quote(onHost) + " -cf - schema.yaml config | " + Deployment.of(target).wrap("rm -rf "
                        + quote(inside) + " && mkdir -p " + quote(inside) + " && tar -C " + quote(inside) + " -xf -")),
                SHORT, null);
    }

    private static String destructiveFlag(boolean destructive) {
        return destructive ? "--destructive " : "";
    }

    /** A promotion that failed half way, or one the admin does not keep: its target's DB put back from its backup. */
    @Override
    public List<FollowUp> followUps(dev.migrationpanel.job.JobView job, Map<String, String> options) {
        if (job.status().isActive() || !options.getOrDefault("target", "").matches("\\d{1,18}")) {
            return List.of();
        }
        return List.of(new FollowUp(CairnMoveRollbackFlow.ID, "Restore the target",
                "Put the target's DB back as this promotion found it (from the backup it took before applying)",
                Map.of("job", String.valueOf(job.id())), Long.parseLong(options.get("target"))));
    }

    private BothSides.Read<Side, Side> readBoth(Instance source, Instance target) {
        return BothSides.read(() -> read(source), () -> read(target));
    }

    private Side read(Instance instance) {
        try (SshSession ssh = connections.openSsh(instance)) {
            CairnCommands.Version version = CairnCommands.version(instance, ssh);
            return new Side(HostFacts.read(instance, ssh, connections), version.value(), version.error());
        }
    }

}
