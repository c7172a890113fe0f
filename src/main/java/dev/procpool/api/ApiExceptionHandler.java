package dev.procpool.api;

import java.util.Map;

import dev.procpool.pool.Job;
import dev.procpool.pool.PoolBusyException;
import dev.procpool.pool.PoolNotFoundException;
import dev.procpool.pool.PoolStateException;
import dev.procpool.pool.ResultNotFoundException;
import dev.procpool.process.ProcessLimitException;
import dev.procpool.process.ProcessNotFoundException;
import dev.procpool.process.ProcessStateException;
import dev.procpool.process.WorkerLaunchException;
import dev.procpool.task.TaskArgumentException;
import dev.procpool.task.UnknownTargetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import dev.procpool.queue.QueueException;
import dev.procpool.shared.SharedObjectException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every failure into RFC 9457 {@code application/problem+json} with a stable type.
 * A task's own exception is not an error of the API (it is the process's {@code error});
 * a server fault is logged and answered without any stack trace.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ApiExceptionHandler.class);
    private static final Map<Integer, String> SLUGS = Map.of(400, "malformed-request", 404, "not-found",
            405, "method-not-allowed", 406, "not-acceptable", 413, "payload-too-large", 415, "unsupported-media-type");

    @ExceptionHandler
    ResponseEntity<Object> unknownTarget(UnknownTargetException e) {
        ProblemDetail p = Problems.of(HttpStatus.BAD_REQUEST, "unknown-target", "Unknown target", e.getMessage());
        p.setProperty("field", "target");
        p.setProperty("available", e.available());
        return problem(p);
    }

    @ExceptionHandler
    ResponseEntity<Object> invalidArguments(TaskArgumentException e) {
        ProblemDetail p = Problems.of(HttpStatus.BAD_REQUEST, "invalid-arguments", "Arguments do not fit the target",
                e.getMessage());
        p.setProperty("field", e.field());
        return problem(p);
    }

    @ExceptionHandler
    ResponseEntity<Object> badRequest(BadRequestException e) {
        ProblemDetail p = Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", e.getMessage());
        p.setProperty("field", e.field());
        return problem(p);
    }

    @ExceptionHandler
    ResponseEntity<Object> sharedObject(SharedObjectException e) {
        return problem(switch (e) {
            case SharedObjectException.NotFound nf -> Problems.of(HttpStatus.NOT_FOUND, "shared-not-found", "No such shared object", e.getMessage());
            case SharedObjectException.Exists ex -> Problems.of(HttpStatus.CONFLICT, "shared-exists", "Name taken", e.getMessage());
            case SharedObjectException.LimitReached lr -> Problems.of(HttpStatus.CONTENT_TOO_LARGE, "shared-memory-limit",
                    "Shared memory limit reached", e.getMessage());
            case SharedObjectException.Locked locked -> Problems.of(HttpStatus.CONFLICT, "shared-locked", "Held by another process",
                    e.getMessage());
            case SharedObjectException.WrongEnd wrong -> Problems.of(HttpStatus.CONFLICT, "queue-state", "Not possible now", e.getMessage());
            case SharedObjectException.TooLarge big -> Problems.of(HttpStatus.CONTENT_TOO_LARGE, "queue-item-too-large", "Item too large",
                    e.getMessage());
        });
    }

    @ExceptionHandler
    ResponseEntity<Object> queue(QueueException e) {
        return problem(switch (e) {
            case QueueException.NotFound nf -> Problems.of(HttpStatus.NOT_FOUND, "queue-not-found", "No such queue or pipe", e.getMessage());
            case QueueException.Exists ex -> Problems.of(HttpStatus.CONFLICT, "queue-exists", "Name taken", e.getMessage());
            case QueueException.State st -> Problems.of(HttpStatus.CONFLICT, "queue-state", "Not possible now", e.getMessage());
            case QueueException.ItemTooLarge big -> Problems.of(HttpStatus.CONTENT_TOO_LARGE, "queue-item-too-large", "Item too large",
                    e.getMessage());
            case QueueException.LimitReached lr -> Problems.of(HttpStatus.TOO_MANY_REQUESTS, "queue-limit", "Queue limit reached",
                    e.getMessage());
        });
    }

    @ExceptionHandler
    ResponseEntity<Object> queueFull(QueueController.QueueFullException e) {
        return problem(Problems.of(HttpStatus.CONFLICT, "queue-full", "Queue full", e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<Object> indexOutOfBounds(IndexOutOfBoundsException e) {
        return problem(Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<Object> illegalArgument(IllegalArgumentException e) {
        return problem(Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<Object> notFound(ProcessNotFoundException e) {
        return problem(Problems.of(HttpStatus.NOT_FOUND, "process-not-found", "No such process", e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<Object> wrongState(ProcessStateException e) {
        ProblemDetail p = Problems.of(HttpStatus.CONFLICT, "process-state", "Not possible in this state", e.getMessage());
        p.setProperty("state", e.state().wireName());
        return problem(p);
    }

    @ExceptionHandler
    ResponseEntity<Object> tooMany(ProcessLimitException e) {
        return retryLater(Problems.of(HttpStatus.TOO_MANY_REQUESTS, "too-many-processes", "Too many processes", e.getMessage()),
                e.limit());
    }

    @ExceptionHandler
    ResponseEntity<Object> tooManyStreams(TooManyStreamsException e) {
        return retryLater(Problems.of(HttpStatus.TOO_MANY_REQUESTS, "too-many-streams", "Too many event streams", e.getMessage()),
                e.limit());
    }

    @ExceptionHandler
    ResponseEntity<Object> poolNotFound(PoolNotFoundException e) {
        return problem(Problems.of(HttpStatus.NOT_FOUND, "pool-not-found", "No such pool", e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<Object> resultNotFound(ResultNotFoundException e) {
        return problem(Problems.of(HttpStatus.NOT_FOUND, "result-not-found", "No such result", e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<Object> poolState(PoolStateException e) {
        return problem(Problems.of(HttpStatus.CONFLICT, "pool-state", "Not possible in this state", e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<Object> poolBusy(PoolBusyException e) {
        return retryLater(Problems.of(HttpStatus.TOO_MANY_REQUESTS, "pool-busy", "Too much work waiting", e.getMessage()),
                e.limit());
    }

    @ExceptionHandler
    ResponseEntity<Object> jobFailed(JobFailedException e) {
        Job.Failure f = e.failure();
        ProblemDetail p = switch (f.kind()) {
            case TASK_ERROR -> Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "task-failed", "A task raised", f.message());
            case WORKER_LOST -> Problems.of(HttpStatus.BAD_GATEWAY, "worker-lost", "A worker died", f.message());
            case TIMEOUT -> Problems.of(HttpStatus.GATEWAY_TIMEOUT, "timeout", "The call timed out", f.message());
            case CANCELLED -> Problems.of(HttpStatus.CONFLICT, "cancelled", "The call was cancelled", f.message());
            case POOL_FAILED -> Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "pool-failed", "The pool cannot run it", f.message());
        };
        p.setProperty("error", PoolViews.error(f));
        return problem(p);
    }

    @ExceptionHandler
    ResponseEntity<Object> launchFailed(WorkerLaunchException e) {
        return problem(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "worker-launch-failed", "A worker JVM could not be started",
                e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<Object> shuttingDown(ShuttingDownException e) {
        return problem(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "shutting-down", "The service is shutting down", e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<Object> interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return problem(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "shutting-down", "The service is shutting down",
                "the request was interrupted"));
    }

    @ExceptionHandler
    ResponseEntity<Object> unexpected(Exception e) {
        LOG.error("unexpected error", e);
        return problem(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "the service failed to handle the request; the log has the details"));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        if (ex.getMostSpecificCause() instanceof RequestSizeFilter.RequestTooLargeException tooLarge) {
            ProblemDetail p = Problems.of(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Request body too large",
                    tooLarge.getMessage());
            return handleExceptionInternal(ex, p, headers, HttpStatus.CONTENT_TOO_LARGE, request);
        }
        String why = ex.getMostSpecificCause().getMessage();
        String detail = "the request body is not valid JSON for this endpoint"
                + (why == null ? "" : ": " + firstLine(why));
        ProblemDetail p = Problems.of(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request", detail);
        return handleExceptionInternal(ex, p, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        if (body == null && ex instanceof ErrorResponse response) {
            body = response.getBody();
        }
        if (body instanceof ProblemDetail p && (p.getType() == null || "about:blank".equals(p.getType().toString()))) {
            p.setType(Problems.type(SLUGS.getOrDefault(statusCode.value(), "http-" + statusCode.value())));
        }
        return super.handleExceptionInternal(ex, body, headers, statusCode, request);
    }

    private static String firstLine(String s) {
        String line = s.lines().findFirst().orElse("");
        // Jackson names our internal classes; the client needs the location, not the class
        line = line.replaceAll("\\s*\\((for|class) [^)]*\\)", "").replaceAll("`[a-z]+(\\.[a-zA-Z0-9_$]+)+`", "value");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** A 429: the {@code limit} that was reached, and {@code Retry-After: 1}. */
    private static ResponseEntity<Object> retryLater(ProblemDetail p, long limit) {
        p.setProperty("limit", limit);
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, "1")
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }

    private static ResponseEntity<Object> problem(ProblemDetail p) {
        return ResponseEntity.status(p.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }
}
