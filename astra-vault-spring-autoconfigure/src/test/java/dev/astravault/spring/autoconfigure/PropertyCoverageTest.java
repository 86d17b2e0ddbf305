package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;

/**
 * Fails the build when an {@code astra.vault.*} property in the configuration processor's metadata has no test: each
 * property must be listed in {@link #COVERED} with the test that sets it and asserts its effect, or, until it has one,
 * in {@link #NOT_YET_COVERED} with what is missing. A new property therefore needs a decision here.
 */
class PropertyCoverageTest {
  private static final String AUTO = "AstraVaultAutoConfigurationTest#";
  private static final String FAIL = "AstraVaultStartupFailureTest#";
  private static final String JDBC = "AstraVaultJdbcTest#";
  private static final String CONN = "AstraVaultVaultConnectionTest#";
  private static final String KV = "AstraVaultVaultKvTest#";
  private static final String RENEW = "AstraVaultRenewalTest#";
  private static final String ENGINE = "AstraVaultEngineOptionsTest#";
  private static final String TLS = "AstraVaultVaultTlsAndLimitsTest#";

  /** Property → the test (class#method in this package) that sets it and asserts its observable effect. */
  static final Map<String, String> COVERED = new TreeMap<>(Map.ofEntries(
      Map.entry("astra.vault.enabled", AUTO + "enabledFalseTurnsEverythingOff"),
      Map.entry("astra.vault.mode", "AstraVaultVaultModeTest#theStartupTokenIsIssuedThroughVaultAndRevokedAtShutdown"),
      Map.entry("astra.vault.orgs", AUTO + "issuesTheStartupTokenWhileTheContextStarts"),
      Map.entry("astra.vault.orgs-vault-path", KV + "theOrgAndItsRootTokenComeFromVaultAndAreNeverShown"),
      Map.entry("astra.vault.roles", AUTO + "issuesTheStartupTokenWhileTheContextStarts"),
      Map.entry("astra.vault.sync-roles", AUTO + "syncRolesImportsAstraRolesByName"),
      Map.entry("astra.vault.token.enabled", AUTO + "tokenEnabledFalseSkipsTheStartupToken"),
      Map.entry("astra.vault.token.org", KV + "aFolderOnAKvV1MountGivesEveryOrgInIt"),
      Map.entry("astra.vault.token.role", AUTO + "withoutARoleOnlyTheManagerIsConfigured"),
      Map.entry("astra.vault.token.logical-name", AUTO + "issuesTheStartupTokenWhileTheContextStarts"),
      Map.entry("astra.vault.token.metadata", AUTO + "issuesTheStartupTokenWhileTheContextStarts"),
      Map.entry("astra.vault.token.ttl", AUTO + "propertiesBind"),
      Map.entry("astra.vault.token.style", AUTO + "perRequestStartupTokensLetTwoInstancesShareALogicalName"),
      Map.entry("astra.vault.token.scope.database", AUTO + "aScopedStartupTokenReachesOnlyItsKeyspace"),
      Map.entry("astra.vault.token.scope.keyspace", AUTO + "aScopedStartupTokenReachesOnlyItsKeyspace"),
      Map.entry("astra.vault.token.scope.tables", AUTO + "aScopedStartupTokenReachesOnlyItsKeyspace"),
      Map.entry("astra.vault.token.scope.access", AUTO + "aScopedStartupTokenReachesOnlyItsKeyspace"),
      Map.entry("astra.vault.token.scope.actions", AUTO + "rawScopeActionsAreUsedAndABadScopeFailsStartupNamingIt"),
      Map.entry("astra.vault.store.type", JDBC + "theJdbcStoreUsesTheApplicationsDataSourceWhenNoUrlIsSet"),
      Map.entry("astra.vault.store.jdbc.url", JDBC + "usernameAndPasswordReachTheStoresOwnDatabase"),
      Map.entry("astra.vault.store.jdbc.username", JDBC + "usernameAndPasswordReachTheStoresOwnDatabase"),
      Map.entry("astra.vault.store.jdbc.password", JDBC + "aWrongPasswordFailsStartupNamingTheStoreAndNotThePassword"),
      Map.entry("astra.vault.store.sqlite-file", AUTO + "sqliteStoreWithMetadataOnly"),
      Map.entry("astra.vault.store.vault-kv.path-prefix",
          KV + "theStartupTokenIsLeasedInVaultKvEncryptedUnderTheKeyFromVault"),
      Map.entry("astra.vault.store.key-vault-path",
          KV + "theStartupTokenIsLeasedInVaultKvEncryptedUnderTheKeyFromVault"),
      Map.entry("astra.vault.store.key-env", FAIL + "storeMisconfigurationsAreNamed"),
      Map.entry("astra.vault.store.key-file", KV + "theKeyMayComeFromTheEnvironmentOrAFileInstead"),
      Map.entry("astra.vault.store.metadata-only", KV + "theVaultKvStoreNeedsKvVersion2AndKeepsSecrets"),
      Map.entry("astra.vault.audit.json-lines-file", AUTO + "jsonLinesAuditFile"),
      Map.entry("astra.vault.audit.json-lines-key-file",
          "AstraVaultAuditKeyTest#jsonLinesKeyFileMakesTheAuditFileAKeyedChainThatShowsAnEdit"),
      Map.entry("astra.vault.audit.json-lines-key-env",
          "AstraVaultAuditKeyTest#jsonLinesKeyEnvNamesAVariableAndAnUnsetOrKeyShapedOneFailsStartup"),
      Map.entry("astra.vault.audit.jdbc", JDBC + "auditJdbcWritesRowsIntoTheNamedTableOfTheApplicationsDataSource"),
      Map.entry("astra.vault.audit.jdbc-table",
          JDBC + "auditJdbcWritesRowsIntoTheNamedTableOfTheApplicationsDataSource"),
      Map.entry("astra.vault.audit.async", JDBC + "auditJdbcDefaultsToTableAvAuditBehindTheQueue"),
      Map.entry("astra.vault.renewal.refresh-fraction", FAIL + "contradictoryRenewalWindowsAreNamed"),
      Map.entry("astra.vault.fail-fast", FAIL + "failFastFalseStartsWithoutTheTokenAndObtainsItOnFirstUse"),
      Map.entry("astra.vault.ignored-properties",
          "UnknownPropertyTest#ignoredPropertiesTakesANewerVersionsNamesAndNothingElse"),
      Map.entry("astra.vault.startup-retries", FAIL + "unavailableAstraFailsFastAfterTheRetries"),
      Map.entry("astra.vault.revoke-on-shutdown", AUTO + "revokeOnShutdownFalseKeepsTheLease"),
      Map.entry("astra.vault.vault.uri",
          "AstraVaultVaultModeTest#theStartupTokenIsIssuedThroughVaultAndRevokedAtShutdown"),
      Map.entry("astra.vault.vault.token",
          "AstraVaultVaultModeTest#theStartupTokenIsIssuedThroughVaultAndRevokedAtShutdown"),
      Map.entry("astra.vault.vault.authentication", CONN + "kubernetesLoginSendsTheJwtReadFromKubernetesJwtPath"),
      Map.entry("astra.vault.vault.app-role-role-id", CONN + "appRoleLoginSendsTheRoleIdAndSecretId"),
      Map.entry("astra.vault.vault.app-role-secret-id", CONN + "appRoleLoginSendsTheRoleIdAndSecretId"),
      Map.entry("astra.vault.vault.kubernetes-role", CONN + "kubernetesLoginSendsTheJwtReadFromKubernetesJwtPath"),
      Map.entry("astra.vault.vault.kubernetes-jwt-path", CONN + "kubernetesLoginSendsTheJwtReadFromKubernetesJwtPath"),
      Map.entry("astra.vault.vault.mount", CONN + "mountNamesWhereThePluginIsMounted"),
      Map.entry("astra.vault.vault.kv-mount", KV + "aFolderOnAKvV1MountGivesEveryOrgInIt"),
      Map.entry("astra.vault.vault.kv-version", KV + "aFolderOnAKvV1MountGivesEveryOrgInIt"),
      Map.entry("astra.vault.vault.namespace", CONN + "theNamespaceHeaderIsSentOnEveryRequestAndOnlyWhenSet"),
      Map.entry("astra.vault.vault.ca-file", TLS + "aServiceStartsAgainstAMutualTlsVaultWithOnlyProperties"),
      Map.entry("astra.vault.vault.client-certificate-file",
          TLS + "aServiceStartsAgainstAMutualTlsVaultWithOnlyProperties"),
      Map.entry("astra.vault.vault.client-key-file", TLS + "aServiceStartsAgainstAMutualTlsVaultWithOnlyProperties"),
      Map.entry("astra.vault.vault.connect-timeout",
          TLS + "eachPropertyReachesTheVaultConfigAndUnsetOnesKeepCoresDefaults"),
      Map.entry("astra.vault.vault.read-timeout",
          TLS + "eachPropertyReachesTheVaultConfigAndUnsetOnesKeepCoresDefaults"),
      Map.entry("astra.vault.vault.max-response-bytes", TLS + "maxResponseBytesCutsOffALargerVaultResponse"),
      Map.entry("astra.vault.health.enabled", AUTO + "theDeprecatedHealthPropertyStillSwitchesTheIndicatorOff"),
      Map.entry("astra.vault.cql.enabled", AUTO + "cqlCustomizerCanBeTurnedOff"),
      Map.entry("astra.vault.data-api.endpoint",
          "AstraVaultDataApiTest#theDatabaseBeanSendsTheCurrentTokenThroughRotationsWithoutARebuild"),
      Map.entry("astra.vault.data-api.keyspace",
          "AstraVaultDataApiTest#theDatabaseBeanSendsTheCurrentTokenThroughRotationsWithoutARebuild"),
      Map.entry("astra.vault.audit.slf4j", AUTO + "auditSlf4jLogsEveryEventOnTheAuditLoggerWhenOnAndNothingWhenOff"),
      Map.entry("astra.vault.startup-backoff", FAIL + "startupBackoffIsTheFirstWaitBetweenAttemptsAndDoubles"),
      Map.entry("astra.vault.startup-timeout", FAIL + "startupTimeoutBoundsTheRetriesAndTheirWaitsAndFailsNamingIt"),
      Map.entry("astra.vault.renewal.jitter", RENEW + "jitterZeroRefreshesExactlyAtTheSoftPointAndJitterSpreadsIt"),
      Map.entry("astra.vault.renewal.hard-margin-min", RENEW + "theHardMarginIsHardMarginMinWhenThatIsLarger"),
      Map.entry("astra.vault.renewal.hard-margin-fraction",
          RENEW + "theHardMarginIsHardMarginFractionOfTheTtlWhenThatIsLarger"),
      Map.entry("astra.vault.renewal.rotation-overlap",
          RENEW + "theOldTokenOfARotationIsRevokedAfterTheRotationOverlap"),
      Map.entry("astra.vault.renewal.backoff-base", RENEW + "failedRefreshesBackOffFromTheBaseUpToTheCap"),
      Map.entry("astra.vault.renewal.backoff-cap", RENEW + "failedRefreshesBackOffFromTheBaseUpToTheCap"),
      Map.entry("astra.vault.renewal.max-wait", RENEW + "currentWaitsAtMostMaxWaitForARefreshUnderWay"),
      Map.entry("astra.vault.renewal.close-timeout", RENEW + "shutdownWaitsAtMostCloseTimeoutForTheRevoke"),
      Map.entry("astra.vault.deployment-id", ENGINE + "deploymentIdTagsTheTokensAndABadOneFailsStartup"),
      Map.entry("astra.vault.astra-api.connect-timeout", ENGINE + "connectTimeoutCutsOffAConnectThatHangs"),
      Map.entry("astra.vault.astra-api.call-timeout",
          ENGINE + "callTimeoutCutsOffASlowCreateAndTheUnclearTokenIsDeleted"),
      Map.entry("astra.vault.astra-api.max-response-bytes",
          ENGINE + "maxResponseBytesCutsOffALargerResponseAndIsAtLeast1Kb"),
      Map.entry("astra.vault.maintenance.sweep-interval", ENGINE + "sweepIntervalIsHowOftenExpiredLeasesAreRevoked"),
      Map.entry("astra.vault.maintenance.recovery-interval", ENGINE + "recoveryIntervalIsHowOftenRecoveryRuns"),
      Map.entry("astra.vault.maintenance.orphan-sweep", ENGINE + "orphanSweepFalseLeavesOrphansAlone"),
      Map.entry("astra.vault.maintenance.orphan-grace-period",
          ENGINE + "orphanGracePeriodIsHowOldAnOrphanIsWhenTheSweepDeletesIt"),
      Map.entry("astra.vault.maintenance.custom-role-grace-period",
          ENGINE + "customRoleGracePeriodIsHowLongAnUnusedCustomRoleIsKept")));

