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
                        .description("Instances, checks and (later) jobs. Create a personal API token on the "
                                + "'API tokens' page and send it as Authorization: Bearer <token>."))
                .components(new Components().addSecuritySchemes("token",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("token"));
    }
}
