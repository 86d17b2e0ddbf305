package dev.astravault.examples.springboot;

import dev.astravault.ManagedToken;
import dev.astravault.TokenSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /token}: the service's current token lease, with the token redacted. */
@RestController
public class TokenController {
  private final ManagedToken token;

  public TokenController(ManagedToken token) {
    this.token = token;
  }

  @GetMapping("/token")
  public Map<String, Object> token() {
    TokenSnapshot s = token.snapshot();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("token", s.astraToken().redacted());
    body.put("clientId", s.info().clientId());
    body.put("role", s.info().roleName());
    body.put("logicalName", s.info().logicalName().orElse(null));
    body.put("leaseId", s.leaseId());
    body.put("expiresAt", s.expiresAt().toString());
    body.put("state", s.state().name());
    body.put("generation", s.generation());
    return body;
  }
}
