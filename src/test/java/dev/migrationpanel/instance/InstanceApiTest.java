package dev.migrationpanel.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import dev.migrationpanel.remote.TestSshServer;
import dev.migrationpanel.security.ApiTokenService;
import dev.migrationpanel.security.AuditEvent;
import dev.migrationpanel.security.AuditEventRepository;
import dev.migrationpanel.security.Role;
import dev.migrationpanel.security.UserService;
import tools.jackson.databind.json.JsonMapper;

/**
 * The instance registry through the REST API with real personal API tokens: roles, validation of every
 * field, write-only secrets, the host-key handshake and the check, against an in-process SSH server.
 */
@SpringBootTest
@AutoConfigureMockMvc
class InstanceApiTest {

    static final String SSH_PASSWORD = "api-ssh-pass-77";

    @Autowired
    MockMvc mvc;
    @Autowired
    UserService users;
    @Autowired
    ApiTokenService tokens;
    @Autowired
    AuditEventRepository audit;
    @Autowired
    InstanceService instances;

    final JsonMapper json = JsonMapper.builder().build();
    @TempDir
    Path tmp;
    TestSshServer server;
    String admin;
    String operator;
    String viewer;

    @BeforeEach
    void setUp() throws Exception {
        server = TestSshServer.startDefault("deploy", SSH_PASSWORD);
        admin = token("api-admin", Role.ADMIN);
        operator = token("api-operator", Role.OPERATOR);
        viewer = token("api-viewer", Role.VIEWER);
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
    }

    private String token(String prefix, Role role) {
        String name = prefix + System.nanoTime() % 1_000_000;
        users.create(name, role, "long-enough-password", "long-enough-password");
        return tokens.create(name, "test").token();
    }

    private static MockHttpServletRequestBuilder as(String token, MockHttpServletRequestBuilder request) {
        return request.header("Authorization", "Bearer " + token).contentType(MediaType.APPLICATION_JSON);
    }

