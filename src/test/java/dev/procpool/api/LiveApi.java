package dev.procpool.api;

import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Base of the API tests that run the service on a random port: the calls they all make, through {@link TestHttp}. */
abstract class LiveApi {

    @LocalServerPort
    int port;

    TestHttp client() {
        return new TestHttp(port);
    }

    TestHttp.Reply send(String method, String path, String body) throws Exception {
        return client().send(method, path, body);
    }

    TestHttp.Reply post(String path, String body) throws Exception {
        return client().post(path, body);
    }

    String startProcess(String target, String args) throws Exception {
        return client().startProcess(target, args);
    }

    JsonNode join(String id) throws Exception {
        return client().join(id);
    }
}
