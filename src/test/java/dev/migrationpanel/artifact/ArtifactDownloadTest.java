package dev.migrationpanel.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.PageRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import dev.migrationpanel.security.ApiTokenService;
import dev.migrationpanel.security.AuditEvent;
import dev.migrationpanel.security.AuditEventRepository;
import dev.migrationpanel.security.Role;
import dev.migrationpanel.security.UserService;

/** Downloads, metadata and deletion through the pages and the API, with real API tokens. */
@ArtifactSpringTest
class ArtifactDownloadTest {

    static final byte[] DUMP = "create table t (id int);\ninsert into t values (1);\n".repeat(300)
            .getBytes(StandardCharsets.UTF_8);
    static final byte[] ENV = "APP_KEY=base64:secret-app-key-0042\nDB_PASSWORD=env-marker-pw-77\n"
            .getBytes(StandardCharsets.UTF_8);

    @Autowired
    MockMvc mvc;
    @Autowired
    ArtifactStore store;
    @Autowired
    UserService users;
    @Autowired
    ApiTokenService tokens;
    @Autowired
    AuditEventRepository audit;

    long job;
    Artifact dump;
    Artifact env;
    String admin;
    String operator;
    String viewer;

    @BeforeEach
    void setUp() {
        job = System.nanoTime() % 1_000_000_000L;
        dump = store.write(new ArtifactSpec(job, 3L, 2, "dump.sql", ArtifactKind.DB_DUMP, "application/sql", false),
                new ByteArrayInputStream(DUMP));
        env = store.write(new ArtifactSpec(job, 3L, 1, ".env", ArtifactKind.ENV_FILE, "text/plain", false),
                new ByteArrayInputStream(ENV));
        admin = token("art-admin", Role.ADMIN);
        operator = token("art-operator", Role.OPERATOR);
        viewer = token("art-viewer", Role.VIEWER);
    }

    private String token(String prefix, Role role) {
        String name = prefix + System.nanoTime() % 1_000_000;
        users.create(name, role, "long-enough-password", "long-enough-password");
        return tokens.create(name, "test").token();
    }

    private static MockHttpServletRequestBuilder as(String token, MockHttpServletRequestBuilder request) {
        return request.header("Authorization", "Bearer " + token);
    }

    private List<AuditEvent> auditOf(String artifactId) {
        return audit.findByTargetTypeAndTargetIdOrderByOccurredAtDescIdDesc(ArtifactStore.TARGET_TYPE, artifactId,
                PageRequest.of(0, 20)).getContent();
    }

