package dev.procpool.api;

import java.util.List;

import dev.procpool.task.TaskCatalog;
import dev.procpool.task.TaskMethod;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The targets workers can run: built-in tasks and those from plugin JARs. */
@RestController
@RequestMapping(path = "/api/tasks", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Tasks", description = "Targets a worker can run")
class TaskController {

    @Schema(name = "Task")
    record TaskInfo(@Schema(example = "count_primes") String name,
                    @Schema(example = "CPU-bound: the number of primes in [start, stop) by trial division") String description,
                    List<TaskMethod.Param> params,
                    @Schema(example = "integer") String returns) {
    }

    private final TaskCatalog catalog;

    TaskController(TaskCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping
    @Operation(summary = "List every target with its parameters",
            description = "Parameter types are JSON types: integer, number, string, boolean, array<T>, object, any.")
    List<TaskInfo> list() {
        return catalog.all().stream().map(t -> new TaskInfo(t.name(), t.description(), t.params(), t.returns())).toList();
    }
}