  /**
   * Properties that bind (see {@code propertiesBind}) but whose effect no test asserts yet, with what is missing.
   * Move an entry to {@link #COVERED} when its test exists; do not add new properties here to skip writing one.
   */
  static final Map<String, String> NOT_YET_COVERED = new TreeMap<>();

  /** Our own astra.vault.* metadata (the classpath has Boot's too). */
  private static Set<String> metadataProperties() throws Exception {
    Path classes = Path.of(AstraVaultProperties.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (InputStream in = Files.newInputStream(classes.resolve("META-INF/spring-configuration-metadata.json"))) {
      Set<String> names = new TreeSet<>(
          ConfigurationMetadataRepositoryJsonBuilder.create(in).build().getAllProperties().keySet());
      names.removeIf(name -> !name.startsWith("astra.vault."));
      return names;
    }
  }

  @Test
  void everyPropertyInTheMetadataIsListedAndNothingElseIs() throws Exception {
    Set<String> metadata = metadataProperties();
    assertThat(metadata).hasSizeGreaterThan(40);
    Set<String> listed = new TreeSet<>(COVERED.keySet());
    listed.addAll(NOT_YET_COVERED.keySet());
    Set<String> missing = new TreeSet<>(metadata);
    missing.removeAll(listed);
    assertThat(missing).as("astra.vault.* properties without a test: add an ApplicationContextRunner test that sets "
        + "each and asserts its effect, and list it in PropertyCoverageTest.COVERED").isEmpty();
    Set<String> stale = new TreeSet<>(listed);
    stale.removeAll(metadata);
    assertThat(stale).as("listed in PropertyCoverageTest but no longer in the metadata").isEmpty();
    Set<String> both = new TreeSet<>(COVERED.keySet());
    both.retainAll(NOT_YET_COVERED.keySet());
    assertThat(both).as("both covered and not yet covered").isEmpty();
  }

  @Test
  void everyListedTestExists() {
    COVERED.forEach((property, test) -> {
      String[] parts = test.split("#");
      Method method = null;
      try {
        Class<?> type = Class.forName(getClass().getPackageName() + "." + parts[0]);
        for (Method m : type.getDeclaredMethods()) {
          if (m.getName().equals(parts[1]) && m.isAnnotationPresent(Test.class)) {
            method = m;
          }
        }
      } catch (ClassNotFoundException e) {
        // Reported below.
      }
      assertThat(method).as("the test %s listed for %s", test, property).isNotNull();
    });
  }
}
