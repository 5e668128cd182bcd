// A tiny CRI client: one unary gRPC call over HTTP/2 on a unix socket, with a
// hand-rolled protobuf decoder for the one message we read. No dependency.
import * as http2 from 'node:http2';
import * as net from 'node:net';

function grpcUnary(socket: string, method: string, body: Buffer, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const client = http2.connect('http://localhost', { createConnection: () => net.connect(socket) });
    const timer = setTimeout(() => { client.destroy(); reject(new Error(`${method}: timed out`)); }, timeoutMs);
    const fail = (e: Error) => { clearTimeout(timer); client.destroy(); reject(e); };
    client.on('error', fail);
    const frame = Buffer.alloc(5 + body.length);
    frame.writeUInt32BE(body.length, 1);
    body.copy(frame, 5);
    const req = client.request({ ':method': 'POST', ':path': method, 'content-type': 'application/grpc', 'te': 'trailers' });
    const chunks: Buffer[] = [];
    let status: string | undefined;
    let message: string | undefined;
    const readStatus = (h: http2.IncomingHttpHeaders) => {
      if (h['grpc-status'] !== undefined) status = String(h['grpc-status']);
      if (h['grpc-message'] !== undefined) message = decodeURIComponent(String(h['grpc-message']));
    };
    req.on('response', readStatus);
    req.on('trailers', readStatus);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', fail);
    req.on('end', () => {
      clearTimeout(timer);
      client.close();
      if (status !== '0') return reject(new Error(`${method}: grpc-status ${status}: ${message}`));
      const buf = Buffer.concat(chunks);
      resolve(buf.subarray(5, 5 + buf.readUInt32BE(1)));
    });
    req.end(frame);
  });
}

function readVarint(buf: Buffer, pos: number): [number, number] {
  let result = 0;
  let mul = 1;
  for (;;) {
    const b = buf[pos++] as number;
    result += (b & 0x7f) * mul; // eslint-disable-line no-bitwise
    if (b < 0x80) return [result, pos];
    mul *= 128;
  }
}

/** Decodes a protobuf message into field number → length-delimited payloads (other wire types skipped). */
function decodeFields(buf: Buffer): Array<[number, Buffer]> {
  const out: Array<[number, Buffer]> = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    pos = p1;
    if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      out.push([field, buf.subarray(p2, p2 + len)]);
      pos = p2 + len;
    } else if (wire === 0) {
      pos = readVarint(buf, pos)[1];
    } else if (wire === 1) {
      pos += 8;
    } else if (wire === 5) {
      pos += 4;
    } else {
      throw new Error(`unsupported protobuf wire type ${wire}`);
    }
  }
  return out;
}

/**
 * `runtime.v1.RuntimeService/Status` with `verbose: true` (what `crictl
 * info` shows): the `info` map, whose `config` entry is the CRI plugin's
 * effective configuration as JSON.
 */
export async function criStatusInfo(socket: string): Promise<Record<string, string>> {
  const reply = await grpcUnary(socket, '/runtime.v1.RuntimeService/Status', Buffer.from([0x08, 0x01]));
  const info: Record<string, string> = {};
  for (const [field, payload] of decodeFields(reply)) {
    if (field !== 2) continue; // map<string, string> info = 2
    const entry = Object.fromEntries(decodeFields(payload).map(([f, v]) => [f, v.toString('utf8')]));
    info[entry[1] ?? ''] = entry[2] ?? '';
  }
  return info;
}
