package dev.migrationpanel.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** The registry's pages: server-side validation shown by the fields, roles, secrets never echoed. */
@SpringBootTest
@AutoConfigureMockMvc
class InstancePagesTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    InstanceRepository instances;

    /** A valid registration form; each override pair replaces one field's value. */
    private static MockHttpServletRequestBuilder form(MockHttpServletRequestBuilder request, String... overrides) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", "page-" + System.nanoTime());
        fields.put("product", "dreamfactory");
        fields.put("environment", "production");
        fields.put("sshHost", "db1.example.com");
        fields.put("sshPort", "22");
        fields.put("sshUser", "deploy");
        fields.put("sshAuth", "PASSWORD");
        fields.put("sshPassword", "typed-secret-pw-1");
        fields.put("deploymentType", "HOST");
        fields.put("installPath", "/opt/dreamfactory");
        fields.put("webServer", "NGINX");
        fields.put("dbAccess", "TUNNEL");
        for (int i = 0; i < overrides.length; i += 2) {
            fields.put(overrides[i], overrides[i + 1]);
        }
        request.with(csrf());
        fields.forEach(request::param);
        return request;
    }

    @Test
    void badInputIsShownByItsFieldAndTheTypedSecretIsNotSentBack() throws Exception {
        String page = mvc.perform(form(post("/instances"), "sshPort", "twenty-two", "installPath", "opt/dreamfactory")
                        .with(user("root-admin").roles("ADMIN")))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("Enter a whole number")))
                .andExpect(content().string(containsString("Install path: must be absolute (start with /)")))
                .andReturn().getResponse().getContentAsString();
        assertThat(page).doesNotContain("typed-secret-pw-1").doesNotContain("Exception");

        String second = mvc.perform(form(post("/instances"), "installPath", "opt/dreamfactory", "sshHost", "$(reboot)")
                        .with(user("root-admin").roles("ADMIN")))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("Install path: must be absolute (start with /)")))
                .andExpect(content().string(containsString("SSH host: a host name or IP address")))
                .andExpect(content().string(containsString("Nothing was saved")))
                .andReturn().getResponse().getContentAsString();
        assertThat(second).doesNotContain("typed-secret-pw-1");
        assertThat(instances.findAll()).noneMatch(i -> "$(reboot)".equals(i.getSshHost()));
    }

    @Test
    void anAdminRegistersAndIsSentToTheInstancePage() throws Exception {
        mvc.perform(form(post("/instances")).with(user("root-admin").roles("ADMIN")))
                .andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrlPattern("/instances/*"));
    }

    @Test
    void viewersAndOperatorsCannotRegisterOrEdit() throws Exception {
        mvc.perform(form(post("/instances")).with(user("v").roles("VIEWER"))).andExpect(status().isForbidden());
        mvc.perform(form(post("/instances")).with(user("o").roles("OPERATOR"))).andExpect(status().isForbidden());
        mvc.perform(get("/instances/new").with(user("v").roles("VIEWER"))).andExpect(status().isForbidden());
        mvc.perform(get("/instances").with(user("v").roles("VIEWER")))
                .andExpect(status().isOk())
                .andExpect(content().string(not(containsString("Register an instance"))));
    }

    @Test
    void anUnknownInstanceIsAPlainNotFoundPage() throws Exception {
        mvc.perform(get("/instances/987654").with(user("v").roles("VIEWER")))
                .andExpect(status().isNotFound())
                .andExpect(content().string(containsString("No instance with id 987654")));
    }
}
