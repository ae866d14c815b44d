/**
 * Schemas of google.rpc.ErrorInfo and google.rpc.BadRequest, the two error details the
 * gateway attaches to a failed call (in the grpc-status-details-bin trailer).
 *
 * Why hand-written: the public npm registry has no package with google.rpc types for
 * protobuf-es v2 (Buf's generated googleapis SDK is served only by the Buf registry), and
 * the contract in proto/ is not the place for a copy of googleapis. The descriptor below
 * mirrors google/rpc/error_details.proto for the fields we read (same names, numbers and
 * types, so the wire format is identical); fields left out (e.g.
 * FieldViolation.localized_message) are kept as unknown fields by the decoder, never lost.
 * test/errors.test.ts decodes trailers produced by the Python server to prove the match.
 */
import { create, createFileRegistry, type Message, type MessageInitShape } from "@bufbuild/protobuf";
import { messageDesc, type GenMessage } from "@bufbuild/protobuf/codegenv2";
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FieldDescriptorProtoSchema,
  FileDescriptorProtoSchema,
} from "@bufbuild/protobuf/wkt";

/** google.rpc.ErrorInfo: why a call failed, as a machine-readable reason. */
export type ErrorInfo = Message<"google.rpc.ErrorInfo"> & {
  reason: string;
  domain: string;
  metadata: { [key: string]: string };
};

/** google.rpc.BadRequest.FieldViolation: one invalid request field. */
export type BadRequest_FieldViolation = Message<"google.rpc.BadRequest.FieldViolation"> & {
  field: string;
  description: string;
  reason: string;
};

/** google.rpc.BadRequest: the invalid fields of a request. */
export type BadRequest = Message<"google.rpc.BadRequest"> & {
  fieldViolations: BadRequest_FieldViolation[];
};

type FieldInit = MessageInitShape<typeof FieldDescriptorProtoSchema>;

function stringField(name: string, number: number, jsonName: string): FieldInit {
  return {
    name,
    number,
    jsonName,
    type: FieldDescriptorProto_Type.STRING,
    label: FieldDescriptorProto_Label.OPTIONAL,
  };
}

function repeatedMessageField(name: string, number: number, jsonName: string, typeName: string): FieldInit {
  return {
    name,
    number,
    jsonName,
    type: FieldDescriptorProto_Type.MESSAGE,
    label: FieldDescriptorProto_Label.REPEATED,
    typeName,
  };
}

const errorDetailsProto = create(FileDescriptorProtoSchema, {
  name: "google/rpc/error_details.proto",
  package: "google.rpc",
  syntax: "proto3",
  messageType: [
    {
      name: "ErrorInfo",
      field: [
        stringField("reason", 1, "reason"),
        stringField("domain", 2, "domain"),
        // map<string, string> metadata = 3: a repeated entry message, as protoc encodes maps.
        repeatedMessageField("metadata", 3, "metadata", ".google.rpc.ErrorInfo.MetadataEntry"),
      ],
      nestedType: [
        {
          name: "MetadataEntry",
          field: [stringField("key", 1, "key"), stringField("value", 2, "value")],
          options: { mapEntry: true },
        },
      ],
    },
    {
      name: "BadRequest",
      field: [
        repeatedMessageField(
          "field_violations",
          1,
          "fieldViolations",
          ".google.rpc.BadRequest.FieldViolation",
        ),
      ],
      nestedType: [
        {
          name: "FieldViolation",
          field: [
            stringField("field", 1, "field"),
            stringField("description", 2, "description"),
            stringField("reason", 3, "reason"),
          ],
        },
      ],
    },
  ],
});

const errorDetailsFile = createFileRegistry(errorDetailsProto, () => undefined).getFile(
  errorDetailsProto.name,
);
if (errorDetailsFile === undefined) {
  throw new Error("google/rpc/error_details.proto descriptor did not register");
}

/** Schema of google.rpc.ErrorInfo, for ConnectError.findDetails(). */
export const ErrorInfoSchema: GenMessage<ErrorInfo> = messageDesc(errorDetailsFile, 0);

/** Schema of google.rpc.BadRequest, for ConnectError.findDetails(). */
export const BadRequestSchema: GenMessage<BadRequest> = messageDesc(errorDetailsFile, 1);
