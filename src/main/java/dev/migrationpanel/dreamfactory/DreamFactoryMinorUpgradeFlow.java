package dev.migrationpanel.dreamfactory;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.JobView;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The in-place minor upgrade of the vendor guide ("Minor Version Upgrades"), every step in its order:
 * backups (files beside the install, DB dump into the artifact store), {@code git stash}, {@code git
 * checkout}/{@code pull}, permissions, {@code composer install}, {@code artisan migrate --seed}, cache and
 * config clears, web server restart, then verification. Steps an option turns off stay in the plan as
 * notes, so none is skipped silently.
 *
 * <p>Options: {@code ref} (branch or tag, default {@code master}), {@code stash} and {@code maintenance}
 * ({@code true}/{@code false}, default true), {@code webUser}/{@code webGroup} (default: the instance's),
 * {@code stamp} (the backup's time stamp, fixed at review so the plan run is the plan shown). The plan's options
 * hold every one of them as resolved, so planning again with them builds the same plan.
 */
@Component
class DreamFactoryMinorUpgradeFlow implements Flow {

    static final String ID = "dreamfactory.minor-upgrade";
    static final String STAMP_FORMAT = "yyyyMMdd-HHmmss";
    static final String VERIFY_VERSION = "Verify: the version changed";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern(STAMP_FORMAT).withZone(ZoneOffset.UTC);

    /**
     * The commercial edition's Composer files (the guide: "download the required Composer files for the version
     * you're upgrading to"), placed at the install's top level, where Composer reads them. Composer runs the
     * scripts a {@code composer.json} names, so only an admin uploads them (see {@link CommercialFiles}).
     */
    static final java.util.Set<String> COMMERCIAL_NAMES = java.util.Set.of("composer.json", "composer.lock", "auth.json");

    static final int MAX_COMMERCIAL_FILES = COMMERCIAL_NAMES.size();

    private final DreamFactorySteps steps;
    private final Clock clock;
    private final ArtifactStore artifacts;

    DreamFactoryMinorUpgradeFlow(DreamFactorySteps steps, Clock clock, ArtifactStore artifacts) {
        this.steps = steps;
        this.clock = clock;
        this.artifacts = artifacts;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Minor upgrade (in place)";
    }

    @Override
    public String description() {
        return "Upgrades the install in place with git, Composer and Artisan, after backing up its files and its "
                + "system DB; verifies the new version. Plain-host installs that are git clones.";
    }

    /** The wizard runs the pre-flight and takes the options before the review. */
    @Override
    public String startPath(Instance instance) {
        return "/instances/" + instance.getId() + "/upgrade";
    }

    @Override
    public Purpose purpose() {
        return Purpose.MIGRATE;
    }

    @Override
    public String changes() {
        return "the install's code (git, composer) and its DB schema (migrations), after a backup of both; a failure offers the rollback";
    }

    @Override
    public String product() {
        return DreamFactoryProfile.ID;
    }

    @Override
    public boolean appliesTo(Instance instance) {
        return Flow.super.appliesTo(instance) && instance.getDeploymentType() == DeploymentType.HOST;
    }

    /**
     * Why there is no in-place upgrade in a container or pod: the guide's minor upgrade changes the install's files
     * where they are, and a container's files are its image's.
     */
    static final String NOT_IN_A_CONTAINER = "the guide's minor upgrade (git pull, composer install, php artisan "
            + "migrate in the install) changes the install's files in place; in a container or pod they belong to its "
            + "image, so the change would be lost when the container is recreated while the image still holds the old "
            + "release. Upgrade the image instead, or move to a container of the newer release with the major "
            + "migration (it runs into and out of containers)";

    @Override
    public String whyNotApplicable(Instance instance) {
        return Flow.super.appliesTo(instance) && instance.getDeploymentType() != DeploymentType.HOST
                ? "it is " + Deployment.of(instance).describe() + ": " + NOT_IN_A_CONTAINER : null;
    }

    /** The options as the plan will use them, defaults filled in; refused ones are named with the reason. */
    Map<String, String> options(Instance instance, Map<String, String> given) {
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, String> o = new LinkedHashMap<>();
        String ref = given.getOrDefault("ref", "master").trim();
        if (!ref.matches("[A-Za-z0-9][A-Za-z0-9._/-]{0,99}") || ref.contains("..") || ref.endsWith(".lock")) {
            errors.put("ref", "Target ref: a branch or tag name (letters, digits, dot, dash, slash), e.g. master or 7.1.0");
        }
        o.put("ref", ref);
        for (String flag : List.of("stash", "maintenance")) {
            String value = given.getOrDefault(flag, "true").trim();
            if (!value.equals("true") && !value.equals("false")) {
                errors.put(flag, "'" + flag + "' is true or false");
            }
            o.put(flag, value);
        }
        WebSettings web = WebSettings.of(instance);
        String webUser = given.getOrDefault("webUser", web.user() == null ? "" : web.user()).trim();
        String webGroup = given.getOrDefault("webGroup", web.group() == null ? "" : web.group()).trim();
        if (webUser.isEmpty() || !webUser.matches(WebSettings.UNIX_NAME)) {
            errors.put("webUser", "Web user: the Unix user the web server runs as (e.g. www-data)");
        }
        if (webGroup.isEmpty() || !webGroup.matches(WebSettings.UNIX_NAME)) {
            errors.put("webGroup", "Web group: the Unix group of storage/ and bootstrap/cache/ (e.g. www-data)");
        }
        o.put("webUser", webUser);
        o.put("webGroup", webGroup);
        String stamp = given.getOrDefault("stamp", STAMP.format(clock.instant())).trim();
        if (!stamp.matches("\\d{8}-\\d{6}")) {
            errors.put("stamp", "The backup stamp is " + STAMP_FORMAT);
        }
        o.put("stamp", stamp);
        String webServer = given.getOrDefault("webServer", web.server().name()).trim();
        if (java.util.Arrays.stream(WebServer.values()).noneMatch(w -> w.name().equals(webServer))) {
            errors.put("webServer", "Web server: nginx, Apache, a custom restart command, or none");
        }
        o.put("webServer", webServer);
        if (given.containsKey("restartCommand")) {
            errors.put("restartCommand", "A custom restart command is the instance's setting, which an ADMIN sets on "
                    + "the instance's page: a job's options cannot carry a command");
        } else if (webServer.equals("CUSTOM") && web.restartCommand() == null) {
            errors.put("webServer", "This instance has no custom restart command: an ADMIN sets one on the instance's "
                    + "page, or choose another web server");
        }
        String commercial = given.getOrDefault("commercial", "").trim();
        if (commercial.split(",").length > MAX_COMMERCIAL_FILES) {
            errors.put("commercial", "At most " + MAX_COMMERCIAL_FILES + " commercial files");
        } else if (!commercial.isEmpty()) {
            for (String artifactId : commercial.split(",")) {
                // an upload an admin made for this instance, named as the guide's files are: never another of
                // its artifacts (its .env, a DB dump) placed into the install
                boolean known = artifacts != null && artifacts.find(artifactId.trim())
                        .filter(a -> !a.isDeleted() && a.getKind() == ArtifactKind.UPLOAD && instance.getId() != null
                                && instance.getId().equals(a.getInstanceId()) && COMMERCIAL_NAMES.contains(a.getName()))
                        .isPresent();
                if (!known) {
                    errors.put("commercial", "A commercial file given for this upgrade is not an upload of this "
                            + "instance's Composer files, or is gone: upload it again");
                }
            }
            o.put("commercial", commercial);
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return o;
    }

    @Override
    public Plan plan(Instance instance, Map<String, String> given) {
        Map<String, String> o = options(instance, given);
        Map<String, String> commercial = new LinkedHashMap<>();
        for (String artifactId : o.getOrDefault("commercial", "").split(",")) {
            if (!artifactId.isBlank()) {
                commercial.put(artifactId.trim(), artifacts.require(artifactId.trim()).getName());
            }
        }
        return build(instance, o, steps.read(instance), commercial);
    }

    /**
     * The plan from checked options and the facts read from the instance: a value, testable without a server.
     *
     * @param commercial the commercial edition's files to place in the install: artifact id → file name
     */
    static Plan build(Instance instance, Map<String, String> o, DreamFactorySteps.Facts facts,
            Map<String, String> commercial) {
        Long id = instance.getId();
        String name = instance.getName();
        String path = instance.getInstallPath();
        String cd = "cd " + quote(path) + " && ";
        String ref = o.get("ref");
        String stamp = o.get("stamp");
        String backupDir = path + ".backup-" + stamp;
        String logMarks = facts.workDir() + "/upgrade-" + id + "-" + stamp + ".logpos";
        boolean maintenance = o.get("maintenance").equals("true");
        Duration short_ = ProductSteps.SHORT;
        Duration long_ = ProductSteps.LONG;

        List<Step> plan = new ArrayList<>();
        String parent = path.substring(0, Math.max(1, path.lastIndexOf('/')));
        plan.add(new Step("Check the prerequisites: a git clone, PHP ≥ 8.1, Composer, room for the backup", id, name, false,
                new StepSpec.RemoteCommand(cd + "git rev-parse --is-inside-work-tree >/dev/null && php -r "
                        + quote("exit(version_compare(PHP_VERSION, '8.1.0', '>=') ? 0 : 1);")
                        + " && composer --version --no-ansi && git status --short && { test -w " + quote(parent)
                        + " || { echo " + quote("cannot write in " + parent + ": the file backup goes beside the install")
                        + " >&2; exit 1; }; }"), short_, null));
        plan.add(new Step("Note where the Laravel logs end now (to find new errors later)", id, name, false,
                new StepSpec.RemoteCommand("mkdir -p " + quote(facts.workDir()) + " && chmod 700 " + quote(facts.workDir())
                        + " && { for f in " + quote(path) + "/storage/logs/*.log; do [ -f \"$f\" ] && printf '%s %s\\n' \"$(wc -c < \"$f\")\" \"$f\"; done; true; } > "
                        + quote(logMarks)), short_, null));
        plan.add(maintenance
                ? new Step("Maintenance mode on", id, name, true, new StepSpec.RemoteCommand(cd + "php artisan down"),
                        short_, "php artisan up")
                : ProductSteps.note(instance, "Maintenance mode", "maintenance mode is off for this upgrade (option)"));
        plan.add(new Step("Back up the files beside the install", id, name, true,
                new StepSpec.RemoteCommand("cp -a " + quote(path) + " " + quote(backupDir)), long_,
                "the rollback swaps " + backupDir + " back in place"));
        plan.addAll(DreamFactorySteps.dbBackup(instance, facts, "before-upgrade"));
        plan.add(o.get("stash").equals("true")
                ? new Step("Stash local changes (git stash)", id, name, true,
                        new StepSpec.RemoteCommand(cd + "git stash push -m " + quote("migration-panel upgrade " + stamp)),
                        short_, "git stash pop")
                : ProductSteps.note(instance, "Stash local changes", "not stashed (option); git checkout refuses changes it would overwrite"));
        plan.add(new Step("Fetch the releases from origin", id, name, false,
                new StepSpec.RemoteCommand(cd + "git fetch origin --tags"), long_, null));
        plan.add(new Step("Switch to " + ref + " (git checkout)", id, name, true,
                new StepSpec.RemoteCommand(cd + "git checkout " + quote(ref)), short_, "rollback"));
        plan.add(new Step("Pull " + ref + " (git pull)", id, name, true,
                new StepSpec.RemoteCommand(cd + "git pull origin " + quote(ref)), long_, "rollback"));
        if (commercial.isEmpty()) {
            plan.add(ProductSteps.note(instance, "Commercial edition files", "no commercial Composer files were given (open-source edition)"));
        }
        commercial.forEach((artifactId, file) -> plan.add(new Step("Place the commercial file " + file, id, name, true,
                new StepSpec.Upload(0, artifactId, path + "/" + file), short_, "rollback")));
        plan.add(new Step("Set the owner of storage/ and bootstrap/cache/", id, name, true,
                new StepSpec.RemoteCommand(cd + privileged(instance, o.get("webUser")) + "chown -R "
                        + quote(o.get("webUser") + ":" + o.get("webGroup")) + " storage/ bootstrap/cache/"), short_, null));
        plan.add(new Step("Set the mode of storage/ and bootstrap/cache/", id, name, true,
                new StepSpec.RemoteCommand(cd + privileged(instance, o.get("webUser")) + "chmod -R 2775 storage/ bootstrap/cache/"),
                short_, null));
        plan.add(new Step("Install the dependencies (composer install)", id, name, true,
                new StepSpec.RemoteCommand(cd + "composer install --no-dev --ignore-platform-reqs --no-interaction"), long_,
                "rollback"));
        plan.add(new Step("Migrate the system DB (artisan migrate --seed)", id, name, true,
                new StepSpec.RemoteCommand(cd + "php artisan migrate --seed --force"), long_,
                "rollback restores the DB dump taken above"));
        plan.add(new Step("Clear the application cache", id, name, true,
                new StepSpec.RemoteCommand(cd + "php artisan cache:clear"), short_, null));
        plan.add(new Step("Clear the configuration cache", id, name, true,
                new StepSpec.RemoteCommand(cd + "php artisan config:clear"), short_, null));
        plan.add(restart(instance, WebServer.valueOf(o.getOrDefault("webServer", "NONE")),
                WebSettings.of(instance).restartCommand()));
        if (maintenance) {
            plan.add(new Step("Maintenance mode off", id, name, true, new StepSpec.RemoteCommand(cd + "php artisan up"),
                    short_, null));
        }
        plan.add(new Step(VERIFY_VERSION + (facts.version() == null ? "" : " from " + facts.version()), id,
                name, false, new StepSpec.RemoteCommand(cd + "v=$(" + DreamFactoryProfile.VERSION_COMMAND
                        + "); echo \"version now: $v\"; [ -n \"$v\" ] && [ \"$v\" != "
                        + quote(facts.version() == null ? "" : facts.version()) + " ]"), short_, null));
        plan.add(new Step("Verify: no migration is pending", id, name, false,
                new StepSpec.RemoteCommand(cd + "php artisan migrate:status && ! php artisan migrate:status | grep -qi pending"),
                short_, null));
        plan.add(instance.getAppUrl() == null
                ? ProductSteps.note(instance, "Verify: the app answers over HTTP", "no app URL is set on the instance")
                : new Step("Verify: the app answers over HTTP", null, null, false,
                        new StepSpec.HttpCheck(instance.getAppUrl(), 200, null), short_, null));
        plan.add(new Step("Verify: no new errors in the Laravel log", id, name, false,
                new StepSpec.RemoteCommand(newLogErrors(path, logMarks)), short_, null));
        plan.add(new Step("Remove the log marks", id, name, false,
                new StepSpec.RemoteCommand("rm -f " + quote(logMarks)), short_, null));
        // every option as the plan used it (defaults filled in: the stamp, the web user…), so that planning again
        // with these gives this very plan; then what the result page and the follow-ups read
        Map<String, String> resolved = new LinkedHashMap<>(o);
        resolved.putIfAbsent("commercial", "");
        resolved.put("backupDir", backupDir);
        resolved.put("versionBefore", facts.version() == null ? "" : facts.version());
        return new Plan(ID, "Upgrade " + name + " to " + ref, id, name, plan, resolved);
    }

    @Override
    public String resultSummary(JobView job, Map<String, String> options) {
        String after = job.steps().stream().filter(s -> s.title().startsWith(VERIFY_VERSION)
                        && s.status() == dev.migrationpanel.job.StepStatus.SUCCEEDED)
                .map(s -> s.message() == null ? "?" : s.message().replace("version now: ", "")).findFirst().orElse("not verified");
        return "Version before: " + options.getOrDefault("versionBefore", "?") + " · after: " + after
                + " · target: " + options.getOrDefault("ref", "?");
    }

    @Override
    public List<FollowUp> followUps(JobView job, Map<String, String> options) {
        if (job.status().isActive()) {
            return List.of();
        }
        String id = String.valueOf(job.id());
        List<FollowUp> next = new ArrayList<>();
        next.add(new FollowUp(DreamFactoryRollbackFlow.ID, "Roll back", "Swap the file backup in and restore the DB dump "
                + "this upgrade took", Map.of("job", id)));
        if ("true".equals(options.get("stash"))) {
            next.add(new FollowUp(DreamFactoryRemedies.STASH_POP, "git stash pop", "Put back the local changes this "
                    + "upgrade stashed", Map.of("job", id)));
        }
        next.add(new FollowUp(DreamFactoryRemedies.COMPOSER_RESET, "Reset Composer", "For composer install errors", Map.of()));
        next.add(new FollowUp(DreamFactoryRemedies.CACHE_PURGE, "Purge the compiled cache",
                "For \"migration command not found\"", Map.of()));
        next.add(new FollowUp(DreamFactoryRemedies.PERMISSIONS_RESET, "Reset permissions", "For permission errors", Map.of()));
        return next;
    }

    /** Prints the ERROR lines written to storage/logs since the marks were taken; fails when there are any. */
    static String newLogErrors(String path, String marks) {
        return "errors=$( for f in " + quote(path) + "/storage/logs/*.log; do [ -f \"$f\" ] || continue; "
                + "pos=$(awk -v f=\"$f\" '$2 == f { print $1 }' " + quote(marks) + "); "
                + "tail -c +$(( ${pos:-0} + 1 )) \"$f\"; done | grep '\\.ERROR:' ); "
                + "if [ -n \"$errors\" ]; then echo \"$errors\"; exit 1; fi; echo 'no new errors'";
    }

    /** {@code sudo -n} when the SSH user may not change files it does not own into the web user's. */
    private static String privileged(Instance instance, String webUser) {
        return instance.getSshUser().equals("root") || instance.getSshUser().equals(webUser) ? "" : "sudo -n ";
    }

    static Step restart(Instance instance) {
        WebSettings web = WebSettings.of(instance);
        return restart(instance, web.server(), web.restartCommand());
    }

    static Step restart(Instance instance, WebServer webServer, String customCommand) {
        String sudo = instance.getSshUser().equals("root") ? "" : "sudo -n ";
        return switch (webServer) {
            case NGINX -> new Step("Restart the web server (nginx)", instance.getId(), instance.getName(), true,
                    new StepSpec.RemoteCommand(sudo + "systemctl restart nginx"), ProductSteps.SHORT, null);
            case APACHE -> new Step("Restart the web server (Apache)", instance.getId(), instance.getName(), true,
                    new StepSpec.RemoteCommand(sudo + "systemctl restart apache2"), ProductSteps.SHORT, null);
            case CUSTOM -> new Step("Restart the web server (custom command)", instance.getId(), instance.getName(), true,
                    new StepSpec.RemoteCommand(customCommand), ProductSteps.SHORT, null);
            case NONE -> ProductSteps.note(instance, "Restart the web server", "no web server is configured for this instance");
        };
    }
}
