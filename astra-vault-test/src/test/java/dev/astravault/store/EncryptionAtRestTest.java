package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.EncryptionKey;
import dev.astravault.IssueStyle;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.SecretDecryptionException;
import dev.astravault.StoreException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets at rest: raw bytes hold no secret; tampering, a wrong key and a missing key fail clearly; rotation. */
class EncryptionAtRestTest {
  static final String SECRET = "Zz9+,.-_" + "q".repeat(60);
  static final String TOKEN = "AstraCS:ClientAAAAAAAAAAAAAAAAAA:" + "cd".repeat(32);
  static final String ROOT = "AstraCS:RootTokenxxxxxxxxxxxxxxx:" + "ef".repeat(32);
  static final EncryptionKey KEY_1 = EncryptionKey.generate();
  static final EncryptionKey KEY_2 = EncryptionKey.generate();

  @TempDir Path dir;

  static LeaseRecord active(String leaseId) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    return LeaseRecord.builder().leaseId(leaseId).orgId("org-1").roleName("reader").roleId("rid")
        .logicalName("orders").style(IssueStyle.UNIQUE).state(LeaseState.ACTIVE).clientId("ClientAAAAAAAAAAAAAAAAAA")
        .token(TOKEN).secret(SECRET).generatedOn(t).description("astra-vault lease=" + leaseId).issuedAt(t)
        .ttl(Duration.ofHours(1)).expiresAt(t.plusSeconds(3600)).maxExpiresAt(t.plusSeconds(7200)).build();
  }

  static OrgConfig org() {
    return OrgConfig.builder().orgId("org-1").logicalName("acme").url(URI.create("https://astra.example.com"))
        .rootToken(ROOT).build();
  }

  JdbcLeaseStore sqlite(KeyProvider keys) {
    return JdbcLeaseStore.sqlite(dir.resolve("leases.db"), keys);
  }

  @Test
  void theSqliteFilesHoldNoSecret() throws Exception {
    try (JdbcLeaseStore store = sqlite(KeyProvider.of(KEY_1))) {
      store.insert(active("astra/org-1/reader/a"));
      store.putOrg(org());
      assertThat(store.get("astra/org-1/reader/a").orElseThrow().secret()).hasValue(SECRET);
      assertNoSecretIn(rawBytes()); // while open: the WAL holds the writes
    }
    assertNoSecretIn(rawBytes());
    assertThat(new String(rawBytes(), StandardCharsets.ISO_8859_1)).contains("v1:" + KEY_1.id() + ":");
  }

  private byte[] rawBytes() throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        all.write(Files.readAllBytes(p));
      }
    }
    return all.toByteArray();
  }

  private static void assertNoSecretIn(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    assertThat(text).doesNotContain(SECRET).doesNotContain(TOKEN).doesNotContain(ROOT)
        .doesNotContain(KEY_1.toBase64()).doesNotContain("cd".repeat(32));
  }

  @Test
  void thePostgresColumnsHoldNoSecret() throws Exception {
    String url = EmbeddedPg.newDatabase("crypto");
    try (JdbcLeaseStore store = JdbcLeaseStore.builder().jdbcUrl(url).credentials("postgres", "postgres")
        .keyProvider(KeyProvider.of(KEY_1)).build()) {
      store.insert(active("astra/org-1/reader/a"));
      store.putOrg(org());
      assertThat(store.org("org-1").orElseThrow().rootToken()).isEqualTo(ROOT);
    }
    List<String> values = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres"); Statement s = c.createStatement()) {
      for (String table : List.of("av_lease", "av_org", "av_role")) {
        try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
          while (rs.next()) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
              values.add(String.valueOf(rs.getString(i)));
            }
          }
        }
      }
    }
    assertThat(values).isNotEmpty().noneMatch(v -> v.contains(SECRET) || v.contains(TOKEN) || v.contains(ROOT));
    assertThat(values).anyMatch(v -> v.startsWith("v1:" + KEY_1.id() + ":"));
  }

  @Test
  void aTamperedCiphertextFailsAuthenticationWithAClearError() throws Exception {
    try (JdbcLeaseStore store = sqlite(KeyProvider.of(KEY_1))) {
      store.insert(active("astra/org-1/reader/a"));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("leases.db"));
        Statement s = c.createStatement()) {
      String ct;
      try (ResultSet rs = s.executeQuery("SELECT secret_ct FROM av_lease")) {
        rs.next();
        ct = rs.getString(1);
      }
      int i = ct.length() - 10;
      String tampered = ct.substring(0, i) + (ct.charAt(i) == 'A' ? 'B' : 'A') + ct.substring(i + 1);
      s.executeUpdate("UPDATE av_lease SET secret_ct = '" + tampered + "'");
    }
    try (JdbcLeaseStore store = sqlite(KeyProvider.of(KEY_1))) {
      assertThatThrownBy(() -> store.get("astra/org-1/reader/a"))
          .isInstanceOfSatisfying(SecretDecryptionException.class, e -> {
            assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED);
            assertThat(e.keyId()).isEqualTo(KEY_1.id());
          })
          .hasMessageContaining("astra/org-1/reader/a").hasMessageContaining("tampered")
          .hasMessageNotContaining(SECRET);
    }
  }

  @Test
  void anOrgUrlRewrittenInTheFileIsATypedErrorThatDoesNotQuoteIt() throws Exception {
    try (JdbcLeaseStore store = sqlite(KeyProvider.of(KEY_1))) {
      store.putOrg(org());
    }
    String password = "url-password-7f3e";
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("leases.db"));
        Statement s = c.createStatement()) {
      // A space makes URI parsing fail; URI.create's message would quote the whole text.
      s.executeUpdate("UPDATE av_org SET url = 'https://ops:" + password + "@astra example.com'");
    }
    try (JdbcLeaseStore store = sqlite(KeyProvider.of(KEY_1))) {
      assertThatThrownBy(() -> store.org("org-1")).isInstanceOf(StoreException.class)
          .hasMessageContaining("org-1").hasMessageContaining("DevOps URL")
          .hasMessageNotContaining(password).hasMessageNotContaining(ROOT);
      // Listings leave it out, warned about without the URL (UnreadableOrgListingTest checks the log line).
      assertThat(store.orgs()).isEmpty();
      assertThat(store.storedOrgIds()).containsExactly("org-1");
    }
  }

  @Test
  void aCiphertextMovedToAnotherRecordDoesNotDecrypt() throws Exception {
    try (JdbcLeaseStore store = sqlite(KeyProvider.of(KEY_1))) {
      store.insert(active("astra/org-1/reader/a"));
      store.insert(LeaseRecord.builder().leaseId("astra/org-1/reader/b").orgId("org-1").roleName("reader")
          .roleId("rid").logicalName("other").state(LeaseState.PENDING).description("d")
          .issuedAt(Instant.EPOCH).ttl(Duration.ofHours(1)).expiresAt(Instant.EPOCH).maxExpiresAt(Instant.EPOCH)
          .build());
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("leases.db"));
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE av_lease SET state = 'ACTIVE', client_id = 'ClientBBBBBBBBBBBBBBBBBB', "
          + "generated_on = 0, key_id = (SELECT key_id FROM av_lease WHERE lease_id = 'astra/org-1/reader/a'), "
          + "secret_ct = (SELECT secret_ct FROM av_lease WHERE lease_id = 'astra/org-1/reader/a') "
          + "WHERE lease_id = 'astra/org-1/reader/b'");
    }
    try (JdbcLeaseStore store = sqlite(KeyProvider.of(KEY_1))) {
      assertThatThrownBy(() -> store.get("astra/org-1/reader/b"))
          .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
              assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED));
      assertThat(store.get("astra/org-1/reader/a").orElseThrow().secret()).hasValue(SECRET);
    }
  }

  @Test
  void aWrongKeyNamesTheKeyIdItNeeds() {
    try (JdbcLeaseStore store = sqlite(KeyProvider.of(KEY_1))) {
      store.insert(active("astra/org-1/reader/a"));
      store.putOrg(org());
    }
    try (JdbcLeaseStore store = sqlite(KeyProvider.of(KEY_2))) {
      assertThatThrownBy(() -> store.get("astra/org-1/reader/a"))
          .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
              assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.UNKNOWN_KEY))
          .hasMessageContaining(KEY_1.id()).hasMessageContaining("wrong key")
          .hasMessageNotContaining(KEY_1.toBase64()).hasMessageNotContaining(KEY_2.toBase64());
      assertThatThrownBy(() -> store.org("org-1")).isInstanceOf(SecretDecryptionException.class)
          .hasMessageNotContaining(ROOT);
    }
  }

  @Test
  void aDurableStoreWithoutAKeyRefusesToStart() {
    assertThatThrownBy(() -> JdbcLeaseStore.builder().sqliteFile(dir.resolve("x.db")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("keyProvider")
        .hasMessageContaining("metadataOnly");
    assertThat(dir.resolve("x.db")).doesNotExist();
  }

  @Test
  void aMetadataOnlyStoreWritesNoSecretAndNoOrg() throws Exception {
    try (LeaseStore store = JdbcLeaseStore.builder().sqliteFile(dir.resolve("leases.db")).metadataOnly().build()) {
      store.insert(active("astra/org-1/reader/a"));
      store.putOrg(org());
    }
    assertNoSecretIn(rawBytes());
    try (LeaseStore store = JdbcLeaseStore.builder().sqliteFile(dir.resolve("leases.db")).metadataOnly().build()) {
      LeaseRecord r = store.get("astra/org-1/reader/a").orElseThrow();
      assertThat(r.secret()).isEmpty();
      assertThat(r.token()).isEmpty();
      assertThat(r.clientId()).hasValue("ClientAAAAAAAAAAAAAAAAAA");
      assertThat(store.orgs()).isEmpty();
    }
  }

  @Test
  void rotationReEncryptsEveryRecordUnderTheNewKey() throws Exception {
    try (JdbcLeaseStore store = sqlite(KeyProvider.of(KEY_1))) {
      store.insert(active("astra/org-1/reader/a"));
      store.putOrg(org());
    }
    try (JdbcLeaseStore store = sqlite(KeyProvider.of(KEY_2, KEY_1))) {
      assertThat(store.get("astra/org-1/reader/a").orElseThrow().secret()).hasValue(SECRET);
      assertThat(store.rotateKeys()).isEqualTo(2);
      assertThat(store.rotateKeys()).isZero();
    }
    assertThat(new String(rawBytes(), StandardCharsets.ISO_8859_1)).contains("v1:" + KEY_2.id() + ":");
    try (JdbcLeaseStore store = sqlite(KeyProvider.of(KEY_2))) {
      assertThat(store.get("astra/org-1/reader/a").orElseThrow().secret()).hasValue(SECRET);
      assertThat(store.org("org-1").orElseThrow().rootToken()).isEqualTo(ROOT);
    }
    try (JdbcLeaseStore store = sqlite(KeyProvider.of(KEY_1))) {
      assertThatThrownBy(() -> store.get("astra/org-1/reader/a")).isInstanceOf(SecretDecryptionException.class);
    }
  }

  @Test
  void keyProvidersReadFilesAndEnvironmentAndNeverEchoAKey() throws Exception {
    Path file = dir.resolve("keys");
    Files.writeString(file, "# current first\n" + KEY_2.toBase64() + "\n\n" + KEY_1.toBase64() + "\n");
    KeyProvider keys = KeyProvider.fromFile(file);
    assertThat(keys.currentKey()).isEqualTo(KEY_2);
    assertThat(keys.key(KEY_1.id())).hasValue(KEY_1);
    assertThat(keys.key("0000000000000000")).isEmpty();
    assertThat(keys.toString()).doesNotContain(KEY_1.toBase64()).doesNotContain(KEY_2.toBase64());
    assertThat(KEY_1.toString()).contains(KEY_1.id()).doesNotContain(KEY_1.toBase64());

    String almost = KEY_1.toBase64().substring(4);
    Files.writeString(file, almost + "\n");
    assertThatThrownBy(() -> KeyProvider.fromFile(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key 1").hasMessageNotContaining(almost);
    assertThatThrownBy(() -> KeyProvider.fromFile(dir.resolve("missing")))
        .isInstanceOf(dev.astravault.StoreException.class);
    // A file that is there but holds no key is a bad value, as the javadoc says and fromBase64List("") does.
    // Before, a blank file was an IllegalStateException ("is not set").
    for (String empty : new String[] {"", " \n\n", "# only a comment\n"}) {
      Files.writeString(file, empty);
      assertThatThrownBy(() -> KeyProvider.fromFile(file)).as("%s", empty)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(file.toString())
          .hasMessageContaining("holds no key");
    }
    assertThatThrownBy(() -> KeyProvider.fromBase64List("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyProvider.fromEnv("ASTRA_VAULT_TEST_KEY_THAT_IS_NOT_SET"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("ASTRA_VAULT_TEST_KEY_THAT_IS_NOT_SET");
    assertThat(EncryptionKey.fromBase64(KEY_1.toBase64()).id()).isEqualTo(KEY_1.id());
  }
}
