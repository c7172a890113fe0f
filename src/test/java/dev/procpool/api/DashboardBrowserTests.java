package dev.procpool.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser: Debian's headless Chromium driven by Selenium (see
 * {@link Chromium}), against the service with real workers. Screenshots go to target/dashboard-*.png.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"procpool.pools.default-processes=2", "procpool.worker.spares=1"})
@DirtiesContext // the last test stops the web server
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class DashboardBrowserTests extends Chromium {


    @LocalServerPort
    int port;

    @Autowired
    WebServerApplicationContext context;

    private WebDriverWait waitUpTo(int seconds) {
        var wait = new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(50));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    /** An attribute of the first element {@code css} selects, or null; read in one step (the page redraws as events come). */
    private static String attribute(String css, String name) {
        return (String) browser.executeScript(
                "const e = document.querySelector(arguments[0]); return e && e.getAttribute(arguments[1]);", css, name);
    }

    /** The visible text of the first element {@code css} selects, or null, read in one step. */
    private static String text(String css) {
        return (String) browser.executeScript("const e = document.querySelector(arguments[0]); return e && e.innerText;", css);
    }

    /** The chart's peak, tasks per second. */
    private static long peak() {
        String t = text("#peak");
        return t == null || t.isEmpty() ? 0 : Long.parseLong(t.replaceAll("[^0-9]", ""));
    }

    private static boolean present(String css) {
        return (Boolean) browser.executeScript("return document.querySelector(arguments[0]) !== null;", css);
    }

    private static Path screenshot(String name) throws Exception {
        Path target = Path.of("target", "dashboard-" + name + ".png");
        Files.createDirectories(target.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    @Test
    @Order(1)
    void aLongMapShowsThePoolBusyAndItsProgressRisingToDone() throws Exception {
        var client = new TestHttp(port);
        // something in every panel
        client.post("/api/queues", "{\"name\":\"jobs\",\"maxsize\":100}");
        for (int i = 0; i < 7; i++) {
            client.post("/api/queues/jobs/put", "{\"item\":" + i + "}");
        }
        client.post("/api/shared/values", "{\"name\":\"counter\",\"typecode\":\"i\",\"value\":41}");
        client.post("/api/shared/arrays", "{\"name\":\"samples\",\"typecode\":\"d\",\"values\":[0.5,1.5,2.5,3.5]}");
        client.post("/api/sync/locks", "{\"name\":\"db\"}");
        client.post("/api/sync/semaphores", "{\"name\":\"slots\",\"value\":3}");

        String process = client.startProcess("demo.worker", "[7]");
        var items = new StringBuilder("[");
        for (int i = 0; i < 10_000; i++) {
            items.append(i == 0 ? "" : ",").append("0.0008");
        }
        TestHttp.Reply accepted = client.post("/api/pools/default/map-async",
                "{\"target\":\"sleep\",\"iterable\":" + items.append(']') + ",\"chunksize\":40}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String job = accepted.json().get("id").stringValue();
        String bar = "[data-job=" + job + "]";

        // a person opens the dashboard while the map runs
        browser.get("http://localhost:" + port + "/");
        waitUpTo(30).until(b -> "live".equals(attribute("#conn", "data-state")));
        assertThat(text("#conn")).isEqualTo("Live");
        assertThat(browser.findElements(By.cssSelector("[data-pool=default] tr[data-worker]"))).hasSize(2);

        var progress = new ArrayList<Double>();
        boolean sawBusy = false;
        boolean shot = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            sawBusy |= present("[data-pool=default] tr[data-worker-state=busy]");
            // progress and readiness of the same drawing of the bar, read in one step
            String p = (String) browser.executeScript("const e = document.querySelector(arguments[0]);"
                    + " return e && e.getAttribute('data-progress') + ' ' + e.getAttribute('data-ready');", bar);
            if (p != null) {
                double value = Double.parseDouble(p.substring(0, p.indexOf(' ')));
                boolean ready = p.endsWith(" true");
                if (progress.isEmpty() || progress.getLast() != value) {
                    progress.add(value);
                }
                if (!shot && value > 30 && value < 80) {
                    screenshot("running");
                    shot = true;
                }
                if (ready) {
                    break;
                }
            }
            Thread.sleep(40);
        }
        System.out.println("dashboard: progress seen " + progress + ", a busy worker seen: " + sawBusy);
        assertThat(sawBusy).as("a worker of the default pool shown busy").isTrue();
        assertThat(progress).as("progress seen on the page").isNotEmpty();
        assertThat(progress).as("progress never goes back").isSorted();
        assertThat(progress.getLast()).isEqualTo(100.0);
        assertThat(progress).as("progress seen between 0 and 100 % as the map ran: " + progress)
                .anyMatch(v -> v > 0 && v < 100);
        assertThat(progress.size()).as("the bar moved several times: " + progress).isGreaterThanOrEqualTo(3);
        assertThat(attribute(bar, "class")).contains("done");
        assertThat(text(bar)).contains("done, 10,000 tasks");
        waitUpTo(10).until(b -> !present("[data-pool=default] tr[data-worker-state=busy]"));
        waitUpTo(10).until(b -> "10000".equals(text("[data-pool=default] [data-count=completed]")));

        // the other panels
        waitUpTo(10).until(b -> present("[data-queue=jobs]"));
        assertThat(text("[data-queue=jobs]")).contains("7").contains("100");
        assertThat(text("[data-value=counter]")).contains("41");
        assertThat(text("[data-array=samples]")).contains("[0.5,1.5,2.5,3.5]");
        assertThat(text("[data-sync=db]")).contains("free");
        assertThat(text("[data-sync=slots]")).contains("3 of 3 free");
        assertThat(text("#rate")).endsWith("tasks/s");
        assertThat(peak()).as("the chart's peak after a 10,000-task map").isGreaterThan(100);

        // the process and its output tail
        waitUpTo(10).until(b -> present("tr[data-process=" + process + "]"));
        browser.executeScript("document.querySelector(arguments[0]).click();", "tr[data-process=" + process + "] td");
        waitUpTo(15).until(b -> text("#output").contains("Worker 7 started"));
        client.join(process);
        waitUpTo(10).until(b -> text("#output").contains("[exited with code 0]"));
        assertThat(text("#output")).contains("Worker 7 finished");
        waitUpTo(10).until(b -> text("tr[data-process=" + process + "]").contains("exited 0"));
        Path final_ = screenshot("done");
        // opened again, the chart starts from the service's own history, not empty
        browser.navigate().refresh();
        waitUpTo(30).until(b -> "live".equals(attribute("#conn", "data-state")));
        waitUpTo(10).until(b -> peak() > 100);
        assertThat(Files.size(final_)).isPositive();
        assertThat(shot).as("a screenshot while the map ran").isTrue();
    }

    @Test
    @Order(2)
    void killingAProcessFromTheDashboard() throws Exception {
        var client = new TestHttp(port);
        String process = client.startProcess("sleep", "[60]");
        String row = "tr[data-process=" + process + "]";
        waitUpTo(15).until(b -> "running".equals(attribute(row, "data-state")));
        browser.executeScript("document.querySelector(arguments[0]).click();", row + " button[data-action=process-kill]");
        waitUpTo(15).until(b -> "exited".equals(attribute(row, "data-state")));
        assertThat(text(row)).contains("exited -9");
        assertThat(client.get("/api/processes/" + process).json().get("exitcode").asInt()).isEqualTo(-9);
    }

    @Test
    @Order(3)
    void terminatingAPoolFromTheDashboardAsksFirst() throws Exception {
        var client = new TestHttp(port);
        assertThat(client.post("/api/pools", "{\"name\":\"doomed\",\"processes\":1}").status()).isEqualTo(201);
        String button = "[data-pool=doomed] button[data-action=pool-terminate]";
        waitUpTo(15).until(b -> present(button));
        browser.executeScript("document.querySelector(arguments[0]).click();", button);
        waitUpTo(5).until(org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent());
        assertThat(browser.switchTo().alert().getText()).contains("Terminate pool doomed?");
        browser.switchTo().alert().accept();
        waitUpTo(15).until(b -> "terminated".equals(attribute("[data-pool=doomed]", "data-state")));
        assertThat(client.get("/api/pools/doomed").json().get("state").stringValue()).isEqualTo("terminated");
        client.send("DELETE", "/api/pools/doomed", null);
        waitUpTo(15).until(b -> !present("[data-pool=doomed]"));
    }

    @Test
    @Order(4)
    void saysSoWhenTheServiceIsUnreachable() throws Exception {
        waitUpTo(10).until(b -> "live".equals(attribute("#conn", "data-state")));
        context.getWebServer().stop();
        waitUpTo(60).until(b -> "unreachable".equals(attribute("#conn", "data-state")));
        assertThat(text("#conn")).isEqualTo("Unreachable");
        assertThat(browser.findElement(By.id("banner")).isDisplayed()).isTrue();
        assertThat(text("#banner")).contains("The service is unreachable").contains("Last contact at");
        screenshot("unreachable");
    }
}
