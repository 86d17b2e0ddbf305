package dev.astravault.internal.astra;

import static dev.astravault.internal.astra.Fixtures.ORG_ID;
import static dev.astravault.internal.astra.Fixtures.ROLE_ID;
import static dev.astravault.internal.astra.Fixtures.createResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.astravault.AstraApiException;
import dev.astravault.AstraAuthenticationException;
import dev.astravault.AstraNotFoundException;
import dev.astravault.AstraRateLimitedException;
import dev.astravault.AstraResponseTooLargeException;
import dev.astravault.AstraServerException;
import dev.astravault.AstraUnavailableException;
import dev.astravault.InvalidTokenResponseException;
import java.io.IOException;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The response-size cap, and which create failures prove that nothing was created. */
class OkHttpAstraDevOpsLimitsTest {
  private static final int CAP = 4096;
  private final MockWebServer server = new MockWebServer();
  private AstraDevOps astra;

  @BeforeEach
  void start() throws IOException {
    server.start();
    astra = OkHttpAstraDevOps.create(Fixtures.settings(server, new Fixtures.RecordingSleeper())
        .maxResponseBytes(CAP).build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static String tokenList(int bytesAtLeast) {
    StringBuilder b = new StringBuilder("{\"clients\":[");
    while (b.length() < bytesAtLeast) {
      b.append("{\"clientId\":\"zjCEYwRGWocLfQJHBNQxvorr\",\"roles\":[\"r\"],\"description\":\"x\"},");
    }
    return b.append("{\"clientId\":\"zjCEYwRGWocLfQJHBNQxvorr\"}]}").toString();
  }

  @Test
  void aBodyAtTheCapIsReadAndOneBeyondIsRefusedWithoutRetryWhetherItsLengthIsDeclaredOrNot() {
    server.enqueue(Fixtures.json(200, tokenList(CAP - 200)));
    assertThat(astra.listTokens()).isNotEmpty();

    server.enqueue(Fixtures.json(200, tokenList(CAP + 1)));
    AstraResponseTooLargeException declared = catchThrowableOfType(AstraResponseTooLargeException.class,
        astra::listTokens);
    assertThat(declared.limit()).isEqualTo(CAP);
    assertThat(declared.status()).isEqualTo(200);
    assertThat(declared).hasMessageContaining("GET /v2/clientIdSecrets").hasMessageContaining("4096 bytes");

    server.enqueue(new MockResponse.Builder().code(200).chunkedBody(tokenList(CAP * 50), 1000).build());
    assertThat(catchThrowableOfType(AstraResponseTooLargeException.class, astra::listTokens).limit())
        .isEqualTo(CAP);
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void anOversizedCreateAnswerIsTypedAndLeavesTheOutcomeUnclear() {
    String padded = createResponse().replace("\"someFutureField\":{\"x\":1}",
        "\"someFutureField\":\"" + "x".repeat(CAP) + "\"");
    server.enqueue(new MockResponse.Builder().code(201).chunkedBody(padded, 512).build());
    AstraResponseTooLargeException e = catchThrowableOfType(AstraResponseTooLargeException.class,
        () -> astra.createToken(new CreateTokenRequest(List.of(ROLE_ID), ORG_ID, "d", null)));
    assertThat(e).hasMessageContaining("POST /v2/clientIdSecrets").hasMessageNotContaining(Fixtures.SECRET);
    assertThat(AstraDevOps.createdNothing(e)).isFalse();
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void onlyAClear4xxOrAFailureBeforeSendingProvesNothingWasCreated() {
    assertThat(AstraDevOps.createdNothing(new AstraApiException("m", 400, null, null))).isTrue();
    assertThat(AstraDevOps.createdNothing(new AstraAuthenticationException("m", 401, null, null))).isTrue();
    assertThat(AstraDevOps.createdNothing(new AstraNotFoundException("m", null, null))).isTrue();
    assertThat(AstraDevOps.createdNothing(new AstraRateLimitedException("m", null, null, null))).isTrue();
    assertThat(AstraDevOps.createdNothing(new AstraUnavailableException("refused", null))).isTrue();

    assertThat(AstraDevOps.createdNothing(new AstraApiException("m", 408, null, null))).isFalse();
    for (int status : new int[] {500, 502, 503, 504, 520}) {
      assertThat(AstraDevOps.createdNothing(new AstraServerException("m", status, null, null))).isFalse();
    }
    assertThat(AstraDevOps.createdNothing(new AmbiguousCreateException("reset after sending", null))).isFalse();
    assertThat(AstraDevOps.createdNothing(new InvalidTokenResponseException("half a body"))).isFalse();
    assertThat(AstraDevOps.createdNothing(new AstraResponseTooLargeException("m", 200, CAP))).isFalse();
    assertThat(AstraDevOps.createdNothing(new IllegalStateException("anything else"))).isFalse();
  }
}
