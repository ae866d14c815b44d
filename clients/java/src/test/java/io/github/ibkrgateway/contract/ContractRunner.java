package io.github.ibkrgateway.contract;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.github.ibkrgateway.client.FieldViolation;
import io.github.ibkrgateway.client.GatewayException;
import io.github.ibkrgateway.v1.AccountServiceGrpc;
import io.github.ibkrgateway.v1.OrderGatewayServiceGrpc;
import io.github.ibkrgateway.v1.SimulatorControlServiceGrpc;
import io.github.ibkrgateway.v1.StreamOrderEventsRequest;
import io.github.ibkrgateway.v1.StreamOrderEventsResponse;
import io.github.ibkrgateway.v1.StreamPositionsRequest;
import io.github.ibkrgateway.v1.StreamPositionsResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.StatusProto;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java runner of the contract suite: executes every scenario of
 * tests/contract/scenarios.json (format in tests/contract/README.md) against a running
 * gateway on the simulated exchange, prints one line per scenario, then "N passed, M failed",
 * and exits non-zero on any failure. It mirrors tests/contract/runner.py.
 *
 * <pre>
 * java @build/java/contract-runner.args --target 127.0.0.1:50051
 * </pre>
 */
public final class ContractRunner {
  static final Path SCENARIOS = Path.of("tests", "contract", "scenarios.json");

