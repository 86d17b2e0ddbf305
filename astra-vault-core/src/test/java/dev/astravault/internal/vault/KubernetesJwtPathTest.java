package dev.astravault.internal.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;


import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service-account JWT pasted where the Kubernetes token file's path belongs is refused when the login method is
 * made, and the refusal (message, stack trace print) does not show it.
 */
class KubernetesJwtPathTest {
  /** A projected service-account token's shape: RS256 header, claims, 256-byte signature. */
  static final String JWT = b64("{\"alg\":\"RS256\",\"kid\":\"Zq3x\"}".getBytes(StandardCharsets.UTF_8)) + "."
      + b64("{\"sub\":\"system:serviceaccount:orders:orders-api\",\"exp\":1798761600}"
          .getBytes(StandardCharsets.UTF_8)) + "." + b64(signature());
  /** An HS256 JWS, short enough (under 255 characters) to be a file name. */
  static final String SHORT_JWT = b64("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
      + b64("{\"sub\":\"orders-api\"}".getBytes(StandardCharsets.UTF_8)) + "." + b64(Arrays.copyOf(signature(), 32));

  @TempDir Path dir;

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] signature() {
    byte[] bytes = new byte[256];
    new Random(256).nextBytes(bytes);
    return bytes;
  }

  private static String everything(Throwable t) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    return trace.toString();
  }

  /** Refused when the login method is made, before any login could read it or a config print it. */
  @Test
  void aJwtGivenAsTheTokenFilesPathIsRefusedWithoutBeingQuoted() {
    for (String jwt : new String[] {JWT, SHORT_JWT}) {
      for (Path path : new Path[] {Path.of(jwt), dir.resolve(jwt)}) {
        Throwable e = catchThrowable(() -> VaultAuth.kubernetes("orders", path));
        assertThat(e).as(path.toString()).isExactlyInstanceOf(IllegalArgumentException.class)
            .hasMessage("jwtFile holds a token, not a path: give the file the service-account token is in, e.g. "
                + VaultAuth.SERVICE_ACCOUNT_TOKEN);
        String all = everything(e);
        for (String part : new String[] {jwt.substring(0, 20), jwt.substring(40, 55),
            jwt.substring(jwt.length() - 20)}) {
          assertThat(all).doesNotContain(part);
        }
      }
    }
  }

  @Test
  void aPathIsKeptAndShownAsGiven() {
    assertThat(VaultConfig.of(URI.create("https://vault.example:8200"),
        VaultAuth.kubernetes("orders", VaultAuth.SERVICE_ACCOUNT_TOKEN)).toString())
        .contains("jwtFile=/var/run/secrets/kubernetes.io/serviceaccount/token]");
    Path plain = dir.resolve("eyJ-not-a-token/token");
    assertThat(((VaultAuth.Kubernetes) VaultAuth.kubernetes("kubernetes", "orders", plain)).jwtFile()).isEqualTo(plain);
  }
}
