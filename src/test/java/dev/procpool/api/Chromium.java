package dev.procpool.api;

import java.io.File;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium under Selenium, for the dashboard's browser tests (their base class). Without Chromium
 * and chromedriver a test is skipped, unless PROCPOOL_BROWSER_TESTS=required (as .ci/run sets it,
 * after installing them), when it fails.
 */
abstract class Chromium {

    /** The browser of the test class, started before its first test and quit after its last. */
    static ChromeDriver browser;

    @org.junit.jupiter.api.BeforeAll
    static void startBrowser() {
        browser = start();
    }

    @org.junit.jupiter.api.AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
    }

    static ChromeDriver start() {
        String chromium = find("CHROME_BIN", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
        String driver = find("CHROMEDRIVER", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        if (chromium == null || driver == null) {
            String missing = "Chromium and chromedriver are needed (apt-get install chromium chromium-driver); found browser "
                    + chromium + ", driver " + driver;
            if ("required".equals(System.getenv("PROCPOOL_BROWSER_TESTS"))) {
                throw new IllegalStateException(missing);
            }
            Assumptions.abort(missing);
        }
        var options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1366,900", "--hide-scrollbars");
        var service = new ChromeDriverService.Builder().usingDriverExecutable(new File(driver)).build();
        var browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return browser;
    }

    private static String find(String env, String... candidates) {
        String given = System.getenv(env);
        if (given != null && new File(given).canExecute()) {
            return given;
        }
        return Stream.of(candidates).filter(c -> new File(c).canExecute()).findFirst().orElse(null);
    }
}
