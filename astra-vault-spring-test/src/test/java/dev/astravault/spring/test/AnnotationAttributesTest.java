package dev.astravault.spring.test;

import static dev.astravault.test.AstraAssertions.assertThatAstra;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.ManagedToken;
import dev.astravault.TokenManager;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContextManager;

/** The attributes: declared roles (a custom Astra role among them), the token's role, strict fakes, setup classes. */
class AnnotationAttributesTest {

  /** Adds an org before the application starts: the setup sees the started fake. */
  static class SecondOrg implements FakeAstraSetup {
    static volatile FakeOrg added;

    @Override
    public void setUp(FakeAstra astra) {
      added = astra.addOrg();
    }
  }

  @Nested
  @SpringBootTest(classes = TestApplication.class)
  @AutoConfigureFakeAstra(org = "prod", strict = true, tokenRole = "writer", setup = SecondOrg.class, roles = {
      @AutoConfigureFakeAstra.Role(name = "reader"),
      @AutoConfigureFakeAstra.Role(name = "writer", astraRole = "Orders Writer", ttl = "2h", maxTtl = "6h")})
  class DeclaredRoles {
    @Autowired FakeAstra astra;
    @Autowired ManagedToken token;
    @Autowired TokenManager tokens;

    @Test
    void theTokenHasTheChosenRoleACustomAstraRoleAndTheFakesAreStrict() {
      assertThat(astra.variation().isStrict()).isTrue();
      assertThat(token.snapshot().info().roleName()).isEqualTo("writer");
      assertThat(token.snapshot().info().lease().ttl()).isEqualTo(Duration.ofHours(2));
      assertThatAstra(astra).hasLiveTokensForRole("Orders Writer", 1).hasLiveTokensForRole("API RO User", 0);
      assertThat(tokens.roles("prod")).extracting(r -> r.name()).containsExactlyInAnyOrder("reader", "writer");
      assertThat(astra.orgs()).contains(SecondOrg.added);
    }
  }

  /** Not a test itself: its setup class cannot be created. */
  @SpringBootTest(classes = TestApplication.class)
  @AutoConfigureFakeAstra(setup = NoDefaultConstructor.class)
  static class BadSetup {}

  static final class NoDefaultConstructor implements FakeAstraSetup {
    NoDefaultConstructor(String unused) {}

    @Override
    public void setUp(FakeAstra astra) {}
  }

  @Test
  void aSetupClassWithoutANoArgumentConstructorIsNamed() {
    TestContextManager manager = new TestContextManager(BadSetup.class);
    assertThatThrownBy(() -> {
      ApplicationContext unused = manager.getTestContext().getApplicationContext();
    }).hasStackTraceContaining("NoDefaultConstructor.class): cannot create it; it needs a no-argument constructor");
  }
}
