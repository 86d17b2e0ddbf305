package dev.astravault.test.contract;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import dev.astravault.test.RecordedCall;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Validates recorded DevOps API traffic against {@code astra-devops-api-v2.yaml} (a copy of the spec, in this module's
 * test resources), with swagger-request-validator. Unknown JSON fields are errors (the validator injects
 * {@code additionalProperties: false}), so every field a client sends or a server answers must be in the spec or in
 * an allowed {@link Deviation}.
 *
 * <pre>{@code
 * OpenApiContract contract = OpenApiContract.astraDevOps();   // all known deviations allowed
 * astra.requests().forEach(contract::assertValid);            // FakeAstra's request log
 * contract.assertRequestValid(call);                           // only what the client sent
 * }</pre>
 *
 * Messages never show tokens or secrets: they are replaced with {@code ██}. Instances are immutable and thread-safe;
 * building one parses the spec, so share it (e.g. in a static field).
 */
public final class OpenApiContract {

  /**
   * The ways real Astra servers differ from the spec (see astra-devops-api-notes.md). Each is patched into the
   * parsed spec as narrowly as possible, only on the operations below.
   */
  public enum Deviation {
    /** {@code POST /v2/clientIdSecrets}, {@code POST /v2/tokens} and {@code GET /v2/clientIdSecrets} answer one
     * object; the spec declares a schema with {@code items} (and no type) around it. */
    RESPONSES_NOT_WRAPPED_IN_ITEMS,
    /** Create bodies may carry {@code description} and {@code tokenExpiry}; create responses carry
     * {@code generatedOn}; list entries carry {@code generatedOn}, {@code description} and a nullable
     * {@code tokenExpiry}. */
    UNDOCUMENTED_TOKEN_FIELDS,
    /** The error schema requires {@code id}, but servers send the upper-case {@code ID} it declares. */
    ERROR_ID_UPPER_CASE,
    /** Auth failures (400, 401, 403) come as {@code {"errors":[..]}} JSON on every operation, also where the spec
     * declares another body or no such status. */
    AUTH_ERRORS_ON_EVERY_OPERATION,
    /** {@code DELETE /v2/clientIdSecrets/{id}} may answer 204, and 404 with an error body for an unknown id. */
    DELETE_204_AND_404,
    /** Roles may come in the docs' shape {@code {"ID","Name","Type","policy":"<json string>"}}. */
    UPPER_CASE_ROLES,
    /** Any operation may answer 429, 502, 503 or 504 with an error body (throttling, gateways). */
    RETRYABLE_STATUSES
  }

  private static final String SPEC = "/astra-devops-api-v2.yaml";
  private static final List<String> TOKEN_ROLE_ORG_OPERATIONS = List.of("getClientsForOrg", "generateTokenForClient",
      "generateAppTokenForClient", "deleteTokenForClient", "getOrganizationRoles", "getOrganizationRole",
      "getCurrentOrganization");
  private static final Pattern ASTRA_TOKEN = Pattern.compile("AstraCS:[A-Za-z0-9]*:?[a-f0-9]*");
  private static final Pattern SECRET_FIELD = Pattern.compile("\"(?:secret|token)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final OpenApiInteractionValidator validator;
  private final Set<Deviation> allowed;

  private OpenApiContract(Set<Deviation> allowed) {
    this.allowed = Set.copyOf(allowed);
    OpenAPI api = parse();
    patch(api, this.allowed);
    this.validator = OpenApiInteractionValidator.createFor(api)
        .withLevelResolver(LevelResolver.create()
            .withLevel("validation.schema.additionalProperties", ValidationReport.Level.ERROR)
            .build())
        .build();
  }

  /** The spec with every known {@link Deviation} allowed: what real servers and our fakes are held to. */
  public static OpenApiContract astraDevOps() {
    return new OpenApiContract(EnumSet.allOf(Deviation.class));
  }

  /** The spec with only {@code allowed} deviations patched in (none: the spec as written). */
  public static OpenApiContract astraDevOps(Set<Deviation> allowed) {
    return new OpenApiContract(allowed.isEmpty() ? EnumSet.noneOf(Deviation.class) : EnumSet.copyOf(allowed));
  }

  /** The deviations this contract allows. */
  public Set<Deviation> allowed() {
    return allowed;
  }

  /** Validates the request and, if one was sent, the response of {@code call}. */
  public ValidationReport validate(RecordedCall call) {
    Request request = toRequest(call);
    return call.response()
        .map(r -> validator.validate(request, toResponse(r)))
        .orElseGet(() -> validator.validateRequest(request));
  }

  /** Validates only what the client sent. */
  public ValidationReport validateRequest(RecordedCall call) {
    return validator.validateRequest(toRequest(call));
  }

  /** Throws an {@link AssertionError} listing every violation in {@code call}, with secrets redacted. */
  public void assertValid(RecordedCall call) {
    failOnErrors(call, validate(call));
  }

  /** Throws an {@link AssertionError} listing every violation in the request of {@code call}. */
  public void assertRequestValid(RecordedCall call) {
    failOnErrors(call, validateRequest(call));
  }

  /** The report as readable text, with tokens and secrets of {@code call} replaced by {@code ██}. */
  public static String describe(RecordedCall call, ValidationReport report) {
    return redact(call, SimpleValidationReportFormat.getInstance().apply(report));
  }

  private static void failOnErrors(RecordedCall call, ValidationReport report) {
    if (report.hasErrors()) {
      throw new AssertionError(call + " violates the Astra DevOps API contract:\n" + describe(call, report));
    }
  }

  // ---------------------------------------------------------------- conversion

  private static Request toRequest(RecordedCall call) {
    SimpleRequest.Builder builder = new SimpleRequest.Builder(call.method(), call.path());
    call.headers().forEach(builder::withHeader);
    call.query().ifPresent(query -> {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        builder.withQueryParam(name, value);
      }
    });
    if (!call.body().isEmpty()) {
      builder.withBody(call.body());
    }
    return builder.build();
  }

