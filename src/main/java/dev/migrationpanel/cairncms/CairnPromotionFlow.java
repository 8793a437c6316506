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
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The guide's structure promotion: the source's data model ({@code schema snapshot}) and its roles and permissions
 * ({@code config snapshot}) carried to a target, where both are dry-run, shown, confirmed at a gate, applied, and
 * then dry-run again to prove nothing is left to apply. Content is not moved. The source is only read; the target's
 * DB is backed up first. Options: {@code target} (a CairnCMS instance on the same DB vendor: a snapshot from another
 * vendor never settles, as the guide warns), {@code destructive} ({@code true}: {@code config apply --destructive}
 * also deletes roles and permissions the source does not have; default false).
 */
@Component
class CairnPromotionFlow implements CairnPairFlow {

    static final String ID = "cairncms.structure-promotion";
    static final String GATE = "Read the two dry runs above: continuing applies them to the target";
    static final String VERIFY = "Verify: a new dry run of both snapshots has nothing left to apply";
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
        return CairnPairFlow.super.appliesTo(instance) && instance.getDeploymentType() == DeploymentType.HOST;
    }

    @Override
    public Plan plan(Instance source, Map<String, String> given) {
        Map<String, String> errors = new LinkedHashMap<>();
        String targetId = given.getOrDefault("target", "").trim();
        String destructive = given.getOrDefault("destructive", "false").trim();
        if (!destructive.equals("true") && !destructive.equals("false")) {
            errors.put("destructive", "'destructive' is true or false");
        }
        if (!targetId.matches("\\d{1,18}")) {
            errors.put("target", "Name the target instance by its id");
            throw new InvalidInputException(errors);
        }
        Instance target = instances.get(Long.parseLong(targetId));
        if (target.getId().equals(source.getId())) {
            errors.put("target", "The target must be another instance than the source");
        } else if (!appliesTo(target)) {
            errors.put("target", target.getName() + " is not a CairnCMS install on a plain host");
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        HostFacts s = read(source);
        HostFacts t = read(target);
        CheckItem vendor = sameVendor(s, t);
        if (vendor.getStatus() == CheckStatus.BLOCKING) {
            throw InvalidInputException.of("target", vendor.getMessage());
        }
        return build(source, target, s, t, Boolean.parseBoolean(destructive));
    }

    @Override
    public List<CheckItem> pairChecks(Instance source, Instance target, Map<String, String> options) {
        if (!appliesTo(target)) {
            return List.of(CheckItem.blocking("Deployment", target.getName() + " is not a CairnCMS install on a plain "
                    + "host: the CLI is run in its install directory"));
        }
        return List.of(sameVendor(read(source), read(target)),
                "true".equals(options.get("destructive"))
                        ? CheckItem.warning("Destructive", "config apply --destructive also deletes the target's roles, "
                                + "policies and permissions that the source does not have")
                        : CheckItem.ok("Destructive", "off: config apply adds and updates, never deletes"));
    }

    /**
     * The guide's cross-vendor caveat: the snapshot stamps its vendor and the CLI does not gate on it, so a snapshot
     * from another vendor applies "as is" with subtly wrong types. The panel refuses it: align the vendors first.
     */
    static CheckItem sameVendor(HostFacts s, HostFacts t) {
        if (s.db() == null || t.db() == null) {
            return CheckItem.blocking("Same DB vendor", "The DB of both sides must be known from their .env");
        }
        return s.db().vendor() == t.db().vendor()
                ? CheckItem.ok("Same DB vendor", s.db().vendor().label() + " on both sides")
                : CheckItem.blocking("Same DB vendor", "Source and target must run on the same DB vendor (source "
                        + s.db().vendor().label() + ", target " + t.db().vendor().label() + "): a snapshot taken on one vendor never settles cleanly on another "
                        + "(the guide's cross-vendor caveat: the CLI applies it as is, with subtly wrong types); stand up "
                        + "the target on " + s.db().vendor().label());
    }

    /** The plan, as a value: no server is asked anything here. */
    static Plan build(Instance source, Instance target, HostFacts s, HostFacts t, boolean destructive) {
        String sdir = s.workDir() + "/promotion-" + source.getId() + "-" + target.getId();
        String tdir = t.workDir() + "/promotion-" + source.getId() + "-" + target.getId();
        String scd = "cd " + quote(source.getInstallPath()) + " && ";
        String tcd = "cd " + quote(target.getInstallPath()) + " && ";
        String scli = CairnCommands.cli(source);
        String tcli = CairnCommands.cli(target);
        Long sid = source.getId();
        Long tid = target.getId();
        String sname = source.getName();
        String tname = target.getName();
        List<Step> plan = new ArrayList<>();
        plan.add(ProductSteps.workDir(source, s));
        plan.add(new Step("Snapshot the source's schema (schema snapshot)", sid, sname, false, new StepSpec.RemoteCommand(
                "rm -rf " + quote(sdir) + " && mkdir -p " + quote(sdir) + " && " + scd + scli + " schema snapshot -y "
                        + quote(sdir + "/schema.yaml")), LONG, null));
        plan.add(new Step("Snapshot the source's roles and permissions (config snapshot)", sid, sname, false,
                new StepSpec.RemoteCommand(scd + scli + " config snapshot -y " + quote(sdir + "/config")), LONG, null));
        plan.addAll(ProductSteps.dbBackup(target, t, CairnCmsProfile.ID, "before-promotion"));
        plan.add(new Step("Carry both snapshots to the target (stored on the way)", tid, tname, false,
                new StepSpec.Stream(sid, sname, "tar -C " + quote(sdir) + " -cf - schema.yaml config",
                        // tar stops at the archive's end marker: the padding after it is read too, so the stream ends whole
                        "rm -rf " + quote(tdir) + " && mkdir -p " + quote(tdir) + " && tar -C " + quote(tdir)
                                + " -xf - && cat > /dev/null",
                        sname + "-structure.tar", "FILE_ARCHIVE", false), LONG, null));
        plan.add(new Step("Dry run: the schema changes on the target (schema apply --dry-run)", tid, tname, false,
                new StepSpec.RemoteCommand(tcd + tcli + " schema apply --dry-run -y " + quote(tdir + "/schema.yaml")),
                LONG, null));
        // config apply --dry-run exits 1 when it has changes to show, 0 when none: both are a good dry run
        plan.add(new Step("Dry run: the roles and permissions changes on the target (config apply --dry-run)", tid, tname,
                false, new StepSpec.RemoteCommand(tcd + tcli + " config apply --dry-run -y " + destructiveFlag(destructive)
                        + quote(tdir + "/config") + "; rc=$?; [ $rc -le 1 ]"), LONG, null));
        plan.add(new Step("Confirm", null, null, false, new StepSpec.Gate(GATE), Duration.ofDays(7), null));
        plan.add(new Step("Apply the schema (schema apply)", tid, tname, true, new StepSpec.RemoteCommand(
                tcd + tcli + " schema apply -y " + quote(tdir + "/schema.yaml")), LONG,
                "restore the target's DB backup taken above"));
        plan.add(new Step("Apply the roles and permissions (config apply" + (destructive ? " --destructive" : "") + ")",
                tid, tname, true, new StepSpec.RemoteCommand(tcd + tcli + " config apply -y " + destructiveFlag(destructive)
                        + quote(tdir + "/config")), LONG, "restore the target's DB backup taken above"));
        plan.addAll(CairnCommands.restart(target));
        plan.add(new Step(VERIFY, tid, tname, false, new StepSpec.RemoteCommand(tcd + "out=$(" + tcli
                + " schema apply --dry-run -y " + quote(tdir + "/schema.yaml") + ") && printf '%s\\n' \"$out\" && "
                + "printf '%s\\n' \"$out\" | grep -q 'No changes to apply' && " + tcli + " config apply --dry-run -y "
                + destructiveFlag(destructive) + quote(tdir + "/config")), LONG, null));
        plan.add(new Step("Remove the snapshots from the target's work directory", tid, tname, false,
                new StepSpec.RemoteCommand("rm -rf " + quote(tdir)), SHORT, null));
        plan.add(new Step("Remove the snapshots from the source's work directory", sid, sname, false,
                new StepSpec.RemoteCommand("rm -rf " + quote(sdir)), SHORT, null));
        Map<String, String> options = new LinkedHashMap<>();
        options.put("target", String.valueOf(tid));
        options.put("destructive", String.valueOf(destructive));
        return new Plan(ID, "Promote the structure of " + sname + " to " + tname, sid, sname, plan, options);
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

    private HostFacts read(Instance instance) {
        return HostFacts.read(instance, connections);
    }

}
