package dev.astravault.vaultmode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.astravault.AstraToken;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.PluginBehaviour;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultUnavailableException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Vault mode over HTTPS: FakeVault serves a certificate from a private CA that the client trusts only through
 * {@link VaultConfig.Builder#caPem(String)}; with mutual TLS, FakeVault refuses clients without a certificate signed by
 * that CA, and {@link VaultConfig.Builder#clientCertificate(String, String)} gets through.
 */
class VaultTlsTest {
  static final HeldCertificate CA = new HeldCertificate.Builder().certificateAuthority(0).rsa2048()
      .commonName("astra-vault test CA").build();
  static final HeldCertificate SERVER = new HeldCertificate.Builder().rsa2048().signedBy(CA)
      .addSubjectAlternativeName("localhost").addSubjectAlternativeName("127.0.0.1")
      .addSubjectAlternativeName(hostName()).commonName("vault").build();
  static final HeldCertificate CLIENT = new HeldCertificate.Builder().rsa2048().signedBy(CA)
      .commonName("orders-service").build();
  static final HeldCertificate STRANGER = new HeldCertificate.Builder().rsa2048().commonName("stranger").build();

  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  final ManualScheduler scheduler = new ManualScheduler(clock);
  FakeVault vault;

  static String hostName() {
    try {
      return java.net.InetAddress.getByName("localhost").getCanonicalHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  FakeVault httpsVault(boolean mutual) {
    HandshakeCertificates server = new HandshakeCertificates.Builder()
        .heldCertificate(SERVER, CA.certificate())
        .addTrustedCertificate(CA.certificate())
        .build();
    FakeVault.Builder b = FakeVault.builder().clock(clock).pluginBehaviour(PluginBehaviour.FIXED)
        .tls(server.sslSocketFactory());
    if (mutual) {
      b.requireClientCertificate();
    }
    vault = b.build().start();
    return vault;
  }

  @AfterEach
  void stop() {
    if (vault != null) {
      vault.close();
    }
  }

  /** Configures the org and role in Vault, then issues, renews and revokes a token over HTTPS. */
  void lifecycle(VaultConfig.Builder config) {
    astra.useClock(clock);
    FakeOrg org = astra.defaultOrg();
    try (TokenManager tokens = TokenManager.builder().clock(clock).scheduler(scheduler)
        .vault(config.auth(VaultAuth.token(vault.rootToken())).build()).build()) {
      tokens.writeOrg(OrgConfig.builder().orgId(org.orgId()).rootToken(org.rootToken()).url(astra.url().uri())
          .logicalName("acme").build());
      tokens.writeRole(RoleSpec.builder().org("acme").name("reader").roleId(astra.roleId("API RO Svc Acct"))
          .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
      AstraToken token = tokens.request().org("acme").role("reader").logicalName("orders").issue();
      assertThat(astra.isLive(token.token())).isTrue();
      tokens.renew(token.lease().leaseId());
      tokens.revoke(token.lease().leaseId());
      assertThat(astra.isLive(token.token())).isFalse();
    }
  }

  @Test
  void httpsWithThePrivateCaFromCaPem() {
    FakeVault v = httpsVault(false);
    assertThat(v.address()).startsWith("https://");
    lifecycle(VaultConfig.builder(URI.create(v.address())).caPem(CA.certificatePem()));
    assertThat(v.requests()).anyMatch(r -> r.path().equals("/v1/astra/org/token"));
  }

  @Test
  void withoutTheCaTheHandshakeFailsAsUnreachable() {
    FakeVault v = httpsVault(false);
    HeldCertificate otherCa = new HeldCertificate.Builder().certificateAuthority(0).rsa2048().build();
    Throwable t = catchThrowable(() -> lifecycle(VaultConfig.builder(URI.create(v.address()))
        .caPem(otherCa.certificatePem())));
    assertThat(t).isInstanceOf(VaultUnavailableException.class).hasMessageContaining("unreachable");
    assertThat(v.requests()).isEmpty();
  }

  @Test
  void mutualTlsWithAClientCertificate() {
    FakeVault v = httpsVault(true);
    lifecycle(VaultConfig.builder(URI.create(v.address())).caPem(CA.certificatePem())
        .clientCertificate(CLIENT.certificatePem(), CLIENT.privateKeyPkcs8Pem()));
    assertThat(v.requests()).anyMatch(r -> r.path().equals("/v1/astra/org/token"));
  }

  @Test
  void mutualTlsRefusesAClientWithoutACertificateOrWithAnUntrustedOne() {
    FakeVault v = httpsVault(true);
    Throwable none = catchThrowable(() -> lifecycle(VaultConfig.builder(URI.create(v.address()))
        .caPem(CA.certificatePem())));
    assertThat(none).isInstanceOf(VaultUnavailableException.class);
    Throwable stranger = catchThrowable(() -> lifecycle(VaultConfig.builder(URI.create(v.address()))
        .caPem(CA.certificatePem()).clientCertificate(STRANGER.certificatePem(), STRANGER.privateKeyPkcs8Pem())));
    assertThat(stranger).isInstanceOf(VaultUnavailableException.class);
    assertThat(v.requests()).isEmpty();
  }
}
