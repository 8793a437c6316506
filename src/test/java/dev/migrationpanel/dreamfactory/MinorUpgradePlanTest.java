package dev.migrationpanel.dreamfactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.web.InvalidInputException;

/** The minor-upgrade plan as a value: the vendor's steps, in the vendor's order, none skipped silently. */
class MinorUpgradePlanTest {

    private final DreamFactoryMinorUpgradeFlow flow = new DreamFactoryMinorUpgradeFlow(null,
            Clock.fixed(Instant.parse("2026-11-21T10:15:30Z"), ZoneOffset.UTC), null);

    private static Instance instance(WebServer webServer, String sshUser) {
        Instance i = new Instance();
        i.setName("df-prod");
        i.setProduct("dreamfactory");
        i.setSshUser(sshUser);
        i.setInstallPath("/opt/dreamfactory");
        i.setDeploymentType(DeploymentType.HOST);
        TestInstances.settings(i, WebSettings.SERVER, webServer.name(), WebSettings.USER, "www-data",
                WebSettings.GROUP, "www-data");
        return i;
    }

    private static final DreamFactorySteps.Facts FACTS = new DreamFactorySteps.Facts("/home/deploy",
            new DbSettings(DbVendor.MYSQL, "127.0.0.1", 3306, "dreamfactory", "df_admin", "secret-pw", null), "7.0.0",
            DreamFactoryProfile.DEFAULT_CIPHER);

    private static List<String> commands(Plan plan) {
        return plan.steps().stream().map(s -> s.spec().display()).toList();
    }

    @Test
    void appliesToAPlainHostOnlyAndSaysWhyNotInAContainer() {
        Instance host = instance(WebServer.NGINX, "deploy");
        assertThat(flow.appliesTo(host)).isTrue();
        assertThat(flow.whyNotApplicable(host)).isNull();
        Instance docker = instance(WebServer.NGINX, "deploy");
        docker.setDeploymentType(DeploymentType.DOCKER);
        docker.setContainerName("df-docker-web-1");
        assertThat(flow.appliesTo(docker)).isFalse();
        assertThat(flow.whyNotApplicable(docker)).startsWith("it is in Docker container df-docker-web-1: the guide's "
                + "minor upgrade").contains("lost when the container is recreated", "major migration");
        Instance cairn = instance(WebServer.NGINX, "deploy");
        cairn.setProduct("cairncms");
        cairn.setDeploymentType(DeploymentType.DOCKER);
        assertThat(flow.whyNotApplicable(cairn)).as("another product's: nothing to explain").isNull();
    }

    @Test
    void theVendorStepsInTheirOrder() {
        Instance i = instance(WebServer.NGINX, "deploy");
        Plan plan = DreamFactoryMinorUpgradeFlow.build(i, flow.options(i, Map.of("ref", "7.1.0")), FACTS, Map.of());
        List<String> commands = commands(plan);
        assertThat(commands).containsSubsequence(
                "cd '/opt/dreamfactory' && php artisan down",
                "cp -a '/opt/dreamfactory' '/opt/dreamfactory.backup-20261121-101530'",
                "umask 077 && MYSQL_PWD=**** mysqldump -h '127.0.0.1' -P 3306 -u 'df_admin' --single-transaction --routines "
                        + "--triggers --databases 'dreamfactory' --no-create-db "
                        + "--result-file='/home/deploy/.migration-panel/dreamfactory-null-before-upgrade.sql'"
                        + MigrationPlanTest.withCounts("/home/deploy/.migration-panel/dreamfactory-null-before-upgrade.sql"),
                "cd '/opt/dreamfactory' && git stash push -m 'migration-panel upgrade 20261121-101530'",
                "cd '/opt/dreamfactory' && git checkout '7.1.0'",
                "cd '/opt/dreamfactory' && git pull origin '7.1.0'",
                "cd '/opt/dreamfactory' && sudo -n chown -R 'www-data:www-data' storage/ bootstrap/cache/",
                "cd '/opt/dreamfactory' && sudo -n chmod -R 2775 storage/ bootstrap/cache/",
                "cd '/opt/dreamfactory' && composer install --no-dev --ignore-platform-reqs --no-interaction",
                "cd '/opt/dreamfactory' && php artisan migrate --seed --force",
                "cd '/opt/dreamfactory' && php artisan cache:clear",
                "cd '/opt/dreamfactory' && php artisan config:clear",
                "sudo -n systemctl restart nginx",
                "cd '/opt/dreamfactory' && php artisan up");
        assertThat(String.join("\n", commands)).doesNotContain("secret-pw");
        assertThat(plan.steps()).filteredOn(s -> s.title().startsWith("Verify")).hasSize(4);
        assertThat(plan.steps()).filteredOn(Step::changesInstance).extracting(Step::title)
                .contains("Back up the files beside the install", "Migrate the system DB (artisan migrate --seed)");
    }

