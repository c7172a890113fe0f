package dev.procpool.api;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard of a service with an API key: it asks for the key, then goes live with it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"procpool.security.api-key=s3cret-key", "procpool.pools.default-processes=1", "procpool.worker.spares=0"})
@Timeout(120)
class DashboardApiKeyBrowserTests extends Chromium {


    @LocalServerPort
    int port;

    private static String state() {
        return (String) browser.executeScript("return document.getElementById('conn').dataset.state;");
    }

    @Test
    void asksForTheKeyAndGoesLiveWithIt() {
        var wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(50));
        browser.get("http://localhost:" + port + "/");
        wait.until(b -> "unauthorized".equals(state()));
        assertThat(browser.findElement(By.id("conn")).getText()).isEqualTo("API key needed");
        assertThat(browser.findElement(By.id("keyform")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("keymsg")).getText()).isEqualTo("This service needs its API key:");

        browser.findElement(By.id("key")).sendKeys("wrong");
        browser.findElement(By.cssSelector("#keyform button")).click();
        wait.until(b -> b.findElement(By.id("keymsg")).getText().equals("The service refused that key; try again:"));
        assertThat(state()).isEqualTo("unauthorized");

        browser.findElement(By.id("key")).clear();
        browser.findElement(By.id("key")).sendKeys("s3cret-key");
        browser.findElement(By.cssSelector("#keyform button")).click();
        wait.until(b -> "live".equals(state()));
        assertThat(browser.findElement(By.id("keyform")).isDisplayed()).isFalse();
        wait.until(b -> b.findElements(By.cssSelector("[data-pool=default] tr[data-worker]")).size() == 1);
    }
}