    @Test
    void theApiStreamsTheOriginalWithItsHeadersAndAuditsTheDownload() throws Exception {
        MockHttpServletResponse response = mvc.perform(as(viewer, get("/api/v1/artifacts/{id}/download", dump.getId())))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Disposition", "attachment; filename=\"dump.sql\""))
                .andExpect(header().string("Content-Type", "application/sql"))
                .andExpect(header().longValue("Content-Length", DUMP.length))
                .andExpect(header().string("X-Checksum-SHA256", dump.getSha256()))
                .andReturn().getResponse();
        assertThat(response.getContentAsByteArray()).isEqualTo(DUMP);
        assertThat(auditOf(dump.getId())).extracting(AuditEvent::getAction).contains("artifact.downloaded");
        assertThat(auditOf(dump.getId()).get(0).getActor()).startsWith("art-viewer");
    }

    @Test
    void theJobPageDownloadStreamsTheOriginalForAnySignedInUser() throws Exception {
        MockHttpServletResponse response = mvc.perform(get("/jobs/{job}/artifacts/{id}", job, dump.getId())
                        .with(user("page-viewer").roles("VIEWER")))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Disposition", "attachment; filename=\"dump.sql\""))
                .andExpect(header().longValue("Content-Length", DUMP.length))
                .andExpect(header().string("X-Checksum-SHA256", dump.getSha256()))
                .andReturn().getResponse();
        assertThat(response.getContentAsByteArray()).isEqualTo(DUMP);

        mvc.perform(get("/jobs/{job}/artifacts/{id}", job, dump.getId()))
                .andExpect(status().isFound())
                .andExpect(redirectedUrl("/login"));
        // an artifact is only found under its own job
        mvc.perform(get("/jobs/{job}/artifacts/{id}", job + 1, dump.getId()).with(user("v").roles("VIEWER")))
                .andExpect(status().isNotFound());
        mvc.perform(get("/jobs/{job}/artifacts/{id}", "not-a-job", dump.getId()).with(user("v").roles("VIEWER")))
                .andExpect(status().isNotFound());
    }

    @Test
    void onlyAnAdminDownloadsAnEnvFile() throws Exception {
        for (String token : List.of(viewer, operator)) {
            String body = mvc.perform(as(token, get("/api/v1/artifacts/{id}/download", env.getId())))
                    .andExpect(status().isForbidden())
                    .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                    .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.matchesPattern(
                            "Your role (VIEWER|OPERATOR) may not do this")))
                    .andReturn().getResponse().getContentAsString();
            assertThat(body).doesNotContain("env-marker-pw-77").doesNotContain("APP_KEY");
        }
        mvc.perform(get("/jobs/{job}/artifacts/{id}", job, env.getId()).with(user("op").roles("OPERATOR")))
                .andExpect(status().isForbidden());

        MockHttpServletResponse response = mvc.perform(as(admin, get("/api/v1/artifacts/{id}/download", env.getId())))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Disposition", "attachment; filename=\".env\""))
                .andExpect(header().longValue("Content-Length", ENV.length))
                .andReturn().getResponse();
        assertThat(response.getContentAsByteArray()).isEqualTo(ENV);
        mvc.perform(get("/jobs/{job}/artifacts/{id}", job, env.getId()).with(user("root").roles("ADMIN")))
                .andExpect(status().isOk());
        assertThat(auditOf(env.getId())).extracting(AuditEvent::getAction).containsOnly("artifact.downloaded");
        assertThat(auditOf(env.getId())).allSatisfy(e -> assertThat(e.getDetail()).doesNotContain("env-marker"));
    }

    @Test
    void idsThatAreNotArtifactsAre404WithOneLineAndNoPath() throws Exception {
        for (String id : List.of("etc-passwd", "....", "...", "00000000-0000-0000-0000-000000000000",
                dump.getId() + "x", "g" + dump.getId().substring(1), "null")) {
            MockHttpServletResponse response = mvc.perform(as(admin, get("/api/v1/artifacts/" + id + "/download")))
                    .andReturn().getResponse();
            assertThat(response.getStatus()).as(id).isEqualTo(404);
            assertThat(response.getContentAsString()).as(id).contains("\"detail\":\"No such artifact\"")
                    .doesNotContain(store.directory().toString());
            assertThat(mvc.perform(as(admin, get("/api/v1/artifacts/" + id))).andReturn().getResponse().getStatus())
                    .as(id).isEqualTo(404);
            assertThat(mvc.perform(get("/jobs/" + job + "/artifacts/" + id).with(user("v").roles("VIEWER")))
                    .andReturn().getResponse().getStatus()).as(id).isEqualTo(404);
        }
    }

    @Test
    void encodedTraversalIsRefusedBeforeAnyControllerRuns() throws Exception {
        // Spring Security's StrictHttpFirewall answers 400 to "..", encoded slashes, dots and percents
        for (String raw : List.of("/api/v1/artifacts/..%2F..%2Fetc%2Fpasswd/download",
                "/api/v1/artifacts/%2e%2e%2f/download", "/api/v1/artifacts/%2e%2e/download",
                "/api/v1/artifacts/../../etc/passwd/download", "/api/v1/artifacts/../download",
                "/api/v1/artifacts/..%252f..%252fetc%252fpasswd/download",
                "/jobs/1/artifacts/..%2F..%2Fetc%2Fpasswd")) {
            MockHttpServletResponse response = mvc.perform(as(admin, get(URI.create(raw)))
                            .with(user("root").roles("ADMIN")))
                    .andReturn().getResponse();
            assertThat(response.getStatus()).as(raw).isEqualTo(400);
            assertThat(response.getContentAsString()).doesNotContain("root:").doesNotContain("passwd");
        }
    }

    @Test
    void metadataAndTheJobListAreJsonWithoutPaths() throws Exception {
        String body = mvc.perform(as(viewer, get("/api/v1/artifacts/{id}", env.getId())))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(env.getId()))
                .andExpect(jsonPath("$.jobId").value(job))
                .andExpect(jsonPath("$.instanceId").value(3))
                .andExpect(jsonPath("$.name").value(".env"))
                .andExpect(jsonPath("$.kind").value("ENV_FILE"))
                .andExpect(jsonPath("$.sizeBytes").value(ENV.length))
                .andExpect(jsonPath("$.storedBytes").value(env.getStoredBytes()))
                .andExpect(jsonPath("$.sha256").value(env.getSha256()))
                .andExpect(jsonPath("$.compressed").value(true))
                .andExpect(jsonPath("$.encrypted").value(true))
                .andExpect(jsonPath("$.createdAt").isNotEmpty())
                .andExpect(jsonPath("$.deleted").value(false))
                .andReturn().getResponse().getContentAsString();
        assertThat(body).doesNotContain("storagePath").doesNotContain(".gz");

        mvc.perform(as(viewer, get("/api/v1/jobs/{job}/artifacts", job)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(2))
                .andExpect(jsonPath("$[*].name").value(org.hamcrest.Matchers.containsInAnyOrder("dump.sql", ".env")));
        mvc.perform(as(viewer, get("/api/v1/jobs/{job}/artifacts", "abc"))).andExpect(status().isNotFound());
    }

    @Test
    void onlyAnAdminDeletesThroughTheApiAndADeletedArtifactIsGoneForDownloads() throws Exception {
        mvc.perform(as(operator, delete("/api/v1/artifacts/{id}", dump.getId()))).andExpect(status().isForbidden());
        assertThat(store.require(dump.getId()).isDeleted()).isFalse();

        mvc.perform(as(admin, delete("/api/v1/artifacts/{id}", dump.getId()).param("reason", "disk space")))
                .andExpect(status().isNoContent());
        mvc.perform(as(admin, get("/api/v1/artifacts/{id}/download", dump.getId())))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.detail").value("No such artifact"));
        mvc.perform(as(admin, get("/api/v1/artifacts/{id}", dump.getId())))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.deleted").value(true))
                .andExpect(jsonPath("$.deletedBy").value(org.hamcrest.Matchers.startsWith("art-admin")));
        mvc.perform(as(admin, delete("/api/v1/artifacts/{id}", dump.getId()))).andExpect(status().isNotFound());
        AuditEvent deleted = auditOf(dump.getId()).get(0);
        assertThat(deleted.getAction()).isEqualTo("artifact.deleted");
        assertThat(deleted.getActor()).startsWith("art-admin");
        assertThat(deleted.getDetail()).contains("reason: disk space");
    }

    @Test
    void theJobPageDeleteIsForAdminsAndGoesBackToTheJob() throws Exception {
        mvc.perform(post("/jobs/{job}/artifacts/{id}/delete", job, env.getId())
                        .with(user("op").roles("OPERATOR")).with(csrf()))
                .andExpect(status().isForbidden());
        mvc.perform(post("/jobs/{job}/artifacts/{id}/delete", job, env.getId()).with(user("root").roles("ADMIN")))
                .andExpect(status().isForbidden()); // no CSRF token
        assertThat(store.require(env.getId()).isDeleted()).isFalse();

        mvc.perform(post("/jobs/{job}/artifacts/{id}/delete", job, env.getId())
                        .with(user("root").roles("ADMIN")).with(csrf()))
                .andExpect(status().isFound())
                .andExpect(redirectedUrl("/jobs/" + job));
        assertThat(store.find(env.getId()).orElseThrow().getDeletedBy()).isEqualTo("root");
        mvc.perform(get("/jobs/{job}/artifacts/{id}", job, env.getId()).with(user("root").roles("ADMIN")))
                .andExpect(status().isNotFound());
    }

    @Test
    void fileNamesAreSanitisedWithAnRfc5987NameForNonAscii() throws Exception {
        Artifact german = store.write(new ArtifactSpec(job, null, null, "Sicherung-größe 1.sql", ArtifactKind.DB_DUMP,
                null, false), new ByteArrayInputStream(DUMP));
        mvc.perform(as(viewer, get("/api/v1/artifacts/{id}/download", german.getId())))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Disposition", "attachment; filename=\"Sicherung-gr__e 1.sql\"; "
                        + "filename*=UTF-8''Sicherung-gr%C3%B6%C3%9Fe%201.sql"))
                .andExpect(header().string("Content-Type", "application/octet-stream"));

        Artifact sneaky = store.write(new ArtifactSpec(job, null, null, "../../etc/\"evil\";x.sql",
                ArtifactKind.OTHER, null, false), new ByteArrayInputStream(DUMP));
        mvc.perform(as(viewer, get("/api/v1/artifacts/{id}/download", sneaky.getId())))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Disposition", "attachment; filename=\"_evil__x.sql\""));
        assertThat(ArtifactResponses.contentDisposition("..", "0123456789")).isEqualTo(
                "attachment; filename=\"artifact-01234567\"");
    }
}