    private Map<String, Object> validBody(Path install) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "api-" + System.nanoTime());
        body.put("product", "dreamfactory");
        body.put("environment", "staging");
        body.put("sshHost", server.host());
        body.put("sshPort", server.port());
        body.put("sshUser", "deploy");
        body.put("sshAuth", "PASSWORD");
        body.put("sshPassword", SSH_PASSWORD);
        body.put("installPath", install.toString());
        body.put("productSettings", Map.of("webServer", "NONE"));
        body.put("dbPassword", "api-db-override-pw");
        return body;
    }

    /**
     * A product's own settings (CairnCMS's CLI and service commands): stored with the instance and shown back; a
     * setting of another product, a second line or a secret reference refused, each with its message.
     */
    @Test
    void aProductsOwnSettingsAreStoredAndCheckedByThatProduct() throws Exception {
        Map<String, Object> cairn = validBody(tmp);
        cairn.put("product", "cairncms");
        cairn.put("productSettings", Map.of("cli", "/usr/bin/node /opt/cms/cli.js", "stopCommand", "sudo -n systemctl stop cms"));
        String created = mvc.perform(as(admin, post("/api/v1/instances")).content(json.writeValueAsString(cairn)))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.productSettings.cli").value("/usr/bin/node /opt/cms/cli.js"))
                .andExpect(jsonPath("$.productSettings.stopCommand").value("sudo -n systemctl stop cms"))
                .andReturn().getResponse().getContentAsString();
        long id = json.readTree(created).get("id").asLong();
        org.assertj.core.api.Assertions.assertThat(instances.get(id).productSetting("startCommand", "(none)")).isEqualTo("(none)");

        Map<String, Object> foreign = validBody(tmp);
        foreign.put("productSettings", Map.of("cli", "npx cairncms"));
        mvc.perform(as(admin, post("/api/v1/instances")).content(json.writeValueAsString(foreign)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.productSettings").value("'cli' is not a setting of dreamfactory"));
        Map<String, Object> bad = validBody(tmp);
        bad.put("product", "cairncms");
        bad.put("productSettings", Map.of("startCommand", "echo {{secret:ssh.password}}", "cli", "npx cairncms\nrm -rf /"));
        mvc.perform(as(admin, post("/api/v1/instances")).content(json.writeValueAsString(bad)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors['productSettings[startCommand]']", startsWith("Start command: '{{…}}' is not allowed")))
                .andExpect(jsonPath("$.errors['productSettings[cli]']").value("CLI is one line"));
    }

    /**
     * DreamFactory's web settings are its product settings: stored, shown back and changed like any; a web server
     * outside the list refused with the list; an old client's top-level webServer/webUser refused with where they
     * went (never silently dropped), on create and on update.
     */
    @Test
    void dreamFactorysWebSettingsAreItsProductSettingsAndTheOldFieldsAreRefused() throws Exception {
        Map<String, Object> body = validBody(tmp);
        body.put("productSettings", Map.of("webServer", "CUSTOM", "webRestartCommand", "sudo -n systemctl reload php8.2-fpm",
                "webUser", "www-data", "webGroup", "www-data"));
        String created = mvc.perform(as(admin, post("/api/v1/instances")).content(json.writeValueAsString(body)))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.productSettings.webServer").value("CUSTOM"))
                .andExpect(jsonPath("$.productSettings.webRestartCommand").value("sudo -n systemctl reload php8.2-fpm"))
                .andExpect(jsonPath("$.productSettings.webUser").value("www-data"))
                .andExpect(jsonPath("$.webServer").doesNotExist())
                .andReturn().getResponse().getContentAsString();
        long id = json.readTree(created).get("id").asLong();

        Map<String, Object> unknownServer = validBody(tmp);
        unknownServer.put("productSettings", Map.of("webServer", "IIS"));
        mvc.perform(as(admin, post("/api/v1/instances")).content(json.writeValueAsString(unknownServer)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors['productSettings[webServer]']")
                        .value("Web server: one of NGINX (nginx), APACHE (Apache), CUSTOM (Custom restart command), NONE (None)"));

        Map<String, Object> oldClient = validBody(tmp);
        oldClient.remove("productSettings");
        oldClient.put("webServer", "NONE");
        oldClient.put("webUser", "www-data");
        mvc.perform(as(admin, post("/api/v1/instances")).content(json.writeValueAsString(oldClient)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.webServer").value("'webServer' is now a product setting: send it as "
                        + "productSettings.webServer"))
                .andExpect(jsonPath("$.errors.webUser", startsWith("'webUser' is now a product setting")));
        body.put("name", json.readTree(created).get("name").asString());
        body.put("webGroup", "deploy");
        mvc.perform(as(admin, put("/api/v1/instances/" + id)).content(json.writeValueAsString(body)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.webGroup", startsWith("'webGroup' is now a product setting")));
        org.assertj.core.api.Assertions.assertThat(instances.get(id).productSetting("webGroup", "")).isEqualTo("www-data");

        body.remove("webGroup");
        body.put("productSettings", Map.of("webServer", "APACHE", "webUser", "deploy", "webGroup", "deploy"));
        mvc.perform(as(admin, put("/api/v1/instances/" + id)).content(json.writeValueAsString(body)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.productSettings.webServer").value("APACHE"))
                .andExpect(jsonPath("$.productSettings.webRestartCommand").doesNotExist());
        org.assertj.core.api.Assertions.assertThat(instances.get(id).productSettingValues())
                .containsEntry("webGroup", "deploy").doesNotContainKey("webRestartCommand");
    }

    @Test
    void withoutATokenTheApiAnswers401AsProblemJson() throws Exception {
        mvc.perform(get("/api/v1/instances"))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"));
    }

    @Test
    void aViewerReadsButMayNotChangeOrCheck() throws Exception {
        mvc.perform(as(viewer, get("/api/v1/instances"))).andExpect(status().isOk());
        mvc.perform(as(viewer, post("/api/v1/instances")).content(json.writeValueAsString(validBody(tmp))))
                .andExpect(status().isForbidden())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"));
        mvc.perform(as(operator, post("/api/v1/instances")).content(json.writeValueAsString(validBody(tmp))))
                .andExpect(status().isForbidden());
    }

    @Test
    void registerCheckAcceptAndCheckAgainWithoutEverReturningASecret() throws Exception {
        Path install = FakeInstall.create(tmp.resolve("df"), FakeInstall.sqliteEnv());
        String created = mvc.perform(as(admin, post("/api/v1/instances")).content(json.writeValueAsString(validBody(install))))
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", startsWith("/api/v1/instances/")))
                .andExpect(jsonPath("$.sshPasswordSet").value(true))
                .andExpect(jsonPath("$.dbPasswordSet").value(true))
                .andExpect(jsonPath("$.hostKey").doesNotExist())
                .andReturn().getResponse().getContentAsString();
        assertThat(created).doesNotContain(SSH_PASSWORD).doesNotContain("api-db-override-pw");
        long id = json.readTree(created).get("id").asLong();

        String first = mvc.perform(as(operator, post("/api/v1/instances/" + id + "/check")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.outcome").value("BLOCKING"))
                .andExpect(jsonPath("$.items[0].message", containsString("not accepted yet")))
                .andReturn().getResponse().getContentAsString();
        assertThat(first).contains(server.hostKey().fingerprint());

        mvc.perform(as(operator, post("/api/v1/instances/" + id + "/host-key/accept"))
                        .content("{\"fingerprint\":\"" + server.hostKey().fingerprint() + "\"}"))
                .andExpect(status().isForbidden());
        mvc.perform(as(admin, post("/api/v1/instances/" + id + "/host-key/accept")).content("{\"fingerprint\":\"SHA256:nope\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.fingerprint", containsString("does not match")));
        mvc.perform(as(admin, post("/api/v1/instances/" + id + "/host-key/accept"))
                        .content("{\"fingerprint\":\"" + server.hostKey().fingerprint() + "\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.hostKey.fingerprint").value(server.hostKey().fingerprint()))
                .andExpect(jsonPath("$.hostKeyAwaitingAcceptance").doesNotExist());

        // An edit without the password keeps the stored one: the next check still logs in.
        Map<String, Object> edit = validBody(install);
        edit.put("name", json.readTree(created).get("name").asString());
        edit.remove("sshPassword");
        edit.remove("dbPassword");
        mvc.perform(as(admin, put("/api/v1/instances/" + id)).content(json.writeValueAsString(edit)))
                .andExpect(status().isOk()).andExpect(jsonPath("$.environment").value("staging"));

        String report = mvc.perform(as(operator, post("/api/v1/instances/" + id + "/check")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.items[0].name").value("SSH"))
                .andExpect(jsonPath("$.items[0].status").value("OK"))
                .andReturn().getResponse().getContentAsString();
        assertThat(report).contains("DreamFactory 7.0.0").doesNotContain(FakeInstall.APP_KEY)
                .doesNotContain(SSH_PASSWORD);
        mvc.perform(as(viewer, get("/api/v1/instances/" + id + "/check")))
                .andExpect(status().isOk()).andExpect(jsonPath("$.id").value(json.readTree(report).get("id").asLong()));
        String shown = mvc.perform(as(viewer, get("/api/v1/instances/" + id))).andExpect(status().isOk())
                .andExpect(jsonPath("$.lastCheck.items[0].status").value("OK"))
                .andReturn().getResponse().getContentAsString();
        assertThat(shown).doesNotContain(SSH_PASSWORD).doesNotContain("api-db-override-pw").doesNotContain("gcm1:");

        List<String> actions = audit.findAll().stream().filter(e -> String.valueOf(id).equals(e.getTargetId()))
                .map(AuditEvent::getAction).toList();
        assertThat(actions).contains("instance.created", "instance.checked", "hostkey.accepted", "instance.updated");

        mvc.perform(as(admin, delete("/api/v1/instances/" + id))).andExpect(status().isNoContent());
        mvc.perform(as(admin, get("/api/v1/instances/" + id)))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.detail").value("No instance with id " + id));
    }

    @Test
    void everyBadFieldGetsItsOwnClearMessage() throws Exception {
        Map<String, Object> body = validBody(tmp);
        body.put("name", "");
        body.put("environment", "prod; rm -rf /");
        body.put("sshHost", "-oProxyCommand=touch /tmp/pwned");
        body.put("sshPort", 70000);
        body.put("sshUser", "root$(id)");
        body.put("installPath", "/opt/../etc");
        body.put("deploymentType", "DOCKER");
        body.put("containerName", "");
        body.put("productSettings", Map.of("webServer", "CUSTOM", "webRestartCommand", "", "webUser", "www data",
                "webGroup", "x".repeat(33)));
        body.put("appUrl", "javascript:alert(1)");
        body.put("dbConnection", "oracle");
        body.put("dbHost", "db host`id`");
        body.put("dbPort", 0);
        body.put("dbDatabase", "df'; drop table x; --");
        body.put("dbSqlitePath", "relative/db.sqlite");
        String answer = mvc.perform(as(admin, post("/api/v1/instances")).content(json.writeValueAsString(body)))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.errors.name").value("Name is required"))
                .andExpect(jsonPath("$.errors.environment", startsWith("Environment: one word")))
                .andExpect(jsonPath("$.errors.sshHost").value("SSH host: a host name or IP address"))
                .andExpect(jsonPath("$.errors.sshPort").value("SSH port is between 1 and 65535"))
                .andExpect(jsonPath("$.errors.sshUser", startsWith("SSH user: a Unix user name")))
                .andExpect(jsonPath("$.errors.installPath").value("Install path: must not hold . or .. segments"))
                .andExpect(jsonPath("$.errors.containerName").value("Give the Docker container's name or id"))
                .andExpect(jsonPath("$.errors['productSettings[webRestartCommand]']")
                        .value("Give the command that restarts the web server (the web server is custom)"))
                .andExpect(jsonPath("$.errors['productSettings[webUser]']", startsWith("Web user: a Unix user name")))
                .andExpect(jsonPath("$.errors['productSettings[webGroup]']").value("Web group is 32 characters at most"))
                .andExpect(jsonPath("$.errors.appUrl").value("App URL: an http:// or https:// address"))
                .andExpect(jsonPath("$.errors.dbConnection", startsWith("DB connection: mysql, pgsql")))
                .andExpect(jsonPath("$.errors.dbHost").value("DB host: a host name or IP address"))
                .andExpect(jsonPath("$.errors.dbPort").value("DB port is between 1 and 65535"))
                .andExpect(jsonPath("$.errors.dbDatabase", startsWith("DB name: letters")))
                .andExpect(jsonPath("$.errors.dbSqlitePath").value("SQLite path: must be absolute (start with /)"))
                .andReturn().getResponse().getContentAsString();
        assertThat(answer).doesNotContain("Exception").doesNotContain("at dev.");
        assertThat(json.readTree(answer).get("detail").asString()).doesNotContain("\n");
    }

    @Test
    void secretsAndCrossFieldRules() throws Exception {
        Map<String, Object> noPassword = validBody(tmp);
        noPassword.remove("sshPassword");
        mvc.perform(as(admin, post("/api/v1/instances")).content(json.writeValueAsString(noPassword)))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.errors.sshPassword").value("Give the SSH password"));

        Map<String, Object> garbageKey = validBody(tmp);
        garbageKey.put("sshAuth", "PRIVATE_KEY");
        garbageKey.put("sshPrivateKey", "-----BEGIN OPENSSH PRIVATE KEY-----\nnot really\n-----END OPENSSH PRIVATE KEY-----");
        mvc.perform(as(admin, post("/api/v1/instances")).content(json.writeValueAsString(garbageKey)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.sshPrivateKey", startsWith("This is not a private key")));

        Map<String, Object> k8s = validBody(tmp);
        k8s.put("deploymentType", "KUBERNETES");
        k8s.put("k8sNamespace", "Bad_Namespace");
        mvc.perform(as(admin, post("/api/v1/instances")).content(json.writeValueAsString(k8s)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.k8sNamespace", startsWith("Namespace: lower-case")))
                .andExpect(jsonPath("$.errors.k8sPod").value("Give the pod's name"));

        // an ADMIN's restart command may not carry a secret reference: the job engine would fill it in
        Map<String, Object> reference = validBody(tmp);
        reference.put("productSettings", Map.of("webServer", "CUSTOM",
                "webRestartCommand", "echo {{secret:ssh.password}} | rev"));
        mvc.perform(as(admin, post("/api/v1/instances")).content(json.writeValueAsString(reference)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors['productSettings[webRestartCommand]']",
                        startsWith("Restart command: '{{…}}' is not allowed here")));

        Map<String, Object> first = validBody(tmp);
        mvc.perform(as(admin, post("/api/v1/instances")).content(json.writeValueAsString(first))).andExpect(status().isCreated());
        Map<String, Object> twin = validBody(tmp);
        twin.put("name", first.get("name").toString().toUpperCase());
        mvc.perform(as(admin, post("/api/v1/instances")).content(json.writeValueAsString(twin)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.name", startsWith("Another instance is already called")));
    }

    @Test
    void malformedJsonAndUnknownChoicesAreOneLine() throws Exception {
        mvc.perform(as(admin, post("/api/v1/instances")).content("{\"sshPort\": \"twenty-two\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("'sshPort' has a value of the wrong type or an unknown choice"));
        mvc.perform(as(admin, post("/api/v1/instances")).content("{\"deploymentType\": \"VMWARE\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.deploymentType").value("a value of the wrong type or an unknown choice"));
        mvc.perform(as(admin, post("/api/v1/instances")).content("{\"name\": \"df\""))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail", startsWith("The request body is not valid JSON")));
        mvc.perform(as(admin, get("/api/v1/instances/abc")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("'id' has a value of the wrong type"));
        mvc.perform(as(admin, get("/api/v1/instances/999999/check"))).andExpect(status().isNotFound());
    }
}
