package dev.migrationpanel.web;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Error pages for a signed-in admin: an address with a word where an id goes, or an id that names nothing, answers
 * a 404 page with one line and the panel's navigation, never a 500 or a stack trace.
 */
@SpringBootTest
@AutoConfigureMockMvc
class ErrorPagesTest {

    @Autowired
    MockMvc mvc;

    private static org.springframework.test.web.servlet.request.RequestPostProcessor admin() {
        return user("error-admin").roles("ADMIN");
    }

    @Test
    void aWordWhereAnIdGoesIsA404PageWithTheNavigation() throws Exception {
        for (String path : new String[] {"/jobs/abc", "/instances/abc", "/instances/abc/flows", "/jobs/1x/steps"}) {
            mvc.perform(get(path).with(admin())).andExpect(status().isNotFound())
                    .andExpect(content().string(containsString("is not an id (ids are numbers)")))
                    .andExpect(content().string(containsString("href=\"/jobs\"")))
                    .andExpect(content().string(containsString("error-admin")))
                    .andExpect(content().string(not(containsString("Exception"))));
        }
    }

    @Test
    void anIdThatNamesNothingIsA404PageWithTheNavigation() throws Exception {
        mvc.perform(get("/jobs/987654321").with(admin())).andExpect(status().isNotFound())
                .andExpect(content().string(containsString("href=\"/instances\"")))
                .andExpect(content().string(containsString("987654321")));
        mvc.perform(get("/instances/987654321").with(admin())).andExpect(status().isNotFound())
                .andExpect(content().string(containsString("href=\"/audit\"")));
    }
}
