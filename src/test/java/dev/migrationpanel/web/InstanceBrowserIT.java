package dev.migrationpanel.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabLocks;

/**
 * An admin in real headless Chromium: signs in, registers the lab's MariaDB instance over the real
 * sshd, is refused a bad port with a clear message, accepts the host key and reads the check report.
 * The screenshot it takes is the one in the README.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ResourceLock(LabLocks.DREAMFACTORY)
class InstanceBrowserIT {

    static final Path SCREENSHOTS = Path.of("target/screenshots");

    @LocalServerPort
    int port;

    final Lab lab = Lab.get();
    WebDriver browser;

    @BeforeEach
    void open() {
        browser = BrowserSupport.start();
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private WebDriverWait waiting() {
        return BrowserSupport.waiting(browser, Duration.ofSeconds(60));
    }

    private void type(String id, String text) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(text);
    }

    @Test
    void registerAcceptTheHostKeyAndReadTheCheckReport() throws Exception {
        browser.get(url("/instances"));
        assertThat(browser.getCurrentUrl()).endsWith("/login");
        type("username", "admin");
        type("password", "admin-test-password-1");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        waiting().until(d -> d.findElements(By.id("new-instance")).size() == 1);

        browser.findElement(By.id("new-instance")).click();
        type("name", "df-mariadb-lab");
        new Select(browser.findElement(By.id("product"))).selectByValue("dreamfactory");
        type("environment", "staging");
        type("sshHost", lab.sshHost());
        type("sshPort", "99999");
        type("sshUser", "dflab");
        new Select(browser.findElement(By.id("sshAuth"))).selectByValue("PASSWORD");
        type("sshPassword", lab.password("dflab"));
        type("installPath", lab.instance("mariadb").path().toString());
        new Select(browser.findElement(By.id("setting-dreamfactory-webServer"))).selectByValue("NONE");
        type("setting-dreamfactory-webUser", "www data");
        type("setting-dreamfactory-webGroup", "dflab");
        // the browser would stop 99999 itself; the server must refuse it too, so skip the browser's check
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("document.getElementById('instance-form').noValidate = true");
        browser.findElement(By.id("save")).click();
        waiting().until(d -> !d.findElements(By.cssSelector(".field-error")).isEmpty());

        List<WebElement> errors = browser.findElements(By.cssSelector(".field-error"));
        assertThat(errors).as(() -> browser.getCurrentUrl() + "\n" + browser.findElement(By.tagName("main")).getText())
                .extracting(WebElement::getText).contains("SSH port is between 1 and 65535",
                        "Web user: a Unix user name of at most 32 characters (e.g. www-data)");
        // the page kept the chosen product's settings as typed
        assertThat(new Select(browser.findElement(By.id("setting-dreamfactory-webServer"))).getFirstSelectedOption()
                .getAttribute("value")).isEqualTo("NONE");
        assertThat(browser.getPageSource()).doesNotContain(lab.password("dflab")).doesNotContain("Exception");

        type("sshPort", String.valueOf(lab.sshPort()));
        type("setting-dreamfactory-webUser", "dflab");
        type("sshPassword", lab.password("dflab"));
        browser.findElement(By.id("save")).click();
        waiting().until(d -> d.findElements(By.id("run-check")).size() == 1);
        assertThat(browser.findElement(By.id("no-check")).getText()).isEqualTo("Not checked yet.");
        assertThat(browser.findElement(By.id("setting-webServer")).getText()).isEqualTo("None");
        assertThat(browser.findElement(By.id("setting-webUser")).getText()).isEqualTo("dflab");
        assertThat(browser.findElement(By.id("setting-webGroup")).getText()).isEqualTo("dflab");

        browser.findElement(By.id("run-check")).click();
        waiting().until(d -> d.findElements(By.id("host-key-card")).size() == 1);
        String fingerprint = browser.findElement(By.id("seen-key-fingerprint")).getText();
        String type = browser.findElement(By.id("seen-key-type")).getText().replace("ssh-", "").replaceAll("ecdsa-sha2-.*", "ecdsa");
        assertThat(fingerprint).isEqualTo(lab.hostKeyFingerprint(type));

        browser.findElement(By.id("accept-host-key")).click();
        waiting().until(d -> d.findElements(By.id("pinned-key")).size() == 1);
        assertThat(browser.findElement(By.id("pinned-key")).getText()).contains(fingerprint).contains("pinned by admin");

        browser.findElement(By.id("run-check")).click();
        waiting().until(d -> d.findElements(By.cssSelector("tr[data-item='DB reachable']")).size() == 1);
        WebElement report = browser.findElement(By.id("check-report"));
        assertThat(report.findElement(By.cssSelector("tr[data-item='SSH']")).getText()).contains("OK").contains("Logged in as dflab");
        assertThat(report.findElement(By.cssSelector("tr[data-item='DB reachable']")).getText())
                .contains("MariaDB").contains("through the SSH tunnel");
        assertThat(report.findElement(By.cssSelector("tr[data-item='App version']")).getText()).contains("DreamFactory 7.0.0");
        assertThat(report.getText()).doesNotContain(lab.instance("mariadb").appKey());

        browser.manage().window().setSize(new Dimension(1280, 1480)); // the whole report in one picture
        Files.createDirectories(SCREENSHOTS);
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve("instance-check.png"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(SCREENSHOTS.resolve("instance-check.png"))).isGreaterThan(10_000);
    }
}