    @Test
    void stepsTurnedOffStayInThePlanAsNotes() {
        Instance i = instance(WebServer.NONE, "deploy");
        Plan plan = DreamFactoryMinorUpgradeFlow.build(i,
                flow.options(i, Map.of("stash", "false", "maintenance", "false")), FACTS, Map.of());
        assertThat(plan.steps()).filteredOn(s -> s.spec() instanceof StepSpec.Note).extracting(Step::title)
                .containsExactly("Maintenance mode", "Stash local changes", "Commercial edition files",
                        "Restart the web server", "Verify: the app answers over HTTP");
        assertThat(commands(plan)).noneMatch(c -> c.contains("artisan down") || c.contains("git stash"));
    }

    @Test
    void badOptionsAreRefusedFieldByField() {
        Instance i = instance(WebServer.NGINX, "root");
        assertThatThrownBy(() -> flow.options(i, Map.of("ref", "--upload-pack=touch /tmp/x", "stash", "maybe",
                "webUser", "www data", "webGroup", "", "stamp", "yesterday", "webServer", "IIS")))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).fieldErrors()).containsOnlyKeys("ref", "stash",
                        "webUser", "webGroup", "stamp", "webServer"));
        // a command never comes with a job's options: a custom restart command is the instance's (ADMIN) setting
        assertThatThrownBy(() -> flow.options(i, Map.of("webServer", "CUSTOM", "restartCommand", "echo hi")))
                .satisfies(e -> assertThat(((InvalidInputException) e).fieldErrors()).containsKey("restartCommand"));
        assertThatThrownBy(() -> flow.options(i, Map.of("webServer", "CUSTOM")))
                .satisfies(e -> assertThat(((InvalidInputException) e).fieldErrors())
                        .containsEntry("webServer", "This instance has no custom restart command: an ADMIN sets one on "
                                + "the instance's page, or choose another web server"));
        TestInstances.settings(i, WebSettings.RESTART_COMMAND, "service php8.2-fpm reload");
        Plan custom = DreamFactoryMinorUpgradeFlow.build(i, flow.options(i, Map.of("webServer", "CUSTOM")), FACTS, Map.of());
        assertThat(commands(custom)).contains("service php8.2-fpm reload");
        assertThat(custom.options()).doesNotContainKey("restartCommand");
        Plan asRoot = DreamFactoryMinorUpgradeFlow.build(i, flow.options(i, Map.of()), FACTS,
                Map.of("3f1c2b8e-0000-4000-8000-000000000001", "auth.json"));
        assertThat(asRoot.steps()).extracting(Step::title).contains("Place the commercial file auth.json")
                .doesNotContain("Commercial edition files");
        assertThat(commands(asRoot)).contains("sftp put artifact 3f1c2b8e-0000-4000-8000-000000000001 → /opt/dreamfactory/auth.json");
        assertThat(commands(asRoot)).contains("cd '/opt/dreamfactory' && git checkout 'master'", "systemctl restart nginx",
                "cd '/opt/dreamfactory' && chown -R 'www-data:www-data' storage/ bootstrap/cache/");
    }
}
