package dev.triggerfish.dashboard;

import dev.triggerfish.Api;
import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in a real browser (headless Chromium from Debian's {@code chromium} and
 * {@code chromium-driver}, driven by Selenium) against the running service: what a person sees after
 * signing in. Without the browser this test fails; it never skips.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DashboardBrowserTest extends EndToEnd {
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("TRIGGERFISH_CHROMIUM", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getenv().getOrDefault("TRIGGERFISH_CHROMEDRIVER", "/usr/bin/chromedriver"));
    private static final java.time.Duration PATIENCE = java.time.Duration.ofSeconds(20);
    private static WebDriver browser;

    @TestHTTPResource("/")
    URL service;

    @BeforeAll
    static void startBrowser() {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "the dashboard test needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver): "
                        + CHROMIUM + ", " + DRIVER);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1500");
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
        browser.manage().window().setSize(new Dimension(1280, 1500));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aPersonSignsInAndSeesTheFailureItsStepsTheChartAndWhyAnEventDidNotFire() throws IOException {
        String type = "Dashboarded" + uid();
        String broken = "/dashboard-broken/" + uid();
        sink.answer(broken, 404);
        int failing = trigger("""
                {"name": "Notify billing", "trigger_type": "model_created", "model_type": "%s",
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}]}}""".formatted(type, sink.url(broken)));
        int picky = trigger("""
                {"name": "Big deals only", "trigger_type": "model_created", "model_type": "%s",
                 "trigger_conditions": [{"field": "value", "operator": "greater_than", "value": 50000}],
                 "action_configuration": {"actions": [{"type": "add_tag", "tag": "big"}]}}""".formatted(type));
        record(type, "id", "d1", "value", 40000);
        JsonPath failed = awaitFinished(failing, 1);
        assertEquals("failed", failed.getString("status"));
        long execution = failed.getLong("id");
        long event = failed.getLong("event_id");
        String error = failed.getString("error");
        await().atMost(DEADLINE).until(() -> rolledUp(failing));

        open("/ui");
        waitFor(ExpectedConditions.urlContains("/ui/sign-in"));
        signIn("no-such-key");
        assertTrue(text(By.id("sign-in-problem")).contains("unknown or revoked"));
        signIn(Api.KEY);
        waitFor(ExpectedConditions.presenceOfElementLocated(By.id("triggers")));
        Cookie cookie = browser.manage().getCookieNamed("triggerfish_ui_key");
        assertTrue(cookie.isHttpOnly() && "Strict".equals(cookie.getSameSite()) && "/ui".equals(cookie.getPath()), cookie.toString());

        WebElement failure = browser.findElement(By.cssSelector("#failures tr[data-execution='" + execution + "']"));
        assertTrue(failure.getText().contains("Notify billing"), failure.getText());
        assertTrue(failure.findElement(By.className("error")).getText().contains(error.substring(0, Math.min(40, error.length()))),
                failure.getText() + " / " + error);
        WebElement row = browser.findElement(By.cssSelector("#triggers tr[data-trigger='" + failing + "']"));
        assertEquals("0.0%", row.findElement(By.className("rate")).getText());
        assertTrue(row.findElement(By.className("last-run")).getText().startsWith("failed"), row.getText());

        waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#executions-chart canvas")));
        @SuppressWarnings("unchecked")
        Map<String, Object> drawn = (Map<String, Object>) ((JavascriptExecutor) browser).executeScript("""
                var option = echarts.getInstanceByDom(document.getElementById('executions-chart')).getOption();
                var failed = option.series.filter(function (s) { return s.name === 'failed'; })[0];
                return {days: option.xAxis[0].data.length, failed: failed ? failed.data.reduce(function (a, b) { return a + b; }, 0) : 0};""");
        assertTrue(((Number) drawn.get("days")).intValue() >= 1 && ((Number) drawn.get("failed")).intValue() >= 1, drawn.toString());
        screenshot(Path.of("target/dashboard.png"));

        failure.findElement(By.linkText("#" + execution)).click();
        waitFor(ExpectedConditions.presenceOfElementLocated(By.id("steps")));
        assertEquals("failed", text(By.id("execution-status")));
        List<WebElement> steps = browser.findElements(By.cssSelector("#steps tbody tr"));
        assertEquals(1, steps.size());
        assertTrue(steps.get(0).getText().contains("webhook") && steps.get(0).getText().contains("failed"), steps.get(0).getText());

        open("/ui/explain");
        browser.findElement(By.id("event_id")).sendKeys(Long.toString(event));
        browser.findElement(By.id("explain")).click();
        waitFor(ExpectedConditions.presenceOfElementLocated(By.id("verdicts")));
        WebElement verdict = browser.findElement(By.cssSelector("#verdicts tr[data-trigger='" + picky + "']"));
        assertEquals("conditions_failed", verdict.findElement(By.className("outcome")).getText());
        assertEquals("value greater_than 50000 (actual: 40000)", verdict.findElement(By.className("condition")).getText());
        assertEquals("fired", browser.findElement(By.cssSelector("#verdicts tr[data-trigger='" + failing + "'] .outcome")).getText());

        browser.findElement(By.id("event_id")).clear();
        browser.findElement(By.id("event_id")).sendKeys("abc");
        browser.findElement(By.id("explain")).click();
        waitFor(ExpectedConditions.presenceOfElementLocated(By.id("problem")));
        assertTrue(text(By.id("problem")).contains("event_id: must be a whole number, was 'abc'"), text(By.id("problem")));

        browser.findElement(By.id("sign-out")).click();
        waitFor(ExpectedConditions.urlContains("/ui/sign-in"));
        open("/ui");
        waitFor(ExpectedConditions.urlContains("/ui/sign-in"));
    }

    private static boolean rolledUp(int trigger) {
        List<Map<String, Object>> rates = api().get("/api/analytics/success-rates").then().statusCode(200).extract().jsonPath().getList("data");
        return rates.stream().anyMatch(r -> ((Number) r.get("trigger_id")).intValue() == trigger && ((Number) r.get("failed")).intValue() == 1);
    }

    private void open(String path) {
        browser.get(service.toString().replaceAll("/$", "") + path);
    }

    private static void signIn(String key) {
        WebElement field = browser.findElement(By.id("api_key"));
        field.clear();
        field.sendKeys(key);
        browser.findElement(By.id("sign-in")).click();
        waitFor(ExpectedConditions.or(ExpectedConditions.presenceOfElementLocated(By.id("sign-in-problem")),
                ExpectedConditions.presenceOfElementLocated(By.id("triggers"))));
    }

    private static String text(By what) {
        return browser.findElement(what).getText();
    }

    private static void waitFor(org.openqa.selenium.support.ui.ExpectedCondition<?> condition) {
        new WebDriverWait(browser, PATIENCE).until(condition);
    }

    private static void screenshot(Path to) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.createDirectories(to.toAbsolutePath().getParent());
        Files.copy(shot.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
    }
}
