package dev.procpool.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Values, arrays, locks and the rest over real HTTP, used by tasks in real worker JVMs. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"procpool.pools.default-processes=2", "procpool.worker.spares=2", "procpool.shared.max-bytes=1MB"})
@Timeout(180)
class SharedApiTests extends LiveApi {

    @Test
    void theSeedExampleFourProcessesUpdateAValueAndAnArrayUnderTheirLocks() throws Exception {
        assertThat(post("/api/shared/values", "{\"name\":\"num\",\"typecode\":\"i\",\"value\":0}").status()).isEqualTo(201);
        assertThat(post("/api/shared/arrays", "{\"name\":\"arr\",\"typecode\":\"d\",\"values\":[1.0,2.0,3.0]}").status()).isEqualTo(201);
        var ids = new ArrayList<String>();
        for (int i = 0; i < 4; i++) {
            ids.add(startProcess("demo.shared_worker", "[{\"$value\":\"num\"},{\"$array\":\"arr\"}]"));
        }
        for (String id : ids) {
            assertThat(join(id).get("exitcode").intValue()).isZero();
        }
        assertThat(send("GET", "/api/shared/values/num", null).json().get("value").intValue()).isEqualTo(4);
        assertThat(send("GET", "/api/shared/arrays/arr", null).json().get("values").toString()).isEqualTo("[16.0,32.0,48.0]");
        JsonNode snapshot = send("GET", "/api/shared", null).json();
        assertThat(snapshot.get("values").findValuesAsString("name")).contains("num");
        JsonNode arr = null;
        for (JsonNode a : snapshot.get("arrays")) {
            if (a.get("name").stringValue().equals("arr")) {
                arr = a;
            }
        }
        assertThat(arr).isNotNull();
        assertThat(arr.get("values").toString()).isEqualTo("[16.0,32.0,48.0]");
        assertThat(arr.get("consistent").booleanValue()).isTrue();
        assertThat(arr.get("truncated").booleanValue()).isFalse();
    }

    @Test
    void twoWorkersIncrementingUnderTheLockLoseNoUpdate() throws Exception {
        post("/api/shared/values", "{\"name\":\"counter\",\"typecode\":\"i\"}");
        String a = startProcess("shared.increment", "[{\"$value\":\"counter\"}, 200000]");
        String b = startProcess("shared.increment", "[{\"$value\":\"counter\"}, 200000]");
        assertThat(join(a).get("exitcode").intValue()).isZero();
        assertThat(join(b).get("exitcode").intValue()).isZero();
        assertThat(send("GET", "/api/shared/values/counter", null).json().get("value").intValue()).isEqualTo(400_000);
    }

    @Test
    void aLockWhoseHolderDiedIsTakenByTheNextWithinASecondAndItIsToldOwnerDied() throws Exception {
        assertThat(post("/api/sync/locks", "{\"name\":\"guard\"}").status()).isEqualTo(201);
        JsonNode died = join(startProcess("lock.die_holding", "[{\"$lock\":\"guard\"}, 1]"));
        assertThat(died.get("exitcode").intValue()).isEqualTo(1);
        JsonNode next = join(startProcess("lock.try_acquire", "[{\"$lock\":\"guard\"}, 1.0]"));
        assertThat(next.get("result").get("acquired").booleanValue()).as(next.toString()).isTrue();
        assertThat(next.get("result").get("ownerDied").booleanValue()).isTrue();
        JsonNode state = send("GET", "/api/sync/locks/guard", null).json();
        assertThat(state.get("locked").booleanValue()).isFalse();
        assertThat(state.get("ownerDied").booleanValue()).isFalse(); // told once, to the next owner
    }

