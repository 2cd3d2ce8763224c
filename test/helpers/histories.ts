/**
 * Reads workflow history files in the JSON format of `temporal workflow show --output json`.
 *
 * The SDK's own `historyFromJSON` fails in this install with "type must be a Type": npm keeps two
 * copies of protobufjs 8 (one under @temporalio/common, one under @temporalio/proto, because
 * @grpc/proto-loader holds protobufjs 7 at the top level), and the JSON reader of one copy rejects
 * the message types of the other. Here the reader is taken from the same copy as the types.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type History = proto.temporal.api.history.v1.IHistory;

interface ProtoJson {
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

const protoPackageDir = path.dirname(require.resolve('@temporalio/proto/package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [protoPackageDir] })) as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

export function historyFromFile(file: string): History {
  const loaded = protojson.fromJson(historyType, JSON.parse(readFileSync(file, 'utf8')), { ignoreUnknownFields: true });
  if (!loaded) throw new Error(`${file} is not a workflow history in JSON form`);
  return loaded as History;
}