  /** Bounds each step, as in the reference runner: a scenario fails rather than hangs. */
  static final long STEP_TIMEOUT_SECONDS = 10;

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)\\}");
  private static final List<String> EVENT_KINDS =
      List.of("status_change", "fill", "cancel", "modification");
  private static final Map<String, ServiceDescriptor> SERVICES =
      Map.of(
          "gateway", OrderGatewayServiceGrpc.getServiceDescriptor(),
          "simulator", SimulatorControlServiceGrpc.getServiceDescriptor(),
          "account", AccountServiceGrpc.getServiceDescriptor());

  /** The details a google.rpc.Status in a response (a SubmitOrders item's error) carries. */
  private static final JsonFormat.TypeRegistry DETAILS =
      JsonFormat.TypeRegistry.newBuilder()
          .add(ErrorInfo.getDescriptor())
          .add(BadRequest.getDescriptor())
          .build();

  /**
   * As the reference runner's MessageToDict: proto field names, and fields without presence
   * printed at their defaults ("unpopulated fields count as their default").
   */
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer()
          .usingTypeRegistry(DETAILS)
          .preservingProtoFieldNames()
          .alwaysPrintFieldsWithNoPresence()
          .omittingInsignificantWhitespace();

  private static final Metadata.Key<byte[]> STATUS_DETAILS =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);

  /** A scenario's expectation that did not hold. */
  static final class ScenarioFailed extends Exception {
    private static final long serialVersionUID = 1L;

    ScenarioFailed(String message) {
      super(message);
    }
  }

  private final Channel channel;

  ContractRunner(Channel channel) {
    this.channel = channel;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    String target = null;
    String scenariosPath = null;
    String only = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--target" -> target = value;
        case "--scenarios" -> scenariosPath = value;
        case "--scenario" -> only = value;
        default -> {
          return usage("unknown argument " + args[i]);
        }
      }
      if (value == null) {
        return usage(args[i] + " needs a value");
      }
      i++;
    }
    if (target == null) {
      return usage("--target is required");
    }
    List<JsonObject> scenarios;
    try {
      Path path = scenariosPath != null ? Path.of(scenariosPath) : findScenarios();
      scenarios = loadSuite(path);
    } catch (IOException | IllegalStateException e) {
      System.err.println("contract-runner: " + e.getMessage());
      return 2;
    }
    ManagedChannel channel =
        Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
    try {
      ContractRunner runner = new ContractRunner(channel);
      String runId = "java-" + UUID.randomUUID().toString().substring(0, 8);
      int passed = 0;
      int failed = 0;
      for (JsonObject scenario : scenarios) {
        String name = scenario.get("name").getAsString();
        if (only != null && !only.equals(name)) {
          continue;
        }
        // Each scenario gets its own ${run}, so that ids never collide between scenarios,
        // runs, or runners sharing one gateway.
        try {
          runner.run(scenario, runId + "-" + (passed + failed));
          passed++;
          System.out.println("ok   " + name);
        } catch (ScenarioFailed e) {
          failed++;
          System.out.println("FAIL " + name + ": " + e.getMessage());
        }
      }
      System.out.println(passed + " passed, " + failed + " failed");
      return failed > 0 || passed == 0 ? 1 : 0;
    } finally {
      channel.shutdownNow();
    }
  }

  private static int usage(String problem) {
    System.err.println("contract-runner: " + problem);
    System.err.println(
        "usage: ContractRunner --target HOST:PORT [--scenarios FILE] [--scenario NAME]");
    return 2;
  }

  /** scenarios.json from the working directory upwards, as the Go runner looks for it. */
  static Path findScenarios() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(SCENARIOS);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no " + SCENARIOS + " here or above; pass --scenarios");
  }

  static List<JsonObject> loadSuite(Path path) throws IOException {
    JsonElement doc = JsonParser.parseString(Files.readString(path, StandardCharsets.UTF_8));
    List<JsonObject> scenarios = new ArrayList<>();
    if (doc.isJsonObject() && doc.getAsJsonObject().has("scenarios")) {
      for (JsonElement item : doc.getAsJsonObject().getAsJsonArray("scenarios")) {
        JsonObject scenario = item.getAsJsonObject();
        if (!scenario.has("name") || !scenario.has("steps")) {
          throw new IllegalStateException(path + ": every scenario needs a name and steps");
        }
        scenarios.add(scenario);
      }
    }
    if (scenarios.isEmpty()) {
      throw new IllegalStateException(path + ": no scenarios");
    }
    return scenarios;
  }

  /** Runs the steps in order; the first failing one fails the scenario. */
  void run(JsonObject scenario, String runId) throws ScenarioFailed {
    Map<String, String> variables = new HashMap<>();
    variables.put("run", runId);
    JsonArray steps = scenario.getAsJsonArray("steps");
    for (int index = 0; index < steps.size(); index++) {
      JsonObject step = expand(steps.get(index), variables).getAsJsonObject();
      String op = step.has("op") ? step.get("op").getAsString() : "";
      Deadline deadline = Deadline.after(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      try {
        switch (op) {
          case "call" -> call(step, variables, deadline);
          case "events" -> events(step, variables, deadline);
          case "resume" -> resume(step, deadline);
          case "position_resume" -> positionResume(step, deadline);
          default -> throw new ScenarioFailed("unknown op '" + op + "'");
        }
      } catch (ScenarioFailed e) {
        if (deadline.isExpired()) {
          throw new ScenarioFailed("step " + index + " (" + op + ") timed out");
        }
        throw new ScenarioFailed("step " + index + " (" + op + "): " + e.getMessage());
      }
    }
  }

  // -- call ----------------------------------------------------------------------------

  private void call(JsonObject step, Map<String, String> variables, Deadline deadline)
      throws ScenarioFailed {
    String service = step.has("service") ? step.get("service").getAsString() : "gateway";
    String method = step.get("method").getAsString();
    MethodDescriptor<Message, Message> md = unaryMethod(service, method);
    Message.Builder request = prototype(md.getRequestMarshaller()).newBuilderForType();
    try {
      JsonFormat.parser().merge(step.get("request").toString(), request);
    } catch (InvalidProtocolBufferException e) {
      throw new ScenarioFailed(method + " request: " + e.getMessage());
    }
    JsonObject expect = step.has("expect") ? step.getAsJsonObject("expect") : new JsonObject();
    JsonObject wantError = expect.has("error") ? expect.getAsJsonObject("error") : null;

    Message response;
    try {
      response =
          ClientCalls.blockingUnaryCall(
              channel, md, CallOptions.DEFAULT.withDeadline(deadline), request.build());
    } catch (StatusRuntimeException e) {
      if (wantError == null) {
        throw new ScenarioFailed(
            method + " failed: " + e.getStatus().getCode() + " " + e.getStatus().getDescription());
      }
      checkError(e, wantError);
      return;
    }
    if (wantError != null) {
      throw new ScenarioFailed(
          method + " succeeded; expected " + wantError.get("code").getAsString());
    }

    JsonObject doc = document(response);
    JsonObject fields = expect.has("fields") ? expect.getAsJsonObject("fields") : new JsonObject();
    for (String path : new TreeSet<>(fields.keySet())) {
      String got = asText(atPath(doc, path));
      String want = asText(fields.get(path));
      if (!got.equals(want)) {
        throw new ScenarioFailed(
            method + ": " + path + " is '" + got + "', expected '" + want + "'");
      }
    }
    JsonObject counts = expect.has("counts") ? expect.getAsJsonObject("counts") : new JsonObject();
    for (String path : new TreeSet<>(counts.keySet())) {
      JsonElement got = atPath(doc, path);
      if (!got.isJsonArray()) {
        throw new ScenarioFailed(method + ": " + path + " is not a repeated field");
      }
      long want = asLong(counts.get(path));
      if (got.getAsJsonArray().size() != want) {
        throw new ScenarioFailed(
            method + ": " + path + " has " + got.getAsJsonArray().size() + " items, not " + want);
      }
    }
    JsonObject statuses =
        expect.has("statuses") ? expect.getAsJsonObject("statuses") : new JsonObject();
    for (String path : new TreeSet<>(statuses.keySet())) {
      checkItemStatus(doc, path, statuses.getAsJsonObject(path));
    }
    JsonObject save = step.has("save") ? step.getAsJsonObject("save") : new JsonObject();
    for (String name : save.keySet()) {
      variables.put(name, asText(atPath(doc, save.get(name).getAsString())));
    }
  }

  @SuppressWarnings("unchecked")
  private static MethodDescriptor<Message, Message> unaryMethod(String service, String method)
      throws ScenarioFailed {
    ServiceDescriptor sd = SERVICES.get(service);
    if (sd == null) {
      throw new ScenarioFailed("unknown service '" + service + "'");
    }
    for (MethodDescriptor<?, ?> md : sd.getMethods()) {
      if (method.equals(md.getBareMethodName())) {
        if (md.getType() != MethodDescriptor.MethodType.UNARY) {
          throw new ScenarioFailed(sd.getName() + "." + method + " is not a unary method");
        }
        return (MethodDescriptor<Message, Message>) md;
      }
    }
    throw new ScenarioFailed(sd.getName() + " has no method '" + method + "'");
  }

  private static Message prototype(MethodDescriptor.Marshaller<Message> marshaller) {
    return ((MethodDescriptor.PrototypeMarshaller<Message>) marshaller).getMessagePrototype();
  }

  /** Checks a failed call against {"code", "reason", "field_violations"}. */
  static void checkError(StatusRuntimeException e, JsonObject want) throws ScenarioFailed {
    Status status = e.getStatus();
    String code = want.get("code").getAsString();
    if (!status.getCode().name().equals(code)) {
      throw new ScenarioFailed(
          "status " + status.getCode() + " (" + status.getDescription() + "), not " + code);
    }
    // The details travel in this trailer; without it there is no google.rpc.Status.
    Metadata trailers = e.getTrailers();
    if (trailers == null || !trailers.containsKey(STATUS_DETAILS)) {
      throw new ScenarioFailed("error carries no google.rpc.Status details");
    }
    checkStatus(GatewayException.from(e), want);
  }

  /**
   * Checks the google.rpc.Status at {@code path} of a response (the error of one SubmitOrders
   * item) as {@link #checkError} checks a failed call's.
   */
  static void checkItemStatus(JsonObject doc, String path, JsonObject want)
      throws ScenarioFailed {
    com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder();
    try {
      JsonFormat.parser().usingTypeRegistry(DETAILS).merge(atPath(doc, path).toString(), status);
    } catch (InvalidProtocolBufferException e) {
      throw new ScenarioFailed(path + " is not a google.rpc.Status: " + e.getMessage());
    }
    try {
      checkStatus(
          GatewayException.from(StatusProto.toStatusRuntimeException(status.build())), want);
    } catch (ScenarioFailed e) {
      throw new ScenarioFailed(path + ": " + e.getMessage());
    }
  }

  /** Checks a decoded status against {"code", "reason", "field_violations"}. */
  private static void checkStatus(GatewayException error, JsonObject want)
      throws ScenarioFailed {
    String code = want.get("code").getAsString();
    if (!error.code().name().equals(code)) {
      throw new ScenarioFailed(
          "status " + error.code() + " (" + error.description() + "), not " + code);
    }
    if (want.has("reason") && !error.reason().equals(want.get("reason").getAsString())) {
      throw new ScenarioFailed(
          "reason '" + error.reason() + "', expected '" + want.get("reason").getAsString() + "'");
    }
    Set<String> fields = new TreeSet<>();
    for (FieldViolation v : error.fieldViolations()) {
      fields.add(v.field());
    }
    Set<String> missing = new TreeSet<>();
    if (want.has("field_violations")) {
      for (JsonElement field : want.getAsJsonArray("field_violations")) {
        if (!fields.contains(field.getAsString())) {
          missing.add(field.getAsString());
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new ScenarioFailed("no field violation for " + missing + "; got " + fields);
    }
  }

  // -- events and resume ---------------------------------------------------------------

  private void events(JsonObject step, Map<String, String> variables, Deadline deadline)
      throws ScenarioFailed {
    Set<String> wanted = new HashSet<>(strings(step.get("orders")));
    JsonObject until = step.getAsJsonObject("until");
    List<JsonObject> kept = new ArrayList<>();
    BooleanSupplier done =
        () ->
            until.keySet().stream()
                .allMatch(
                    oid ->
                        kept.stream()
                            .anyMatch(
                                e ->
                                    text(e, "order_id").equals(oid)
                                        && text(e, "order.status")
                                            .equals(until.get(oid).getAsString())));
    read(
        0,
        deadline,
        e -> {
          if (wanted.contains(text(e, "order_id"))) {
            kept.add(e);
          }
        },
        done);

    JsonObject kinds =
        step.has("expect_kinds") ? step.getAsJsonObject("expect_kinds") : new JsonObject();
    for (String oid : new TreeSet<>(kinds.keySet())) {
      List<String> got = new ArrayList<>();
      for (JsonObject e : kept) {
        if (text(e, "order_id").equals(oid)) {
          got.add(kindOf(e) + ":" + text(e, "order.status").replaceFirst("^ORDER_STATUS_", ""));
        }
      }
      List<String> want = strings(kinds.get(oid));
      if (!got.equals(want)) {
        throw new ScenarioFailed("events of " + oid + ": " + got + ", expected " + want);
      }
    }

    JsonObject fills =
        step.has("expect_fills") ? step.getAsJsonObject("expect_fills") : new JsonObject();
    for (String oid : new TreeSet<>(fills.keySet())) {
      List<JsonObject> got = new ArrayList<>();
      for (JsonObject e : kept) {
        if (text(e, "order_id").equals(oid) && e.has("fill")) {
          got.add(e.getAsJsonObject("fill"));
        }
      }
      JsonArray want = fills.getAsJsonArray(oid);
      if (got.size() != want.size()) {
        throw new ScenarioFailed(
            oid + " has " + got.size() + " fills, expected " + want.size());
      }
      for (int i = 0; i < want.size(); i++) {
        JsonObject wantFill = want.get(i).getAsJsonObject();
        for (String key : new TreeSet<>(wantFill.keySet())) {
          if (!got.get(i).has(key)) {
            throw new ScenarioFailed("fill of " + oid + " has no field '" + key + "'");
          }
          String value = asText(got.get(i).get(key));
          if (!value.equals(asText(wantFill.get(key)))) {
            throw new ScenarioFailed(
                "fill " + key + " of " + oid + ": " + value + " != " + asText(wantFill.get(key)));
          }
        }
      }
    }

    if (step.has("save_last_sequence")) {
      if (kept.isEmpty()) {
        throw new ScenarioFailed("no event kept to take the last sequence from");
      }
      long last = 0;
      for (JsonObject e : kept) {
        last = Math.max(last, asLong(e.get("sequence")));
      }
      variables.put(step.get("save_last_sequence").getAsString(), Long.toString(last));
    }
  }

  /**
   * Drops a stream after drop_after events, resumes it after the last sequence read, and
   * checks that the two calls together read exactly what one uninterrupted call reads
   * (position changes leave gaps in the numbers, never in the feed).
   */
  private void resume(JsonObject step, Deadline deadline) throws ScenarioFailed {
    long dropAfter = asLong(step.get("drop_after"));
    long until = asLong(step.get("until_sequence"));
    List<Long> sequences = new ArrayList<>();
    Consumer<JsonObject> record = e -> sequences.add(asLongUnchecked(e.get("sequence")));
    read(0, deadline, record, () -> sequences.size() >= dropAfter);
    read(
        sequences.get(sequences.size() - 1),
        deadline,
        record,
        () -> sequences.get(sequences.size() - 1) >= until);
    List<Long> whole = new ArrayList<>();
    read(
        0,
        deadline,
        e -> whole.add(asLongUnchecked(e.get("sequence"))),
        () -> whole.get(whole.size() - 1) >= until);
    if (!sequences.equals(whole)) {
      throw new ScenarioFailed(
          "resumed sequences " + sequences + " differ from one read " + whole);
    }
  }

  /**
   * Follows StreamOrderEvents after the given sequence, handing each event (heartbeats
   * skipped) to keep until done; then cancels the call.
   */
  private void read(
      long after, Deadline deadline, Consumer<JsonObject> keep, BooleanSupplier done)
      throws ScenarioFailed {
    Context.CancellableContext call = Context.current().withCancellation();
    Context previous = call.attach();
    try {
      Iterator<StreamOrderEventsResponse> stream =
          OrderGatewayServiceGrpc.newBlockingStub(channel)
              .withDeadline(deadline)
              .streamOrderEvents(
                  StreamOrderEventsRequest.newBuilder().setAfterSequence(after).build());
      while (stream.hasNext()) {
        StreamOrderEventsResponse message = stream.next();
        if (!message.hasEvent()) {
          continue;
        }
        keep.accept(document(message.getEvent()));
        if (done.getAsBoolean()) {
          return;
        }
      }
      throw new ScenarioFailed("stream ended early");
    } catch (StatusRuntimeException e) {
      throw new ScenarioFailed(
          "StreamOrderEvents failed: " + e.getStatus().getCode() + " "
              + e.getStatus().getDescription());
    } finally {
      call.detach(previous);
      call.cancel(null);
    }
  }

  /** What the position resume compares of each event. */
  record PositionChange(long sequence, String quantity, String previousQuantity, String orderId) {
    String seen() {
      return sequence + ":" + quantity;
    }
  }

  /**
   * Drops StreamPositions of one symbol after drop_after events, resumes it after the last
   * sequence read until as many events as expect_orders lists, and checks that both calls
   * together read what one uninterrupted call reads, that each event starts from the quantity
   * the one before left, and which orders the events came from.
   */
  private void positionResume(JsonObject step, Deadline deadline) throws ScenarioFailed {
    String symbol = step.get("symbol").getAsString();
    long start = step.has("after_sequence") ? asLong(step.get("after_sequence")) : 0;
    long dropAfter = asLong(step.get("drop_after"));
    List<String> wantOrders = strings(step.get("expect_orders"));
    int count = wantOrders.size();
    List<PositionChange> resumed = new ArrayList<>();
    readPositions(symbol, start, deadline, resumed, () -> resumed.size() >= dropAfter);
    readPositions(
        symbol,
        resumed.get(resumed.size() - 1).sequence(),
        deadline,
        resumed,
        () -> resumed.size() >= count);
    List<PositionChange> whole = new ArrayList<>();
    readPositions(symbol, start, deadline, whole, () -> whole.size() >= count);
    List<String> resumedSeen = resumed.stream().map(PositionChange::seen).toList();
    List<String> wholeSeen = whole.stream().map(PositionChange::seen).toList();
    if (!resumedSeen.equals(wholeSeen)) {
      throw new ScenarioFailed(
          "resumed position events " + resumedSeen + " differ from one read " + wholeSeen);
    }
    for (int i = 1; i < whole.size(); i++) {
      if (!whole.get(i).previousQuantity().equals(whole.get(i - 1).quantity())) {
        throw new ScenarioFailed(
            "event " + whole.get(i).sequence() + " was '" + whole.get(i).previousQuantity()
                + "' before, not '" + whole.get(i - 1).quantity() + "'");
      }
    }
    List<String> gotOrders = whole.stream().map(PositionChange::orderId).toList();
    if (!gotOrders.equals(wantOrders)) {
      throw new ScenarioFailed(
          "position events of orders " + gotOrders + ", expected " + wantOrders);
    }
    if (step.has("expect_last_quantity")) {
      String want = step.get("expect_last_quantity").getAsString();
      String last = whole.get(whole.size() - 1).quantity();
      if (!last.equals(want)) {
        throw new ScenarioFailed("last quantity '" + last + "', expected '" + want + "'");
      }
    }
  }

  /**
   * Follows StreamPositions of symbol after the given sequence, adding each change
   * (heartbeats skipped) to out until done; then cancels the call.
   */
  private void readPositions(
      String symbol, long after, Deadline deadline, List<PositionChange> out, BooleanSupplier done)
      throws ScenarioFailed {
    Context.CancellableContext call = Context.current().withCancellation();
    Context previous = call.attach();
    try {
      Iterator<StreamPositionsResponse> stream =
          AccountServiceGrpc.newBlockingStub(channel)
              .withDeadline(deadline)
              .streamPositions(
                  StreamPositionsRequest.newBuilder()
                      .setAfterSequence(after)
                      .setSymbol(symbol)
                      .build());
      while (stream.hasNext()) {
        StreamPositionsResponse message = stream.next();
        if (!message.hasEvent()) {
          continue;
        }
        out.add(
            new PositionChange(
                message.getEvent().getSequence(),
                message.getEvent().getPosition().getQuantity(),
                message.getEvent().getPreviousQuantity(),
                message.getEvent().getOrderId()));
        if (done.getAsBoolean()) {
          return;
        }
      }
      throw new ScenarioFailed("position stream ended early");
    } catch (StatusRuntimeException e) {
      throw new ScenarioFailed(
          "StreamPositions failed: " + e.getStatus().getCode() + " "
              + e.getStatus().getDescription());
    } finally {
      call.detach(previous);
      call.cancel(null);
    }
  }

  private static String kindOf(JsonObject event) throws ScenarioFailed {
    for (String kind : EVENT_KINDS) {
      if (event.has(kind)) {
        return kind;
      }
    }
    throw new ScenarioFailed("event " + text(event, "sequence") + " has no kind");
  }

  // -- documents -----------------------------------------------------------------------

  static JsonObject document(Message message) throws ScenarioFailed {
    try {
      return JsonParser.parseString(PRINTER.print(message)).getAsJsonObject();
    } catch (InvalidProtocolBufferException e) {
      throw new ScenarioFailed("cannot print " + message.getDescriptorForType().getFullName());
    }
  }

  /** Replaces ${name} in every string, object keys included; an unknown name is an error. */
  static JsonElement expand(JsonElement value, Map<String, String> variables)
      throws ScenarioFailed {
    if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
      return new JsonPrimitive(expandString(value.getAsString(), variables));
    }
    if (value.isJsonArray()) {
      JsonArray out = new JsonArray();
      for (JsonElement item : value.getAsJsonArray()) {
        out.add(expand(item, variables));
      }
      return out;
    }
    if (value.isJsonObject()) {
      JsonObject out = new JsonObject();
      for (Map.Entry<String, JsonElement> entry : value.getAsJsonObject().entrySet()) {
        out.add(expandString(entry.getKey(), variables), expand(entry.getValue(), variables));
      }
      return out;
    }
    return value;
  }

  static String expandString(String text, Map<String, String> variables) throws ScenarioFailed {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = variables.get(m.group(1));
      if (value == null) {
        // A typo must fail the scenario rather than send a blank id.
        throw new ScenarioFailed("unknown variable ${" + m.group(1) + "}");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * The value at a dotted path of field names; a number picks an item of a repeated field
   * ("positions.0.quantity").
   */
  static JsonElement atPath(JsonElement doc, String path) throws ScenarioFailed {
    for (String part : path.split("\\.", -1)) {
      if (doc.isJsonObject() && doc.getAsJsonObject().has(part)) {
        doc = doc.getAsJsonObject().get(part);
      } else if (doc.isJsonArray()
          && part.matches("[0-9]+")
          && part.length() < 10
          && Integer.parseInt(part) < doc.getAsJsonArray().size()) {
        doc = doc.getAsJsonArray().get(Integer.parseInt(part));
      } else {
        throw new ScenarioFailed("response has no field '" + path + "'");
      }
    }
    return doc;
  }

  /** The value at path as text, or "" when there is none. */
  static String text(JsonObject doc, String path) {
    try {
      return asText(atPath(doc, path));
    } catch (ScenarioFailed e) {
      return "";
    }
  }

  /**
   * How scenario values compare: strings as they are, enums by name (the JSON printer writes
   * them as strings), integers in decimal, booleans true/false.
   */
  static String asText(JsonElement value) {
    if (value == null || value instanceof JsonNull) {
      return "None";
    }
    if (value.isJsonPrimitive()) {
      return value.getAsString();
    }
    return value.toString();
  }

  /** A scenario integer, given as a JSON number or as text (an expanded variable). */
  static long asLong(JsonElement value) throws ScenarioFailed {
    try {
      return Long.parseLong(asText(value).trim());
    } catch (NumberFormatException e) {
      throw new ScenarioFailed(asText(value) + " is not an integer");
    }
  }

  private static long asLongUnchecked(JsonElement value) {
    return Long.parseLong(asText(value));
  }

  private static List<String> strings(JsonElement value) throws ScenarioFailed {
    if (value == null || !value.isJsonArray()) {
      throw new ScenarioFailed("expected a list of strings, got " + asText(value));
    }
    List<String> out = new ArrayList<>();
    for (JsonElement item : value.getAsJsonArray()) {
      out.add(item.getAsString());
    }
    return out;
  }
}
