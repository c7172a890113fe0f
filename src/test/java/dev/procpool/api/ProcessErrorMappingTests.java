package dev.procpool.api;

import dev.procpool.process.ProcessLimitException;
import dev.procpool.process.ProcessManager;
import dev.procpool.process.WorkerLaunchException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.Mockito.when;

/** The controller's mapping of engine failures that are hard to provoke for real to problem responses. */
@WebMvcTest(ProcessController.class)
@Import(BoundProperties.class)
class ProcessErrorMappingTests {

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    ProcessManager processes;

    private MockMvcTester.MockMvcRequestBuilder create() {
        return mvc.post().uri("/api/processes").contentType(MediaType.APPLICATION_JSON).content("{\"target\":\"sleep\",\"args\":[1]}");
    }

    @Test
    void aFullProcessTableIs429WithRetryAfter() {
        when(processes.create(any(), anyBoolean())).thenThrow(new ProcessLimitException("at most 8 processes may run at once", 8));
        var result = create().exchange();
        assertThat(result).hasStatus(429).hasContentType(MediaType.APPLICATION_PROBLEM_JSON).hasHeader("Retry-After", "1");
        assertThat(result).bodyJson().extractingPath("$.type").isEqualTo("https://procpool.dev/problems/too-many-processes");
        assertThat(result).bodyJson().extractingPath("$.limit").isEqualTo(8);
    }

    @Test
    void aWorkerThatCannotStartIs503WithTheCause() {
        when(processes.create(any(), anyBoolean())).thenThrow(new WorkerLaunchException("worker JVM exited with code 1 before connecting: Unrecognized VM option"));
        var result = create().exchange();
        assertThat(result).hasStatus(503).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(result).bodyJson().extractingPath("$.detail").asString().contains("Unrecognized VM option");
    }

    @Test
    void anUnexpectedFaultIs500WithoutAStackTrace() {
        when(processes.create(any(), anyBoolean())).thenThrow(new IllegalStateException("secret internals"));
        var result = create().exchange();
        assertThat(result).hasStatus(500).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(result).bodyText().doesNotContain("secret internals").doesNotContain("at dev.procpool");
    }
}
