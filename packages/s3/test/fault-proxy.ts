// A local HTTP proxy in front of the real RGW that injects failures on chosen requests (an S3 error answer, a
// dropped connection, a changed header or body) and passes everything else through unchanged, so RGW itself checks
// every signature. It records each request it saw, named by S3 operation, for tests to count attempts.

import { once } from "node:events";
import { Agent, createServer, type IncomingHttpHeaders, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";

export type S3Operation =
  | "PutObject"
  | "UploadPart"
  | "CreateMultipartUpload"
  | "CompleteMultipartUpload"
  | "AbortMultipartUpload"
  | "Other";

export interface SeenRequest {
  readonly operation: S3Operation;
  readonly method: string;
  /** The path and query as received. */
  readonly url: string;
  readonly partNumber: number | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly bodyBytes: number;
}

export type Fault =
  | { readonly answer: number; readonly code: string }
  | { readonly drop: true }
  | { readonly setHeader: string; readonly value: string }
  | { readonly flipBodyByte: true };

/** Decides the fault for a request; `attempt` counts (from 1) the requests seen with the same method and URL. */
export type FaultPlan = (request: SeenRequest, attempt: number) => Fault | undefined;

export interface FaultProxy {
  /** The proxy's endpoint URL, for a store URL's `endpoint=`. */
  readonly endpoint: string;
  readonly seen: SeenRequest[];
  /** The requests seen of one operation (and part number). */
  count(operation: S3Operation, partNumber?: number): number;
  close(): Promise<void>;
}

function operationOf(method: string, query: URLSearchParams): S3Operation {
  if (method === "PUT") return query.has("partNumber") ? "UploadPart" : "PutObject";
  if (method === "POST" && query.has("uploads")) return "CreateMultipartUpload";
  if (method === "POST" && query.has("uploadId")) return "CompleteMultipartUpload";
  if (method === "DELETE" && query.has("uploadId")) return "AbortMultipartUpload";
  return "Other";
}

export async function startFaultProxy(target: string, plan: FaultPlan): Promise<FaultProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const seen: SeenRequest[] = [];
  const attempts = new Map<string, number>();
  const server = createServer((incoming, outgoing) => {
    const pieces: Buffer[] = [];
    incoming.on("data", (piece: Buffer) => pieces.push(piece));
    incoming.on("end", () => {
      const body = Buffer.concat(pieces);
      const url = incoming.url ?? "/";
      const query = new URL(url, "http://proxy").searchParams;
      const method = incoming.method ?? "GET";
      const partNumber = query.has("partNumber") ? Number(query.get("partNumber")) : undefined;
      const request: SeenRequest = {
        operation: operationOf(method, query),
        method,
        url,
        partNumber,
        headers: incoming.headers,
        bodyBytes: body.length,
      };
      seen.push(request);
      const attemptKey = `${method} ${url}`;
      const attempt = (attempts.get(attemptKey) ?? 0) + 1;
      attempts.set(attemptKey, attempt);
      const fault = plan(request, attempt);
      if (fault !== undefined && "answer" in fault) {
        const xml = `<?xml version="1.0"?><Error><Code>${fault.code}</Code><Message>injected by the test proxy</Message></Error>`;
        outgoing.writeHead(fault.answer, {
          "Content-Type": "application/xml",
          "Content-Length": Buffer.byteLength(xml),
        });
        outgoing.end(xml);
        return;
      }
      if (fault !== undefined && "drop" in fault) {
        incoming.socket.destroy();
        return;
      }
      const headers = { ...incoming.headers };
      // Expect is never signed; the proxy has already read the whole body.
      delete headers.expect;
      if (fault !== undefined && "setHeader" in fault) headers[fault.setHeader] = fault.value;
      if (fault !== undefined && "flipBodyByte" in fault && body.length > 0) body[0] = body[0]! ^ 0xff;
      const forwarded = httpRequest(
        { agent, hostname: upstream.hostname, port: upstream.port, method, path: url, headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on("error", () => outgoing.socket?.destroy());
      forwarded.end(body);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    count: (operation, partNumber) =>
      seen.filter(
        (request) => request.operation === operation && (partNumber === undefined || request.partNumber === partNumber),
      ).length,
    close: async () => {
      server.closeAllConnections();
      server.close();
      agent.destroy();
    },
  };
}
