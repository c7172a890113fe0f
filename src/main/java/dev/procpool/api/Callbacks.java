package dev.procpool.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.procpool.pool.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * POSTs an async call's final AsyncResult to the client's {@code callback} URL: three attempts,
 * 0.5 s and 2 s apart, 5 s each. A failing callback is logged; it never touches the pool.
 */
@Component
class Callbacks {

    private static final Logger LOG = LoggerFactory.getLogger(Callbacks.class);
    static final int ATTEMPTS = 3;
    private static final Duration[] BACKOFF = {Duration.ofMillis(500), Duration.ofSeconds(2)};

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final JsonMapper json = JsonMapper.builder().build();

    /** Checks a callback URL: absolute http or https. */
    static URI parse(String url) {
        try {
            URI uri = URI.create(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new BadRequestException("callback", "callback must be an absolute http or https URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("callback", "callback is not a URL: " + e.getMessage());
        }
    }

    /** Sends the result when {@code job} is done, on a virtual thread. */
    void whenDone(Job job, URI callback) {
        job.finished().whenComplete((j, e) -> Thread.ofVirtual().name("procpool-callback-" + job.id()).start(() -> deliver(job, callback)));
    }

    private void deliver(Job job, URI callback) {
        byte[] body = json.writeValueAsBytes(PoolViews.AsyncResult.of(job));
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(callback).timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() < 300) {
                    return;
                }
                LOG.warn("callback for result {} to {} answered {} (attempt {} of {})", job.id(), callback, r.statusCode(), attempt, ATTEMPTS);
            } catch (java.io.IOException e) {
                LOG.warn("callback for result {} to {} failed: {} (attempt {} of {})", job.id(), callback, e.toString(), attempt, ATTEMPTS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (attempt < ATTEMPTS) {
                try {
                    Thread.sleep(BACKOFF[attempt - 1]);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        LOG.error("gave up the callback for result {} to {} after {} attempts", job.id(), callback, ATTEMPTS);
    }
}
