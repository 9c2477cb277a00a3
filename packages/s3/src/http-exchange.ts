// One HTTP(S) request over a keep-alive agent with the transport's timeouts: a connect timeout for new sockets and
// an inactivity timeout per request; answers status, headers and the (small) response body.

import * as http from "node:http";
import * as https from "node:https";
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

export interface HttpTarget {
  readonly protocol: "http:" | "https:";
  readonly hostname: string;
  readonly port: number | undefined;
  readonly agent: http.Agent;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface HttpTimeouts {
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/** A timeout shaped like the SDK's (name TimeoutError), so error mapping treats both paths alike. */
export class RequestTimeoutError extends Error {
  override readonly name = "TimeoutError";
  readonly code = "ETIMEDOUT";
}

export function exchange(
  target: HttpTarget,
  method: string,
  path: string,
  headers: OutgoingHttpHeaders,
  body: Uint8Array | undefined,
  timeouts: HttpTimeouts,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const request = (target.protocol === "https:" ? https : http).request({
      agent: target.agent,
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method,
      path,
      headers,
    });
    let connectTimer: NodeJS.Timeout | undefined;
    request.on("socket", (socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(() => {
        request.destroy(
          new RequestTimeoutError(`could not connect to ${target.hostname} within ${timeouts.connectTimeoutMs} ms`),
        );
      }, timeouts.connectTimeoutMs);
      socket.once("connect", () => clearTimeout(connectTimer));
    });
    request.setTimeout(timeouts.requestTimeoutMs, () => {
      request.destroy(new RequestTimeoutError(`no data from ${target.hostname} for ${timeouts.requestTimeoutMs} ms`));
    });
    request.on("error", (error) => {
      clearTimeout(connectTimer);
      reject(error);
    });
    let answered = false;
    request.on("response", (response) => {
      answered = true;
      const pieces: Buffer[] = [];
      let ended = false;
      response.on("data", (piece: Buffer) => pieces.push(piece));
      response.on("error", reject);
      response.on("end", () => {
        ended = true;
        clearTimeout(connectTimer);
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces),
        });
      });
      // A connection closed mid-answer must fail the request (and be retried), never leave it pending.
      response.on("close", () => {
        if (!ended)
          reject(
            Object.assign(new Error(`connection to ${target.hostname} closed before the answer ended`), {
              code: "ECONNRESET",
            }),
          );
      });
    });
    request.on("close", () => {
      clearTimeout(connectTimer);
      if (!answered)
        reject(
          Object.assign(new Error(`connection to ${target.hostname} closed without an answer`), { code: "ECONNRESET" }),
        );
    });
    request.end(body);
  });
}
