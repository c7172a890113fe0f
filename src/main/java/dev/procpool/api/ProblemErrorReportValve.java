package dev.procpool.api;

import java.io.IOException;
import java.io.Writer;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * What Tomcat answers itself — a request it refuses before the application sees it, such as a NUL
 * in the path — as {@code application/problem+json} like every other error, instead of its HTML page.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String slug = status == 400 ? "malformed-request" : status == 404 ? "not-found" : "http-" + status;
        String json = "{\"type\":\"https://procpool.dev/problems/" + slug + "\",\"title\":\"Refused by the server\",\"status\":" + status
                + ",\"detail\":\"the server refused the request before the API saw it (a malformed request line, path or header)\"}";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer w = response.getReporter();
            if (w != null) {
                w.write(json);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone; nothing to tell it
        }
    }
}