  private static SimpleResponse toResponse(RecordedCall.Response response) {
    SimpleResponse.Builder builder = SimpleResponse.Builder.status(response.status());
    response.headers().forEach(builder::withHeader);
    if (!response.body().isEmpty()) {
      builder.withBody(response.body());
    }
    return builder.build();
  }

  private static String redact(RecordedCall call, String text) {
    Set<String> secrets = new LinkedHashSet<>();
    call.header("Authorization").ifPresent(a -> {
      secrets.add(a);
      if (a.length() > 7) {
        secrets.add(a.substring(7));
      }
    });
    call.response().ifPresent(r -> {
      Matcher m = SECRET_FIELD.matcher(r.body());
      while (m.find()) {
        secrets.add(m.group(1));
      }
    });
    String redacted = text;
    for (String secret : secrets) {
      if (!secret.isBlank()) {
        redacted = redacted.replace(secret, "██");
      }
    }
    return ASTRA_TOKEN.matcher(redacted).replaceAll("██");
  }

  // ---------------------------------------------------------------- the spec and its patches

  private static OpenAPI parse() {
    String yaml;
    try (InputStream in = OpenApiContract.class.getResourceAsStream(SPEC)) {
      if (in == null) {
        throw new IllegalStateException(SPEC + " is not on the classpath");
      }
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(yaml, null, options);
    if (result.getOpenAPI() == null) {
      throw new IllegalStateException("cannot parse " + SPEC + ": " + result.getMessages());
    }
    return result.getOpenAPI();
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static void patch(OpenAPI api, Set<Deviation> allowed) {
    inlineSharedResponses(api);
    // The validator checks only operation-level security; per OpenAPI the global BearerAuth applies to each one.
    // Our operations declare none, though the parser may leave an empty list; elsewhere an explicit [] means none.
    api.getPaths().values().stream().flatMap(p -> p.readOperations().stream())
        .filter(o -> o.getSecurity() == null
            || (o.getSecurity().isEmpty() && TOKEN_ROLE_ORG_OPERATIONS.contains(o.getOperationId())))
        .forEach(o -> o.setSecurity(api.getSecurity()));
    Map<String, Schema> schemas = api.getComponents().getSchemas();
    if (allowed.contains(Deviation.RESPONSES_NOT_WRAPPED_IN_ITEMS)) {
      jsonSchema(operation(api, "generateTokenForClient"), "200", ref("GenerateTokenResponse"));
      jsonSchema(operation(api, "generateAppTokenForClient"), "200", ref("GenerateTokenResponse"));
      jsonSchema(operation(api, "getClientsForOrg"), "200", ref("ClientRoleList"));
    }
    if (allowed.contains(Deviation.UNDOCUMENTED_TOKEN_FIELDS)) {
      Schema body = schemas.get("GenerateTokenBody");
      body.addProperty("description", new StringSchema());
      body.addProperty("tokenExpiry", new StringSchema().format("date-time"));
      schemas.get("GenerateTokenResponse").addProperty("generatedOn", new StringSchema().format("date-time"));
      Schema entry = schemas.get("ClientRole");
      entry.addProperty("generatedOn", new StringSchema().format("date-time"));
      entry.addProperty("description", new StringSchema());
      entry.addProperty("tokenExpiry", new StringSchema().format("date-time").nullable(true));
    }
    if (allowed.contains(Deviation.ERROR_ID_UPPER_CASE)) {
      schemas.get("Error").setRequired(new ArrayList<>(List.of("ID", "message")));
    }
    if (allowed.contains(Deviation.UPPER_CASE_ROLES)) {
      Schema upper = new ObjectSchema()
          .addProperty("ID", new StringSchema())
          .addProperty("Name", new StringSchema())
          .addProperty("Type", new StringSchema())
          .addProperty("policy", new StringSchema());
      upper.setRequired(new ArrayList<>(List.of("ID", "Name")));
      schemas.put("RoleUpperCase", upper);
      Schema either = new ComposedSchema().anyOf(List.of(ref("Role"), ref("RoleUpperCase")));
      jsonSchema(operation(api, "getOrganizationRoles"), "200", new ArraySchema().items(either));
      jsonSchema(operation(api, "getOrganizationRole"), "200", either);
    }
    if (allowed.contains(Deviation.AUTH_ERRORS_ON_EVERY_OPERATION)) {
      for (String id : TOKEN_ROLE_ORG_OPERATIONS) {
        for (String status : List.of("400", "401", "403")) {
          allowJsonErrors(operation(api, id), status);
        }
      }
    }
    if (allowed.contains(Deviation.DELETE_204_AND_404)) {
      Operation delete = operation(api, "deleteTokenForClient");
      delete.getResponses().addApiResponse("204", new ApiResponse().description("No Content"));
      allowJsonErrors(delete, "404");
    }
    if (allowed.contains(Deviation.RETRYABLE_STATUSES)) {
      for (String id : TOKEN_ROLE_ORG_OPERATIONS) {
        for (String status : List.of("429", "502", "503", "504")) {
          allowJsonErrors(operation(api, id), status);
        }
      }
    }
  }

  // The validator does not follow $ref in responses (it would expect no body), so copy the shared ones in.
  private static void inlineSharedResponses(OpenAPI api) {
    Map<String, ApiResponse> shared = api.getComponents().getResponses();
    api.getPaths().values().stream().flatMap(p -> p.readOperations().stream()).forEach(operation ->
        operation.getResponses().replaceAll((status, response) -> {
          String ref = response.get$ref();
          if (ref == null) {
            return response;
          }
          ApiResponse target = shared.get(ref.substring(ref.lastIndexOf('/') + 1));
          if (target == null) {
            throw new IllegalStateException("unresolved response " + ref + " in " + SPEC);
          }
          return new ApiResponse().description(target.getDescription()).content(copy(target.getContent()));
        }));
  }

  private static @Nullable Content copy(@Nullable Content content) {
    if (content == null) {
      return null;
    }
    Content copy = new Content();
    content.forEach((type, media) -> copy.addMediaType(type, new MediaType().schema(media.getSchema())));
    return copy;
  }

  private static Operation operation(OpenAPI api, String operationId) {
    return api.getPaths().values().stream()
        .flatMap(p -> p.readOperations().stream())
        .filter(o -> operationId.equals(o.getOperationId()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no operation " + operationId + " in " + SPEC));
  }

  @SuppressWarnings("rawtypes")
  private static Schema ref(String component) {
    return new Schema<>().$ref("#/components/schemas/" + component);
  }

  @SuppressWarnings("rawtypes")
  private static void jsonSchema(Operation operation, String status, Schema schema) {
    ApiResponse response = operation.getResponses().get(status);
    response.setContent(new Content().addMediaType("application/json", new MediaType().schema(schema)));
  }

  // Lets {@code status} answer an Errors JSON body, keeping whatever the spec already allows.
  @SuppressWarnings("rawtypes")
  private static void allowJsonErrors(Operation operation, String status) {
    ApiResponses responses = operation.getResponses();
    ApiResponse response = responses.get(status);
    if (response == null) {
      response = new ApiResponse().description("error (deviation from the spec)");
      responses.addApiResponse(status, response);
    }
    Content content = response.getContent() == null ? new Content() : response.getContent();
    MediaType json = content.get("application/json");
    if (json == null || json.getSchema() == null) {
      content.addMediaType("application/json", new MediaType().schema(ref("Errors")));
    } else if (!"#/components/schemas/Errors".equals(json.getSchema().get$ref())) {
      json.setSchema(new ComposedSchema().anyOf(List.of(json.getSchema(), ref("Errors"))));
    }
    response.setContent(content);
  }
}
