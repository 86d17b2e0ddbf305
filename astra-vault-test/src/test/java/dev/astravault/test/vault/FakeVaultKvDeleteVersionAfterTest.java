package dev.astravault.test.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.RawVault.Reply;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KV v2's {@code delete_version_after}, on the mount ({@code <mount>/config}) and per key ({@code metadata}), as
 * Vault's kv plugin applies it: a version's deletion time is fixed when it is written (its created time plus the
 * smaller of the non-zero settings), reported in {@code deletion_time} at once, and the version reads as
 * soft-deleted once the clock is past it.
 */
class FakeVaultKvDeleteVersionAfterTest {
  final MutableClock clock = TestClocks.clock();
  @RegisterExtension final FakeVault vault = FakeVault.builder().clock(clock).strict().build();

  RawVault root() {
    return new RawVault(vault, vault.rootToken());
  }

  @Test
  void theMountSettingIsStoredAndReportedAsAGoDuration() {
    assertThat(root().get("secret/config").data()).containsEntry("delete_version_after", "0s");
    assertThat(root().post("secret/config", "{\"delete_version_after\":\"3h\"}").code()).isEqualTo(204);
    assertThat(root().get("secret/config").data()).containsEntry("delete_version_after", "3h0m0s")
        .containsEntry("cas_required", false).containsEntry("max_versions", 0.0);
    // An integer is seconds (parseutil.ParseDurationSecond), as for every duration field.
    root().post("secret/config", "{\"delete_version_after\":90}");
    assertThat(root().get("secret/config").data()).containsEntry("delete_version_after", "1m30s");
    root().post("secret/config", "{\"delete_version_after\":\"0s\"}");
    assertThat(root().get("secret/config").data()).containsEntry("delete_version_after", "0s");
    assertThat(root().post("secret/config", "{\"delete_version_after\":\"soon\"}").code()).isEqualTo(400);
  }

  @Test
  void aVersionOlderThanTheMountSettingReadsAsDeleted() {
    root().post("secret/config", "{\"delete_version_after\":\"3h\"}");
    root().post("secret/data/app", "{\"data\":{\"a\":\"1\"}}");
    Reply live = root().get("secret/data/app");
    assertThat(live.code()).isEqualTo(200);
    assertThat(metadata(live)).containsEntry("deletion_time", "2025-03-01T13:00:00Z");

    clock.advance(Duration.ofHours(3));
    assertThat(root().get("secret/data/app").code()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(1));
    Reply gone = root().get("secret/data/app");
    assertThat(gone.code()).isEqualTo(404);
    assertThat(gone.data()).containsEntry("data", null);
    assertThat(metadata(gone)).containsEntry("deletion_time", "2025-03-01T13:00:00Z")
        .containsEntry("destroyed", false).containsEntry("version", 1.0);
    assertThat(vault.kv("secret/app")).isEmpty();

    // The key keeps its version: a check-and-set names it, and the new version gets its own deletion time.
    assertThat(root().post("secret/data/app", "{\"data\":{\"a\":\"2\"},\"options\":{\"cas\":1}}").code())
        .isEqualTo(200);
    assertThat(metadata(root().get("secret/data/app"))).containsEntry("deletion_time", "2025-03-01T16:00:01Z");
  }

  @Test
  void theKeySettingIsReportedInItsMetadataAndTheSmallerNonZeroSettingWins() {
    root().post("secret/metadata/k", "{\"delete_version_after\":\"30m\"}");
    Reply meta = root().get("secret/metadata/k");
    assertThat(meta.data()).containsEntry("delete_version_after", "30m0s");

    root().post("secret/data/k", "{\"data\":{\"a\":\"1\"}}");
    root().post("secret/data/other", "{\"data\":{\"a\":\"1\"}}");
    assertThat(versions(root().get("secret/metadata/k"))).containsEntry("1",
        Map.of("created_time", "2025-03-01T10:00:00Z", "deletion_time", "2025-03-01T10:30:00Z",
            "destroyed", false));
    clock.advance(Duration.ofMinutes(31));
    assertThat(root().get("secret/data/k").code()).isEqualTo(404);
    assertThat(root().get("secret/data/other").code()).isEqualTo(200);

    root().post("secret/config", "{\"delete_version_after\":\"10m\"}");
    root().post("secret/data/k", "{\"data\":{\"a\":\"2\"}}");
    assertThat(metadata(root().get("secret/data/k"))).containsEntry("deletion_time", "2025-03-01T10:41:00Z");
  }

  @Test
  void aVersionKeepsTheDeletionTimeItWasWrittenWithAndUndeleteClearsIt() {
    root().post("secret/data/old", "{\"data\":{\"a\":\"1\"}}");
    root().post("secret/config", "{\"delete_version_after\":\"1m\"}");
    clock.advance(Duration.ofHours(1));
    assertThat(root().get("secret/data/old").code()).isEqualTo(200);

    root().post("secret/data/new", "{\"data\":{\"a\":\"1\"}}");
    clock.advance(Duration.ofMinutes(2));
    assertThat(root().get("secret/data/new").code()).isEqualTo(404);
    assertThat(root().post("secret/undelete/new", "{\"versions\":[1]}").code()).isEqualTo(204);
    Reply back = root().get("secret/data/new");
    assertThat(back.code()).isEqualTo(200);
    assertThat(metadata(back)).containsEntry("deletion_time", "");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> metadata(Reply r) {
    return (Map<String, Object>) r.data().get("metadata");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> versions(Reply r) {
    return (Map<String, Object>) r.data().get("versions");
  }
}
