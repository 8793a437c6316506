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
        fields.put("productSettings[dreamfactory:webServer]", "NGINX");
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

        // quoting would keep it harmless, but no real install path holds shell syntax: refused, not trimmed into another path
        mvc.perform(form(post("/instances"), "name", "semicolon-path", "installPath", "/opt/df; rm -rf /")
                        .with(user("root-admin").roles("ADMIN")))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("Install path: must hold only letters, digits, spaces and "
                        + "/ . _ - + @ , = ~ : (found &#39;;&#39;)")));
        assertThat(instances.findAll()).noneMatch(i -> "semicolon-path".equals(i.getName()));
    }

    @Test
    void anAdminRegistersAndIsSentToTheInstancePage() throws Exception {
        mvc.perform(form(post("/instances")).with(user("root-admin").roles("ADMIN")))
                .andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrlPattern("/instances/*"));
    }

    /** The form shows each product's own settings (shown for that product only) and refuses a bad one by its field. */
    @Test
    void aProductsSettingsAreOnTheFormAndRefusedByTheirField() throws Exception {
        String empty = mvc.perform(get("/instances/new").with(user("root-admin").roles("ADMIN")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        org.assertj.core.api.Assertions.assertThat(empty).contains("name=\"productSettings[cairncms:cli]\"")
                .contains("name=\"productSettings[fief:cli]\"")
                .contains("data-show-for-product=\"cairncms\"").contains("placeholder=\"npx cairncms\"");
        String refused = mvc.perform(form(post("/instances"), "product", "cairncms", "installPath", "/srv/cms",
                        "productSettings[cairncms:startCommand]", "echo {{secret:ssh.password}}",
                        "productSettings[fief:startCommand]", "")
                        .with(user("root-admin").roles("ADMIN")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        org.assertj.core.api.Assertions.assertThat(refused)
                .contains("Start command: &#39;{{…}}&#39; is not allowed here")
                .contains("value=\"echo {{secret:ssh.password}}\"").doesNotContain("typed-secret-pw-1");
        // the page posts every product's fields (two products have a cli): only the chosen product's count
        mvc.perform(form(post("/instances"), "product", "cairncms", "installPath", "/srv/cms",
                        "productSettings[cairncms:cli]", "/usr/bin/node /srv/cms/cli.js", "productSettings[fief:cli]", "",
                        "productSettings[fief:startCommand]", "docker start fief").with(user("root-admin").roles("ADMIN")))
                .andExpect(status().is3xxRedirection());
        org.assertj.core.api.Assertions.assertThat(instances.findAll()).noneMatch(i -> "docker start fief".equals(
                i.productSetting("startCommand", null)));
        org.assertj.core.api.Assertions.assertThat(instances.findAll()).anyMatch(i -> "cairncms".equals(i.getProduct())
                && "/usr/bin/node /srv/cms/cli.js".equals(i.productSetting("cli", null)));
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
