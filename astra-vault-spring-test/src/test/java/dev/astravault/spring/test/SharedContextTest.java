package dev.astravault.spring.test;

import static dev.astravault.test.AstraAssertions.assertThatAstra;
import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ManagedToken;
import dev.astravault.test.FakeAstra;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Two test classes with the same configuration share one context and its FakeAstra, and the startup token survives
 * a class with another context in between (Spring 7 pauses a cached context on such a switch: stops its lifecycle
 * beans, then restarts them; a pause must not revoke the token).
 */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class SharedContextTest {
  static volatile FakeAstra firstFake;
  static volatile String firstToken;

  @Nested
  @Order(1)
  @SpringBootTest(classes = TestApplication.class, properties = "spring.application.name=shared")
  @AutoConfigureFakeAstra
  class First {
    @Autowired FakeAstra astra;
    @Autowired ManagedToken token;

    @Test
    void issuesTheToken() {
      firstFake = astra;
      firstToken = token.current();
      assertThatAstra(astra).hasLiveTokens(1);
    }
  }

  @Nested
  @Order(2)
  @SpringBootTest(classes = TestApplication.class, properties = "spring.application.name=other")
  @AutoConfigureFakeAstra
  class Other {
    @Autowired FakeAstra astra;

    @Test
    void hasItsOwnFake() {
      assertThat(astra).isNotSameAs(firstFake);
      assertThatAstra(astra).hasLiveTokens(1);
    }
  }

  @Nested
  @Order(3)
  @SpringBootTest(classes = TestApplication.class, properties = "spring.application.name=shared")
  @AutoConfigureFakeAstra
  class Second {
    @Autowired FakeAstra astra;
    @Autowired ManagedToken token;

    @Test
    void sharesTheContextAndTheTokenIsStillLive() {
      assertThat(astra).isSameAs(firstFake);
      assertThat(token.current()).isEqualTo(firstToken);
      assertThat(astra.isLive(token.current())).isTrue();
      assertThatAstra(astra).hasLiveTokens(1);
    }
  }
}
