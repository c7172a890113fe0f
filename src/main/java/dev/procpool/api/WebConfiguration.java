package dev.procpool.api;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/** Spring MVC additions: map bodies are read by {@link MapRequestConverter}; encoded slashes reach the API (and its problems). */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    private final JsonMapper mapper;

    WebConfiguration(JsonMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
        builder.addCustomConverter(new MapRequestConverter(mapper));
    }

    /**
     * Tomcat refuses an encoded slash ({@code %2F}) in a path with its own HTML page; passed
     * through, the request reaches the API, which answers with a problem like any bad name.
     */
    /** Tomcat's own refusals (a NUL in the path, a broken request line) as problem+json too. */
    @org.springframework.context.annotation.Bean
    org.springframework.boot.tomcat.TomcatContextCustomizer problemErrorPages() {
        return context -> {
            if (context.getParent() instanceof org.apache.catalina.core.StandardHost host) {
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            }
        };
    }

    @org.springframework.context.annotation.Bean
    org.springframework.boot.tomcat.TomcatConnectorCustomizer encodedSlashesReachTheApi() {
        return connector -> connector.setEncodedSolidusHandling(org.apache.tomcat.util.buf.EncodedSolidusHandling.PASS_THROUGH.getValue());
    }
}
