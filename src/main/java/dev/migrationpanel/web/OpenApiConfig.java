package dev.migrationpanel.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

/** The OpenAPI document at /v3/api-docs: every /api/v1 route takes a personal API token. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    @Bean
    OpenAPI panelOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Migration Panel API").version("v1")
                        .description("[← Back to the panel](/)\n\nInstances, checks, flows and jobs. Create a personal API token on the "
                                + "'API tokens' page and send it as Authorization: Bearer <token>. A job starts from a "
                                + "reviewed plan: POST /api/v1/jobs/plan answers every step, the options as resolved "
                                + "(resolvedOptions), the planDigest and a planId valid until expiresAt; POST /api/v1/jobs "
                                + "with {planId, planDigest} starts exactly that plan, once. Errors are "
                                + "application/problem+json with a one-line detail; request bodies are JSON, 1 MiB at most."))
                .components(new Components().addSecuritySchemes("token",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("token"));
    }
}
