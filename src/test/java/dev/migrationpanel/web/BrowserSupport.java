package dev.migrationpanel.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Debian's chromedriver: nothing is downloaded. Both come from the
 * packages {@code chromium} and {@code chromium-driver}, which {@code src/test/lab/lab.sh up} installs.
 */
public final class BrowserSupport {

    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String CHROMIUM = "/usr/bin/chromium";

    private BrowserSupport() {
    }

    /** Signs in as the test admin (its password comes from the test configuration) and waits for the dashboard. */
    public static void signInAsAdmin(WebDriver browser, int port) {
        browser.get("http://localhost:" + port + "/login");
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys("admin-test-password-1");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> d.findElements(By.id("fleet")).size() == 1);
    }

    /**
     * A wait that says where the page was when it gave up, and that looks again when the element it read went
     * stale (a page that reloads itself, as a job page does when its job ends).
     */
    public static WebDriverWait waiting(WebDriver browser, Duration timeout) {
        WebDriverWait wait = new WebDriverWait(browser, timeout);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        wait.withMessage(() -> "on " + browser.getCurrentUrl() + ": " + browser.findElement(By.tagName("body")).getText());
        return wait;
    }

    public static WebDriver start() {
        if (!Files.isExecutable(Path.of(CHROMEDRIVER)) || !Files.isExecutable(Path.of(CHROMIUM))) {
            throw new IllegalStateException("Chromium and chromedriver are missing (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "). Install them with: src/test/lab/lab.sh up   (as root; see README)");
        }
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1100");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return driver;
    }
}
