package dev.astravault.internal.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.astravault.AstraVaultException;
import dev.astravault.internal.Redaction;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service-account JWT pasted where the Kubernetes token file's path belongs: the login fails, and neither its
 * error (message, cause chain, stack trace print) nor the config's toString shows the token.
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

  private static Throwable login(Path jwtFile) {
    VaultConfig config = config(jwtFile);
    return catchThrowable(() -> new VaultSession(config, Clock.systemUTC()).token());
  }

  private static VaultConfig config(Path jwtFile) {
    return VaultConfig.of(URI.create("https://vault.example:8200"), VaultAuth.kubernetes("orders", jwtFile));
  }

  private static String everything(Throwable t) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    return trace.toString();
  }

  /**
   * A real token (about 1,000 characters) is too long for a file name, so the path check fails on it; a short one is
   * a name the read does not find. Neither message shows it.
   */
  @Test
  void aJwtGivenAsTheTokenFilesPathIsNotShownWhenItCannotBeRead() {
    for (String jwt : new String[] {JWT, SHORT_JWT}) {
      for (Path path : new Path[] {Path.of(jwt), dir.resolve(jwt)}) {
        Throwable e = login(path);
        assertThat(e).as(path.toString()).isInstanceOf(AstraVaultException.class)
            .hasMessageContaining("Kubernetes service-account token file ").hasMessageContaining("██");
        assertNotShown(jwt, e);
      }
    }
    assertThat(login(Path.of(SHORT_JWT))).hasMessage("cannot read the Kubernetes service-account token file "
        + Redaction.MASK);
  }

  private static void assertNotShown(String jwt, Throwable e) {
    String all = everything(e);
    for (String part : new String[] {jwt.substring(0, 20), jwt.substring(40, 55), jwt.substring(jwt.length() - 20)}) {
      assertThat(all).doesNotContain(part);
    }
  }

  @Test
  void aJwtGivenAsTheTokenFilesPathIsNotShownWhenItsDirectoryIsRefused() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("unix"));
    Path open = Files.createDirectory(dir.resolve("open"));
    Files.setAttribute(open, "unix:mode", 0777);
    Throwable e = login(open.resolve(SHORT_JWT));
    assertThat(e).isInstanceOf(AstraVaultException.class).hasMessageContaining(open.toString())
        .hasMessageContaining("██");
    assertNotShown(SHORT_JWT, e);
  }

  @Test
  void theConfigsToStringDoesNotShowAJwtGivenAsThePath() {
    assertThat(config(dir.resolve(JWT)).toString()).contains("jwtFile=" + dir.resolve(Redaction.MASK) + "]");
    assertThat(VaultAuth.kubernetes("orders", Path.of(JWT)).toString()).endsWith("jwtFile=██]");
    assertThat(config(VaultAuth.SERVICE_ACCOUNT_TOKEN).toString())
        .contains("jwtFile=/var/run/secrets/kubernetes.io/serviceaccount/token]");
  }
}
