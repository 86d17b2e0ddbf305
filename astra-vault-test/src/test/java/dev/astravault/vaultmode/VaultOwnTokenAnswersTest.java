package dev.astravault.vaultmode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.astravault.AstraVaultException;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.FaultProxy;
import dev.astravault.test.FaultProxy.Answer;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.PluginBehaviour;
import dev.astravault.test.vault.TokenSpec;
import dev.astravault.vault.CallerMode;
import dev.astravault.vault.VaultAccessDeniedException;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What Vault says about the library's own token (login, lookup-self), from a lying server through a
 * {@link FaultProxy}: a negative duration is refused, naming the field and not the value; and the library's own
 * Vault credentials, quoted back in an error, are masked even when they do not look like tokens.
 */
class VaultOwnTokenAnswersTest {
  private static final String ROLE_ID = "role-id-orders";
  private static final String SECRET_ID = "secret-id-orders";

  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  private final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  private FakeVault vault;
  private FaultProxy proxy;

  @BeforeEach
  void setUp() {
    astra.useClock(clock);
    vault = FakeVault.builder().clock(clock).pluginBehaviour(PluginBehaviour.FIXED)
        .appRole("orders", ROLE_ID, SECRET_ID, TokenSpec.of(Duration.ofMinutes(30), "root")).build().start();
    proxy = FaultProxy.to(HttpUrl.get(vault.address()));
    FakeOrg org = astra.defaultOrg();
    try (TokenManager admin = manager(VaultAuth.token(vault.rootToken()))) {
      admin.writeOrg(OrgConfig.builder().orgId(org.orgId()).rootToken(org.rootToken()).url(astra.url().uri())
          .logicalName("acme").build());
      admin.writeRole(RoleSpec.builder().org("acme").name("reader").roleId(astra.roleId("API RO Svc Acct"))
          .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
    }
  }

  @AfterEach
  void tearDown() {
    proxy.close();
    vault.close();
  }

  private TokenManager manager(VaultAuth auth) {
    return TokenManager.builder().clock(clock).scheduler(new ManualScheduler(clock)).leaseStore(LeaseStore.inMemory())
        .sweepInterval(Duration.ZERO).auditSink(e -> { })
        .vault(VaultConfig.builder(proxy.uri()).auth(auth).callerMode(CallerMode.STANDARD).build()).build();
  }

  /** A negative login lease_duration made every call log in again (its expiry was already past). */
  @Test
  void aNegativeLoginLeaseDurationIsRefused() {
    proxy.on("POST", "/v1/auth/approle/login").forwardThen(Answer.rewrittenBody(
        body -> body.replaceAll("\"lease_duration\":[1-9][0-9]*", "\"lease_duration\":-1800")));
    try (TokenManager app = manager(VaultAuth.appRole(ROLE_ID, SECRET_ID))) {
      assertThatThrownBy(() -> app.request().org("acme").role("reader").logicalName("a").issue())
          .isInstanceOf(AstraVaultException.class).hasMessageContaining("negative auth.lease_duration")
          .hasMessageNotContaining("1800");
      app.request().org("acme").role("reader").logicalName("b").issue();
    }
  }

  /** A negative lookup-self ttl was taken for a token that never expires (like a root token's 0). */
  @Test
  void aNegativeLookupTtlIsRefused() {
    String fixed = vault.createToken(TokenSpec.of(Duration.ofHours(1), "root"));
    proxy.on("GET", "/v1/auth/token/lookup-self").forwardThen(Answer.rewrittenBody(
        body -> body.replaceFirst("\"ttl\":[0-9]+", "\"ttl\":-3600")));
    try (TokenManager app = manager(VaultAuth.token(fixed))) {
      assertThatThrownBy(() -> app.request().org("acme").role("reader").logicalName("a").issue())
          .isInstanceOf(AstraVaultException.class).hasMessageContaining("negative data.ttl")
          .hasMessageNotContaining("3600");
      app.request().org("acme").role("reader").logicalName("b").issue();
      clock.advance(Duration.ofMinutes(45));   // under a third of the hour left: renewed, so it is not "never"
      app.request().org("acme").role("reader").logicalName("c").issue();
      clock.advance(Duration.ofMinutes(30));
      assertThat(vault.isTokenValid(fixed)).isTrue();
    }
  }

  /** Every message of the exception's chain, suppressed ones included, as one text. */
  private static String chain(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  /**
   * The dev-style token {@code root} (FakeVault's root token) quoted in a Vault error reached the message and its
   * cause: only token-shaped text was masked. Now it is masked as a whole token, and words holding it are not.
   */
  @Test
  void aDevStyleTokenQuotedInAVaultErrorIsMasked() {
    astra.fault(Endpoint.CREATE_TOKEN).status(500);
    proxy.on("POST", "/v1/astra/org/token").forwardThen(Answer.rewrittenBody(
        body -> "{\"errors\":[\"token root may not; rooted chroot root_token stay\"]}"));
    try (TokenManager app = manager(VaultAuth.token(vault.rootToken()))) {
      Throwable e = catchThrowable(() -> app.request().org("acme").role("reader").logicalName("a").issue());
      assertThat(e).isInstanceOf(AstraVaultException.class).hasMessageContaining("token ██ may not")
          .hasMessageContaining("rooted chroot root_token stay");
      assertThat(chain(e)).doesNotContain(" root ");
    }
  }

  /** An AppRole secret_id quoted back by a refused login reached the message and the driver's exception. */
  @Test
  void anAppRoleSecretIdQuotedInARefusedLoginIsMasked() {
    proxy.on("POST", "/v1/auth/approle/login").forwardThen(Answer.rewrittenBody(
        body -> "{\"errors\":[\"secret_id nope is invalid; nopeless\"]}"));
    try (TokenManager app = manager(VaultAuth.appRole(ROLE_ID, "nope"))) {
      Throwable e = catchThrowable(() -> app.request().org("acme").role("reader").logicalName("a").issue());
      assertThat(e).isInstanceOf(VaultAccessDeniedException.class).hasMessageContaining("secret_id ██ is invalid")
          .hasMessageContaining("nopeless");
      assertThat(chain(e)).doesNotContain(" nope ");
    }
  }
}
