/**
 * Contract tests shipped with the fakes: {@link dev.astravault.test.conformance.AstraDevOpsConformance} and
 * {@link dev.astravault.test.conformance.VaultPluginConformance} state what the real Astra DevOps API and a real
 * Vault with DataStax's Astra plugin answer, case by case. Extend them once against the fakes (as this module's CI
 * does) and once against real endpoints when {@code ASTRA_ORG_TOKEN} and {@code VAULT_ADDR}/{@code VAULT_TOKEN} are
 * set; a case that needs to script a fault runs against the fakes only. See {@code docs/testing.md}.
 */
@NullMarked
package dev.astravault.test.conformance;

import org.jspecify.annotations.NullMarked;
