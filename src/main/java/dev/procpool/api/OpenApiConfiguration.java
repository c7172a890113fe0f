package dev.procpool.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The title and overview of the generated OpenAPI document ({@code /v3/api-docs}). */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI procpoolOpenApi() {
        return new OpenAPI().info(new Info()
                .title("procpool")
                .version("v1")
                .description("""
                        Python's multiprocessing as a service for the JVM. Tasks run in separate worker JVMs.
                        Errors are RFC 9457 application/problem+json with a stable type
                        (https://procpool.dev/problems/...). Timeouts are seconds (fractions allowed); an absent
                        timeout blocks, up to procpool.api.max-wait (default 300 s).""")
                .license(new License().name("Apache-2.0")));
    }
}
