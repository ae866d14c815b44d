package io.github.ibkrgateway.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Routes orders to Interactive Brokers (or the simulated exchange) and streams what
 * happens to them. Errors are gRPC status codes with google.rpc details: BadRequest
 * for invalid fields, ErrorInfo (domain "ibkr-gateway") naming the reason.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class OrderGatewayServiceGrpc {

  private OrderGatewayServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "ibkr.gateway.v1.OrderGatewayService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SubmitOrderRequest,
      io.github.ibkrgateway.v1.SubmitOrderResponse> getSubmitOrderMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SubmitOrder",
      requestType = io.github.ibkrgateway.v1.SubmitOrderRequest.class,
      responseType = io.github.ibkrgateway.v1.SubmitOrderResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SubmitOrderRequest,
      io.github.ibkrgateway.v1.SubmitOrderResponse> getSubmitOrderMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SubmitOrderRequest, io.github.ibkrgateway.v1.SubmitOrderResponse> getSubmitOrderMethod;
    if ((getSubmitOrderMethod = OrderGatewayServiceGrpc.getSubmitOrderMethod) == null) {
      synchronized (OrderGatewayServiceGrpc.class) {
        if ((getSubmitOrderMethod = OrderGatewayServiceGrpc.getSubmitOrderMethod) == null) {
          OrderGatewayServiceGrpc.getSubmitOrderMethod = getSubmitOrderMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.SubmitOrderRequest, io.github.ibkrgateway.v1.SubmitOrderResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SubmitOrder"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.SubmitOrderRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.SubmitOrderResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OrderGatewayServiceMethodDescriptorSupplier("SubmitOrder"))
              .build();
        }
      }
    }
    return getSubmitOrderMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SubmitOrdersRequest,
      io.github.ibkrgateway.v1.SubmitOrdersResponse> getSubmitOrdersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SubmitOrders",
      requestType = io.github.ibkrgateway.v1.SubmitOrdersRequest.class,
      responseType = io.github.ibkrgateway.v1.SubmitOrdersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SubmitOrdersRequest,
      io.github.ibkrgateway.v1.SubmitOrdersResponse> getSubmitOrdersMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SubmitOrdersRequest, io.github.ibkrgateway.v1.SubmitOrdersResponse> getSubmitOrdersMethod;
    if ((getSubmitOrdersMethod = OrderGatewayServiceGrpc.getSubmitOrdersMethod) == null) {
      synchronized (OrderGatewayServiceGrpc.class) {
        if ((getSubmitOrdersMethod = OrderGatewayServiceGrpc.getSubmitOrdersMethod) == null) {
          OrderGatewayServiceGrpc.getSubmitOrdersMethod = getSubmitOrdersMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.SubmitOrdersRequest, io.github.ibkrgateway.v1.SubmitOrdersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SubmitOrders"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.SubmitOrdersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.SubmitOrdersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OrderGatewayServiceMethodDescriptorSupplier("SubmitOrders"))
              .build();
        }
      }
    }
    return getSubmitOrdersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SubmitBracketOrderRequest,
      io.github.ibkrgateway.v1.SubmitBracketOrderResponse> getSubmitBracketOrderMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SubmitBracketOrder",
      requestType = io.github.ibkrgateway.v1.SubmitBracketOrderRequest.class,
      responseType = io.github.ibkrgateway.v1.SubmitBracketOrderResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SubmitBracketOrderRequest,
      io.github.ibkrgateway.v1.SubmitBracketOrderResponse> getSubmitBracketOrderMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SubmitBracketOrderRequest, io.github.ibkrgateway.v1.SubmitBracketOrderResponse> getSubmitBracketOrderMethod;
    if ((getSubmitBracketOrderMethod = OrderGatewayServiceGrpc.getSubmitBracketOrderMethod) == null) {
      synchronized (OrderGatewayServiceGrpc.class) {
        if ((getSubmitBracketOrderMethod = OrderGatewayServiceGrpc.getSubmitBracketOrderMethod) == null) {
          OrderGatewayServiceGrpc.getSubmitBracketOrderMethod = getSubmitBracketOrderMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.SubmitBracketOrderRequest, io.github.ibkrgateway.v1.SubmitBracketOrderResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SubmitBracketOrder"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.SubmitBracketOrderRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.SubmitBracketOrderResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OrderGatewayServiceMethodDescriptorSupplier("SubmitBracketOrder"))
              .build();
        }
      }
    }
    return getSubmitBracketOrderMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ModifyOrderRequest,
      io.github.ibkrgateway.v1.ModifyOrderResponse> getModifyOrderMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ModifyOrder",
      requestType = io.github.ibkrgateway.v1.ModifyOrderRequest.class,
      responseType = io.github.ibkrgateway.v1.ModifyOrderResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ModifyOrderRequest,
      io.github.ibkrgateway.v1.ModifyOrderResponse> getModifyOrderMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ModifyOrderRequest, io.github.ibkrgateway.v1.ModifyOrderResponse> getModifyOrderMethod;
    if ((getModifyOrderMethod = OrderGatewayServiceGrpc.getModifyOrderMethod) == null) {
      synchronized (OrderGatewayServiceGrpc.class) {
        if ((getModifyOrderMethod = OrderGatewayServiceGrpc.getModifyOrderMethod) == null) {
          OrderGatewayServiceGrpc.getModifyOrderMethod = getModifyOrderMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.ModifyOrderRequest, io.github.ibkrgateway.v1.ModifyOrderResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ModifyOrder"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.ModifyOrderRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.ModifyOrderResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OrderGatewayServiceMethodDescriptorSupplier("ModifyOrder"))
              .build();
        }
      }
    }
    return getModifyOrderMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.CancelOrderRequest,
      io.github.ibkrgateway.v1.CancelOrderResponse> getCancelOrderMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CancelOrder",
      requestType = io.github.ibkrgateway.v1.CancelOrderRequest.class,
      responseType = io.github.ibkrgateway.v1.CancelOrderResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.CancelOrderRequest,
      io.github.ibkrgateway.v1.CancelOrderResponse> getCancelOrderMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.CancelOrderRequest, io.github.ibkrgateway.v1.CancelOrderResponse> getCancelOrderMethod;
    if ((getCancelOrderMethod = OrderGatewayServiceGrpc.getCancelOrderMethod) == null) {
      synchronized (OrderGatewayServiceGrpc.class) {
        if ((getCancelOrderMethod = OrderGatewayServiceGrpc.getCancelOrderMethod) == null) {
          OrderGatewayServiceGrpc.getCancelOrderMethod = getCancelOrderMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.CancelOrderRequest, io.github.ibkrgateway.v1.CancelOrderResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CancelOrder"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.CancelOrderRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.CancelOrderResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OrderGatewayServiceMethodDescriptorSupplier("CancelOrder"))
              .build();
        }
      }
    }
    return getCancelOrderMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.CancelAllOrdersRequest,
      io.github.ibkrgateway.v1.CancelAllOrdersResponse> getCancelAllOrdersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CancelAllOrders",
      requestType = io.github.ibkrgateway.v1.CancelAllOrdersRequest.class,
      responseType = io.github.ibkrgateway.v1.CancelAllOrdersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.CancelAllOrdersRequest,
      io.github.ibkrgateway.v1.CancelAllOrdersResponse> getCancelAllOrdersMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.CancelAllOrdersRequest, io.github.ibkrgateway.v1.CancelAllOrdersResponse> getCancelAllOrdersMethod;
    if ((getCancelAllOrdersMethod = OrderGatewayServiceGrpc.getCancelAllOrdersMethod) == null) {
      synchronized (OrderGatewayServiceGrpc.class) {
        if ((getCancelAllOrdersMethod = OrderGatewayServiceGrpc.getCancelAllOrdersMethod) == null) {
          OrderGatewayServiceGrpc.getCancelAllOrdersMethod = getCancelAllOrdersMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.CancelAllOrdersRequest, io.github.ibkrgateway.v1.CancelAllOrdersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CancelAllOrders"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.CancelAllOrdersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.CancelAllOrdersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OrderGatewayServiceMethodDescriptorSupplier("CancelAllOrders"))
              .build();
        }
      }
    }
    return getCancelAllOrdersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.GetOrderRequest,
      io.github.ibkrgateway.v1.GetOrderResponse> getGetOrderMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetOrder",
      requestType = io.github.ibkrgateway.v1.GetOrderRequest.class,
      responseType = io.github.ibkrgateway.v1.GetOrderResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.GetOrderRequest,
      io.github.ibkrgateway.v1.GetOrderResponse> getGetOrderMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.GetOrderRequest, io.github.ibkrgateway.v1.GetOrderResponse> getGetOrderMethod;
    if ((getGetOrderMethod = OrderGatewayServiceGrpc.getGetOrderMethod) == null) {
      synchronized (OrderGatewayServiceGrpc.class) {
        if ((getGetOrderMethod = OrderGatewayServiceGrpc.getGetOrderMethod) == null) {
          OrderGatewayServiceGrpc.getGetOrderMethod = getGetOrderMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.GetOrderRequest, io.github.ibkrgateway.v1.GetOrderResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetOrder"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.GetOrderRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.GetOrderResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OrderGatewayServiceMethodDescriptorSupplier("GetOrder"))
              .build();
        }
      }
    }
    return getGetOrderMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ListOrdersRequest,
      io.github.ibkrgateway.v1.ListOrdersResponse> getListOrdersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListOrders",
      requestType = io.github.ibkrgateway.v1.ListOrdersRequest.class,
      responseType = io.github.ibkrgateway.v1.ListOrdersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ListOrdersRequest,
      io.github.ibkrgateway.v1.ListOrdersResponse> getListOrdersMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ListOrdersRequest, io.github.ibkrgateway.v1.ListOrdersResponse> getListOrdersMethod;
    if ((getListOrdersMethod = OrderGatewayServiceGrpc.getListOrdersMethod) == null) {
      synchronized (OrderGatewayServiceGrpc.class) {
        if ((getListOrdersMethod = OrderGatewayServiceGrpc.getListOrdersMethod) == null) {
          OrderGatewayServiceGrpc.getListOrdersMethod = getListOrdersMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.ListOrdersRequest, io.github.ibkrgateway.v1.ListOrdersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListOrders"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.ListOrdersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.ListOrdersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OrderGatewayServiceMethodDescriptorSupplier("ListOrders"))
              .build();
        }
      }
    }
    return getListOrdersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ListFillsRequest,
      io.github.ibkrgateway.v1.ListFillsResponse> getListFillsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListFills",
      requestType = io.github.ibkrgateway.v1.ListFillsRequest.class,
      responseType = io.github.ibkrgateway.v1.ListFillsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ListFillsRequest,
      io.github.ibkrgateway.v1.ListFillsResponse> getListFillsMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ListFillsRequest, io.github.ibkrgateway.v1.ListFillsResponse> getListFillsMethod;
    if ((getListFillsMethod = OrderGatewayServiceGrpc.getListFillsMethod) == null) {
      synchronized (OrderGatewayServiceGrpc.class) {
        if ((getListFillsMethod = OrderGatewayServiceGrpc.getListFillsMethod) == null) {
          OrderGatewayServiceGrpc.getListFillsMethod = getListFillsMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.ListFillsRequest, io.github.ibkrgateway.v1.ListFillsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListFills"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.ListFillsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.ListFillsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OrderGatewayServiceMethodDescriptorSupplier("ListFills"))
              .build();
        }
      }
    }
    return getListFillsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.PreviewOrderRequest,
      io.github.ibkrgateway.v1.PreviewOrderResponse> getPreviewOrderMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "PreviewOrder",
      requestType = io.github.ibkrgateway.v1.PreviewOrderRequest.class,
      responseType = io.github.ibkrgateway.v1.PreviewOrderResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.PreviewOrderRequest,
      io.github.ibkrgateway.v1.PreviewOrderResponse> getPreviewOrderMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.PreviewOrderRequest, io.github.ibkrgateway.v1.PreviewOrderResponse> getPreviewOrderMethod;
    if ((getPreviewOrderMethod = OrderGatewayServiceGrpc.getPreviewOrderMethod) == null) {
      synchronized (OrderGatewayServiceGrpc.class) {
        if ((getPreviewOrderMethod = OrderGatewayServiceGrpc.getPreviewOrderMethod) == null) {
          OrderGatewayServiceGrpc.getPreviewOrderMethod = getPreviewOrderMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.PreviewOrderRequest, io.github.ibkrgateway.v1.PreviewOrderResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "PreviewOrder"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.PreviewOrderRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.PreviewOrderResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OrderGatewayServiceMethodDescriptorSupplier("PreviewOrder"))
              .build();
        }
      }
    }
    return getPreviewOrderMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.StreamOrderEventsRequest,
      io.github.ibkrgateway.v1.StreamOrderEventsResponse> getStreamOrderEventsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "StreamOrderEvents",
      requestType = io.github.ibkrgateway.v1.StreamOrderEventsRequest.class,
      responseType = io.github.ibkrgateway.v1.StreamOrderEventsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.StreamOrderEventsRequest,
      io.github.ibkrgateway.v1.StreamOrderEventsResponse> getStreamOrderEventsMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.StreamOrderEventsRequest, io.github.ibkrgateway.v1.StreamOrderEventsResponse> getStreamOrderEventsMethod;
    if ((getStreamOrderEventsMethod = OrderGatewayServiceGrpc.getStreamOrderEventsMethod) == null) {
      synchronized (OrderGatewayServiceGrpc.class) {
        if ((getStreamOrderEventsMethod = OrderGatewayServiceGrpc.getStreamOrderEventsMethod) == null) {
          OrderGatewayServiceGrpc.getStreamOrderEventsMethod = getStreamOrderEventsMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.StreamOrderEventsRequest, io.github.ibkrgateway.v1.StreamOrderEventsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "StreamOrderEvents"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.StreamOrderEventsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.StreamOrderEventsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OrderGatewayServiceMethodDescriptorSupplier("StreamOrderEvents"))
              .build();
        }
      }
    }
    return getStreamOrderEventsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.StreamFillsRequest,
      io.github.ibkrgateway.v1.StreamFillsResponse> getStreamFillsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "StreamFills",
      requestType = io.github.ibkrgateway.v1.StreamFillsRequest.class,
      responseType = io.github.ibkrgateway.v1.StreamFillsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.StreamFillsRequest,
      io.github.ibkrgateway.v1.StreamFillsResponse> getStreamFillsMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.StreamFillsRequest, io.github.ibkrgateway.v1.StreamFillsResponse> getStreamFillsMethod;
    if ((getStreamFillsMethod = OrderGatewayServiceGrpc.getStreamFillsMethod) == null) {
      synchronized (OrderGatewayServiceGrpc.class) {
        if ((getStreamFillsMethod = OrderGatewayServiceGrpc.getStreamFillsMethod) == null) {
          OrderGatewayServiceGrpc.getStreamFillsMethod = getStreamFillsMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.StreamFillsRequest, io.github.ibkrgateway.v1.StreamFillsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "StreamFills"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.StreamFillsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.StreamFillsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OrderGatewayServiceMethodDescriptorSupplier("StreamFills"))
              .build();
        }
      }
    }
    return getStreamFillsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SetKillSwitchRequest,
      io.github.ibkrgateway.v1.SetKillSwitchResponse> getSetKillSwitchMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SetKillSwitch",
      requestType = io.github.ibkrgateway.v1.SetKillSwitchRequest.class,
      responseType = io.github.ibkrgateway.v1.SetKillSwitchResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SetKillSwitchRequest,
      io.github.ibkrgateway.v1.SetKillSwitchResponse> getSetKillSwitchMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SetKillSwitchRequest, io.github.ibkrgateway.v1.SetKillSwitchResponse> getSetKillSwitchMethod;
    if ((getSetKillSwitchMethod = OrderGatewayServiceGrpc.getSetKillSwitchMethod) == null) {
      synchronized (OrderGatewayServiceGrpc.class) {
        if ((getSetKillSwitchMethod = OrderGatewayServiceGrpc.getSetKillSwitchMethod) == null) {
          OrderGatewayServiceGrpc.getSetKillSwitchMethod = getSetKillSwitchMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.SetKillSwitchRequest, io.github.ibkrgateway.v1.SetKillSwitchResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SetKillSwitch"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.SetKillSwitchRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.SetKillSwitchResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OrderGatewayServiceMethodDescriptorSupplier("SetKillSwitch"))
              .build();
        }
      }
    }
    return getSetKillSwitchMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.GetKillSwitchRequest,
      io.github.ibkrgateway.v1.GetKillSwitchResponse> getGetKillSwitchMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetKillSwitch",
      requestType = io.github.ibkrgateway.v1.GetKillSwitchRequest.class,
      responseType = io.github.ibkrgateway.v1.GetKillSwitchResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.GetKillSwitchRequest,
      io.github.ibkrgateway.v1.GetKillSwitchResponse> getGetKillSwitchMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.GetKillSwitchRequest, io.github.ibkrgateway.v1.GetKillSwitchResponse> getGetKillSwitchMethod;
    if ((getGetKillSwitchMethod = OrderGatewayServiceGrpc.getGetKillSwitchMethod) == null) {
      synchronized (OrderGatewayServiceGrpc.class) {
        if ((getGetKillSwitchMethod = OrderGatewayServiceGrpc.getGetKillSwitchMethod) == null) {
          OrderGatewayServiceGrpc.getGetKillSwitchMethod = getGetKillSwitchMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.GetKillSwitchRequest, io.github.ibkrgateway.v1.GetKillSwitchResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetKillSwitch"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.GetKillSwitchRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.GetKillSwitchResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OrderGatewayServiceMethodDescriptorSupplier("GetKillSwitch"))
              .build();
        }
      }
    }
    return getGetKillSwitchMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ListAuditRecordsRequest,
      io.github.ibkrgateway.v1.ListAuditRecordsResponse> getListAuditRecordsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListAuditRecords",
      requestType = io.github.ibkrgateway.v1.ListAuditRecordsRequest.class,
      responseType = io.github.ibkrgateway.v1.ListAuditRecordsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ListAuditRecordsRequest,
      io.github.ibkrgateway.v1.ListAuditRecordsResponse> getListAuditRecordsMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ListAuditRecordsRequest, io.github.ibkrgateway.v1.ListAuditRecordsResponse> getListAuditRecordsMethod;
    if ((getListAuditRecordsMethod = OrderGatewayServiceGrpc.getListAuditRecordsMethod) == null) {
      synchronized (OrderGatewayServiceGrpc.class) {
        if ((getListAuditRecordsMethod = OrderGatewayServiceGrpc.getListAuditRecordsMethod) == null) {
          OrderGatewayServiceGrpc.getListAuditRecordsMethod = getListAuditRecordsMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.ListAuditRecordsRequest, io.github.ibkrgateway.v1.ListAuditRecordsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListAuditRecords"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.ListAuditRecordsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.ListAuditRecordsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new OrderGatewayServiceMethodDescriptorSupplier("ListAuditRecords"))
              .build();
        }
      }
    }
    return getListAuditRecordsMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static OrderGatewayServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<OrderGatewayServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<OrderGatewayServiceStub>() {
        @java.lang.Override
        public OrderGatewayServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new OrderGatewayServiceStub(channel, callOptions);
        }
      };
    return OrderGatewayServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static OrderGatewayServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<OrderGatewayServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<OrderGatewayServiceBlockingV2Stub>() {
        @java.lang.Override
        public OrderGatewayServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new OrderGatewayServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return OrderGatewayServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static OrderGatewayServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<OrderGatewayServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<OrderGatewayServiceBlockingStub>() {
        @java.lang.Override
        public OrderGatewayServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new OrderGatewayServiceBlockingStub(channel, callOptions);
        }
      };
    return OrderGatewayServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static OrderGatewayServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<OrderGatewayServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<OrderGatewayServiceFutureStub>() {
        @java.lang.Override
        public OrderGatewayServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new OrderGatewayServiceFutureStub(channel, callOptions);
        }
      };
    return OrderGatewayServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Routes orders to Interactive Brokers (or the simulated exchange) and streams what
   * happens to them. Errors are gRPC status codes with google.rpc details: BadRequest
   * for invalid fields, ErrorInfo (domain "ibkr-gateway") naming the reason.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Submits an order. Idempotent on (account, client_order_id): a retry with the
     * same spec returns the original order; a different spec is ALREADY_EXISTS.
     * Returns once the order is durably recorded and handed to the broker.
     * </pre>
     */
    default void submitOrder(io.github.ibkrgateway.v1.SubmitOrderRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SubmitOrderResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSubmitOrderMethod(), responseObserver);
    }

    /**
     * <pre>
     * Submits many orders in one call, each as SubmitOrder would on its own: each is
     * idempotent on its own (account, client_order_id), checked against the risk limits
     * and the kill switch in turn, and answered at its index in `results`, with its
     * order or the status SubmitOrder would have failed with. The new orders are
     * recorded durably together, then handed to the broker. The call itself fails only
     * when the request as a whole is invalid.
     * </pre>
     */
    default void submitOrders(io.github.ibkrgateway.v1.SubmitOrdersRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SubmitOrdersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSubmitOrdersMethod(), responseObserver);
    }

    /**
     * <pre>
     * Submits a parent order with a take-profit and a stop-loss child. The children
     * work only once the parent has filled and cancel each other (one OCA group).
     * </pre>
     */
    default void submitBracketOrder(io.github.ibkrgateway.v1.SubmitBracketOrderRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SubmitBracketOrderResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSubmitBracketOrderMethod(), responseObserver);
    }

    /**
     * <pre>
     * Changes quantity, prices or time in force of a working order.
     * </pre>
     */
    default void modifyOrder(io.github.ibkrgateway.v1.ModifyOrderRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ModifyOrderResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getModifyOrderMethod(), responseObserver);
    }

    /**
     * <pre>
     * Requests cancellation: the order goes PENDING_CANCEL, then CANCELLED on the stream.
     * Cancelling an order that is already PENDING_CANCEL returns it unchanged.
     * </pre>
     */
    default void cancelOrder(io.github.ibkrgateway.v1.CancelOrderRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.CancelOrderResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCancelOrderMethod(), responseObserver);
    }

    /**
     * <pre>
     * Cancels every working order, of one account or of all (kill switch). A token
     * limited to some accounts cancels only those accounts' orders.
     * </pre>
     */
    default void cancelAllOrders(io.github.ibkrgateway.v1.CancelAllOrdersRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.CancelAllOrdersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCancelAllOrdersMethod(), responseObserver);
    }

    /**
     * <pre>
     * Looks an order up by order_id, or by (account, client_order_id).
     * </pre>
     */
    default void getOrder(io.github.ibkrgateway.v1.GetOrderRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.GetOrderResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetOrderMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists orders, oldest first, with filters and paging (AIP-158).
     * </pre>
     */
    default void listOrders(io.github.ibkrgateway.v1.ListOrdersRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ListOrdersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListOrdersMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists fills, oldest first, with filters and paging (AIP-158).
     * </pre>
     */
    default void listFills(io.github.ibkrgateway.v1.ListFillsRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ListFillsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListFillsMethod(), responseObserver);
    }

    /**
     * <pre>
     * What an order would do, without placing it: its estimated price and commission, the
     * position it would leave, the account before and after it (sim backend), and every
     * limit it would break. Input errors are reported as by SubmitOrder; a breached limit is
     * not an error here but an entry of breaches. Nothing is stored or sent, and the order
     * rate limit is not used up.
     * </pre>
     */
    default void previewOrder(io.github.ibkrgateway.v1.PreviewOrderRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.PreviewOrderResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getPreviewOrderMethod(), responseObserver);
    }

    /**
     * <pre>
     * Replays journaled order events after after_sequence, then follows new ones live,
     * with heartbeats while idle. A consumer that falls further behind than the
     * server's buffer is cut with RESOURCE_EXHAUSTED and may resume.
     * </pre>
     */
    default void streamOrderEvents(io.github.ibkrgateway.v1.StreamOrderEventsRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.StreamOrderEventsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getStreamOrderEventsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Like StreamOrderEvents, restricted to fill events (same sequence space).
     * </pre>
     */
    default void streamFills(io.github.ibkrgateway.v1.StreamFillsRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.StreamFillsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getStreamFillsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Kill switch (admin): engaging it cancels every working order and refuses new ones
     * (FAILED_PRECONDITION, reason KILL_SWITCH_ENGAGED) until it is released. Survives restarts.
     * With accounts, or from a token limited to some accounts, it halts and releases only
     * those accounts, each on its own; the gateway-wide switch needs a token of every account.
     * </pre>
     */
    default void setKillSwitch(io.github.ibkrgateway.v1.SetKillSwitchRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SetKillSwitchResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSetKillSwitchMethod(), responseObserver);
    }

    /**
     * <pre>
     * Reads the kill switch.
     * </pre>
     */
    default void getKillSwitch(io.github.ibkrgateway.v1.GetKillSwitchRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.GetKillSwitchResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetKillSwitchMethod(), responseObserver);
    }

    /**
     * <pre>
     * The audit trail (admin): every mutating call with who, what, result and time,
     * oldest first, with paging (AIP-158). A token limited to some accounts sees only
     * the records of calls that acted on those accounts alone.
     * </pre>
     */
    default void listAuditRecords(io.github.ibkrgateway.v1.ListAuditRecordsRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ListAuditRecordsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListAuditRecordsMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service OrderGatewayService.
   * <pre>
   * Routes orders to Interactive Brokers (or the simulated exchange) and streams what
   * happens to them. Errors are gRPC status codes with google.rpc details: BadRequest
   * for invalid fields, ErrorInfo (domain "ibkr-gateway") naming the reason.
   * </pre>
   */
  public static abstract class OrderGatewayServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return OrderGatewayServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service OrderGatewayService.
   * <pre>
   * Routes orders to Interactive Brokers (or the simulated exchange) and streams what
   * happens to them. Errors are gRPC status codes with google.rpc details: BadRequest
   * for invalid fields, ErrorInfo (domain "ibkr-gateway") naming the reason.
   * </pre>
   */
  public static final class OrderGatewayServiceStub
      extends io.grpc.stub.AbstractAsyncStub<OrderGatewayServiceStub> {
    private OrderGatewayServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected OrderGatewayServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new OrderGatewayServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Submits an order. Idempotent on (account, client_order_id): a retry with the
     * same spec returns the original order; a different spec is ALREADY_EXISTS.
     * Returns once the order is durably recorded and handed to the broker.
     * </pre>
     */
    public void submitOrder(io.github.ibkrgateway.v1.SubmitOrderRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SubmitOrderResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSubmitOrderMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Submits many orders in one call, each as SubmitOrder would on its own: each is
     * idempotent on its own (account, client_order_id), checked against the risk limits
     * and the kill switch in turn, and answered at its index in `results`, with its
     * order or the status SubmitOrder would have failed with. The new orders are
     * recorded durably together, then handed to the broker. The call itself fails only
     * when the request as a whole is invalid.
     * </pre>
     */
    public void submitOrders(io.github.ibkrgateway.v1.SubmitOrdersRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SubmitOrdersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSubmitOrdersMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Submits a parent order with a take-profit and a stop-loss child. The children
     * work only once the parent has filled and cancel each other (one OCA group).
     * </pre>
     */
    public void submitBracketOrder(io.github.ibkrgateway.v1.SubmitBracketOrderRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SubmitBracketOrderResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSubmitBracketOrderMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Changes quantity, prices or time in force of a working order.
     * </pre>
     */
    public void modifyOrder(io.github.ibkrgateway.v1.ModifyOrderRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ModifyOrderResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getModifyOrderMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Requests cancellation: the order goes PENDING_CANCEL, then CANCELLED on the stream.
     * Cancelling an order that is already PENDING_CANCEL returns it unchanged.
     * </pre>
     */
    public void cancelOrder(io.github.ibkrgateway.v1.CancelOrderRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.CancelOrderResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCancelOrderMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Cancels every working order, of one account or of all (kill switch). A token
     * limited to some accounts cancels only those accounts' orders.
     * </pre>
     */
    public void cancelAllOrders(io.github.ibkrgateway.v1.CancelAllOrdersRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.CancelAllOrdersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCancelAllOrdersMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Looks an order up by order_id, or by (account, client_order_id).
     * </pre>
     */
    public void getOrder(io.github.ibkrgateway.v1.GetOrderRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.GetOrderResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetOrderMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists orders, oldest first, with filters and paging (AIP-158).
     * </pre>
     */
    public void listOrders(io.github.ibkrgateway.v1.ListOrdersRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ListOrdersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListOrdersMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists fills, oldest first, with filters and paging (AIP-158).
     * </pre>
     */
    public void listFills(io.github.ibkrgateway.v1.ListFillsRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ListFillsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListFillsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * What an order would do, without placing it: its estimated price and commission, the
     * position it would leave, the account before and after it (sim backend), and every
     * limit it would break. Input errors are reported as by SubmitOrder; a breached limit is
     * not an error here but an entry of breaches. Nothing is stored or sent, and the order
     * rate limit is not used up.
     * </pre>
     */
    public void previewOrder(io.github.ibkrgateway.v1.PreviewOrderRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.PreviewOrderResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getPreviewOrderMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Replays journaled order events after after_sequence, then follows new ones live,
     * with heartbeats while idle. A consumer that falls further behind than the
     * server's buffer is cut with RESOURCE_EXHAUSTED and may resume.
     * </pre>
     */
    public void streamOrderEvents(io.github.ibkrgateway.v1.StreamOrderEventsRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.StreamOrderEventsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getStreamOrderEventsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Like StreamOrderEvents, restricted to fill events (same sequence space).
     * </pre>
     */
    public void streamFills(io.github.ibkrgateway.v1.StreamFillsRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.StreamFillsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getStreamFillsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Kill switch (admin): engaging it cancels every working order and refuses new ones
     * (FAILED_PRECONDITION, reason KILL_SWITCH_ENGAGED) until it is released. Survives restarts.
     * With accounts, or from a token limited to some accounts, it halts and releases only
     * those accounts, each on its own; the gateway-wide switch needs a token of every account.
     * </pre>
     */
    public void setKillSwitch(io.github.ibkrgateway.v1.SetKillSwitchRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SetKillSwitchResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSetKillSwitchMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Reads the kill switch.
     * </pre>
     */
    public void getKillSwitch(io.github.ibkrgateway.v1.GetKillSwitchRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.GetKillSwitchResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetKillSwitchMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * The audit trail (admin): every mutating call with who, what, result and time,
     * oldest first, with paging (AIP-158). A token limited to some accounts sees only
     * the records of calls that acted on those accounts alone.
     * </pre>
     */
    public void listAuditRecords(io.github.ibkrgateway.v1.ListAuditRecordsRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ListAuditRecordsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListAuditRecordsMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service OrderGatewayService.
   * <pre>
   * Routes orders to Interactive Brokers (or the simulated exchange) and streams what
   * happens to them. Errors are gRPC status codes with google.rpc details: BadRequest
   * for invalid fields, ErrorInfo (domain "ibkr-gateway") naming the reason.
   * </pre>
   */
  public static final class OrderGatewayServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<OrderGatewayServiceBlockingV2Stub> {
    private OrderGatewayServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected OrderGatewayServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new OrderGatewayServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Submits an order. Idempotent on (account, client_order_id): a retry with the
     * same spec returns the original order; a different spec is ALREADY_EXISTS.
     * Returns once the order is durably recorded and handed to the broker.
     * </pre>
     */
    public io.github.ibkrgateway.v1.SubmitOrderResponse submitOrder(io.github.ibkrgateway.v1.SubmitOrderRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSubmitOrderMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Submits many orders in one call, each as SubmitOrder would on its own: each is
     * idempotent on its own (account, client_order_id), checked against the risk limits
     * and the kill switch in turn, and answered at its index in `results`, with its
     * order or the status SubmitOrder would have failed with. The new orders are
     * recorded durably together, then handed to the broker. The call itself fails only
     * when the request as a whole is invalid.
     * </pre>
     */
    public io.github.ibkrgateway.v1.SubmitOrdersResponse submitOrders(io.github.ibkrgateway.v1.SubmitOrdersRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSubmitOrdersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Submits a parent order with a take-profit and a stop-loss child. The children
     * work only once the parent has filled and cancel each other (one OCA group).
     * </pre>
     */
    public io.github.ibkrgateway.v1.SubmitBracketOrderResponse submitBracketOrder(io.github.ibkrgateway.v1.SubmitBracketOrderRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSubmitBracketOrderMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Changes quantity, prices or time in force of a working order.
     * </pre>
     */
    public io.github.ibkrgateway.v1.ModifyOrderResponse modifyOrder(io.github.ibkrgateway.v1.ModifyOrderRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getModifyOrderMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Requests cancellation: the order goes PENDING_CANCEL, then CANCELLED on the stream.
     * Cancelling an order that is already PENDING_CANCEL returns it unchanged.
     * </pre>
     */
    public io.github.ibkrgateway.v1.CancelOrderResponse cancelOrder(io.github.ibkrgateway.v1.CancelOrderRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCancelOrderMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Cancels every working order, of one account or of all (kill switch). A token
     * limited to some accounts cancels only those accounts' orders.
     * </pre>
     */
    public io.github.ibkrgateway.v1.CancelAllOrdersResponse cancelAllOrders(io.github.ibkrgateway.v1.CancelAllOrdersRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCancelAllOrdersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Looks an order up by order_id, or by (account, client_order_id).
     * </pre>
     */
    public io.github.ibkrgateway.v1.GetOrderResponse getOrder(io.github.ibkrgateway.v1.GetOrderRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetOrderMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists orders, oldest first, with filters and paging (AIP-158).
     * </pre>
     */
    public io.github.ibkrgateway.v1.ListOrdersResponse listOrders(io.github.ibkrgateway.v1.ListOrdersRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListOrdersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists fills, oldest first, with filters and paging (AIP-158).
     * </pre>
     */
    public io.github.ibkrgateway.v1.ListFillsResponse listFills(io.github.ibkrgateway.v1.ListFillsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListFillsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * What an order would do, without placing it: its estimated price and commission, the
     * position it would leave, the account before and after it (sim backend), and every
     * limit it would break. Input errors are reported as by SubmitOrder; a breached limit is
     * not an error here but an entry of breaches. Nothing is stored or sent, and the order
     * rate limit is not used up.
     * </pre>
     */
    public io.github.ibkrgateway.v1.PreviewOrderResponse previewOrder(io.github.ibkrgateway.v1.PreviewOrderRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getPreviewOrderMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Replays journaled order events after after_sequence, then follows new ones live,
     * with heartbeats while idle. A consumer that falls further behind than the
     * server's buffer is cut with RESOURCE_EXHAUSTED and may resume.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, io.github.ibkrgateway.v1.StreamOrderEventsResponse>
        streamOrderEvents(io.github.ibkrgateway.v1.StreamOrderEventsRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getStreamOrderEventsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Like StreamOrderEvents, restricted to fill events (same sequence space).
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, io.github.ibkrgateway.v1.StreamFillsResponse>
        streamFills(io.github.ibkrgateway.v1.StreamFillsRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getStreamFillsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Kill switch (admin): engaging it cancels every working order and refuses new ones
     * (FAILED_PRECONDITION, reason KILL_SWITCH_ENGAGED) until it is released. Survives restarts.
     * With accounts, or from a token limited to some accounts, it halts and releases only
     * those accounts, each on its own; the gateway-wide switch needs a token of every account.
     * </pre>
     */
    public io.github.ibkrgateway.v1.SetKillSwitchResponse setKillSwitch(io.github.ibkrgateway.v1.SetKillSwitchRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSetKillSwitchMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Reads the kill switch.
     * </pre>
     */
    public io.github.ibkrgateway.v1.GetKillSwitchResponse getKillSwitch(io.github.ibkrgateway.v1.GetKillSwitchRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetKillSwitchMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * The audit trail (admin): every mutating call with who, what, result and time,
     * oldest first, with paging (AIP-158). A token limited to some accounts sees only
     * the records of calls that acted on those accounts alone.
     * </pre>
     */
    public io.github.ibkrgateway.v1.ListAuditRecordsResponse listAuditRecords(io.github.ibkrgateway.v1.ListAuditRecordsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListAuditRecordsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service OrderGatewayService.
   * <pre>
   * Routes orders to Interactive Brokers (or the simulated exchange) and streams what
   * happens to them. Errors are gRPC status codes with google.rpc details: BadRequest
   * for invalid fields, ErrorInfo (domain "ibkr-gateway") naming the reason.
   * </pre>
   */
  public static final class OrderGatewayServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<OrderGatewayServiceBlockingStub> {
    private OrderGatewayServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected OrderGatewayServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new OrderGatewayServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Submits an order. Idempotent on (account, client_order_id): a retry with the
     * same spec returns the original order; a different spec is ALREADY_EXISTS.
     * Returns once the order is durably recorded and handed to the broker.
     * </pre>
     */
    public io.github.ibkrgateway.v1.SubmitOrderResponse submitOrder(io.github.ibkrgateway.v1.SubmitOrderRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSubmitOrderMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Submits many orders in one call, each as SubmitOrder would on its own: each is
     * idempotent on its own (account, client_order_id), checked against the risk limits
     * and the kill switch in turn, and answered at its index in `results`, with its
     * order or the status SubmitOrder would have failed with. The new orders are
     * recorded durably together, then handed to the broker. The call itself fails only
     * when the request as a whole is invalid.
     * </pre>
     */
    public io.github.ibkrgateway.v1.SubmitOrdersResponse submitOrders(io.github.ibkrgateway.v1.SubmitOrdersRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSubmitOrdersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Submits a parent order with a take-profit and a stop-loss child. The children
     * work only once the parent has filled and cancel each other (one OCA group).
     * </pre>
     */
    public io.github.ibkrgateway.v1.SubmitBracketOrderResponse submitBracketOrder(io.github.ibkrgateway.v1.SubmitBracketOrderRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSubmitBracketOrderMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Changes quantity, prices or time in force of a working order.
     * </pre>
     */
    public io.github.ibkrgateway.v1.ModifyOrderResponse modifyOrder(io.github.ibkrgateway.v1.ModifyOrderRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getModifyOrderMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Requests cancellation: the order goes PENDING_CANCEL, then CANCELLED on the stream.
     * Cancelling an order that is already PENDING_CANCEL returns it unchanged.
     * </pre>
     */
    public io.github.ibkrgateway.v1.CancelOrderResponse cancelOrder(io.github.ibkrgateway.v1.CancelOrderRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCancelOrderMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Cancels every working order, of one account or of all (kill switch). A token
     * limited to some accounts cancels only those accounts' orders.
     * </pre>
     */
    public io.github.ibkrgateway.v1.CancelAllOrdersResponse cancelAllOrders(io.github.ibkrgateway.v1.CancelAllOrdersRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCancelAllOrdersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Looks an order up by order_id, or by (account, client_order_id).
     * </pre>
     */
    public io.github.ibkrgateway.v1.GetOrderResponse getOrder(io.github.ibkrgateway.v1.GetOrderRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetOrderMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists orders, oldest first, with filters and paging (AIP-158).
     * </pre>
     */
    public io.github.ibkrgateway.v1.ListOrdersResponse listOrders(io.github.ibkrgateway.v1.ListOrdersRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListOrdersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists fills, oldest first, with filters and paging (AIP-158).
     * </pre>
     */
    public io.github.ibkrgateway.v1.ListFillsResponse listFills(io.github.ibkrgateway.v1.ListFillsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListFillsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * What an order would do, without placing it: its estimated price and commission, the
     * position it would leave, the account before and after it (sim backend), and every
     * limit it would break. Input errors are reported as by SubmitOrder; a breached limit is
     * not an error here but an entry of breaches. Nothing is stored or sent, and the order
     * rate limit is not used up.
     * </pre>
     */
    public io.github.ibkrgateway.v1.PreviewOrderResponse previewOrder(io.github.ibkrgateway.v1.PreviewOrderRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getPreviewOrderMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Replays journaled order events after after_sequence, then follows new ones live,
     * with heartbeats while idle. A consumer that falls further behind than the
     * server's buffer is cut with RESOURCE_EXHAUSTED and may resume.
     * </pre>
     */
    public java.util.Iterator<io.github.ibkrgateway.v1.StreamOrderEventsResponse> streamOrderEvents(
        io.github.ibkrgateway.v1.StreamOrderEventsRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getStreamOrderEventsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Like StreamOrderEvents, restricted to fill events (same sequence space).
     * </pre>
     */
    public java.util.Iterator<io.github.ibkrgateway.v1.StreamFillsResponse> streamFills(
        io.github.ibkrgateway.v1.StreamFillsRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getStreamFillsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Kill switch (admin): engaging it cancels every working order and refuses new ones
     * (FAILED_PRECONDITION, reason KILL_SWITCH_ENGAGED) until it is released. Survives restarts.
     * With accounts, or from a token limited to some accounts, it halts and releases only
     * those accounts, each on its own; the gateway-wide switch needs a token of every account.
     * </pre>
     */
    public io.github.ibkrgateway.v1.SetKillSwitchResponse setKillSwitch(io.github.ibkrgateway.v1.SetKillSwitchRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSetKillSwitchMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Reads the kill switch.
     * </pre>
     */
    public io.github.ibkrgateway.v1.GetKillSwitchResponse getKillSwitch(io.github.ibkrgateway.v1.GetKillSwitchRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetKillSwitchMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * The audit trail (admin): every mutating call with who, what, result and time,
     * oldest first, with paging (AIP-158). A token limited to some accounts sees only
     * the records of calls that acted on those accounts alone.
     * </pre>
     */
    public io.github.ibkrgateway.v1.ListAuditRecordsResponse listAuditRecords(io.github.ibkrgateway.v1.ListAuditRecordsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListAuditRecordsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service OrderGatewayService.
   * <pre>
   * Routes orders to Interactive Brokers (or the simulated exchange) and streams what
   * happens to them. Errors are gRPC status codes with google.rpc details: BadRequest
   * for invalid fields, ErrorInfo (domain "ibkr-gateway") naming the reason.
   * </pre>
   */
  public static final class OrderGatewayServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<OrderGatewayServiceFutureStub> {
    private OrderGatewayServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected OrderGatewayServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new OrderGatewayServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Submits an order. Idempotent on (account, client_order_id): a retry with the
     * same spec returns the original order; a different spec is ALREADY_EXISTS.
     * Returns once the order is durably recorded and handed to the broker.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.SubmitOrderResponse> submitOrder(
        io.github.ibkrgateway.v1.SubmitOrderRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSubmitOrderMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Submits many orders in one call, each as SubmitOrder would on its own: each is
     * idempotent on its own (account, client_order_id), checked against the risk limits
     * and the kill switch in turn, and answered at its index in `results`, with its
     * order or the status SubmitOrder would have failed with. The new orders are
     * recorded durably together, then handed to the broker. The call itself fails only
     * when the request as a whole is invalid.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.SubmitOrdersResponse> submitOrders(
        io.github.ibkrgateway.v1.SubmitOrdersRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSubmitOrdersMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Submits a parent order with a take-profit and a stop-loss child. The children
     * work only once the parent has filled and cancel each other (one OCA group).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.SubmitBracketOrderResponse> submitBracketOrder(
        io.github.ibkrgateway.v1.SubmitBracketOrderRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSubmitBracketOrderMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Changes quantity, prices or time in force of a working order.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.ModifyOrderResponse> modifyOrder(
        io.github.ibkrgateway.v1.ModifyOrderRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getModifyOrderMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Requests cancellation: the order goes PENDING_CANCEL, then CANCELLED on the stream.
     * Cancelling an order that is already PENDING_CANCEL returns it unchanged.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.CancelOrderResponse> cancelOrder(
        io.github.ibkrgateway.v1.CancelOrderRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCancelOrderMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Cancels every working order, of one account or of all (kill switch). A token
     * limited to some accounts cancels only those accounts' orders.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.CancelAllOrdersResponse> cancelAllOrders(
        io.github.ibkrgateway.v1.CancelAllOrdersRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCancelAllOrdersMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Looks an order up by order_id, or by (account, client_order_id).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.GetOrderResponse> getOrder(
        io.github.ibkrgateway.v1.GetOrderRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetOrderMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists orders, oldest first, with filters and paging (AIP-158).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.ListOrdersResponse> listOrders(
        io.github.ibkrgateway.v1.ListOrdersRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListOrdersMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists fills, oldest first, with filters and paging (AIP-158).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.ListFillsResponse> listFills(
        io.github.ibkrgateway.v1.ListFillsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListFillsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * What an order would do, without placing it: its estimated price and commission, the
     * position it would leave, the account before and after it (sim backend), and every
     * limit it would break. Input errors are reported as by SubmitOrder; a breached limit is
     * not an error here but an entry of breaches. Nothing is stored or sent, and the order
     * rate limit is not used up.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.PreviewOrderResponse> previewOrder(
        io.github.ibkrgateway.v1.PreviewOrderRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getPreviewOrderMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Kill switch (admin): engaging it cancels every working order and refuses new ones
     * (FAILED_PRECONDITION, reason KILL_SWITCH_ENGAGED) until it is released. Survives restarts.
     * With accounts, or from a token limited to some accounts, it halts and releases only
     * those accounts, each on its own; the gateway-wide switch needs a token of every account.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.SetKillSwitchResponse> setKillSwitch(
        io.github.ibkrgateway.v1.SetKillSwitchRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSetKillSwitchMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Reads the kill switch.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.GetKillSwitchResponse> getKillSwitch(
        io.github.ibkrgateway.v1.GetKillSwitchRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetKillSwitchMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * The audit trail (admin): every mutating call with who, what, result and time,
     * oldest first, with paging (AIP-158). A token limited to some accounts sees only
     * the records of calls that acted on those accounts alone.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.ListAuditRecordsResponse> listAuditRecords(
        io.github.ibkrgateway.v1.ListAuditRecordsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListAuditRecordsMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_SUBMIT_ORDER = 0;
  private static final int METHODID_SUBMIT_ORDERS = 1;
  private static final int METHODID_SUBMIT_BRACKET_ORDER = 2;
  private static final int METHODID_MODIFY_ORDER = 3;
  private static final int METHODID_CANCEL_ORDER = 4;
  private static final int METHODID_CANCEL_ALL_ORDERS = 5;
  private static final int METHODID_GET_ORDER = 6;
  private static final int METHODID_LIST_ORDERS = 7;
  private static final int METHODID_LIST_FILLS = 8;
  private static final int METHODID_PREVIEW_ORDER = 9;
  private static final int METHODID_STREAM_ORDER_EVENTS = 10;
  private static final int METHODID_STREAM_FILLS = 11;
  private static final int METHODID_SET_KILL_SWITCH = 12;
  private static final int METHODID_GET_KILL_SWITCH = 13;
  private static final int METHODID_LIST_AUDIT_RECORDS = 14;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final AsyncService serviceImpl;
    private final int methodId;

    MethodHandlers(AsyncService serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_SUBMIT_ORDER:
          serviceImpl.submitOrder((io.github.ibkrgateway.v1.SubmitOrderRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SubmitOrderResponse>) responseObserver);
          break;
        case METHODID_SUBMIT_ORDERS:
          serviceImpl.submitOrders((io.github.ibkrgateway.v1.SubmitOrdersRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SubmitOrdersResponse>) responseObserver);
          break;
        case METHODID_SUBMIT_BRACKET_ORDER:
          serviceImpl.submitBracketOrder((io.github.ibkrgateway.v1.SubmitBracketOrderRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SubmitBracketOrderResponse>) responseObserver);
          break;
        case METHODID_MODIFY_ORDER:
          serviceImpl.modifyOrder((io.github.ibkrgateway.v1.ModifyOrderRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ModifyOrderResponse>) responseObserver);
          break;
        case METHODID_CANCEL_ORDER:
          serviceImpl.cancelOrder((io.github.ibkrgateway.v1.CancelOrderRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.CancelOrderResponse>) responseObserver);
          break;
        case METHODID_CANCEL_ALL_ORDERS:
          serviceImpl.cancelAllOrders((io.github.ibkrgateway.v1.CancelAllOrdersRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.CancelAllOrdersResponse>) responseObserver);
          break;
        case METHODID_GET_ORDER:
          serviceImpl.getOrder((io.github.ibkrgateway.v1.GetOrderRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.GetOrderResponse>) responseObserver);
          break;
        case METHODID_LIST_ORDERS:
          serviceImpl.listOrders((io.github.ibkrgateway.v1.ListOrdersRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ListOrdersResponse>) responseObserver);
          break;
        case METHODID_LIST_FILLS:
          serviceImpl.listFills((io.github.ibkrgateway.v1.ListFillsRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ListFillsResponse>) responseObserver);
          break;
        case METHODID_PREVIEW_ORDER:
          serviceImpl.previewOrder((io.github.ibkrgateway.v1.PreviewOrderRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.PreviewOrderResponse>) responseObserver);
          break;
        case METHODID_STREAM_ORDER_EVENTS:
          serviceImpl.streamOrderEvents((io.github.ibkrgateway.v1.StreamOrderEventsRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.StreamOrderEventsResponse>) responseObserver);
          break;
        case METHODID_STREAM_FILLS:
          serviceImpl.streamFills((io.github.ibkrgateway.v1.StreamFillsRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.StreamFillsResponse>) responseObserver);
          break;
        case METHODID_SET_KILL_SWITCH:
          serviceImpl.setKillSwitch((io.github.ibkrgateway.v1.SetKillSwitchRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SetKillSwitchResponse>) responseObserver);
          break;
        case METHODID_GET_KILL_SWITCH:
          serviceImpl.getKillSwitch((io.github.ibkrgateway.v1.GetKillSwitchRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.GetKillSwitchResponse>) responseObserver);
          break;
        case METHODID_LIST_AUDIT_RECORDS:
          serviceImpl.listAuditRecords((io.github.ibkrgateway.v1.ListAuditRecordsRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ListAuditRecordsResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getSubmitOrderMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.SubmitOrderRequest,
              io.github.ibkrgateway.v1.SubmitOrderResponse>(
                service, METHODID_SUBMIT_ORDER)))
        .addMethod(
          getSubmitOrdersMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.SubmitOrdersRequest,
              io.github.ibkrgateway.v1.SubmitOrdersResponse>(
                service, METHODID_SUBMIT_ORDERS)))
        .addMethod(
          getSubmitBracketOrderMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.SubmitBracketOrderRequest,
              io.github.ibkrgateway.v1.SubmitBracketOrderResponse>(
                service, METHODID_SUBMIT_BRACKET_ORDER)))
        .addMethod(
          getModifyOrderMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.ModifyOrderRequest,
              io.github.ibkrgateway.v1.ModifyOrderResponse>(
                service, METHODID_MODIFY_ORDER)))
        .addMethod(
          getCancelOrderMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.CancelOrderRequest,
              io.github.ibkrgateway.v1.CancelOrderResponse>(
                service, METHODID_CANCEL_ORDER)))
        .addMethod(
          getCancelAllOrdersMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.CancelAllOrdersRequest,
              io.github.ibkrgateway.v1.CancelAllOrdersResponse>(
                service, METHODID_CANCEL_ALL_ORDERS)))
        .addMethod(
          getGetOrderMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.GetOrderRequest,
              io.github.ibkrgateway.v1.GetOrderResponse>(
                service, METHODID_GET_ORDER)))
        .addMethod(
          getListOrdersMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.ListOrdersRequest,
              io.github.ibkrgateway.v1.ListOrdersResponse>(
                service, METHODID_LIST_ORDERS)))
        .addMethod(
          getListFillsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.ListFillsRequest,
              io.github.ibkrgateway.v1.ListFillsResponse>(
                service, METHODID_LIST_FILLS)))
        .addMethod(
          getPreviewOrderMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.PreviewOrderRequest,
              io.github.ibkrgateway.v1.PreviewOrderResponse>(
                service, METHODID_PREVIEW_ORDER)))
        .addMethod(
          getStreamOrderEventsMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.StreamOrderEventsRequest,
              io.github.ibkrgateway.v1.StreamOrderEventsResponse>(
                service, METHODID_STREAM_ORDER_EVENTS)))
        .addMethod(
          getStreamFillsMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.StreamFillsRequest,
              io.github.ibkrgateway.v1.StreamFillsResponse>(
                service, METHODID_STREAM_FILLS)))
        .addMethod(
          getSetKillSwitchMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.SetKillSwitchRequest,
              io.github.ibkrgateway.v1.SetKillSwitchResponse>(
                service, METHODID_SET_KILL_SWITCH)))
        .addMethod(
          getGetKillSwitchMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.GetKillSwitchRequest,
              io.github.ibkrgateway.v1.GetKillSwitchResponse>(
                service, METHODID_GET_KILL_SWITCH)))
        .addMethod(
          getListAuditRecordsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.ListAuditRecordsRequest,
              io.github.ibkrgateway.v1.ListAuditRecordsResponse>(
                service, METHODID_LIST_AUDIT_RECORDS)))
        .build();
  }

  private static abstract class OrderGatewayServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    OrderGatewayServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return io.github.ibkrgateway.v1.GatewayProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("OrderGatewayService");
    }
  }

  private static final class OrderGatewayServiceFileDescriptorSupplier
      extends OrderGatewayServiceBaseDescriptorSupplier {
    OrderGatewayServiceFileDescriptorSupplier() {}
  }

  private static final class OrderGatewayServiceMethodDescriptorSupplier
      extends OrderGatewayServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    OrderGatewayServiceMethodDescriptorSupplier(java.lang.String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (OrderGatewayServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new OrderGatewayServiceFileDescriptorSupplier())
              .addMethod(getSubmitOrderMethod())
              .addMethod(getSubmitOrdersMethod())
              .addMethod(getSubmitBracketOrderMethod())
              .addMethod(getModifyOrderMethod())
              .addMethod(getCancelOrderMethod())
              .addMethod(getCancelAllOrdersMethod())
              .addMethod(getGetOrderMethod())
              .addMethod(getListOrdersMethod())
              .addMethod(getListFillsMethod())
              .addMethod(getPreviewOrderMethod())
              .addMethod(getStreamOrderEventsMethod())
              .addMethod(getStreamFillsMethod())
              .addMethod(getSetKillSwitchMethod())
              .addMethod(getGetKillSwitchMethod())
              .addMethod(getListAuditRecordsMethod())
              .build();
        }
      }
    }
    return result;
  }
}