    @Test
    void poolsPassReferencesToo() throws Exception {
        post("/api/shared/values", "{\"name\":\"hits\",\"typecode\":\"q\"}");
        TestHttp.Reply r = post("/api/pools/default/apply", "{\"target\":\"shared.increment\",\"args\":[{\"$value\":\"hits\"}, 1000]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        TestHttp.Reply m = post("/api/pools/default/starmap", "{\"target\":\"shared.increment\",\"iterable\":[[{\"$value\":\"hits\"}, 10],[{\"$value\":\"hits\"}, 5]]}");
        assertThat(m.status()).as(m.body()).isEqualTo(200);
        assertThat(send("GET", "/api/shared/values/hits", null).json().get("value").intValue()).isEqualTo(1015);
    }

    @Test
    void syncObjectsAreObservableAndAnEventWaitIsALongPoll() throws Exception {
        assertThat(post("/api/sync/semaphores", "{\"name\":\"s\",\"value\":3}").json().get("value").intValue()).isEqualTo(3);
        assertThat(post("/api/sync/bounded-semaphores", "{\"name\":\"bs\",\"value\":2}").json().get("bounded").booleanValue()).isTrue();
        assertThat(post("/api/sync/barriers", "{\"name\":\"b\",\"parties\":2}").json().get("parties").intValue()).isEqualTo(2);
        assertThat(post("/api/sync/rlocks", "{\"name\":\"r\"}").json().get("locked").booleanValue()).isFalse();
        assertThat(post("/api/sync/conditions", "{\"name\":\"c\"}").status()).isEqualTo(201);
        assertThat(post("/api/sync/events", "{\"name\":\"go\"}").json().get("isSet").booleanValue()).isFalse();
        CompletableFuture<TestHttp.Reply> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return post("/api/sync/events/go/wait?timeout=30", null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertThat(waiting).isNotDone();
        post("/api/sync/events/go/set", null);
        assertThat(waiting.get().json().get("isSet").booleanValue()).isTrue();
        assertThat(post("/api/sync/events/go/clear", null).json().get("isSet").booleanValue()).isFalse();
        assertThat(post("/api/sync/events/go/wait?timeout=0.1", null).json().get("isSet").booleanValue()).isFalse();
        assertThat(send("GET", "/api/sync/semaphores", null).json().size()).isEqualTo(1);
        assertThat(send("DELETE", "/api/sync/events/go", null).status()).isEqualTo(204);
        assertProblem(send("GET", "/api/sync/events/go", null), 404, "shared-not-found");
    }

    @Test
    void arraysPageMemoryRoundTripsAndBadInputIsAProblemThatChangesNothing() throws Exception {
        post("/api/shared/arrays", "{\"name\":\"big\",\"typecode\":\"h\",\"size\":10}");
        assertThat(send("PUT", "/api/shared/arrays/big", "{\"start\":8,\"values\":[-1,32767]}").json().get("values").toString())
                .isEqualTo("[-1,32767]");
        assertThat(send("GET", "/api/shared/arrays/big?start=7&stop=10", null).json().get("values").toString()).isEqualTo("[0,-1,32767]");
        assertProblem(send("PUT", "/api/shared/arrays/big", "{\"start\":0,\"values\":[1,40000]}"), 400, "invalid-request");
        assertThat(send("GET", "/api/shared/arrays/big?start=0&stop=1", null).json().get("values").toString()).isEqualTo("[0]");
        assertProblem(send("GET", "/api/shared/arrays/big?start=5&stop=11", null), 400, "invalid-request");

        post("/api/shared/memory", "{\"name\":\"blk\",\"size\":16}");
        JsonNode block = send("GET", "/api/shared/memory/blk?offset=4&length=4", null).json();
        assertThat(Base64.getDecoder().decode(block.get("data").stringValue())).containsExactly(0, 0, 0, 0);

        post("/api/shared/values", "{\"name\":\"v\",\"typecode\":\"B\",\"value\":255}");
        assertThat(post("/api/shared/values/v/add", "{\"delta\":1}").json().get("value").intValue()).isZero(); // wraps as C does
        assertProblem(send("PUT", "/api/shared/values/v", "{\"value\":256}"), 400, "invalid-request");
        assertProblem(send("PUT", "/api/shared/values/v", "{\"value\":1.5}"), 400, "invalid-request");
        assertProblem(post("/api/shared/values", "{\"name\":\"v\",\"typecode\":\"i\"}"), 409, "shared-exists");
        assertProblem(post("/api/shared/values", "{\"name\":\"w\",\"typecode\":\"x\"}"), 400, "invalid-request");
        assertProblem(post("/api/shared/values", "{\"name\":\"../w\",\"typecode\":\"i\"}"), 400, "invalid-request");
        assertProblem(post("/api/shared/values", "{\"name\":\"w\",\"typecode\":\"i\",\"value\":4294967296}"), 400, "invalid-request");
        assertProblem(post("/api/shared/arrays", "{\"name\":\"huge\",\"typecode\":\"d\",\"size\":1000000}"), 413, "shared-memory-limit");
        assertProblem(post("/api/shared/arrays", "{\"name\":\"both\",\"typecode\":\"d\",\"size\":1,\"values\":[1]}"), 400, "invalid-request");
        assertProblem(send("GET", "/api/shared/values/nope", null), 404, "shared-not-found");
        assertProblem(send("DELETE", "/api/shared/things/v", null), 400, "invalid-request");
        assertProblem(post("/api/sync/mutexes", "{\"name\":\"m\"}"), 400, "invalid-request");
        assertProblem(post("/api/processes", "{\"target\":\"demo.shared_worker\",\"args\":[{\"$value\":\"nope\"},{\"$array\":\"big\"}]}"),
                400, "invalid-arguments");
        assertProblem(post("/api/processes", "{\"target\":\"demo.shared_worker\",\"args\":[5,{\"$array\":\"big\"}]}"), 400, "invalid-arguments");
        assertThat(send("GET", "/api/shared/values/v", null).json().get("value").intValue()).isZero();
        assertThat(send("GET", "/api/shared/values/w", null).status()).isEqualTo(404);
        assertThat(send("DELETE", "/api/shared/values/v", null).status()).isEqualTo(204);
    }

    private static void assertProblem(TestHttp.Reply r, int status, String slug) {
        TestHttp.assertProblem(r, status, slug);
    }

    @Test
    void tasksInWorkersMeetAtABarrierWaitForAnEventAndAConditionAndGetADeadHoldersPermitBack() throws Exception {
        post("/api/sync/barriers", "{\"name\":\"meet\",\"parties\":3}");
        var parties = new ArrayList<String>();
        for (int i = 0; i < 3; i++) {
            parties.add(startProcess("sync.barrier_wait", "[{\"$barrier\":\"meet\"}, 30]"));
        }
        var indexes = new ArrayList<Integer>();
        for (String id : parties) {
            indexes.add(join(id).get("result").intValue());
        }
        assertThat(indexes).containsExactlyInAnyOrder(0, 1, 2);

        post("/api/sync/events", "{\"name\":\"start\"}");
        String waiter = startProcess("sync.wait_event", "[{\"$event\":\"start\"}, 30]");
        awaitState("/api/sync/events/start", "waiters", 1);
        post("/api/sync/events/start/set", null);
        assertThat(join(waiter).get("result").booleanValue()).isTrue();

        post("/api/sync/conditions", "{\"name\":\"cv\"}");
        String sleeper = startProcess("sync.condition_wait", "[{\"$condition\":\"cv\"}, 30]");
        awaitState("/api/sync/conditions/cv", "waiters", 1);
        assertThat(join(startProcess("sync.condition_notify_all", "[{\"$condition\":\"cv\"}]")).get("exitcode").intValue()).isZero();
        assertThat(join(sleeper).get("result").booleanValue()).isTrue();

        post("/api/sync/bounded-semaphores", "{\"name\":\"slots\",\"value\":1}");
        assertThat(join(startProcess("sync.semaphore_die_holding", "[{\"$semaphore\":\"slots\"}, 3]")).get("exitcode").intValue()).isEqualTo(3);
        JsonNode next = join(startProcess("sync.semaphore_try_acquire", "[{\"$semaphore\":\"slots\"}, 1.0]")).get("result");
        assertThat(next.get("acquired").booleanValue()).as(next.toString()).isTrue();
        assertThat(next.get("ownerDied").booleanValue()).isTrue();
        assertThat(send("GET", "/api/sync/bounded-semaphores/slots", null).json().get("value").intValue()).isEqualTo(1);

        JsonNode api = send("GET", "/v3/api-docs", null).json();
        for (String path : List.of("/api/shared", "/api/shared/values", "/api/shared/values/{name}", "/api/shared/values/{name}/add",
                "/api/shared/arrays", "/api/shared/arrays/{name}", "/api/shared/memory", "/api/shared/memory/{name}",
                "/api/shared/{kind}/{name}", "/api/sync/{kind}", "/api/sync/{kind}/{name}", "/api/sync/events/{name}/set",
                "/api/sync/events/{name}/clear", "/api/sync/events/{name}/wait")) {
            assertThat(api.get("paths").has(path)).as(path).isTrue();
        }
    }

    private void awaitState(String path, String field, int atLeast) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (send("GET", path, null).json().get(field).intValue() < atLeast) {
            assertThat(System.nanoTime()).as(path + " never had " + field + " >= " + atLeast).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
