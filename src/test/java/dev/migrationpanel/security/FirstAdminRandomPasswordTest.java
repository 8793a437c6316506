package dev.migrationpanel.security;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.springframework.mock.web.MockHttpSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

/** Without panel.admin-password the first admin gets a random password, logged once. */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(properties = "panel.admin-password=")
@AutoConfigureMockMvc
class FirstAdminRandomPasswordTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    AuditEventRepository audit;

    @Test
    void theRandomPasswordIsLoggedOnceAndWorks(CapturedOutput output) throws Exception {
        Matcher m = Pattern.compile("Initial admin password: (\\S+) — it must be changed at the first sign-in").matcher(output.getOut());
        assertThat(m.find()).as("the framed WARN block in the log").isTrue();
        String password = m.group(1);
        assertThat(password).hasSize(20).matches("[A-Za-z0-9]{20}");
        assertThat(output.getOut()).contains("=".repeat(72));

        MockHttpSession session = (MockHttpSession) mvc.perform(formLogin("/login").user("admin").password(password))
                .andExpect(redirectedUrl("/")).andExpect(authenticated().withUsername("admin").withRoles("ADMIN"))
                .andReturn().getRequest().getSession(false);
        // the password went through the log: it opens the password form and nothing else
        mvc.perform(get("/instances").session(session)).andExpect(redirectedUrl("/account?password-change-required"));
        mvc.perform(get("/account").session(session)).andExpect(status().isOk())
                .andExpect(content().string(containsString("id=\"password-change-required\"")));

        assertThat(countOf(output.getAll(), password)).as("the password appears in the log exactly once").isEqualTo(1);
        assertThat(output.getOut()).doesNotContain("from PANEL_ADMIN_PASSWORD");
        assertThat(audit.findAll()).anySatisfy(e -> {
            assertThat(e.getAction()).isEqualTo("user.created");
            assertThat(e.getActor()).isEqualTo(AuditService.SYSTEM);
        });
        assertThat(audit.findAll()).noneSatisfy(e -> assertThat(String.valueOf(e.getDetail())).contains(password));
    }

    private static int countOf(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }
}
