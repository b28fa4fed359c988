package dev.triggerfish.action;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a webhook URL says about its target, and the per-target signing configuration: pure, nothing is called. */
class WebhookTargetTest {

    @ParameterizedTest
    @CsvSource({
        "http://0177.0.0.1/x, 0177.0.0.1", "http://127.1/x, 127.1", "http://user@0x7f.1:8080/x, 0x7f.1",
        "http://[::127.0.0.1]:81/, [::127.0.0.1]", "https://Hooks.Example.com/x, Hooks.Example.com", "http://2130706433/, 2130706433"
    })
    void theHostIsReadAsWrittenEvenWhereUriFindsNone(String url, String host) {
        assertEquals(host, WebhookTarget.hostOf(URI.create(url)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://0177.0.0.1/x|has a numeric host in a non-canonical spelling",
        "http://127.1/x|has a numeric host in a non-canonical spelling",
        "http://[fe80::1%25eth0]/|not a valid IPv6 address",
        "ftp://hooks.example.com/x|must be an absolute http or https URL",
        "http:/x|has no host",
        "http://a_b.example.com/|has no valid host"
    })
    void problemsAreSaidOfTheUrl(String url, String problem) {
        String said = WebhookTarget.problem(URI.create(url));
        assertTrue(said != null && said.contains(problem), url + ": " + said);
    }

    @Test
    void aGoodUrlHasNoProblemAndKeepsItsPathAndQuery() {
        WebhookTarget target = new WebhookTarget(URI.create("https://Hooks.Example.com/deals/%20x?a=1&b=%2F#frag"));
        assertNull(WebhookTarget.problem(target.uri()));
        assertEquals("hooks.example.com:443", target.key());
        assertEquals("/deals/%20x?a=1&b=%2F", target.pathAndQuery());
        assertEquals("/", new WebhookTarget(URI.create("http://hooks.example.com")).pathAndQuery());
        assertEquals("hooks.example.com:8080", new WebhookTarget(URI.create("http://hooks.example.com:8080/")).key());
    }

    @Test
    void signingSecretsAreNamedPerHostOrHostAndPort() {
        assertEquals(Map.of("hooks.example.com", "hooks_signing", "api.example.com:8443", "billing"),
                WebhookConfig.signingByTarget(List.of("Hooks.Example.com=hooks_signing", " api.example.com:8443 = billing")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WebhookConfig.signingByTarget(List.of("hooks.example.com")));
        assertTrue(e.getMessage().contains("triggerfish.webhook.signing-secrets"));
        assertThrows(IllegalArgumentException.class, () -> WebhookConfig.signingByTarget(List.of("hooks.example.com=")));
    }
}
