package io.github.ibkrgateway.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A failed call, with the details the gateway attached to its status: the
 * {@code google.rpc.ErrorInfo} reason and the {@code google.rpc.BadRequest} field violations.
 *
 * <p>Every call of {@link GatewayClient} fails with one of these; the common codes have a
 * subclass each ({@link NotFoundException}, {@link AlreadyExistsException}, ...), any other
 * code is a plain {@code GatewayException}. Unchecked, as gRPC's own
 * {@link StatusRuntimeException} is.
 */
public class GatewayException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The {@code ErrorInfo} domain of the gateway's own errors. */
  public static final String DOMAIN = "ibkr-gateway";

  private final Status.Code code;
  private final String description;
  private final String reason;
  private final String domain;
  private final Map<String, String> metadata;
  private final List<FieldViolation> fieldViolations;

  /** What a status says beyond its code; one constructor argument for every subclass. */
  record Details(
      String description,
      String reason,
      String domain,
      Map<String, String> metadata,
      List<FieldViolation> fieldViolations) {
    Details {
      description = description == null ? "" : description;
      metadata = Map.copyOf(metadata);
      fieldViolations = List.copyOf(fieldViolations);
    }

    static Details of(String description) {
      return new Details(description, "", "", Map.of(), List.of());
    }

    static Details of(String description, String reason, String domain) {
      return new Details(description, reason, domain, Map.of(), List.of());
    }
  }

  GatewayException(Status.Code code, Details details, Throwable cause) {
    super(format(code, details), cause);
    this.code = code;
    this.description = details.description();
    this.reason = details.reason();
    this.domain = details.domain();
    this.metadata = details.metadata();
    this.fieldViolations = details.fieldViolations();
  }

  /** The gRPC status code. */
  public Status.Code code() {
    return code;
  }

  /** The status message the gateway sent. */
  public String description() {
    return description;
  }

  /**
   * {@code google.rpc.ErrorInfo.reason}, e.g. {@code ORDER_NOT_FOUND}; empty when the status
   * carries no ErrorInfo.
   */
  public String reason() {
    return reason;
  }

  /** {@code google.rpc.ErrorInfo.domain}: {@link #DOMAIN} for the gateway's own errors. */
  public String domain() {
    return domain;
  }

  /** {@code google.rpc.ErrorInfo.metadata}. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** {@code google.rpc.BadRequest} violations, in the order the gateway listed them. */
  public List<FieldViolation> fieldViolations() {
    return fieldViolations;
  }

  /** The description of the violation of {@code field}, if the request violated it. */
  public Optional<String> violation(String field) {
    return fieldViolations.stream()
        .filter(v -> v.field().equals(field))
        .map(FieldViolation::description)
        .findFirst();
  }

  /** The status as gRPC has it, for code that works with {@link Status}. */
  public Status status() {
    return Status.fromCode(code).withDescription(description).withCause(getCause());
  }

  /**
   * The typed exception for a failed call: {@code t} itself when it already is one, else its
   * gRPC status (UNKNOWN when it carries none) with the ErrorInfo and BadRequest details
   * decoded. Details of other types are ignored.
   */
  public static GatewayException from(Throwable t) {
    if (t instanceof GatewayException e) {
      return e;
    }
    Status status = Status.fromThrowable(t);
    String reason = "";
    String domain = "";
    Map<String, String> metadata = Map.of();
    List<FieldViolation> violations = new ArrayList<>();
    com.google.rpc.Status rich = StatusProto.fromThrowable(t);
    if (rich != null) {
      for (Any detail : rich.getDetailsList()) {
        try {
          if (detail.is(ErrorInfo.class)) {
            ErrorInfo info = detail.unpack(ErrorInfo.class);
            reason = info.getReason();
            domain = info.getDomain();
            metadata = info.getMetadataMap();
          } else if (detail.is(BadRequest.class)) {
            for (BadRequest.FieldViolation v : detail.unpack(BadRequest.class).getFieldViolationsList()) {
              violations.add(new FieldViolation(v.getField(), v.getDescription()));
            }
          }
        } catch (InvalidProtocolBufferException malformed) {
          // A detail that does not decode says nothing usable; the code and message still do.
        }
      }
    }
    Details details = new Details(status.getDescription(), reason, domain, metadata, violations);
    return of(status.getCode(), details, t);
  }

  static GatewayException of(Status.Code code, Details details, Throwable cause) {
    return switch (code) {
      case INVALID_ARGUMENT -> new InvalidArgumentException(details, cause);
      case NOT_FOUND -> new NotFoundException(details, cause);
      case ALREADY_EXISTS -> new AlreadyExistsException(details, cause);
      case FAILED_PRECONDITION -> new FailedPreconditionException(details, cause);
      case RESOURCE_EXHAUSTED -> new ResourceExhaustedException(details, cause);
      case UNAVAILABLE -> new UnavailableException(details, cause);
      case DEADLINE_EXCEEDED -> new DeadlineExceededException(details, cause);
      case PERMISSION_DENIED -> new PermissionDeniedException(details, cause);
      case UNAUTHENTICATED -> new UnauthenticatedException(details, cause);
      default -> new GatewayException(code, details, cause);
    };
  }

  private static String format(Status.Code code, Details details) {
    StringBuilder b = new StringBuilder(code.name());
    if (!details.description().isEmpty()) {
      b.append(": ").append(details.description());
    }
    if (!details.reason().isEmpty()) {
      b.append(" [").append(details.reason()).append(']');
    }
    List<FieldViolation> violations = details.fieldViolations();
    for (int i = 0; i < violations.size(); i++) {
      b.append(i == 0 ? " (" : "; ");
      b.append(violations.get(i).field()).append(": ").append(violations.get(i).description());
    }
    if (!violations.isEmpty()) {
      b.append(')');
    }
    return b.toString();
  }
}
