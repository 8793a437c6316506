package dev.migrationpanel.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The API's OpenAPI document: every operation under a tag an admin reads (not a controller's class name), and a way back. */
@SpringBootTest
@AutoConfigureMockMvc
class OpenApiDocumentTest {

    @Autowired
    MockMvc mvc;

    @Test
    void everyOperationIsTaggedByWhatItIsAbout() throws Exception {
        String body = mvc.perform(get("/v3/api-docs").with(user("docs").roles("VIEWER"))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        JsonNode doc = JsonMapper.builder().build().readTree(body);
        List<String> tags = new ArrayList<>();
        for (JsonNode path : doc.get("paths")) {
            for (JsonNode operation : path) {
                operation.get("tags").forEach(t -> tags.add(t.asString()));
            }
        }
        assertThat(tags).isNotEmpty().noneMatch(t -> t.endsWith("-controller"))
                .contains("Instances", "Flows", "Jobs", "Job logs", "Artifacts", "Audit");
        assertThat(doc.at("/info/description").asString()).startsWith("[← Back to the panel](/)");
    }
}
