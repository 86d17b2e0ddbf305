package dev.astravault.test.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** The Go error texts the plugin emulation quotes (encoding/json and net/http). */
class GoErrorsTest {
  @Test
  void unmarshalSyntaxErrorsReadAsGosEncodingJson() {
    assertThat(GoErrors.unmarshal("")).isEqualTo("unexpected end of JSON input");
    assertThat(GoErrors.unmarshal("{\"clientId\":\"trunc")).isEqualTo("unexpected end of JSON input");
    assertThat(GoErrors.unmarshal("{\"a\":[1,2")).isEqualTo("unexpected end of JSON input");
    assertThat(GoErrors.unmarshal("invalid")).isEqualTo("invalid character 'i' looking for beginning of value");
    assertThat(GoErrors.unmarshal("<html>")).isEqualTo("invalid character '<' looking for beginning of value");
    assertThat(GoErrors.unmarshal("{a:1}"))
        .isEqualTo("invalid character 'a' looking for beginning of object key string");
    assertThat(GoErrors.unmarshal("{\"a\" 1}")).isEqualTo("invalid character '1' after object key");
    assertThat(GoErrors.unmarshal("{\"a\":1 \"b\"}"))
        .isEqualTo("invalid character '\"' after object key:value pair");
    assertThat(GoErrors.unmarshal("[1 2]")).isEqualTo("invalid character '2' after array element");
    assertThat(GoErrors.unmarshal("{} x")).isEqualTo("invalid character 'x' after top-level value");
    assertThat(GoErrors.unmarshal("tru")).isEqualTo("unexpected end of JSON input");
    assertThat(GoErrors.unmarshal("trUe")).isEqualTo("invalid character 'U' in literal true (expecting 'u')");
    assertThat(GoErrors.unmarshal("-x")).isEqualTo("invalid character 'x' in numeric literal");
    assertThat(GoErrors.unmarshal("\"a\nb\"")).isEqualTo("invalid character '\\n' in string literal");
  }

  @Test
  void transportErrorsReadAsGosNetHttp() {
    HttpUrl url = HttpUrl.get("http://127.0.0.1:9/v2/clientIdSecrets");
    assertThat(GoErrors.transport("POST", url, new ConnectException("Connection refused")))
        .isEqualTo("Post \"http://127.0.0.1:9/v2/clientIdSecrets\": dial tcp 127.0.0.1:9: connect: connection refused");
    assertThat(GoErrors.transport("DELETE", HttpUrl.get("http://nohost.invalid/v2/clientIdSecrets/x"),
        new UnknownHostException("nohost.invalid")))
        .isEqualTo("Delete \"http://nohost.invalid/v2/clientIdSecrets/x\": dial tcp: lookup nohost.invalid: no such "
            + "host");
    assertThat(GoErrors.transport("POST", url, new IOException("unexpected end of stream")))
        .isEqualTo("Post \"http://127.0.0.1:9/v2/clientIdSecrets\": EOF");
  }
}
