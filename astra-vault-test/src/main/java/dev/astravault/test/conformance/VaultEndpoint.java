package dev.astravault.test.conformance;

import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.PluginBehaviour;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * A Vault with DataStax's Astra plugin mounted, to run {@link VaultPluginConformance} against: a {@code FakeVault},
 * or a real server. The plugin calls {@link #astra()}. Its {@code toString} never shows a token.
 */
public final class VaultEndpoint {
  /** The environment variable holding Vault's address. */
  public static final String ADDRESS_VARIABLE = "VAULT_ADDR";
  /** The environment variable holding a Vault token allowed to use the plugin's paths and {@code sys/leases}. */
  public static final String TOKEN_VARIABLE = "VAULT_TOKEN";
  /** The environment variable naming the plugin's mount (default {@code astra/}). */
  public static final String MOUNT_VARIABLE = "VAULT_ASTRA_MOUNT";

  private final String address;
  private final String token;
  private final String astraMount;
  private final PluginBehaviour behaviour;
  private final AstraEndpoint astra;
  private final @Nullable FakeVault fake;

  private VaultEndpoint(String address, String token, String astraMount, PluginBehaviour behaviour,
      AstraEndpoint astra, @Nullable FakeVault fake) {
    String a = Objects.requireNonNull(address, "address");
    this.address = a.endsWith("/") ? a.substring(0, a.length() - 1) : a;
    HttpUrl.get(this.address);
    this.token = Objects.requireNonNull(token, "token");
    String m = Objects.requireNonNull(astraMount, "astraMount");
    this.astraMount = m.endsWith("/") ? m : m + "/";
    this.behaviour = Objects.requireNonNull(behaviour, "behaviour");
    this.astra = Objects.requireNonNull(astra, "astra");
    this.fake = fake;
  }

  /**
   * The fake, with its root token, calling {@code astra}. Starts the fake.
   *
   * @param vault the fake
   * @param astra the Astra the fake's plugin calls
   * @return the endpoint
   */
  public static VaultEndpoint of(FakeVault vault, AstraEndpoint astra) {
    Objects.requireNonNull(vault, "vault");
    vault.start();
    return new VaultEndpoint(vault.address(), vault.rootToken(), vault.astraMount(), vault.pluginBehaviour(), astra,
        vault);
  }

  /**
   * A real Vault running the released plugin (v2.0.0) at {@code astraMount}, calling {@code astra}.
   *
   * @param address the Vault's address
   * @param token a Vault token allowed to use the mount
   * @param astraMount where the plugin is mounted
   * @param astra the Astra the plugin calls
   * @return the endpoint
   */
  public static VaultEndpoint of(String address, String token, String astraMount, AstraEndpoint astra) {
    return new VaultEndpoint(address, token, astraMount, PluginBehaviour.V2_0_0, astra, null);
  }

  /**
   * The real Vault of {@value #ADDRESS_VARIABLE} and {@value #TOKEN_VARIABLE}, if both are set.
   *
   * @param astra the Astra the plugin calls
   * @return the real Vault's endpoint, or empty when the variables are not both set
   */
  public static Optional<VaultEndpoint> fromEnvironment(AstraEndpoint astra) {
    String address = System.getenv(ADDRESS_VARIABLE);
    String token = System.getenv(TOKEN_VARIABLE);
    if (address == null || address.isBlank() || token == null || token.isBlank()) {
      return Optional.empty();
    }
    String mount = System.getenv(MOUNT_VARIABLE);
    return Optional.of(of(address.strip(), token.strip(), mount == null || mount.isBlank() ? "astra/" : mount,
        astra));
  }

  /**
   * The plugin's behaviour: {@link PluginBehaviour#V2_0_0} for a real Vault.
   *
   * @return the plugin's behaviour
   */
  public PluginBehaviour behaviour() {
    return behaviour;
  }

  /**
   * The Astra the plugin calls.
   *
   * @return the Astra the plugin calls
   */
  public AstraEndpoint astra() {
    return astra;
  }

  /**
   * The fake behind this endpoint, if it is one.
   *
   * @return the fake, or empty for a real Vault
   */
  public Optional<FakeVault> fake() {
    return Optional.ofNullable(fake);
  }

  String astraMount() {
    return astraMount;
  }

  String token() {
    return token;
  }

  HttpUrl url(String path) {
    return HttpUrl.get(address + "/v1/" + path);
  }

  @Override
  public String toString() {
    return "VaultEndpoint[" + address + ", " + astraMount + ", " + behaviour + "]";
  }
}
