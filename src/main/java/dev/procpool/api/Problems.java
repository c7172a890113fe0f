package dev.procpool.api;

import java.net.URI;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** The stable problem types of the API: {@code https://procpool.dev/problems/<slug>}. */
final class Problems {

    static final String BASE = "https://procpool.dev/problems/";

    private Problems() {
    }

    static URI type(String slug) {
        return URI.create(BASE + slug);
    }

    static ProblemDetail of(HttpStatusCode status, String slug, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(type(slug));
        p.setTitle(title);
        return p;
    }
}
