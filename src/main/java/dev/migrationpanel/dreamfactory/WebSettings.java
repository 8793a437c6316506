package dev.migrationpanel.dreamfactory;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.ProductSetting;

/**
 * A DreamFactory instance's web settings, kept as its product settings: the web server restarted at the end of an
 * upgrade or migration (or an ADMIN's custom restart command), and the Laravel web user and group that own
 * {@code storage/} and {@code bootstrap/cache/} (vendor guide, "Upgrading": chown, chmod 2775).
 *
 * @param restartCommand the ADMIN's command, run as written when {@code server} is {@link WebServer#CUSTOM}
 * @param user the web user, or null when not set
 * @param group the web group, or null when not set
 */
public record WebSettings(WebServer server, String restartCommand, String user, String group) {

    public static final String SERVER = "webServer";
    public static final String RESTART_COMMAND = "webRestartCommand";
    public static final String USER = "webUser";
    public static final String GROUP = "webGroup";
    /** What the form and the API assume when no web server is given: the vendor guide's usual nginx. */
    static final WebServer DEFAULT_SERVER = WebServer.NGINX;
    /** A Unix user or group name as chown takes it (also the upgrade's and the remedy's own check). */
    static final String UNIX_NAME = "[A-Za-z_][A-Za-z0-9_.-]{0,31}";

    /** The settings in the order the instance form shows them. */
    static List<ProductSetting> declared() {
        return List.of(
                ProductSetting.choice(SERVER, "Web server", "restarted at the end of an upgrade or migration",
                        DEFAULT_SERVER.name(), Arrays.stream(WebServer.values())
                                .map(w -> new ProductSetting.Choice(w.name(), w.label())).toList()),
                new ProductSetting(RESTART_COMMAND, "Restart command", "with the custom web server only: run as "
                        + "written, on the host, by the SSH user, e.g. sudo -n systemctl reload php8.2-fpm", ""),
                ProductSetting.matching(USER, "Web user", "owner of storage/ and bootstrap/cache/", "", UNIX_NAME,
                        "a Unix user name of at most 32 characters (e.g. www-data)", 32),
                ProductSetting.matching(GROUP, "Web group", "group of storage/ and bootstrap/cache/", "", UNIX_NAME,
                        "a Unix group name of at most 32 characters (e.g. www-data)", 32));
    }

    /** The rules across the settings: a custom web server needs the command that restarts it. */
    static Map<String, String> problems(Map<String, String> values) {
        Map<String, String> problems = new LinkedHashMap<>();
        if (WebServer.CUSTOM.name().equals(trimmed(values.get(SERVER))) && trimmed(values.get(RESTART_COMMAND)) == null) {
            problems.put(RESTART_COMMAND, "Give the command that restarts the web server (the web server is custom)");
        }
        return problems;
    }

    /** The instance's web settings as stored; an unset web server is {@link #DEFAULT_SERVER}. */
    public static WebSettings of(Instance instance) {
        Map<String, String> values = instance.productSettingValues();
        String server = trimmed(values.get(SERVER));
        WebServer webServer = server == null ? DEFAULT_SERVER
                : Arrays.stream(WebServer.values()).filter(w -> w.name().equals(server)).findFirst().orElse(DEFAULT_SERVER);
        return new WebSettings(webServer, trimmed(values.get(RESTART_COMMAND)), trimmed(values.get(USER)),
                trimmed(values.get(GROUP)));
    }

    /** {@code user:group} as chown takes it, or null when either is not set. */
    public String owner() {
        return user == null || group == null ? null : user + ":" + group;
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
