package dev.migrationpanel.dreamfactory;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The remediations of the vendor guide's troubleshooting, each one click and one job: Composer reset,
 * compiled-cache purge, permissions reset; and {@code git stash pop} for the changes an upgrade stashed (a recovery:
 * it needs that upgrade, so its page offers it).
 */
@Configuration(proxyBeanMethods = false)
class DreamFactoryRemedies {

    static final String COMPOSER_RESET = "dreamfactory.remedy.composer-reset";
    static final String CACHE_PURGE = "dreamfactory.remedy.compiled-cache-purge";
    static final String PERMISSIONS_RESET = "dreamfactory.remedy.permissions-reset";
    static final String STASH_POP = "dreamfactory.stash-pop";
    static final String COMPOSER_INSTALL = "composer install --no-dev --ignore-platform-reqs --no-interaction";

    @Bean
    Flow composerReset() {
        return flow(COMPOSER_RESET, "Remedy: reset Composer",
                "Composer install errors: clears Composer's cache, removes vendor/ and installs again (vendor guide, "
                        + "Troubleshooting).", Flow.Purpose.REMEDY,
                "the install's vendor/ (removed and installed again) and Composer's cache; not the DB nor .env",
                (i, o, resolved) -> List.of(
                        command(i, "Clear Composer's cache", "composer clear-cache"),
                        command(i, "Remove vendor/", "rm -rf vendor/"),
                        command(i, "Install the dependencies again", COMPOSER_INSTALL)));
    }

    @Bean
    Flow compiledCachePurge() {
        return flow(CACHE_PURGE, "Remedy: purge the compiled cache",
                "\"Migration command not found\": removes bootstrap/cache/compiled.php and storage/framework/cache/*, "
                        + "then runs composer install again (vendor guide, Troubleshooting).", Flow.Purpose.REMEDY,
                "the compiled cache files removed and vendor/ installed again; not the DB nor .env",
                (i, o, resolved) -> List.of(
                        command(i, "Remove the compiled cache files", "rm -rf bootstrap/cache/compiled.php storage/framework/cache/*"),
                        command(i, "Install the dependencies again", COMPOSER_INSTALL)));
    }

    @Bean
    Flow permissionsReset() {
        return flow(PERMISSIONS_RESET, "Remedy: reset permissions",
                "Permission errors: gives storage/ and bootstrap/cache/ to the web user and group, mode 2775 "
                        + "(vendor guide, Troubleshooting).", Flow.Purpose.REMEDY,
                "the owner and mode of storage/ and bootstrap/cache/; no file's content",
                (i, o, resolved) -> {
                    WebSettings web = WebSettings.of(i);
                    String user = o.getOrDefault("webUser", web.user() == null ? "" : web.user()).trim();
                    String group = o.getOrDefault("webGroup", web.group() == null ? "" : web.group()).trim();
                    if (!user.matches(WebSettings.UNIX_NAME) || !group.matches(WebSettings.UNIX_NAME)) {
                        throw InvalidInputException.of("webUser", "Set the web user and group of the instance first (e.g. www-data)");
                    }
                    resolved.put("webUser", user);
                    resolved.put("webGroup", group);
                    String sudo = i.getSshUser().equals("root") || i.getSshUser().equals(user) ? "" : "sudo -n ";
                    return List.of(
                            command(i, "Set the owner of storage/ and bootstrap/cache/",
                                    sudo + "chown -R " + quote(user + ":" + group) + " storage/ bootstrap/cache/"),
                            command(i, "Set the mode of storage/ and bootstrap/cache/",
                                    sudo + "chmod -R 2775 storage/ bootstrap/cache/"));
                });
    }

    @Bean
    Flow stashPop(JobService jobs) {
        return flow(STASH_POP, "Restore the stashed local changes (git stash pop)",
                "Puts back the local changes a minor upgrade stashed (option job: the upgrade's number).",
                // it acts on what one upgrade stashed: offered from that upgrade's page, never from the flow list
                Flow.Purpose.RECOVER, "the install's working tree: the local changes the upgrade stashed put back",
                (i, o, resolved) -> {
                    String job = o.getOrDefault("job", "").trim();
                    if (!job.matches("\\d{1,18}")) {
                        throw InvalidInputException.of("job", "Name the upgrade job whose stash to restore");
                    }
                    Map<String, String> was = jobs.options(Long.parseLong(job));
                    String stamp = was.get("stamp");
                    if (stamp == null || !"true".equals(was.get("stash"))) {
                        throw InvalidInputException.of("job", "Job #" + job + " stashed nothing");
                    }
                    resolved.put("job", job);
                    String label = "migration-panel upgrade " + stamp;
                    return List.of(command(i, "Pop the stash made by job #" + job,
                            "ref=$(git stash list | grep -F " + quote(label) + " | head -n 1 | cut -d: -f1); "
                                    + "if [ -z \"$ref\" ]; then echo " + quote("no stash labelled '" + label + "'") + " >&2; exit 1; fi; "
                                    + "git stash pop \"$ref\""));
                });
    }

    private static Step command(Instance i, String title, String command) {
        return new Step(title, i.getId(), i.getName(), true,
                new StepSpec.RemoteCommand("cd " + quote(i.getInstallPath()) + " && " + command), ProductSteps.LONG, null);
    }

    /** A remedy's steps from the options given; every option it uses goes into {@code resolved} as it used it. */
    @FunctionalInterface
    private interface RemedySteps {
        List<Step> build(Instance instance, Map<String, String> given, Map<String, String> resolved);
    }

    private static Flow flow(String id, String title, String description, Flow.Purpose purpose, String changes,
            RemedySteps steps) {
        return new Flow() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String title() {
                return title;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public String product() {
                return DreamFactoryProfile.ID;
            }

            @Override
            public Purpose purpose() {
                return purpose;
            }

            @Override
            public String changes() {
                return changes;
            }

            @Override
            public boolean appliesTo(Instance instance) {
                return Flow.super.appliesTo(instance) && instance.getDeploymentType() == DeploymentType.HOST;
            }

            @Override
            public Plan plan(Instance instance, Map<String, String> options) {
                Map<String, String> resolved = new LinkedHashMap<>();
                List<Step> built = new ArrayList<>(steps.build(instance, options, resolved));
                return new Plan(id, title + " on " + instance.getName(), instance.getId(), instance.getName(), built,
                        resolved);
            }
        };
    }
}
